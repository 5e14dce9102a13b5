"""What the family planned: plans and the days they apply to, their blocks,
one-off date overrides, and notes for the wall."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schedule.common import household, icons
from schedule.common.models import (
    ALL_WEEKDAYS,
    COLOUR_VALIDATOR,
    BilingualTitle,
    CountedQuerySet,
    Shown,
    Versioned,
    has_a_title,
    in_one_language,
    validate_web_url,
    weekday_bits,
)
from schedule.family.models import Member


class Plan(Versioned):
    """A routine ("平日 / Weekday") and the rule for the days it applies to.

    On a given date: a one-off override wins; then, on a public holiday, the
    highest-priority plan that applies to holidays; else the highest-priority
    plan for that weekday. `valid_from`/`valid_until` bound both rules.
    """

    shown = Shown.PLANS

    name_ja = models.CharField(_("name (Japanese)"), max_length=60, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays"),
        default=0,
        help_text=_("The days of the week this plan is for."),
    )
    on_holidays = models.BooleanField(
        _("public holidays"),
        default=False,
        help_text=_("Use this plan on public holidays, whatever the weekday."),
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    priority = models.SmallIntegerField(
        _("priority"),
        default=0,
        help_text=_("When two plans fit the same day, the higher number wins."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ja="") | ~Q(name_en=""), name="plan_has_a_name"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=0) & Q(weekdays__lte=ALL_WEEKDAYS),
                name="plan_weekdays_are_a_week",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="plan_range_is_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return household.pick(self.name_ja, self.name_en)

    @property
    def weekday_list(self) -> list[int]:
        return self.weekdays_in(self.weekdays)

    @staticmethod
    def weekdays_in(weekdays: int) -> list[int]:
        """The days (0 = Monday) of a `weekdays` bit mask."""
        return [day for day in range(7) if weekdays & (1 << day)]

    @staticmethod
    def weekdays_from_list(days: Iterable[int | str]) -> int:
        return weekday_bits(days)

    def clean(self) -> None:
        errors = in_one_language(self, "name", _("Give a name in Japanese or English."))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = ValidationError(_("The end date is before the start date."))
        if errors:
            raise ValidationError(errors)


class PlanOverride(models.Model):
    """A one-off date that follows another plan ("this Saturday: school event")."""

    shown = Shown.PLANS

    edited_with = "plan"  # on its plan's page, under the plan's version

    date = models.DateField(_("date"), unique=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("plan")
    )
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} → {self.plan}"


class Block(BilingualTitle):
    """A stretch of a plan's day. `end` earlier than `start` runs past midnight."""

    shown = Shown.PLANS

    edited_with = "plan"  # on its plan's page, under the plan's version

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("plan")
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("Earlier than the start: ends the next day."))
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    colour = models.CharField(_("colour"), max_length=7, blank=True, validators=[COLOUR_VALIDATOR])
    members = models.ManyToManyField(
        Member,
        blank=True,
        related_name="blocks",
        verbose_name=_("members"),
        help_text=_("Nobody chosen means the whole family."),
    )
    nudge_minutes_before = models.PositiveSmallIntegerField(
        _("nudge phones, minutes before"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(180)],
        help_text=_("Empty: no nudge. 0: at the start; 10: ten minutes before."),
    )
    webhook_url = models.CharField(
        _("webhook at the start"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_(
            "Called with a small JSON message when the block starts (e.g. Home Assistant)."
        ),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "start", "id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            has_a_title("block"),
            models.CheckConstraint(condition=~Q(start=F("end")), name="block_has_a_length"),
        ]

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def duration(self) -> timedelta:
        start = datetime.combine(date.min, self.start)
        end = datetime.combine(date.min + timedelta(days=self.crosses_midnight), self.end)
        return end - start

    def clean(self) -> None:
        errors = self.clean_titles()
        if self.start is not None and self.start == self.end:
            errors["end"] = ValidationError(
                _("The end is the same as the start; a block needs some length.")
            )
        if errors:
            raise ValidationError(errors)


class Note(Versioned):
    """A short message for the wall over a few days ("おばあちゃんが来る")."""

    shown = Shown.PLANS

    text_ja = models.CharField(_("text (Japanese)"), max_length=200, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=200, blank=True)
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.CheckConstraint(condition=~Q(text_ja="") | ~Q(text_en=""), name="note_has_text"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="note_range_is_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return household.pick(self.text_ja, self.text_en)

    def clean(self) -> None:
        errors = in_one_language(self, "text", _("Write the note in Japanese or English."))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(_("The end date is before the start date."))
        if errors:
            raise ValidationError(errors)
