"""持ち物: what goes in each child's bag, and when rain gear goes in too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class BagItem(Versioned, BilingualTitle):
    """One thing for one child's bag: every week on some weekdays (体操服 on
    Tuesdays), on one date (the field trip's 水筒), or on the days a
    subscribed calendar's event says so (お弁当)."""

    shown = Shown.PLANS  # the wall's bags

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="bag_items", verbose_name=_("whose bag")
    )
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    weekdays = models.PositiveSmallIntegerField(_("every week on"), default=0)
    on_date = models.DateField(_("on this day"), null=True, blank=True)
    event_word = models.CharField(
        _("when a calendar event says"),
        max_length=60,
        blank=True,
        help_text=_(
            "A word in the title of that day's event in a subscribed calendar, such as "
            "お弁当. The family's calendars and this child's count."
        ),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["member", "id"]
        verbose_name = _("bag item")
        verbose_name_plural = _("bag items")
        constraints = [
            has_a_title("bag_item"),
            models.CheckConstraint(
                condition=Q(weekdays__gt=0) | Q(on_date__isnull=False) | ~Q(event_word=""),
                name="bag_item_has_a_day",
            ),
            models.CheckConstraint(condition=Q(weekdays__lte=0b1111111), name="bag_item_weekdays"),
        ]

    def clean(self) -> None:
        errors = self.clean_titles()
        if not self.weekdays and self.on_date is None and not self.event_word.strip():
            errors["weekdays"] = ValidationError(
                _("Choose weekdays, a date, or a word of a calendar event."), code="when"
            )
        if self.on_date is not None and not in_chore_years(self.on_date):
            errors["on_date"] = outside_chore_years()
        if errors:
            raise ValidationError(errors)


class BagRules(Versioned):
    """The family's one row of bag rules: from which chance of rain the rain gear goes in."""

    shown = Shown.PLANS

    rain_from = models.PositiveSmallIntegerField(
        _("rain gear from a chance of rain of (%)"),
        null=True,
        blank=True,
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "An umbrella goes in every child's bag when the forecast's chance of rain "
            "for the day reaches this. Empty: never."
        ),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bag rules")
        verbose_name_plural = _("bag rules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="bag_rules_are_one_row"),
            models.CheckConstraint(
                condition=Q(rain_from__isnull=True) | Q(rain_from__lte=100),
                name="bag_rules_rain_is_a_percent",
            ),
        ]

    def __str__(self) -> str:
        if self.rain_from is None:
            return str(_("Rain gear: never"))
        return str(_("Rain gear from %(percent)s%%") % {"percent": self.rain_from})

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> BagRules:
        return cls.objects.filter(pk=1).first() or cls(pk=1)
