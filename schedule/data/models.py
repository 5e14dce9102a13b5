"""Which rows the demo family put there, so that removing the demo removes
those and nothing of the family's own (data/demo_rows.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from schedule.common.models import Shown


class DemoRow(models.Model):
    """One row the demo loader wrote: its model ("schedule.member") and id,
    and the version it had then (None for a row without one).

    A row is the demo's while it is written here and not changed since (its
    version, or its owner's, as the demo left it); the family's own rows are
    never written here, so nothing can mistake them for the demo's.
    """

    shown = Shown.NOT  # what the demo loader wrote down, for removing it

    model = models.CharField(_("kind"), max_length=60)
    row_id = models.PositiveBigIntegerField(_("id"))
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)

    class Meta:
        verbose_name = _("demo row")
        verbose_name_plural = _("demo rows")
        constraints = [
            models.UniqueConstraint(fields=["model", "row_id"], name="demo_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.row_id}"
