"""A tap on the wall: a chore or a routine's step done or not done, a thing
put in a child's bag or taken out, safe to repeat, and the stars it brings
settled."""

from __future__ import annotations

from datetime import date

from schedule.bags.models import BagPacked
from schedule.chores.models import Chore, ChoreDone
from schedule.common.writes import atomic_write
from schedule.family.models import Display, Member
from schedule.routines.models import (
    RoutineStep,
    StepDone,
)
from schedule.routines.stars import _lock, settle_chore, settle_routine


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


@atomic_write
def pack(
    member: Member, day: date, thing: str, packed: bool, display: Display | None = None
) -> None:
    """Mark a thing of a child's bag packed or not on its morning; safe to repeat,
    as a step's tick (no stars: packing is not a routine's step)."""
    found = BagPacked.objects.filter(member=member, date=day, thing=thing)
    if packed:
        if found.exists():
            return
        row = BagPacked(member=member, date=day, thing=thing, display=display)
        BagPacked.objects.bulk_create([row], ignore_conflicts=True)
    else:
        found.delete()
