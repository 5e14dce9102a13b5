"""持ち物: what goes in each child's bag, and when rain gear goes in too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


class BagPacked(models.Model):
    """A thing a child has put in their bag on the morning it is for, ticked on
    the wall like a routine's step. One row per child, day and thing (a bag
    item, or the rain gear the rules add), so a double tap is harmless. A
    morning's tick says nothing a day later: not in the export."""

    shown = Shown.TICK

    RAIN_GEAR = "rain"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("whose bag"))
    date = models.DateField(_("date"))
    thing = models.CharField(
        _("thing"), max_length=24, help_text=_("item-<id> for a bag item, rain for the rain gear")
    )
    display = models.ForeignKey(
        "Display", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("ticked on")
    )
    packed_at = models.DateTimeField(_("packed at"), default=timezone.now)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "member", "id"]
        verbose_name = _("thing packed")
        verbose_name_plural = _("things packed")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "date", "thing"], name="bag_packed_once_a_day"
            )
        ]
        # Read with the day's other ticks after every tap.
        indexes = [models.Index(fields=["date", "member"], name="bag_packed_by_date")]

    def __str__(self) -> str:
        return f"{self.thing} {self.date:%Y-%m-%d}"

    @staticmethod
    def key(item_id: int | None) -> str:
        """The thing's key: its bag item, or the rain gear (no item)."""
        return BagPacked.RAIN_GEAR if item_id is None else f"item-{item_id}"
