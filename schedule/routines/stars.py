"""Stars: what a finished routine or a chore done brings, settled when it is
ticked or unticked, and rewards given or taken back. The ledger is only ever
added to."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from schedule import planner
from schedule.chores.models import Chore, ChoreAssignee, ChoreDone
from schedule.common import household, recurrence
from schedule.family.models import Member
from schedule.family.selectors import load_away
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineStep,
    StarEntry,
    StarKind,
    StarRules,
    StepDone,
    Totals,
    snapshot_titles,
)


class NotEnoughStars(Exception):
    def __init__(self, balance: int) -> None:
        super().__init__(balance)
        self.balance = balance


class CannotTakeBack(Exception):
    """The row is itself a taking back, or was already taken back."""


def _lock(member_id: int) -> None:
    """Serialise one child's ticks and stars. PostgreSQL locks the member's row;
    SQLite's transactions are IMMEDIATE (settings.py), so the first write lock
    already waits for any other writer."""
    list(Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True))


def settle_routine(routine: Routine, member: Member, day: date) -> None:
    """The child's stars for `routine` on `day`: its stars once every step is done."""
    rules = StarRules.load()
    if not rules.enabled or not member.collects_stars:
        return
    steps = RoutineStep.objects.filter(routine=routine).count()
    done = StepDone.objects.filter(step__routine=routine, member=member, date=day).count()
    worth = rules.stars_for(routine) if steps and done >= steps else 0
    _settle(member, day, StarKind.ROUTINE, worth, snapshot_titles(routine), routine=routine)


def settle_chore(chore: Chore, day: date) -> None:
    """The stars of each child whose job `chore` is on `day`: the rule's once it is done."""
    rules = StarRules.load()
    if not rules.enabled:
        return
    assigned = tuple(
        ChoreAssignee.objects.filter(chore=chore)
        .order_by("order", "id")
        .values_list("member_id", flat=True)
    )
    try:
        # Whoever took the turn: an away child's turn went to the next one home.
        whose = planner.takers(
            assigned, chore.rotate, chore.recurrence(), day, load_away(set(assigned))
        )
    except (recurrence.RecurrenceError, ValueError):
        return  # a rule saved around validation: no wall shows it, no stars
    worth = rules.per_chore if ChoreDone.objects.filter(chore=chore, date=day).exists() else 0
    for member in Member.objects.filter(pk__in=whose, collects_stars=True):
        _lock(member.pk)
        _settle(member, day, StarKind.CHORE, worth, snapshot_titles(chore), chore=chore)


def _settle(
    member: Member, day: date, kind: str, worth: int, what: tuple[str, str], **cause: Any
) -> None:
    these = StarEntry.objects.filter(member=member, date=day, kind=kind, **cause)
    rows = list(these.values_list("pk", "amount", "corrects_id"))
    # A subquery, not the ids: a chore ticked and unticked all day has a row
    # per tap, and each length of an IN list is another SQL text that SQLite
    # prepares and keeps (128 of them grew a worker by 100 MB).
    if any(corrects for *_row, corrects in rows) or (
        StarEntry.objects.filter(corrects__in=these).exists()
    ):
        return  # a parent took a star back here: theirs to decide, not a tick's
    so_far = sum(amount for _pk, amount, _corrects in rows)
    if worth != so_far:
        StarEntry.objects.create(
            member=member,
            date=day,
            kind=kind,
            amount=worth - so_far,
            what_ja=what[0],
            what_en=what[1],
            **cause,
        )


def give_reward(reward: Reward, member: Member, day: date | None = None) -> StarEntry:
    """Spend a child's stars on a reward a parent gives; never below zero."""
    with transaction.atomic():
        _lock(member.pk)
        balance = StarEntry.totals([member.pk]).get(member.pk, Totals()).balance
        if balance < reward.price:
            raise NotEnoughStars(balance)
        what = snapshot_titles(reward)
        return StarEntry.objects.create(
            member=member,
            date=day or household.today(),
            kind=StarKind.REWARD,
            amount=-reward.price,
            reward=reward,
            what_ja=what[0],
            what_en=what[1],
        )


def take_back(entry: StarEntry) -> StarEntry:
    """Cancel a ledger row given by mistake with a row of the opposite sign; both stay."""
    with transaction.atomic():
        _lock(entry.member_id)
        if entry.corrects_id is not None or entry.corrections.exists():
            raise CannotTakeBack
        return StarEntry.objects.create(
            member_id=entry.member_id,
            date=entry.date,
            kind=entry.kind,
            amount=-entry.amount,
            routine_id=entry.routine_id,
            chore_id=entry.chore_id,
            reward_id=entry.reward_id,
            corrects=entry,
            what_ja=entry.what_ja,
            what_en=entry.what_en,
        )
