"""A child's routines inside a block (steps with pictures), the steps done,
and the stars they bring: the rules, rewards and the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.chores.models import Chore
from schedule.common import household, icons
from schedule.common.models import (
    BilingualTitle,
    CountedQuerySet,
    Shown,
    Versioned,
    has_a_title,
    in_one_language,
)
from schedule.family.models import Member
from schedule.plans.models import Block

MAX_STEP_MINUTES = 120


MAX_STARS_PER_THING = 10


MAX_REWARD_PRICE = 999


class Routine(Versioned, BilingualTitle):
    """A short row of pictured steps a child goes through one at a time ("朝のしたく").

    A routine belongs to no plan: blocks take it up through RoutineAssignment,
    one member at a time, so the weekday and day-off plans can share one, and
    each child can have a version of their own.
    """

    shown = Shown.PLANS

    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    stars = models.PositiveSmallIntegerField(
        _("stars for finishing it"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_STARS_PER_THING)],
        help_text=_("Empty: as many as the star rules give for a routine. 0: no stars."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["title_ja", "title_en", "id"]
        verbose_name = _("routine")
        verbose_name_plural = _("routines")
        constraints = [
            has_a_title("routine"),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__lte=MAX_STARS_PER_THING),
                name="routine_stars_are_few",
            ),
        ]

    def clean(self) -> None:
        if errors := self.clean_titles():
            raise ValidationError(errors)


class RoutineStep(BilingualTitle):
    """One pictured step of a routine ("はみがき"), in the routine's order."""

    shown = Shown.PLANS

    edited_with = "routine"  # on its routine's page, under the routine's version

    routine = models.ForeignKey(
        Routine, on_delete=models.CASCADE, related_name="steps", verbose_name=_("routine")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    icon = models.CharField(_("icon"), max_length=48, validators=[icons.validate_icon])
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_STEP_MINUTES)],
        help_text=_("How long the step should take, for the wall's countdown. Optional."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            has_a_title("routine_step"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True)
                | (Q(minutes__gte=1) & Q(minutes__lte=MAX_STEP_MINUTES)),
                name="routine_step_minutes_fit",
            ),
        ]

    def clean(self) -> None:
        errors = in_one_language(self, "title", _("Give the step a title in Japanese or English."))
        if errors:
            raise ValidationError(errors)


class RoutineAssignment(models.Model):
    """Which routine a member goes through in a block: はる's 朝のしたく at 7:45."""

    shown = Shown.PLANS

    edited_with = "routine"  # on its routine's page, under the routine's version

    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="routines", verbose_name=_("block")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("member"))
    routine = models.ForeignKey(
        Routine, on_delete=models.CASCADE, related_name="uses", verbose_name=_("routine")
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["block", "member", "id"]
        verbose_name = _("routine in a block")
        verbose_name_plural = _("routines in blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["block", "member"], name="routine_assignment_one_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.routine} — {self.member}"


def snapshot_titles(*rows: BilingualTitle | None) -> tuple[str, str]:
    """What rows were called, in both languages, joined: kept on a history row so it
    still reads after the rows are renamed or deleted."""
    ja = " › ".join(row.title_ja or row.title_en for row in rows if row is not None)
    en = " › ".join(row.title_en or row.title_ja for row in rows if row is not None)
    return ja[:200], en[:200]


class StepDone(models.Model):
    """A step of a routine done by a child on a day. One row per step, child and day,
    so a double tap is harmless; the day is the one of the block the routine is in."""

    shown = Shown.TICK

    step = models.ForeignKey(
        RoutineStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="done",
        verbose_name=_("step"),
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("done by"))
    date = models.DateField(_("date"))
    display = models.ForeignKey(
        "Display", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("ticked on")
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    what_ja = models.CharField(_("what (Japanese)"), max_length=200, blank=True)
    what_en = models.CharField(_("what (English)"), max_length=200, blank=True)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "member", "id"]
        verbose_name = _("step done")
        verbose_name_plural = _("steps done")
        constraints = [
            models.UniqueConstraint(fields=["step", "member", "date"], name="step_done_once_a_day")
        ]
        # As ChoreDone's: the days shown, read after every tap.
        indexes = [models.Index(fields=["date", "step", "member"], name="step_done_by_date")]

    def __str__(self) -> str:
        return f"{household.pick(self.what_ja, self.what_en)} {self.date:%Y-%m-%d}"

    def describe(self) -> None:
        """Write down what the step is called now, for the history."""
        if self.step is not None:
            self.what_ja, self.what_en = snapshot_titles(self.step.routine, self.step)


class StarRules(Versioned):
    """The family's one row of star rules: whether stars are collected and how many
    a finished routine and a ticked chore bring. Who collects them is each
    member's `collects_stars`."""

    shown = Shown.PLANS

    enabled = models.BooleanField(
        _("collect stars"),
        default=False,
        help_text=_(
            "Children earn stars for the routines they finish and the chores ticked "
            "for them, and spend them on rewards."
        ),
    )
    per_routine = models.PositiveSmallIntegerField(
        _("stars for a routine finished"),
        default=1,
        validators=[MaxValueValidator(MAX_STARS_PER_THING)],
        help_text=_("0: routines bring no stars. A routine may say otherwise."),
    )
    per_chore = models.PositiveSmallIntegerField(
        _("stars for a chore done"),
        default=1,
        validators=[MaxValueValidator(MAX_STARS_PER_THING)],
        help_text=_("For each child whose turn or job the chore is that day. 0: none."),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        verbose_name = _("star rules")
        verbose_name_plural = _("star rules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="star_rules_are_one_row"),
            models.CheckConstraint(
                condition=Q(per_routine__lte=MAX_STARS_PER_THING)
                & Q(per_chore__lte=MAX_STARS_PER_THING),
                name="star_rules_are_few",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Stars: on") if self.enabled else _("Stars: off"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> StarRules:
        """The row, or the rules as they are before a parent first saves them (off)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def stars_for(self, routine: Routine) -> int:
        return routine.stars if routine.stars is not None else self.per_routine


class Reward(Versioned, BilingualTitle):
    """Something a child can have for stars ("こうえんで ながく あそぶ"), given by a parent."""

    shown = Shown.PLANS

    icon = models.CharField(
        _("icon"), max_length=48, default="gift", validators=[icons.validate_icon]
    )
    price = models.PositiveSmallIntegerField(
        _("price in stars"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REWARD_PRICE)],
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["price", "id"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            has_a_title("reward"),
            models.CheckConstraint(
                condition=Q(price__gte=1) & Q(price__lte=MAX_REWARD_PRICE),
                name="reward_price_fits",
            ),
        ]

    def clean(self) -> None:
        if errors := self.clean_titles():
            raise ValidationError(errors)


class StarKind(models.TextChoices):
    ROUTINE = "routine", _("routine finished")
    CHORE = "chore", _("chore done")
    REWARD = "reward", _("reward")
    PARENT = "parent", _("from a parent")


class StarEntry(models.Model):
    """One line of a child's star ledger: stars earned (+) or spent (−) on a day.

    The ledger is only ever added to: a balance is the sum of the rows, never a
    counter. Taking back a star given by mistake adds a row that cancels it
    (`corrects`), and a routine unticked after it was finished adds one that
    cancels its star, so the history shows what happened and in what order.
    What the row was for is written on it, so it reads the same after the
    routine, chore or reward is renamed or deleted.
    """

    shown = Shown.TICK

    Kind = StarKind

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="stars", verbose_name=_("child")
    )
    date = models.DateField(_("date"))
    amount = models.SmallIntegerField(_("stars"))
    kind = models.CharField(_("for"), max_length=8, choices=StarKind)
    what_ja = models.CharField(_("what (Japanese)"), max_length=200, blank=True)
    what_en = models.CharField(_("what (English)"), max_length=200, blank=True)
    routine = models.ForeignKey(
        Routine, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("routine")
    )
    chore = models.ForeignKey(
        Chore, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("chore")
    )
    reward = models.ForeignKey(
        Reward, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("reward")
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("takes back"),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("star")
        verbose_name_plural = _("star ledger")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="star_entry_counts"),
            models.CheckConstraint(
                condition=Q(kind__in=StarKind.values), name="star_entry_kind_is_known"
            ),
        ]
        # Each child's balance is summed after every tap on the wall: from the
        # index alone, not from every row of years of stars.
        indexes = [models.Index(fields=["member", "amount"], name="star_balance")]

    def __str__(self) -> str:
        what = household.pick(self.what_ja, self.what_en)
        return f"{self.member} {self.amount:+d} {what}".strip()

    @classmethod
    def totals(cls, members: Iterable[int] | None = None) -> dict[int, Totals]:
        """Each child's stars earned, spent and left, summed from the rows."""
        rows = cls.objects.all()
        if members is not None:
            rows = rows.filter(member_id__in=list(members))
        found: dict[int, Totals] = {}
        sums = rows.values("member_id", "kind").annotate(total=models.Sum("amount"))
        for row in sums.order_by():
            so_far = found.get(row["member_id"], Totals())
            if row["kind"] == StarKind.REWARD:
                so_far = replace(so_far, spent=so_far.spent - row["total"])
            else:
                so_far = replace(so_far, earned=so_far.earned + row["total"])
            found[row["member_id"]] = so_far
        return found


@dataclass(frozen=True)
class Totals:
    """One child's ledger summed: stars earned (less any taken back) and spent
    (less any reward taken back)."""

    earned: int = 0
    spent: int = 0

    @property
    def balance(self) -> int:
        return self.earned - self.spent
