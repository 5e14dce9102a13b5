"""Writes that touch several rows or must hold under races, in one place for every caller.

Views, the admin and the commands call these instead of writing the rows
themselves, so the rules of a write (what else changes with it, what happens
when two tablets do it at once) are stated once. A tick is a transaction of
its own that takes the revision row before any other, and is tried again
whole if the database still gives up on it (writes.py).

Stars: a child's ledger is only ever added to. A tick settles the one thing
it touched (a routine, a chore) for that child and day: the rows written for
it so far add up to what it is worth now (its stars once finished or done,
0 once unticked), and a row makes up any difference. A thing a parent took a
star back from is theirs to decide, and settling leaves it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from schedule import planner
from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage.models import ChoreCancellation, Closure
from schedule.chores.models import Chore, ChoreAssignee, ChoreDone
from schedule.common import household, recurrence, validation
from schedule.common.models import SUNDAY, Revision
from schedule.common.writes import atomic_write
from schedule.family.models import Display, Member
from schedule.plans.models import Block, Plan, PlanOverride
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineAssignment,
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


def change_block(block: Block, moves: dict[Block, tuple[time, time]]) -> None:
    """Save one block changed on its own page, the following blocks it shifted, and
    its plan's version (a plan page opened before this change must not save over it).

    Call inside the transaction that checked the plan's version.
    """
    block.save()
    for other, (start, end) in moves.items():
        other.start, other.end = start, end
        other.save(update_fields=["start", "end"])
    Plan.objects.filter(pk=block.plan_id).update(version=F("version") + 1)


@atomic_write
def tick_chore(chore: Chore, day: date, done: bool, display: Display | None = None) -> None:
    """Mark a chore done or not done on a day; the same answer whatever the order of taps.

    Two tablets ticking and unticking the same chore at once must never fail:
    the insert skips a row that is already there (the unique constraint
    decides; the read before it only spares the walls a redraw), and deleting
    a row that another tap just deleted deletes nothing.
    """
    if done:
        if ChoreDone.objects.filter(chore=chore, date=day).exists():
            return  # a second tap: nothing changes, no wall redraws
        ChoreDone.objects.bulk_create(
            [ChoreDone(chore=chore, date=day, display=display)], ignore_conflicts=True
        )
        # bulk_create sends no post_save, and the walls must redraw.
        Revision.bump(plans=False)
    elif not ChoreDone.objects.filter(chore=chore, date=day).delete()[0]:
        return
    settle_chore(chore, day)


@atomic_write
def tick_step(
    step: RoutineStep, member: Member, day: date, done: bool, display: Display | None = None
) -> None:
    """Mark a routine's step done or not done for a child on a day; safe to repeat.

    Like a chore's tick: a second tap, or another tablet's at the same moment,
    finds the row there (or gone) and changes nothing. Finishing the routine,
    or unticking a step of a finished one, settles the child's stars for it.
    """
    _lock(member.pk)
    found = StepDone.objects.filter(step=step, member=member, date=day)
    if done:
        if found.exists():
            return
        row = StepDone(step=step, member=member, date=day, display=display)
        row.describe()
        StepDone.objects.bulk_create([row], ignore_conflicts=True)
    elif not found.delete()[0]:
        return
    settle_routine(step.routine, member, day)
    Revision.bump(plans=False)


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
        whose = planner.takers(assigned, chore.rotate, chore.recurrence(), day)
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


def _copy_title(row: Routine | Plan, names: tuple[str, str], size: int) -> dict[str, str]:
    ja, en = (getattr(row, name) for name in names)
    return {
        names[0]: f"{ja}（コピー）"[:size] if ja else "",
        names[1]: f"{en} (copy)"[:size] if en else "",
    }


def cancel_chore(chore: Chore, day: date, cancelled: bool, reason: str = "") -> bool:
    """Call one collection off (a storm warning) or bring it back; True if it changed.

    Nothing moves: the wall shows it crossed out. A second tap is harmless, as
    with ticking a chore done.
    """
    with transaction.atomic():
        if cancelled:
            _row, created = ChoreCancellation.objects.get_or_create(
                chore=chore, date=day, defaults={"reason": reason}
            )
            return created
        deleted, _by_model = ChoreCancellation.objects.filter(chore=chore, date=day).delete()
        return bool(deleted)


def copy_plan(plan: Plan, label_ja: str = "コピー", label_en: str = "copy") -> Plan:
    """A copy of `plan` and its blocks (with their routines) that applies to no day
    until a parent says so."""
    with transaction.atomic():
        copy = Plan.objects.create(
            name_ja=f"{plan.name_ja}（{label_ja}）"[:60] if plan.name_ja else "",
            name_en=f"{plan.name_en} ({label_en})"[:60] if plan.name_en else "",
            weekdays=0,
            on_holidays=False,
            valid_from=plan.valid_from,
            valid_until=plan.valid_until,
            priority=plan.priority,
        )
        uses = []
        for block in plan.blocks.prefetch_related("members", "routines"):
            members = list(block.members.all())
            routines = list(block.routines.all())
            block.pk = None
            block._state.adding = True
            block.plan = copy
            block.save()
            block.members.set(members)
            uses += [
                RoutineAssignment(block=block, member_id=r.member_id, routine_id=r.routine_id)
                for r in routines
            ]
        RoutineAssignment.objects.bulk_create(uses)
    return copy


def copy_routine(routine: Routine) -> Routine:
    """A copy of `routine` and its steps, for a child's own version; used in no block yet."""
    with transaction.atomic():
        steps = list(routine.steps.all())
        copy = Routine.objects.create(
            **_copy_title(routine, ("title_ja", "title_en"), 80),
            title_reading=routine.title_reading,
            icon=routine.icon,
            stars=routine.stars,
        )
        for step in steps:
            step.pk = None
            step._state.adding = True
            step.routine = copy
        RoutineStep.objects.bulk_create(steps)
    return copy


def use_plan_on(plan: Plan, day: date, reason: str = "", as_copy: bool = False) -> UsedOn:
    """Make `plan` (or a copy of it, to change for that day only) the plan of one date.

    A date follows one plan: the plan it followed before, if another one, is
    named in the answer so the parent is told. Both plans' versions move on, so
    a plan page opened before this does not put the old date back.
    """
    with transaction.atomic():
        if as_copy:
            plan = copy_plan(plan, f"{day.month}/{day.day}", f"{day.month}/{day.day}")
        before = PlanOverride.objects.filter(date=day).select_related("plan").first()
        PlanOverride.objects.update_or_create(date=day, defaults={"plan": plan, "reason": reason})
        touched = {plan.pk} | ({before.plan_id} if before else set())
        Plan.objects.filter(pk__in=touched).update(version=F("version") + 1)
    replaced = before.plan if before is not None and before.plan_id != plan.pk else None
    return UsedOn(plan=plan, replaced=replaced)


@dataclass(frozen=True)
class UsedOn:
    plan: Plan
    replaced: Plan | None


# --- A city's garbage calendar into chores ----------------------------------------------


@dataclass(frozen=True)
class KindChoice:
    """What the family makes of one kind of garbage: its chore's title, icon and time."""

    kind: calendar5374.Kind
    title_ja: str
    title_en: str = ""
    icon: str = "trash"
    time: time | None = time(8, 0)
    holiday_policy: str = "keep"


@dataclass(frozen=True)
class CalendarImported:
    created: list[Chore]
    updated: list[Chore]
    closures: list[Closure]


class CalendarRefused(Exception):
    """The calendar could not be saved as it is; nothing was; the message says why."""


def import_garbage_calendar(
    city: calendar5374.City, area: calendar5374.Area, choices: list[KindChoice], today: date
) -> CalendarImported:
    """Chores (and the area's centre closures) from a city's calendar, all or nothing.

    Every row passes the same full validation as a parent's save in the admin.
    A chore with the same Japanese title is brought up to date rather than
    doubled, so next year's calendar replaces this year's; its assignees stay.
    """
    titles = [choice.title_ja for choice in choices]
    if len(set(titles)) != len(titles):
        twice = sorted({title for title in titles if titles.count(title) > 1})
        raise CalendarRefused(
            _("Two kinds would become one chore: %(titles)s. Give them different titles.")
            % {"titles": "、".join(twice)}
        )
    created: list[Chore] = []
    updated: list[Chore] = []
    closures: list[Closure] = []
    # A kind's seasonal rules (other months, another fortnight) become its dates
    # of this year and the next: the chore holds one rule.
    first, last = calendar5374.years_covered(today)
    with transaction.atomic():
        for centre in city.closures_of(area):
            name_ja, name_en = calendar5374.closure_name(centre.centre)
            closure = Closure.objects.filter(
                name_ja=name_ja, start_date=centre.start, end_date=centre.end
            ).first()
            if closure is None:
                closure = Closure(
                    name_ja=name_ja,
                    name_en=name_en,
                    start_date=centre.start,
                    end_date=centre.end,
                    yearly=False,
                    action=Closure.Action.SHIFT,
                    shift_days=7,
                )
                _save(closure, name_ja)
                closures.append(closure)
        if Closure.objects.count() > validation.MAX_CLOSURES:
            raise CalendarRefused(
                _("The household keeps at most %(count)d closures.")
                % {"count": validation.MAX_CLOSURES}
            )
        for choice in choices:
            chore = Chore.objects.filter(title_ja=choice.title_ja).first()
            if chore is None:
                chore = Chore()
                created.append(chore)
            else:
                updated.append(chore)
            chore.title_ja = choice.title_ja
            chore.title_en = choice.title_en
            chore.icon = choice.icon
            chore.time = choice.time
            chore.time_kind = Chore.TimeKind.BY
            chore.rrule = choice.kind.rule
            chore.start_date = choice.kind.first_day(first)
            chore.extra_dates = [day.isoformat() for day in choice.kind.dates_between(first, last)]
            chore.exception_dates = []
            chore.holiday_policy = choice.holiday_policy
            chore.is_garbage = True
            chore.no_collection_days = SUNDAY
            chore.version = (chore.version or 0) + 1
            _save(chore, choice.kind.name)
    return CalendarImported(created, updated, closures)


def _save(row: Chore | Closure, what: str) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        problems = "; ".join(" ".join(messages) for messages in exc.message_dict.values())
        raise CalendarRefused(f"{what}: {problems}") from None
    row.save()
