"""Chores and the garbage calendar: chores with their repeat rule and turns,
the days they were done, closures (年末年始) and the collections called off."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.models import Closure
from schedule.common import collection, icons, recurrence
from schedule.common.models import (
    ALL_WEEKDAYS,
    SUNDAY,
    BilingualTitle,
    CountedQuerySet,
    Shown,
    Versioned,
    has_a_title,
    in_chore_years,
    outside_chore_years,
)
from schedule.family.models import Member

# A chore's list of holidays: a country has about twenty.
MAX_LISTED_HOLIDAYS = 40


# A chore's dates stay in these years: a typo such as 1026 or 9999 would make
# every wall walk centuries of the rule (see recurrence.FIRST_DAY).
class TimeKind(models.TextChoices):
    """A chore's time: done at it (the Roomba at 17:20), or by it (trash out by 8:00)."""

    AT = "at", _("at")
    BY = "by", _("by")


class HolidayPolicy(models.TextChoices):
    """What a chore does on a public holiday (recurrence.py applies it)."""

    KEEP = recurrence.KEEP, _("keep the day")
    SKIP = recurrence.SKIP, _("skip it")
    NEXT_DAY = recurrence.NEXT_DAY, _("move to the next day")


class Chore(Versioned, BilingualTitle):
    """Something to do on certain days: take out the burnable trash, start the Roomba."""

    shown = Shown.PLANS

    TimeKind = TimeKind
    HolidayPolicy = HolidayPolicy

    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    time = models.TimeField(_("time"), null=True, blank=True)
    time_kind = models.CharField(_("at or by"), max_length=2, choices=TimeKind, default=TimeKind.BY)
    assignees = models.ManyToManyField(
        Member,
        blank=True,
        through="ChoreAssignee",
        related_name="chores",
        verbose_name=_("assignees"),
    )
    rotate = models.BooleanField(
        _("take turns"),
        default=False,
        help_text=_("Assignees take turns, one per occurrence, in their order."),
    )
    rrule = models.CharField(
        _("repeat rule"),
        max_length=200,
        blank=True,
        help_text=_("RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,TH."),
    )
    start_date = models.DateField(_("starting"), default=date.today)
    extra_dates = models.JSONField(_("extra dates"), default=list, blank=True)
    exception_dates = models.JSONField(_("exception dates"), default=list, blank=True)
    holiday_policy = models.CharField(
        _("on a public holiday"),
        max_length=4,
        choices=HolidayPolicy,
        default=HolidayPolicy.KEEP,
    )
    nudge_when_overdue = models.BooleanField(
        _("nudge phones when overdue"),
        default=False,
        help_text=_("At its time, if nobody has ticked it yet."),
    )
    holiday_exceptions = models.JSONField(
        _("except on these holidays"),
        default=list,
        blank=True,
        help_text=_(
            "With “keep the day”: the holidays it is skipped anyway. With “skip it” or "
            "“move to the next day”: the holidays it is collected anyway."
        ),
    )
    is_garbage = models.BooleanField(
        _("garbage collection"),
        default=False,
        help_text=_(
            "Closures such as New Year apply to it, and the wall marks its first and "
            "last collection of the year."
        ),
    )
    no_collection_days = models.PositiveSmallIntegerField(
        _("never moved to"),
        default=SUNDAY,
        help_text=_(
            "A collection moved off a holiday or out of a closure skips these days "
            "(most cities collect nothing on Sunday)."
        ),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["time", "id"]
        verbose_name = _("chore")
        verbose_name_plural = _("chores")
        constraints = [
            has_a_title("chore"),
            models.CheckConstraint(
                condition=Q(holiday_policy__in=HolidayPolicy.values),
                name="chore_holiday_policy_is_known",
            ),
            models.CheckConstraint(
                condition=Q(time_kind__in=TimeKind.values), name="chore_time_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(no_collection_days__gte=0) & Q(no_collection_days__lte=ALL_WEEKDAYS),
                name="chore_no_collection_days_are_a_week",
            ),
        ]

    def collection_rules(
        self,
        closures: Iterable[collection.Closure] | None = None,
        links: dict[int, collection.Link] | None = None,
    ) -> collection.Rules:
        """The city's rules for this chore; the closures and links are read if not given."""
        if closures is None:
            closures = [closure.as_data() for closure in Closure.objects.all()]
        if links is None:
            links = (
                {link.closure_id: link.as_data() for link in self.closure_links.all()}
                if self.pk is not None
                else {}
            )
        return collection.rules_from_row(
            self.is_garbage, self.holiday_exceptions, self.no_collection_days or 0, closures, links
        )

    def recurrence(self, rules: collection.Rules | None = None) -> recurrence.Recurrence:
        return recurrence.shared(
            self.rrule,
            self.start_date,
            recurrence.dates_from_text(self.extra_dates),
            recurrence.dates_from_text(self.exception_dates),
            self.holiday_policy,
            settings.HOLIDAY_COUNTRY,
            self.collection_rules() if rules is None else rules,
        )

    def is_due_on(self, day: date) -> bool:
        return self.recurrence().is_due_on(day)

    def clean(self) -> None:
        errors = self.clean_titles()
        listed = self.holiday_exceptions
        if (
            not isinstance(listed, list)
            or not all(isinstance(name, str) and 0 < len(name) <= 60 for name in listed)
            or len(listed) > MAX_LISTED_HOLIDAYS
        ):
            errors["holiday_exceptions"] = ValidationError(
                _("Give a list of at most %(count)d holiday names."),
                params={"count": MAX_LISTED_HOLIDAYS},
                code="holidays",
            )
        for name in ("extra_dates", "exception_dates"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = ValidationError(_("Give a list of dates."))
                continue
            try:
                days = recurrence.dates_from_text(value)
            except ValueError:
                errors[name] = ValidationError(_("Write dates as YYYY-MM-DD."))
                continue
            if any(not in_chore_years(day) for day in days):
                errors[name] = outside_chore_years()
        if self.start_date and not in_chore_years(self.start_date):
            errors["start_date"] = outside_chore_years()
        if not errors and self.start_date:
            errors.update(self.clean_recurrence())
        if errors:
            raise ValidationError(errors)

    def clean_recurrence(self) -> dict[str, ValidationError]:
        """The rule must read and come up at least once, said in the parent's words."""
        if not self.rrule.strip() and not self.extra_dates:
            message = _("Choose how the chore repeats, or list at least one date.")
        elif self.rrule.strip() and not self._rule_reads():
            message = _(
                "This repeat rule does not work: it cannot be read. "
                "Write it like FREQ=WEEKLY;BYDAY=MO,TH."
            )
        else:
            try:
                self.recurrence().validate()
            except recurrence.RecurrenceError:
                message = _(
                    "This repeat rule never happens with these dates: the chore would "
                    "never come up. Check the days and the start date."
                )
            else:
                return {}
        return {"rrule": ValidationError(message, code="rrule")}

    def _rule_reads(self) -> bool:
        try:
            recurrence.parse_rule(self.rrule, self.start_date)
        except recurrence.RecurrenceError:
            return False
        return True


class ChoreAssignee(models.Model):
    """Who does a chore, in turn order."""

    shown = Shown.PLANS

    edited_with = "chore"  # on its chore's page, under the chore's version

    chore = models.ForeignKey(Chore, on_delete=models.CASCADE, verbose_name=_("chore"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("member"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("assignee")
        verbose_name_plural = _("assignees")
        constraints = [
            models.UniqueConstraint(fields=["chore", "member"], name="chore_assignee_once")
        ]

    def __str__(self) -> str:
        return str(self.member)


class ChoreDone(Versioned):
    """A chore done on a date. One row per chore and date, so a double tap is harmless."""

    shown = Shown.TICK

    chore = models.ForeignKey(
        Chore, on_delete=models.CASCADE, related_name="done", verbose_name=_("chore")
    )
    date = models.DateField(_("date"))
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("done by")
    )
    display = models.ForeignKey(
        "Display", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("from")
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "chore"]
        verbose_name = _("chore done")
        verbose_name_plural = _("chores done")
        constraints = [
            models.UniqueConstraint(fields=["chore", "date"], name="chore_done_once_a_day")
        ]
        # The wall reads the ticks of the days it shows after every tap: by
        # date, not through years of history (loading.with_ticks()).
        indexes = [models.Index(fields=["date", "chore"], name="chore_done_by_date")]

    def __str__(self) -> str:
        return f"{self.chore} {self.date:%Y-%m-%d}"
