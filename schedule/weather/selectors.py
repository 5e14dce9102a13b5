"""Today's and tomorrow's weather, and the warnings in force at a moment, as
plain frozen data for the wall, the bags and the nudges.

Only what the worker stored is read: no network here, ever. Nothing stored,
or something stored for another place: None / nothing known, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import pgettext

from schedule.common.household import in_both
from schedule.weather import warning_codes
from schedule.weather.documents import CLOUD, RAIN, SNOW, SUN, DayForecast, Forecast, Warnings
from schedule.weather.models import WeatherPlace, WeatherReport

# A forecast older than this is shown as old (when it was made, beside it): JMA
# publishes three a day, so a day's worth is a few missed in a row.
FORECAST_STALE = timedelta(hours=24)
# Warnings last confirmed longer ago than this are not known any more: the
# worker asks every WEATHER_SYNC_MINUTES, so this is hours without a network.
WARNINGS_STALE = timedelta(hours=3)


def _words(picture: str) -> str:
    words = {
        SUN: pgettext("weather", "Sunny"),
        CLOUD: pgettext("weather", "Cloudy"),
        RAIN: pgettext("weather", "Rain"),
        SNOW: pgettext("weather", "Snow"),
    }
    return words.get(picture, "")


@dataclass(frozen=True)
class DayWeather:
    date: date
    picture: str  # "sun", "cloud", "rain", "snow" (the icons' names), or "" unknown
    word_ja: str  # はれ / Sunny: the picture in a word
    word_en: str
    text_ja: str  # the forecaster's own words, when there are any
    text_en: str
    high: int | None
    low: int | None
    rain_chance: int | None


@dataclass(frozen=True)
class Weather:
    today: DayWeather | None
    tomorrow: DayWeather | None
    reported_at: datetime
    age: timedelta  # since the report was made
    stale: bool


def _day(day: DayForecast) -> DayWeather:
    word_ja, word_en = in_both(lambda: _words(day.picture))
    return DayWeather(
        date=day.date,
        picture=day.picture,
        word_ja=word_ja,
        word_en=word_en,
        text_ja=day.text_ja or word_ja,
        text_en=day.text_en or word_en,
        high=day.high,
        low=day.low,
        rain_chance=day.rain_chance,
    )


def kept_forecast(place: WeatherPlace | None = None) -> Forecast | None:
    place = place if place is not None else WeatherPlace.load()
    if place is None or not place.enabled:
        return None
    row = (
        WeatherReport.objects.filter(kind=WeatherReport.Kind.FORECAST, place=place.forecast_key)
        .order_by("-reported_at")
        .values_list("reported_at", "data")
        .first()
    )
    return Forecast.from_json(row[0], row[1]) if row else None


def weather_from(forecast: Forecast | None, moment: datetime) -> Weather | None:
    """The forecast's today and tomorrow (as `moment` counts them), with its age."""
    if forecast is None:
        return None
    today = moment.date()
    found = [forecast.day(day) for day in (today, today + timedelta(days=1))]
    age = max(timedelta(0), moment - forecast.reported_at)
    return Weather(
        today=_day(found[0]) if found[0] else None,
        tomorrow=_day(found[1]) if found[1] else None,
        reported_at=forecast.reported_at,
        age=age,
        stale=age > FORECAST_STALE,
    )


def weather_at(moment: datetime, place: WeatherPlace | None = None) -> Weather | None:
    """weather_from() the kept forecast, read now."""
    return weather_from(kept_forecast(place), moment)


@dataclass(frozen=True)
class WarningView:
    code: str
    name_ja: str  # 暴風警報 (JMA's name), or "気象庁の警報 29" for a code Hibi does not know
    name_en: str
    reading: str  # the Japanese name in kana, for furigana ("" when unknown)
    plain_ja: str  # a child's words: かぜが とても つよい
    plain_en: str
    picture: str  # an icon: wind, rain, snow, wave, storm, warning
    level: int  # warning_codes.ADVISORY, WARNING or SPECIAL
    status: str  # as JMA gave it: 発表, 継続…

    @property
    def is_warning(self) -> bool:
        """A warning or an emergency warning, not an advisory: the wall's banner."""
        return self.level >= warning_codes.WARNING


@dataclass(frozen=True)
class WarningsNow:
    moment: datetime
    known: bool  # False: nothing recent was read, so nothing can be said
    reported_at: datetime | None
    in_force: tuple[WarningView, ...] = ()  # the most serious first

    @property
    def banner(self) -> tuple[WarningView, ...]:
        return tuple(w for w in self.in_force if w.is_warning)


def view_of(code: str, status: str = "") -> WarningView:
    kind = warning_codes.kind_of(code)
    if kind is None:
        name_ja, name_en = in_both(lambda: warning_codes.unknown_name(code))
        plain_ja, plain_en = in_both(lambda: warning_codes.plain("", warning_codes.WARNING))
        return WarningView(
            code, name_ja, name_en, "", plain_ja, plain_en, warning_codes.OTHER,
            warning_codes.WARNING, status,
        )  # fmt: skip
    name_ja, name_en = in_both(lambda: kind.name)
    plain_ja, plain_en = in_both(lambda: warning_codes.plain(kind.picture, kind.level))
    return WarningView(
        code, name_ja, name_en, kind.reading, plain_ja, plain_en, kind.picture, kind.level,
        status,
    )  # fmt: skip


@dataclass(frozen=True)
class KeptWarnings:
    """One kept report: what JMA said was in force, and when a fetch last found it so."""

    reported_at: datetime
    checked_at: datetime
    warnings: Warnings


def load_warnings(place: WeatherPlace | None) -> tuple[KeptWarnings, ...]:
    """Every kept report for the place (a few days' worth: weather/sync.py prunes),
    oldest first; none when the place has no warnings."""
    if place is None or not place.enabled or not place.has_warnings:
        return ()
    rows = (
        WeatherReport.objects.filter(kind=WeatherReport.Kind.WARNINGS, place=place.warnings_key)
        .order_by("reported_at")
        .values_list("reported_at", "checked_at", "data")
    )
    return tuple(
        KeptWarnings(reported, checked, Warnings.from_json(reported, data))
        for reported, checked, data in rows
    )


def warnings_from(reports: tuple[KeptWarnings, ...], moment: datetime) -> WarningsNow:
    """What was in force at `moment`: JMA's last report made by then, if the
    worker confirmed it recently enough (or a later report replaced it)."""
    made = [report for report in reports if report.reported_at <= moment]
    if not made:
        return WarningsNow(moment, False, None)
    last = made[-1]
    replaced = len(made) < len(reports)
    if not replaced and moment - last.checked_at > WARNINGS_STALE:
        return WarningsNow(moment, False, last.reported_at)
    views = sorted(
        (view_of(w.code, w.status) for w in last.warnings.in_force),
        key=lambda view: (-view.level, view.code),
    )
    return WarningsNow(moment, True, last.reported_at, tuple(views))


def warnings_at(moment: datetime, place: WeatherPlace | None = None) -> WarningsNow:
    """warnings_from() the kept reports, read now."""
    place = place if place is not None else WeatherPlace.load()
    return warnings_from(load_warnings(place), moment)
