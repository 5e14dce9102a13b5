"""A forecast and the warnings in force, as plain data: what a provider's
document is read into, what is stored (as JSON) and what the selectors hand on.

Whatever a provider sends, the rest of Hibi sees only these: a day's picture
(sun / cloud / rain / snow), its highest and lowest temperature and its chance
of rain, and the warnings in force for the family's area by their JMA code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from schedule.calendars.fetch import SyncProblem

SUN, CLOUD, RAIN, SNOW = "sun", "cloud", "rain", "snow"
PICTURES = (SUN, CLOUD, RAIN, SNOW)
# A parsed JSON document larger than this many values is refused: the bytes
# are capped by the fetch, this caps what they can unpack into in memory.
MOST_VALUES = 200_000


@dataclass(frozen=True)
class DayForecast:
    date: date
    picture: str  # one of PICTURES, or "" when the provider's code is unknown
    code: str = ""  # the provider's own weather code
    text_ja: str = ""  # the provider's words, when it has them
    text_en: str = ""
    high: int | None = None  # °C
    low: int | None = None
    rain_chance: int | None = None  # %, the highest of the day's periods


@dataclass(frozen=True)
class Forecast:
    reported_at: datetime
    days: tuple[DayForecast, ...]
    # The temperature points (AMeDAS code, name) the document names: the
    # admin offers them, since JMA's area list does not have them.
    points: tuple[tuple[str, str], ...] = ()

    def day(self, wanted: date) -> DayForecast | None:
        return next((day for day in self.days if day.date == wanted), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "days": [
                {
                    "date": day.date.isoformat(),
                    "picture": day.picture,
                    "code": day.code,
                    "text_ja": day.text_ja,
                    "text_en": day.text_en,
                    "high": day.high,
                    "low": day.low,
                    "rain_chance": day.rain_chance,
                }
                for day in self.days
            ],
            "points": [list(point) for point in self.points],
        }

    @classmethod
    def from_json(cls, reported_at: datetime, data: Any) -> Forecast:
        """What was stored; a row damaged by hand reads as no days, never an error."""
        days = []
        rows = data.get("days") if isinstance(data, dict) else None
        for row in rows if isinstance(rows, list) else []:
            try:
                days.append(
                    DayForecast(
                        date=date.fromisoformat(row["date"]),
                        picture=_text(row.get("picture")) if row.get("picture") in PICTURES else "",
                        code=_text(row.get("code")),
                        text_ja=_text(row.get("text_ja")),
                        text_en=_text(row.get("text_en")),
                        high=_whole(row.get("high")),
                        low=_whole(row.get("low")),
                        rain_chance=_percent(row.get("rain_chance")),
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        points = data.get("points") if isinstance(data, dict) else None
        points = points if isinstance(points, list) else []
        return cls(
            reported_at,
            tuple(days),
            tuple(
                (str(p[0]), str(p[1]))
                for p in points
                if isinstance(p, list | tuple) and len(p) == 2
            ),
        )


@dataclass(frozen=True)
class InForce:
    """One warning or advisory in force, by its JMA code and the status JMA gave it."""

    code: str
    status: str = ""


@dataclass(frozen=True)
class Warnings:
    reported_at: datetime
    area: str  # the area (municipality or class10) they were read for
    in_force: tuple[InForce, ...] = ()
    headline: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "in_force": [[w.code, w.status] for w in self.in_force],
            "headline": self.headline,
        }

    @classmethod
    def from_json(cls, reported_at: datetime, data: Any) -> Warnings:
        data = data if isinstance(data, dict) else {}
        rows = data.get("in_force")
        return cls(
            reported_at,
            _text(data.get("area")),
            tuple(
                InForce(_text(row[0]), _text(row[1]))
                for row in (rows if isinstance(rows, list) else [])
                if isinstance(row, list) and len(row) == 2
            ),
            _text(data.get("headline")),
        )


def read_json(body: bytes) -> Any:
    """The document as Python values; SyncProblem if it is not JSON or too large."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SyncProblem("not_weather", "not UTF-8") from None
    # A rough count before parsing: JSON's values are separated by these.
    if text.count(",") + text.count(":") > MOST_VALUES:
        raise SyncProblem("not_weather", f"more than {MOST_VALUES} values")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SyncProblem("not_weather", f"not JSON: {exc}"[:200]) from None


def moment(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset, else None (a time without one is no time)."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _text(value: Any) -> str:
    return value.strip()[:200] if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    """A number as JMA writes it (a string, "" when missing) or as JSON does."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None  # no NaN


def _whole(value: Any) -> int | None:
    """A temperature, in whole degrees: none that is not one on Earth."""
    number = _number(value)
    return round(number) if number is not None and -90 <= number <= 70 else None


def _percent(value: Any) -> int | None:
    number = _number(value)
    return round(number) if number is not None and 0 <= number <= 100 else None


whole = _whole
percent = _percent
text = _text
