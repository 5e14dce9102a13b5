"""Writes that touch several rows or must hold under races, in one place for every caller.

Views, the admin and the commands call these instead of writing the rows
themselves, so the rules of a write (what else changes with it, what happens
when two tablets do it at once) are stated once.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import Chore, ChoreDone, Display, Plan, Revision


def tick_chore(chore: Chore, day: date, done: bool, display: Display | None = None) -> None:
    """Mark a chore done or not done on a day; the same answer whatever the order of taps.

    Two tablets ticking and unticking the same chore at once must never fail:
    the insert skips a row that is already there (the unique constraint
    decides; the read before it only spares the walls a redraw), and deleting
    a row that another tap just deleted deletes nothing.
    """
    with transaction.atomic():
        if done:
            if ChoreDone.objects.filter(chore=chore, date=day).exists():
                return  # a second tap: nothing changes, no wall redraws
            ChoreDone.objects.bulk_create(
                [ChoreDone(chore=chore, date=day, display=display)], ignore_conflicts=True
            )
            # bulk_create sends no post_save, and the walls must redraw.
            Revision.bump()
        else:
            ChoreDone.objects.filter(chore=chore, date=day).delete()


def copy_plan(plan: Plan) -> Plan:
    """A copy of `plan` and its blocks that applies to no day until a parent says so."""
    with transaction.atomic():
        copy = Plan.objects.create(
            name_ja=f"{plan.name_ja}（コピー）"[:60] if plan.name_ja else "",
            name_en=f"{plan.name_en} (copy)"[:60] if plan.name_en else "",
            weekdays=0,
            on_holidays=False,
            valid_from=plan.valid_from,
            valid_until=plan.valid_until,
            priority=plan.priority,
        )
        for block in plan.blocks.prefetch_related("members"):
            members = list(block.members.all())
            block.pk = None
            block._state.adding = True
            block.plan = copy
            block.save()
            block.members.set(members)
    return copy
