"""Writes across a routine's rows: a routine copied with its steps."""

from __future__ import annotations

from django.db import transaction

from schedule.routines.models import (
    Routine,
    RoutineStep,
)


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


def _copy_title(row: Routine, names: tuple[str, str], size: int) -> dict[str, str]:
    ja, en = (getattr(row, name) for name in names)
    return {
        names[0]: f"{ja}（コピー）"[:size] if ja else "",
        names[1]: f"{en} (copy)"[:size] if en else "",
    }
