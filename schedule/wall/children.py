"""A child's part of the wall: the routine of the current block (the step to do
drawn big, "Done!", the steps as small pictures) and the stars with the reward
saved for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from schedule import planner
from schedule.wall.cards import Chip, _chips, _icon
from schedule.wall.texts import (
    Text,
    ms,
    texts,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class StepCard:
    titles: tuple[Text, ...]
    icon: str
    done: bool
    current: bool


@dataclass(frozen=True)
class RoutineCard:
    """One child's routine in the current block: the step to do drawn big, a
    button to say it is done, the steps done and to come as small pictures."""

    member: Chip
    member_id: int
    titles: tuple[Text, ...]
    colour: str  # the block's
    steps: tuple[StepCard, ...]
    current: StepCard | None  # None once every step is done
    done_count: int
    tick_url: str  # ticks the current step ("" when finished)
    undo_url: str  # unticks the last step done ("" before the first)
    stars: int  # what finishing it brings
    then_titles: tuple[Text, ...] = ()  # what comes after it for this child
    then_icon: str = ""
    # ms: when the current step should be done, by the minutes of it and the
    # steps before it (0 unless each has minutes); the wall cues it then.
    until: int = 0
    undo_icon: str = ""  # the picture of the step the undo button takes back


@dataclass(frozen=True)
class StarCard:
    """A child's stars and the reward they save for: small, not a leaderboard."""

    member: Chip
    balance: int
    goal_titles: tuple[Text, ...]
    goal_icon: str
    goal_price: int
    percent: int  # towards the goal


def _step_url(token: str, step: planner.StepView, day: date, at: str) -> str:
    url = reverse("wall-step", args=[token, step.step.id, day])
    return url + (f"?{urlencode({'at': at})}" if at else "")


def routine_cards(
    view: planner.DayView, mode: str, token: str, at: str, readings: bool
) -> tuple[RoutineCard, ...]:
    """The routines of the current blocks, a card for each child."""

    def shown_reading(reading: str) -> str:
        return reading if readings else ""

    cards = []
    for block in view.current:
        for r in block.routines:
            steps = tuple(
                StepCard(
                    texts(s.step.title_ja, s.step.title_en, mode, shown_reading(s.step.reading)),
                    _icon(s.step.icon, "star"),
                    s.done,
                    s.current,
                )
                for s in r.steps
            )
            current = next((c for c in steps if c.current), None)
            last_done = next((s for s in reversed(r.steps) if s.done), None)
            then = r.then
            cards.append(
                RoutineCard(
                    member=_chips((r.member,), mode)[0],
                    member_id=r.member.id,
                    titles=texts(r.routine.title_ja, r.routine.title_en, mode),
                    colour=block.colour,
                    steps=steps,
                    current=current,
                    done_count=r.done_count,
                    tick_url=_step_url(token, r.current, r.day, at) if r.current else "",
                    undo_url=_step_url(token, last_done, r.day, at) if last_done else "",
                    stars=r.stars,
                    then_titles=texts(then.title_ja, then.title_en, mode) if then else (),
                    then_icon=_icon(then.icon, "star") if then else "",
                    until=ms(r.current.until) if r.current and r.current.until else 0,
                    undo_icon=_icon(last_done.step.icon, "star") if last_done else "",
                )
            )
    return tuple(cards)


def star_cards(view: planner.DayView, mode: str) -> tuple[StarCard, ...]:
    cards = []
    for s in view.stars:
        goal = s.goal
        cards.append(
            StarCard(
                member=_chips((s.member,), mode)[0],
                balance=s.balance,
                goal_titles=texts(goal.title_ja, goal.title_en, mode) if goal else (),
                goal_icon=_icon(goal.icon, "gift") if goal else "",
                goal_price=goal.price if goal else 0,
                percent=round(100 * s.progress),
            )
        )
    return tuple(cards)
