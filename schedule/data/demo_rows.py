"""Removing the demo family, and nothing of the family's own.

The demo loader writes down every row it makes (DemoRow: the model, the id
and the version it left). Removing the demo deletes those rows, a kind at a
time (walls, notes, chores, routines, rewards, plans, then the members), and
keeps one as it is when the family has made it theirs:

- it was changed since (its version moved: every save of its admin page, and
  of a row edited with it, such as a plan's blocks, counts on it), or
- deleting it would take a row of the family's own with it (a block the
  family added to the demo's weekday, a family's chore that a demo child
  takes turns in, a calendar of a demo parent...), or change one (a tick
  "done by" a demo member keeps its chore but loses its name).

Closures (年末年始) are never the demo's to remove: a family's garbage
calendar needs them whoever it is; the holiday table is not a row at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.deletion import Collector

from schedule.announcements.models import Announcement, AnnouncementDismissal
from schedule.bags.models import BagItem
from schedule.caregivers.models import CaregiverLink
from schedule.chores.models import Chore, ChoreDone
from schedule.common.models import Revision
from schedule.countdowns.models import Countdown
from schedule.data.models import DemoRow
from schedule.family.away import AwayPeriod
from schedule.family.models import Display, Member
from schedule.meals.models import Meal
from schedule.nudges.models import Delivery
from schedule.plans.models import Note, Plan
from schedule.routines.models import Reward, Routine, StarEntry, StepDone
from schedule.weather.models import CallOffRule

# What points at members goes first, so that a member's own delete finds
# nothing of the demo's left pointing at them.
REMOVED_IN_ORDER: list[type[models.Model]] = [
    Display,
    Note,
    Announcement,
    CaregiverLink,
    Chore,
    Routine,
    Reward,
    Meal,
    BagItem,
    Countdown,
    CallOffRule,
    Plan,
    AwayPeriod,
    Member,
]
# History that means nothing once its chore, step, member or message is gone.
TICKS: set[type[models.Model]] = {
    ChoreDone,
    StepDone,
    StarEntry,
    Delivery,
    AnnouncementDismissal,
}

Key = tuple[str, int]


def key_of(obj: models.Model) -> Key:
    return (obj._meta.label_lower, int(obj.pk))


def mark(rows: list[models.Model]) -> None:
    """Write down `rows` as the demo's, with the versions they have now."""
    keys = {key_of(row): getattr(row, "version", None) for row in rows}
    for label in {label for label, _id in keys}:
        ids = [row_id for (model, row_id) in keys if model == label]
        DemoRow.objects.filter(model=label, row_id__in=ids).delete()
    DemoRow.objects.bulk_create(
        DemoRow(model=label, row_id=row_id, version=version)
        for (label, row_id), version in keys.items()
    )


def marked() -> dict[Key, int | None]:
    return {(row.model, row.row_id): row.version for row in DemoRow.objects.all()}


def demo_is_here() -> bool:
    """Whether a row the demo made is still there to remove (the admin's offer)."""
    demo = marked()
    for model in REMOVED_IN_ORDER:
        label = model._meta.label_lower
        ids = [row_id for (kind, row_id) in demo if kind == label]
        if ids and model._default_manager.filter(pk__in=ids).exists():
            return True
    return False


@dataclass
class Removal:
    removed: Counter[str] = field(default_factory=Counter)  # verbose_name_plural -> count
    kept: list[tuple[models.Model, str]] = field(default_factory=list)  # row, why


CHANGED = "changed"
HAS_FAMILY_ROWS = "family rows"


@transaction.atomic
def remove_demo_family() -> Removal:
    demo = marked()
    done = Removal()
    kept: set[Key] = set()
    for model in REMOVED_IN_ORDER:
        label = model._meta.label_lower
        ids = [row_id for (kind, row_id) in demo if kind == label]
        for row in model._default_manager.filter(pk__in=ids).order_by("pk"):
            why = _why_kept(row, demo, kept)
            if why:
                kept.add(key_of(row))
                done.kept.append((row, why))
                continue
            row.delete()
            done.removed[str(model._meta.verbose_name_plural)] += 1
    # The marks of rows now gone go too; those of the rows kept stay, so the
    # offer can still say what is left of the demo.
    for (label, row_id), _version in demo.items():
        if (label, row_id) not in kept:
            DemoRow.objects.filter(model=label, row_id=row_id).delete()
    Revision.bump()
    return done


def _why_kept(row: models.Model, demo: dict[Key, int | None], kept: set[Key]) -> str:
    if getattr(row, "version", None) != demo.get(key_of(row)):
        return CHANGED
    collector = Collector(using=DEFAULT_DB_ALIAS)
    collector.collect([row])
    for other in _swept(collector):
        if key_of(other) == key_of(row) or type(other) in TICKS:
            continue
        if not _demo_row(other, demo, kept):
            return HAS_FAMILY_ROWS
    updates: dict[Any, list[Any]] = collector.field_updates  # rows set to NULL, not deleted
    for batches in updates.values():
        for batch in batches:
            for other in batch:
                if type(other) not in TICKS and not _demo_row(other, demo, kept):
                    return HAS_FAMILY_ROWS
    return ""


def _swept(collector: Collector) -> list[Any]:
    found: list[Any] = []
    for instances in collector.data.values():
        found += list(instances)
    for queryset in collector.fast_deletes:
        found += list(queryset)
    return found


def _demo_row(other: models.Model, demo: dict[Key, int | None], kept: set[Key]) -> bool:
    """A row the demo made whose page the family has not kept: a block of the
    demo's plan, a turn in the demo's chore, a link between two such rows."""
    meta = other._meta
    if meta.auto_created:  # the link of a block or a wall to a member
        ends = [f for f in meta.fields if f.is_relation]
        return all(_demo_row(getattr(other, f.name), demo, kept) for f in ends)
    if key_of(other) not in demo or key_of(other) in kept:
        return False
    owner = getattr(type(other), "edited_with", None)
    return owner is None or _demo_row(getattr(other, owner), demo, kept)
