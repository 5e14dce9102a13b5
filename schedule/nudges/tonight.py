"""What the phones hear of tonight and tomorrow: the children's bags (with the
weather) in the evening nudge, and a nudge when a warning calls a block off.

sending.py asks here; the bags, the weather and the call-offs are their
rooms' selectors, so the phone and the wall always say the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils import translation
from django.utils.translation import gettext as _

from schedule import planner
from schedule.bags.selectors import Bag, bags_on
from schedule.nudges.models import NudgeTarget
from schedule.weather.calloffs import CallOff, called_off
from schedule.weather.selectors import DayWeather, weather_at


def tomorrow_of(household: planner.Household, day: date, at: datetime):
    """Tomorrow's bags and weather, as seen at `at` on `day`."""
    tomorrow = day + timedelta(days=1)
    weather = weather_at(at)
    forecast = weather.tomorrow if weather is not None and weather.tomorrow else None
    if forecast is not None and forecast.date != tomorrow:
        forecast = None
    return bags_on(tomorrow, household.events, forecast), forecast


def weather_line(day: DayWeather, lang: str) -> str:
    word = day.word_ja if lang == "ja" else day.word_en
    parts = [word or (day.text_ja if lang == "ja" else day.text_en)]
    if day.high is not None and day.low is not None:
        parts.append(f"{day.high}°/{day.low}°")
    elif day.high is not None:
        parts.append(f"{day.high}°")
    if day.rain_chance is not None:
        parts.append(_("rain %(percent)s%%") % {"percent": day.rain_chance})
    return _("Tomorrow's weather: %(weather)s") % {"weather": " ".join(p for p in parts if p)}


def bag_lines(
    bags: tuple[Bag, ...], weather: DayWeather | None, target: NudgeTarget, lang: str
) -> list[str]:
    """One line per child whose bag has something (only the target's own child
    for a member's phone), after the weather."""
    lines = []
    for bag in bags:
        if target.member_id is not None and target.member_id != bag.member_id:
            continue
        if bag.things:
            things = "・".join(thing.title(lang) for thing in bag.things)
            values = {"name": bag.name(lang), "things": things}
            lines.append(_("%(name)s's bag: %(things)s") % values)
    if lines and weather is not None:
        lines.insert(0, weather_line(weather, lang))
    return lines


def _languages(mode: str) -> tuple[str, ...]:
    return {"ja": ("ja",), "en": ("en",)}.get(mode, ("ja", "en"))


def _in_each_language(mode: str, write: Callable[[str], str]) -> str:
    lines: list[str] = []
    for lang in _languages(mode):
        with translation.override(lang):
            text = write(lang)
        if text not in lines:
            lines.append(text)
    return "\n".join(lines)


def call_off_text(call_off: CallOff, lang: str) -> str:
    titles = "・".join(planner.pick(b.title_ja, b.title_en, lang) for b in call_off.blocks)
    reason = call_off.reason_ja if lang == "ja" else call_off.reason_en
    return f"{titles}: {reason}"


def call_offs_decided(
    household: planner.Household,
    days: tuple[date, ...],
    now: datetime,
    in_window: Callable[[datetime], bool],
) -> list[CallOff]:
    """The call-offs decided in the window that ask for a nudge (sending.py
    sends one to the family's phones and to the phone of whom it concerns)."""
    return [
        call_off
        for day in days
        for call_off in called_off(day, now, household)
        if call_off.decided and call_off.nudge and in_window(call_off.decide_at)
    ]


def call_off_title(lang: str) -> str:
    return _("Called off")
