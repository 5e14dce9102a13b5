"""The garbage calendar's own rows: closures (年末年始, a centre's maintenance),
each chore's word on a closure, and the collections called off for a day.

How a closure moves or drops a collection is common/collection.py's (pure);
these are what the parents and a city's files write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.common import collection, household
from schedule.common.models import (
    CountedQuerySet,
    Shown,
    Versioned,
    in_chore_years,
    in_one_language,
    outside_chore_years,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class ClosureAction(models.TextChoices):
    """What becomes of a collection that falls inside a closure (collection.py applies it)."""

    SHIFT = collection.SHIFT, _("moved some days later")
    PREVIOUS = collection.PREVIOUS, _("moved to the last collection day before it")
    ON_DATE = collection.ON_DATE, _("moved to a date I give")
    DROP = collection.DROP, _("dropped, no substitute")


class LinkAction(models.TextChoices):
    """A chore's own word on one closure."""

    FOLLOW = collection.FOLLOW, _("as the closure says")
    IGNORE = collection.IGNORE, _("not affected: due as usual")
    SHIFT = collection.SHIFT, ClosureAction.SHIFT.label
    PREVIOUS = collection.PREVIOUS, ClosureAction.PREVIOUS.label
    ON_DATE = collection.ON_DATE, ClosureAction.ON_DATE.label
    DROP = collection.DROP, ClosureAction.DROP.label


class Closure(Versioned):
    """Days the city collects nothing (年末年始 12/31–1/4, お盆), once or every year.

    Every garbage chore follows it, other chores only when linked
    (`ChoreClosure`); `action` says what becomes of a collection inside it,
    unless a chore's link says otherwise.
    """

    shown = Shown.PLANS

    Action = ClosureAction

    name_ja = models.CharField(_("name (Japanese)"), max_length=60, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    yearly = models.BooleanField(
        _("every year"),
        default=True,
        help_text=_("The same days every year (New Year, Obon); untick for one year only."),
    )
    action = models.CharField(
        _("a collection on these days is"),
        max_length=8,
        choices=ClosureAction,
        default=ClosureAction.SHIFT,
    )
    shift_days = models.PositiveSmallIntegerField(
        _("days later"), default=7, help_text=_("For “moved some days later”; 7 is a week.")
    )
    move_to = models.DateField(
        _("moved to"), null=True, blank=True, help_text=_("For “moved to a date I give”.")
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ja="") | ~Q(name_en=""), name="closure_has_a_name"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="closure_range_is_in_order"
            ),
            models.CheckConstraint(
                condition=Q(action__in=ClosureAction.values), name="closure_action_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return household.pick(self.name_ja, self.name_en)

    def as_data(self) -> collection.Closure:
        return collection.Closure(
            id=self.pk or 0,
            name_ja=self.name_ja,
            name_en=self.name_en,
            start=self.start_date,
            end=self.end_date,
            yearly=self.yearly,
            action=self.action,
            shift_days=self.shift_days,
            move_to=self.move_to,
        )

    def clean(self) -> None:
        errors = in_one_language(self, "name", _("Give a name in Japanese or English."))
        for name in ("start_date", "end_date", "move_to"):
            day = getattr(self, name)
            if day is not None and not in_chore_years(day):
                errors[name] = outside_chore_years()
        if not errors and self.start_date and self.end_date:
            problems = collection.closure_problems(
                self.start_date,
                self.end_date,
                self.yearly,
                self.action,
                self.shift_days or 0,
                self.move_to,
            )
            errors.update(closure_errors(problems))
        if errors:
            raise ValidationError(errors)


# The closure checks' findings (collection.closure_problems), in a parent's words.
CLOSURE_PROBLEMS: dict[str, tuple[str, str | _StrPromise, dict[str, int]]] = {
    "before_start": ("end_date", _("The end date is before the start date."), {}),
    "too_long": (
        "end_date",
        _("A closure lasts at most %(days)d days; enter a longer break as two closures."),
        {"days": collection.MAX_CLOSURE_DAYS},
    ),
    "leap_day": (
        "start_date",
        _("A closure every year cannot start or end on 29 February."),
        {},
    ),
    "shift_range": (
        "shift_days",
        _("Move by 1 to %(days)d days."),
        {"days": collection.MAX_SHIFT_DAYS},
    ),
    "missing": ("move_to", _("Give the date the collection moves to."), {}),
    "inside": ("move_to", _("This date is inside the closure itself; give a day outside it."), {}),
    "too_far": (
        "move_to",
        _("Give a date at most %(days)d days before or after the closure."),
        {"days": collection.MAX_SUBSTITUTE_DISTANCE.days},
    ),
}


def closure_errors(problems: dict[str, str]) -> dict[str, ValidationError]:
    errors: dict[str, ValidationError] = {}
    for problem in problems.values():
        field, message, params = CLOSURE_PROBLEMS[problem]
        errors[field] = ValidationError(message, code=problem, params=params or None)
    return errors


class ChoreClosure(models.Model):
    """A chore's own word on one closure: follow it (a chore that is not garbage
    follows none unless linked), ignore it, or move its collections another way."""

    shown = Shown.PLANS

    edited_with = "chore"  # on its chore's page, under the chore's version

    Action = LinkAction

    chore = models.ForeignKey(
        "Chore", on_delete=models.CASCADE, related_name="closure_links", verbose_name=_("chore")
    )
    closure = models.ForeignKey(
        Closure, on_delete=models.CASCADE, related_name="chore_links", verbose_name=_("closure")
    )
    action = models.CharField(
        _("a collection inside it is"), max_length=8, choices=LinkAction, default=LinkAction.FOLLOW
    )
    shift_days = models.PositiveSmallIntegerField(
        _("days later"), null=True, blank=True, help_text=_("Empty: as the closure says.")
    )
    move_to = models.DateField(_("moved to"), null=True, blank=True)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["closure__start_date", "id"]
        verbose_name = _("closure of this chore")
        verbose_name_plural = _("closures of this chore")
        constraints = [
            models.UniqueConstraint(fields=["chore", "closure"], name="chore_closure_once"),
            models.CheckConstraint(
                condition=Q(action__in=LinkAction.values), name="chore_closure_action_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chore} / {self.closure}"

    def as_data(self) -> collection.Link:
        return collection.Link(self.action, self.shift_days, self.move_to)

    def clean(self) -> None:
        if self.move_to is not None and not in_chore_years(self.move_to):
            raise ValidationError({"move_to": outside_chore_years()})
        problems: dict[str, str] = {}
        if (
            self.action == LinkAction.SHIFT
            and self.shift_days is not None
            and not 1 <= self.shift_days <= collection.MAX_SHIFT_DAYS
        ):
            problems["shift_days"] = "shift_range"
        closure = Closure.objects.filter(pk=self.closure_id).first() if self.closure_id else None
        if closure is not None:
            problems.update(
                collection.substitute_problems(
                    closure.start_date, closure.end_date, closure.yearly, self.action, self.move_to
                )
            )
        if problems:
            raise ValidationError(closure_errors(problems))


class ChoreCancellation(Versioned):
    """One collection called off (a storm warning, an evacuation order at 6:00).

    The wall shows it crossed out, "ちゅうし / cancelled"; nothing is moved.
    """

    shown = Shown.PLANS

    chore = models.ForeignKey(
        "Chore", on_delete=models.CASCADE, related_name="cancellations", verbose_name=_("chore")
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), default=timezone.now)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "chore"]
        verbose_name = _("cancelled chore")
        verbose_name_plural = _("cancelled chores")
        constraints = [
            models.UniqueConstraint(fields=["chore", "date"], name="chore_cancelled_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.chore} {self.date:%Y-%m-%d}"

    def clean(self) -> None:
        if self.date is not None and not in_chore_years(self.date):
            raise ValidationError({"date": outside_chore_years()})
