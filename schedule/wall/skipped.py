"""The usual collections that are off: "燃やすごみ · きょうは なし · 年末年始".

A family used to burnables on Thursdays looks for them on Thursday morning.
When the rule names the day but a closure or a holiday took the collection
elsewhere (or dropped it), or the city called it off, the wall says which
collection and why: today's in the chores' list, tomorrow's in the evening
box. What is off is the planner's answer (DayView.moved_away,
tomorrow_moved_away, a chore's `cancelled`); this module only words it.
"""

from __future__ import annotations

from dataclasses import dataclass

from schedule import planner
from schedule.common import collection
from schedule.wall.cards import _icon
from schedule.wall.texts import SHORT_DATE_FORMATS, Text, formatted_date, label, texts


@dataclass(frozen=True)
class OffCard:
    """A collection the family would expect, which is not on that day."""

    titles: tuple[Text, ...]
    icon: str
    says: tuple[Text, ...]  # "きょうは なし · No collection today"
    why: tuple[Text, ...]  # the closure's or the holiday's name, or "cancelled"
    instead: tuple[Text, ...] = ()  # "かわりに 1/7 (木)": where it went, if anywhere
    # It would have been due within the hour: kept in sight beside a routine.
    soon: bool = False


def off_cards(
    moved: tuple[planner.MovedAway, ...],
    called_off: tuple[planner.ChoreView, ...],
    mode: str,
    readings: bool,
    tomorrow: bool = False,
    soon: tuple[planner.MovedAway, ...] = (),
) -> tuple[OffCard, ...]:
    """The day's collections that are off (`tomorrow`: said of tomorrow), by
    the time they would have been due."""
    cards = []
    for gone in sorted(moved, key=lambda m: (m.due is None, m.due.timestamp() if m.due else 0.0)):
        fate = gone.fate
        why: tuple[Text, ...] = ()
        if fate.reason == collection.CLOSURE and fate.closure is not None:
            why = texts(fate.closure.name_ja, fate.closure.name_en, mode)
        elif gone.holiday is not None:
            why = texts(gone.holiday.name_ja, gone.holiday.name_en, mode)
        instead: tuple[Text, ...] = ()
        if fate.day is not None:
            day = formatted_date(fate.day, mode, SHORT_DATE_FORMATS)[0]
            instead = label("instead_on", mode, day=day.text)[:1]
        cards.append(_card(gone.chore, mode, readings, tomorrow, why, instead, gone in soon))
    for chore in called_off:
        if chore.cancelled:
            cards.append(_card(chore.chore, mode, readings, tomorrow, label("cancelled", mode)))
    return tuple(cards)


def _card(
    chore: planner.ChoreData,
    mode: str,
    readings: bool,
    tomorrow: bool,
    why: tuple[Text, ...],
    instead: tuple[Text, ...] = (),
    soon: bool = False,
) -> OffCard:
    if chore.garbage:
        says = label("off_tomorrow" if tomorrow else "off_today", mode)
    else:
        says = label("not_tomorrow" if tomorrow else "not_today", mode)
    return OffCard(
        titles=texts(chore.title_ja, chore.title_en, mode, chore.reading if readings else ""),
        icon=_icon(chore.icon, "star"),
        says=says,
        why=why,
        instead=instead,
        soon=soon,
    )
