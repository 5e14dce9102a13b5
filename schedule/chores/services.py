"""Writes across chores' rows: calling off one collection."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from schedule.chores.garbage.models import ChoreCancellation
from schedule.chores.models import Chore


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
