"""Writes across a plan's rows: a block's times moving the ones after it, a plan
copied, a plan used on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.db.models import F

from schedule.plans.models import Block, Plan, PlanOverride


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


# Which child goes through which routine in a block: rows of the routines' room
# that hang on a block, copied with it through the block's own relation.
Use = Block.routines.rel.related_model


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
                Use(block=block, member_id=r.member_id, routine_id=r.routine_id) for r in routines
            ]
        Use._default_manager.bulk_create(uses)
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
