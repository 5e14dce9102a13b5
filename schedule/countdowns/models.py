"""The days a family counts the sleeps to: a birthday, a trip, 運動会."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.calendars.models import CalendarSubscription
from schedule.common import icons
from schedule.common.models import (
    BilingualTitle,
    CountedQuerySet,
    Shown,
    Versioned,
    has_a_title,
    in_chore_years,
    outside_chore_years,
)
from schedule.family.models import Member


class Countdown(Versioned, BilingualTitle):
    """A day to count the sleeps to: a date, every year on a date (a birthday),
    or a subscribed calendar's event (followed when it moves, while the
    calendar keeps it; its date is remembered for when it does not)."""

    shown = Shown.PLANS  # the wall's sleeps

    icon = models.CharField(
        _("icon"), max_length=48, blank=True, default="cake", validators=[icons.validate_icon]
    )
    date = models.DateField(_("the day"))
    yearly = models.BooleanField(
        _("every year"), default=False, help_text=_("A birthday: counted to again every year.")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="countdowns",
        verbose_name=_("whose"),
        help_text=_("Empty: the whole family's."),
    )
    subscription = models.ForeignKey(
        CalendarSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="countdowns",
        editable=False,
    )
    event_uid = models.CharField(max_length=300, blank=True, editable=False)
    show_days_before = models.PositiveSmallIntegerField(
        _("shown from (days before)"),
        default=60,
        validators=[MaxValueValidator(400)],
        help_text=_("The wall shows the count from this many days before the day."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("sleeps until")
        verbose_name_plural = _("sleeps until")
        constraints = [
            has_a_title("countdown"),
            models.CheckConstraint(
                condition=Q(show_days_before__lte=400), name="countdown_shown_at_most_a_year"
            ),
        ]

    def clean(self) -> None:
        errors = self.clean_titles()
        if self.date is not None and not in_chore_years(self.date):
            errors["date"] = outside_chore_years()
        if errors:
            raise ValidationError(errors)
