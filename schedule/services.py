"""Writes that touch several rows or must hold under races, in one place for every caller.

Views, the admin and the commands call these instead of writing the rows
themselves, so the rules of a write (what else changes with it, what happens
when two tablets do it at once) are stated once.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import Chore, ChoreDone, Display, Revision


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
