"""The Japan Meteorological Agency's forecast and warnings, read from its
keyless JSON documents (www.jma.go.jp/bosai).

The forecast document (forecast/data/forecast/<office>.json) is an array of
two reports, the short-range one and the week's; each has `timeSeries`,
whose `areas` run parallel to `timeDefines`. Numbers are strings, missing ones
"". The series are told apart by what their areas carry (weatherCodes, pops,
temps, tempsMin/tempsMax) and areas are matched by code, never by position,
so a reordered or extended document still reads. Its structure is verified on
a whole recorded document (tests/fixtures/jma/).

The warnings document (warning/data/warning/<office>.json) is UNVERIFIED: no
raw copy was available, only third-party descriptions (see
tests/fixtures/jma/README.md). What is read: `reportDatetime`, and in each
`areaTypes[].areas[]` the area whose `code` is the family's municipality (or
else its class10 area), with `warnings[]` of `{code, status}`. A warning is
taken to be in force unless its status says 解除 (lifted) or なし (none); an
entry without a code, or anything that is not the expected shape, is passed
over. `timeSeries` (a forecast of warnings) is not read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from schedule.calendars.fetch import SyncProblem
from schedule.weather import documents
from schedule.weather.documents import (
    CLOUD,
    RAIN,
    SNOW,
    SUN,
    DayForecast,
    Forecast,
    InForce,
    Warnings,
)
from schedule.weather.jma_weather_codes import WEATHER_CODES

BASE = "https://www.jma.go.jp/bosai"
GROUPS = {"1": SUN, "2": CLOUD, "3": RAIN, "4": SNOW}
LIFTED = ("解除", "なし")


def forecast_url(office: str) -> str:
    return f"{BASE}/forecast/data/forecast/{office}.json"


def warnings_url(office: str) -> str:
    return f"{BASE}/warning/data/warning/{office}.json"


def picture(code: str) -> tuple[str, str, str]:
    """(picture, Japanese label, English label) of a weather code; an unknown
    code is drawn by its hundreds (JMA's groups), with no label."""
    known = WEATHER_CODES.get(code)
    if known is not None:
        group, ja, en = known
        return GROUPS.get(group[:1], ""), ja, en
    return GROUPS.get(code[:1], "") if len(code) == 3 and code.isdigit() else "", "", ""


def parse_forecast(body: bytes, area: str, point: str = "") -> Forecast:
    """The days of `area` (a class10 code, 130010) with the temperatures of
    `point` (an AMeDAS code, 44132; "" for the document's first)."""
    doc = documents.read_json(body)
    if not isinstance(doc, list) or not doc or not all(isinstance(r, dict) for r in doc):
        raise SyncProblem("not_weather", "not a JMA forecast (an array of reports)")
    reported_at = documents.moment(doc[0].get("reportDatetime"))
    if reported_at is None:
        raise SyncProblem("not_weather", "no reportDatetime")
    series = [
        (bool(weekly), each)
        for weekly, report in enumerate(doc[:2])
        for each in _list(report.get("timeSeries"))
        if isinstance(each, dict)
    ]
    points = _points(each for _weekly, each in series)
    point = point or next(iter(points), "")
    days: dict[date, dict[str, Any]] = defaultdict(dict)
    # The short-range report first: the week's only fills what it leaves out.
    for weekly, each in series:
        times = [documents.moment(t) for t in _list(each.get("timeDefines"))]
        for entry in _list(each.get("areas")):
            code = _code(entry)
            if code == area:
                _area_values(entry, times, weekly, days)
            elif code == point:
                _point_values(entry, times, reported_at, days)
    if not any("code" in values for values in days.values()):
        raise SyncProblem("not_weather", f"area {area} is not in the forecast")
    return Forecast(
        reported_at,
        tuple(_day(day, values) for day, values in sorted(days.items()) if "code" in values),
        tuple(points.items()),
    )


def _code(entry: Any) -> str:
    """An area entry's code ("" for anything that is not one)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("area"), dict):
        return ""
    return str(entry["area"].get("code", ""))[:10]


def _points(series) -> dict[str, str]:
    """The temperature points, (code: name) in the document's order."""
    found: dict[str, str] = {}
    for each in series:
        for entry in _list(each.get("areas")):
            if _code(entry) and ("temps" in entry or "tempsMax" in entry):
                found.setdefault(_code(entry), documents.text(entry["area"].get("name")))
    return found


def _area_values(entry: dict, times: list, weekly: bool, days: dict) -> None:
    codes = _list(entry.get("weatherCodes"))
    texts = _list(entry.get("weathers"))
    pops = _list(entry.get("pops"))
    for n, at in enumerate(times):
        if at is None:
            continue
        values = days[at.date()]
        if n < len(codes) and isinstance(codes[n], str) and codes[n] and "code" not in values:
            values["code"] = codes[n].strip()[:3]
            if n < len(texts):
                values["text"] = " ".join(documents.text(texts[n]).replace("\u3000", " ").split())
        chance = documents.percent(pops[n]) if n < len(pops) else None
        if chance is None:
            continue
        if not weekly:  # six-hour periods: the day's chance is its highest
            values["pops"] = max(values.get("pops", 0), chance)
        elif "pops" not in values:
            values["pops"] = chance


def _point_values(entry: dict, times: list, reported_at: datetime, days: dict) -> None:
    temps = _list(entry.get("temps"))
    for n, at in enumerate(times):
        if at is None or n >= len(temps):
            continue
        value = documents.whole(temps[n])
        # JMA's convention: 00:00 is the morning's low, 09:00 the day's high. A
        # low whose morning is already past when the report was made is not a
        # forecast any more (the 5:00 report repeats the high there).
        if at.hour == 0 and at >= reported_at:
            days[at.date()].setdefault("low", value)
        elif at.hour == 9:
            days[at.date()].setdefault("high", value)
    for key, field in (("tempsMin", "low"), ("tempsMax", "high")):
        values = _list(entry.get(key))
        for n, at in enumerate(times):
            if at is not None and n < len(values) and days[at.date()].get(field) is None:
                days[at.date()][field] = documents.whole(values[n])


def _day(day: date, values: dict[str, Any]) -> DayForecast:
    code = values["code"]
    shown, ja, en = picture(code)
    return DayForecast(
        date=day,
        picture=shown,
        code=code,
        text_ja=values.get("text") or ja,
        text_en=en,
        high=values.get("high"),
        low=values.get("low"),
        rain_chance=values.get("pops"),
    )


def parse_warnings(body: bytes, areas: tuple[str, ...]) -> Warnings:
    """What is in force for the first of `areas` (municipality, then class10)
    the document lists. UNVERIFIED structure: see the module's docstring."""
    doc = documents.read_json(body)
    if not isinstance(doc, dict):
        raise SyncProblem("not_weather", "not a JMA warnings document (an object)")
    reported_at = documents.moment(doc.get("reportDatetime"))
    if reported_at is None:
        raise SyncProblem("not_weather", "no reportDatetime")
    found: dict[str, list[InForce]] = {}
    for area_type in _list(doc.get("areaTypes")):
        for entry in _list(area_type.get("areas") if isinstance(area_type, dict) else None):
            # An area whose warnings are not a list says nothing: not "none in force".
            if (
                isinstance(entry, dict)
                and str(entry.get("code", "")) in areas
                and isinstance(entry.get("warnings"), list)
            ):
                found.setdefault(str(entry["code"]), _in_force(entry["warnings"]))
    for area in areas:
        if area in found:
            return Warnings(reported_at, area, tuple(found[area]), _headline(doc))
    raise SyncProblem("not_weather", f"area {'/'.join(areas)} is not in the warnings")


def _in_force(warnings: Any) -> list[InForce]:
    found: dict[str, InForce] = {}
    for warning in _list(warnings):
        if not isinstance(warning, dict):
            continue
        code = warning.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = f"{code:02d}"
        if not isinstance(code, str) or not code.strip():
            continue  # "発表警報・注意報はなし" has no code: nothing in force
        status = documents.text(warning.get("status"))
        if any(word in status for word in LIFTED):
            continue
        found.setdefault(code.strip()[:8], InForce(code.strip()[:8], status))
    return list(found.values())


def _headline(doc: dict) -> str:
    return documents.text(doc.get("headlineText"))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
