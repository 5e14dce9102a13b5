"""The family's times away as the planner takes them (planner.AwayData), in one
query: day/loading.py, and a chore's stars (routines/stars.py), ask here."""

from __future__ import annotations

import logging

from schedule import planner
from schedule.common import recurrence
from schedule.family.away import AwayPeriod, away_recurrence

log = logging.getLogger(__name__)


def load_away(member_ids: set[int] | None = None) -> tuple[planner.AwayData, ...]:
    """Every time away (of `member_ids`, else everyone's), past and coming: a
    rotation counts its turns over them since the chore began."""
    rows = AwayPeriod.objects.order_by("first_day", "id")
    if member_ids is not None:
        rows = rows.filter(member_id__in=member_ids)
    found = []
    for pk, member_id, first, last, rule, until in rows.values_list(
        "pk", "member_id", "first_day", "last_day", "rrule", "repeat_until"
    ):
        if until is not None and rule:
            rule = f"{rule};UNTIL={until:%Y%m%d}"
        try:
            starts = away_recurrence(rule, first)
        except (recurrence.RecurrenceError, ValueError, TypeError) as exc:
            # Saved around validation: the member stays on the wall, and the log says why.
            log.warning("Time away %s is left out: its repeat does not work: %s", pk, exc)
            continue
        found.append(planner.AwayData(pk, member_id, starts, max(1, (last - first).days + 1)))
    return tuple(found)
