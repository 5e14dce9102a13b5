"""A member away from home: a custody week every other week, a stay at the
grandparents'. The wall leaves them off their lanes, routines and chores for
those days, and their turns at a chore pass to whoever is home
(planner/away.py says how)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schedule.common import recurrence
from schedule.common.models import (
    CountedQuerySet,
    Shown,
    Versioned,
    in_chore_years,
    outside_chore_years,
)
from schedule.common.repeat import (
    WEEK_INTERVALS,
    Mode,
    Repeat,
    Unit,
    describe_repeat,
    rule_from_repeat,
)
from schedule.family.models import Member

# One time away lasts at most this long: a longer one is a typo'd year.
LONGEST_AWAY = timedelta(days=366)


def rule_every(weeks: int) -> str:
    """The repeat rule of "every `weeks` weeks from the first day" (0: once): the
    chores' own spelling (repeat.rule_from_repeat), "FREQ=WEEKLY;INTERVAL=2"."""
    if not weeks:
        return ""
    return rule_from_repeat(Repeat(Mode.INTERVAL, interval=weeks, unit=Unit.WEEKS))


REPEATS = [(0, _("only once")), *WEEK_INTERVALS]


class AwayPeriod(Versioned):
    """A member away from `first_day` to `last_day` (both included), once or every
    few weeks from then on: a week at the other parent's is Monday to Sunday,
    every other week, and the child is back on the wall on Monday."""

    shown = Shown.PLANS  # their lanes, routines and chores, and everyone's turns

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="away_periods",
        verbose_name=_("family member"),
    )
    first_day = models.DateField(_("away from"))
    last_day = models.DateField(
        _("away until"), help_text=_("The last day away; back on the wall the day after.")
    )
    rrule = models.CharField(
        _("repeats"),
        max_length=200,
        blank=True,
        help_text=_("Empty: only once. Else a repeat rule from the first day, such as "
                    "FREQ=WEEKLY;INTERVAL=2 for every other week."),
    )  # fmt: skip
    repeat_until = models.DateField(
        _("repeats until"),
        null=True,
        blank=True,
        help_text=_("Empty: until it is changed or deleted."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "id"]
        verbose_name = _("time away")
        verbose_name_plural = _("times away")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="away_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def repeat_text(self) -> str:
        return describe_repeat(self.rrule) if self.rrule else str(REPEATS[0][1])

    def full_rule(self) -> str:
        """The rule with its end, as the planner reads it."""
        if not self.rrule or self.repeat_until is None:
            return self.rrule
        return f"{self.rrule};UNTIL={self.repeat_until:%Y%m%d}"

    def recurrence(self) -> recurrence.Recurrence:
        """The first day of each time away (RecurrenceError for a rule that cannot work)."""
        return away_recurrence(self.full_rule(), self.first_day)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        for name in ("first_day", "last_day", "repeat_until"):
            day = getattr(self, name)
            if day is not None and not in_chore_years(day):
                errors[name] = outside_chore_years()
        if errors or self.first_day is None or self.last_day is None:
            raise ValidationError(errors)
        if self.last_day < self.first_day:
            errors["last_day"] = ValidationError(
                _("The last day away comes on or after the first."), code="order"
            )
        elif self.last_day - self.first_day >= LONGEST_AWAY:
            errors["last_day"] = ValidationError(
                _("One time away lasts a year at most; repeat it instead."), code="long"
            )
        if self.repeat_until is not None and self.repeat_until < self.first_day:
            errors["repeat_until"] = ValidationError(
                _("The repeat ends on or after the first day away."), code="order"
            )
        if not errors and self.rrule:
            errors.update(self._clean_rule())
        if errors:
            raise ValidationError(errors)

    def _clean_rule(self) -> dict[str, ValidationError]:
        try:
            found = self.recurrence()
            found.validate()
            repeats = found.occurrences(self.first_day, self.first_day + LONGEST_AWAY, limit=2)
        except recurrence.RecurrenceError:
            message = _("This repeat does not work. Choose how often it comes back.")
            return {"rrule": ValidationError(message, code="rrule")}
        # A time away longer than its repeat is away for good: a typo, most likely.
        if len(repeats) > 1 and repeats[1] <= self.last_day:
            message = _(
                "The time away is longer than its repeat: it would never end. "
                "Check the last day and how often it comes back."
            )
            return {"last_day": ValidationError(message, code="overlap")}
        return {}


def away_recurrence(rule: str, first_day: date) -> recurrence.Recurrence:
    """The days a time away starts on: the rule's from `first_day`, or that day alone.
    Public holidays change nothing: a custody week starts on its Monday."""
    return recurrence.shared(
        rule,
        first_day,
        () if rule.strip() else (first_day,),
        (),
        recurrence.KEEP,
        settings.HOLIDAY_COUNTRY,
    )
