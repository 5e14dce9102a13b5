"""What the family eats: a weekly menu and one-off days, for the wall's evening."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.common import icons
from schedule.common.models import (
    WEEKDAY_NAMES,
    BilingualTitle,
    CountedQuerySet,
    Shown,
    Versioned,
    has_a_title,
    in_chore_years,
    outside_chore_years,
)


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", _("breakfast")
    LUNCH = "lunch", _("lunch")
    DINNER = "dinner", _("dinner")


class Meal(Versioned, BilingualTitle):
    """One meal on the menu: every week on a weekday ("Friday: curry"), or on
    one date only, which wins over that weekday's ("12/24: chicken")."""

    Kind = MealKind
    shown = Shown.PLANS  # the wall's dinner

    kind = models.CharField(_("meal"), max_length=9, choices=MealKind, default=MealKind.DINNER)
    weekday = models.PositiveSmallIntegerField(
        _("every week on"),
        null=True,
        blank=True,
        choices=list(enumerate(WEEKDAY_NAMES)),
    )
    date = models.DateField(
        _("on this day only"),
        null=True,
        blank=True,
        help_text=_("Instead of the weekly meal of that day."),
    )
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "weekday", "date", "id"]
        verbose_name = _("meal")
        verbose_name_plural = _("menu")
        constraints = [
            has_a_title("meal"),
            models.CheckConstraint(
                condition=Q(weekday__isnull=False, date__isnull=True)
                | Q(weekday__isnull=True, date__isnull=False),
                name="meal_is_weekly_or_on_a_date",
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="meal_weekday_is_a_day"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MealKind.values), name="meal_kind_is_known"
            ),
            models.UniqueConstraint(
                fields=["kind", "weekday"],
                condition=Q(weekday__isnull=False),
                name="one_weekly_meal_per_day",
                violation_error_message=_("This meal of that weekday is on the menu already."),
            ),
            models.UniqueConstraint(
                fields=["kind", "date"],
                condition=Q(date__isnull=False),
                name="one_meal_per_date",
                violation_error_message=_("This meal of that day is on the menu already."),
            ),
        ]

    def clean(self) -> None:
        errors = self.clean_titles()
        if (self.weekday is None) == (self.date is None):
            errors["weekday"] = ValidationError(
                _("Choose a weekday for every week, or a date for one day only."), code="when"
            )
        if self.date is not None and not in_chore_years(self.date):
            errors["date"] = outside_chore_years()
        if errors:
            raise ValidationError(errors)
