"""The family's day as data: members, plans and their blocks, chores, notes, displays,
the city's garbage calendar around them (closures and cancelled collections), the
routines a child follows inside a block, and the stars the child earns with them.

Rules that must always hold are database constraints; rules that need a
friendly explanation live in `clean()` with a translatable message. Anything
that asks "what happens at this moment" belongs to `planner.py`, not here.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import collection, household, icons, recurrence

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

COLOUR_VALIDATOR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #3366cc."), code="colour"
)
# Up to four whole minutes (1-59), comma-separated: "5,2".
CUE_MINUTES_VALIDATOR = RegexValidator(
    r"^\s*([1-9]|[1-5][0-9])\s*(,\s*([1-9]|[1-5][0-9])\s*){0,3}$",
    _("Give up to four minutes between 1 and 59, separated by commas, such as 5,2."),
    code="cue_minutes",
)

# A wall's address is its secret: long enough not to be guessed, and only
# characters that need no escaping in a URL path.
TOKEN_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_-]{16,64}$",
    _("A wall's secret token is 16 to 64 letters, digits, “-” or “_”."),
    code="token",
)

WEEKDAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
ALL_WEEKDAYS = 0b1111111
SUNDAY = 1 << 6
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


class DisplayLanguage(models.TextChoices):
    JA = "ja", _("Japanese")
    EN = "en", _("English")
    BOTH = "both", _("Japanese and English")


class Theme(models.TextChoices):
    LIGHT = "light", _("light")
    DARK = "dark", _("dark")


def in_one_language(
    instance: models.Model, field: str, message: str | _StrPromise
) -> dict[str, ValidationError]:
    """Hibi's one rule for every bilingual text: Japanese, English or both, never neither.

    `field` is the text's name without its _ja/_en ending; the message goes
    beside the Japanese one, the first a parent sees.
    """
    ja, en = (str(getattr(instance, f"{field}_{lang}") or "") for lang in ("ja", "en"))
    if ja.strip() or en.strip():
        return {}
    return {f"{field}_ja": ValidationError(message, code="no_language")}


def in_chore_years(day: date) -> bool:
    return recurrence.FIRST_DAY <= day <= recurrence.LAST_DAY


def outside_chore_years() -> ValidationError:
    return ValidationError(
        _("Use dates between %(first)s and %(last)s; a year outside them is most likely a typo."),
        code="year",
        params={"first": recurrence.FIRST_DAY.year, "last": recurrence.LAST_DAY.year},
    )


WEB_SCHEMES = frozenset({"http", "https"})
CALENDAR_SCHEMES = frozenset({"http", "https", "webcal", "webcals"})


def _check_url(value: str, schemes: frozenset[str], message) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- reading it refuses a port that is not a number
    except ValueError:
        raise ValidationError(message, code="url") from None
    if parts.scheme.lower() not in schemes or not parts.hostname or any(c.isspace() for c in value):
        raise ValidationError(message, code="url")


def validate_web_url(value: str) -> None:
    """An http:// or https:// address; lenient about host names, since a home
    server is often reached by a bare name (http://homeassistant:8123/...)."""
    _check_url(value, WEB_SCHEMES, _("Enter an address that starts with http:// or https://."))


def validate_calendar_url(value: str) -> None:
    _check_url(
        value,
        CALENDAR_SCHEMES,
        _("Enter a calendar address that starts with https://, http:// or webcal://."),
    )


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Versioned(models.Model):
    """A row a parent edits in the admin: `version` counts its saves there.

    The admin's form remembers the version it was opened with and refuses to
    save over a newer one (forms.VersionedForm), so one parent's save never
    silently undoes another's.
    """

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True


class BilingualTitle(models.Model):
    """Two explicit titles; `title` shows the active language, else the other."""

    title_ja = models.CharField(_("title (Japanese)"), max_length=80, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=80, blank=True)
    title_reading = models.CharField(
        _("reading (kana)"),
        max_length=160,
        blank=True,
        help_text=_(
            "How the Japanese title reads, in hiragana, for children who read kana. "
            "Left empty, Hibi proposes one; correct it if it reads wrong."
        ),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return household.pick(self.title_ja, self.title_en)

    def clean_titles(self) -> dict[str, ValidationError]:
        return in_one_language(self, "title", _("Give a title in Japanese or English."))


def has_a_title(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(title_ja="") | ~Q(title_en=""), name=f"{prefix}_has_a_title"
    )


class Revision(models.Model):
    """One counter bumped by every change the wall could show.

    The wall's poll compares this (plus the date and the minute blocks change)
    with the version it is showing, so an unchanged poll costs one query.
    `plans` counts only the changes to what the family planned, not the ticks
    on the wall (a chore or a routine's step done, the stars they bring): a
    tap makes the walls redraw, but not read every plan and chore again.
    """

    value = models.PositiveBigIntegerField(default=0)
    plans = models.PositiveBigIntegerField(default=0)

    # Where to count from after a restore over a database nobody could read.
    UNKNOWN_PAST = 1 << 40

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def bump(cls, plans: bool = True) -> None:
        """Count a change; `plans=False` for a tick, which leaves the plans as they were."""
        changes = {"value": F("value") + 1}
        if plans:
            changes["plans"] = F("plans") + 1
        if not cls.objects.filter(pk=1).update(**changes):
            cls.objects.get_or_create(pk=1, defaults={"value": 1, "plans": int(plans)})

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0

    @classmethod
    def both(cls) -> tuple[int, int]:
        """(value, plans) as they stand."""
        row = cls.objects.filter(pk=1).values_list("value", "plans").first()
        return row or (0, 0)

    @classmethod
    def count_past(cls, seen: tuple[int, int]) -> None:
        """After the data was replaced underneath (a restore): count past every
        number a running server may have seen. Its kept copies of the plans are
        found by these numbers, and an older copy's numbers come round again
        with the next edit: without this, a wall would show plans that are gone."""
        value, plans = cls.both()
        cls.objects.update_or_create(
            pk=1, defaults={"value": max(seen[0], value) + 1, "plans": max(seen[1], plans) + 1}
        )


class Heartbeat(models.Model):
    """When something last proved it works: `/healthz`'s write probe, the worker.

    Not part of the family's data: it is never exported, and a change here
    does not make the walls redraw.
    """

    name = models.CharField(_("name"), max_length=40, unique=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, at: datetime | None = None) -> None:
        at = at or timezone.now()
        if not cls.objects.filter(name=name).update(at=at):
            cls.objects.update_or_create(name=name, defaults={"at": at})


class IconColour(Versioned):
    """A parent's colour for one activity (every block with this icon), on every wall.

    Without a row an icon has its built-in colour (icons.activity_colour); a
    block's own colour still wins over both.
    """

    icon = models.CharField(_("icon"), max_length=48, unique=True, validators=[icons.validate_icon])
    colour = models.CharField(_("colour"), max_length=7, validators=[COLOUR_VALIDATOR])

    class Meta:
        ordering = ["icon"]
        verbose_name = _("activity colour")
        verbose_name_plural = _("activity colours")

    def __str__(self) -> str:
        return f"{icons.label(self.icon)} {self.colour}"


class Member(Versioned):
    name_ja = models.CharField(_("name (Japanese)"), max_length=40, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    colour = models.CharField(
        _("colour"), max_length=7, default="#3366cc", validators=[COLOUR_VALIDATOR]
    )
    icon = models.CharField(
        _("icon"), max_length=48, default="person", validators=[icons.validate_icon]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Set on the page of the star rules (StarRules), where a parent decides
    # who collects stars at all.
    collects_stars = models.BooleanField(_("collects stars"), default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ja="") | ~Q(name_en=""), name="member_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return household.pick(self.name_ja, self.name_en)

    def clean(self) -> None:
        if errors := in_one_language(self, "name", _("Give a name in Japanese or English.")):
            raise ValidationError(errors)


class Plan(Versioned):
    """A routine ("平日 / Weekday") and the rule for the days it applies to.

    On a given date: a one-off override wins; then, on a public holiday, the
    highest-priority plan that applies to holidays; else the highest-priority
    plan for that weekday. `valid_from`/`valid_until` bound both rules.
    """

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
        return sum(1 << int(day) for day in set(days))

    def clean(self) -> None:
        errors = in_one_language(self, "name", _("Give a name in Japanese or English."))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = ValidationError(_("The end date is before the start date."))
        if errors:
            raise ValidationError(errors)


class PlanOverride(models.Model):
    """A one-off date that follows another plan ("this Saturday: school event")."""

    date = models.DateField(_("date"), unique=True)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("plan")
    )
    reason = models.CharField(_("reason"), max_length=80, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} → {self.plan}"


class Block(BilingualTitle):
    """A stretch of a plan's day. `end` earlier than `start` runs past midnight."""

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


class Chore(Versioned, BilingualTitle):
    """Something to do on certain days: take out the burnable trash, start the Roomba."""

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


class Closure(Versioned):
    """Days the city collects nothing (年末年始 12/31–1/4, お盆), once or every year.

    Every garbage chore follows it, other chores only when linked
    (`ChoreClosure`); `action` says what becomes of a collection inside it,
    unless a chore's link says otherwise.
    """

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

    Action = LinkAction

    chore = models.ForeignKey(
        Chore, on_delete=models.CASCADE, related_name="closure_links", verbose_name=_("chore")
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


class ChoreCancellation(models.Model):
    """One collection called off (a storm warning, an evacuation order at 6:00).

    The wall shows it crossed out, "ちゅうし / cancelled"; nothing is moved.
    """

    chore = models.ForeignKey(
        Chore, on_delete=models.CASCADE, related_name="cancellations", verbose_name=_("chore")
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), default=timezone.now)

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


class ChoreAssignee(models.Model):
    """Who does a chore, in turn order."""

    chore = models.ForeignKey(Chore, on_delete=models.CASCADE, verbose_name=_("chore"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("member"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("assignee")
        verbose_name_plural = _("assignees")
        constraints = [
            models.UniqueConstraint(fields=["chore", "member"], name="chore_assignee_once")
        ]

    def __str__(self) -> str:
        return str(self.member)


class ChoreDone(models.Model):
    """A chore done on a date. One row per chore and date, so a double tap is harmless."""

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


class Note(Versioned):
    """A short message for the wall over a few days ("おばあちゃんが来る")."""

    text_ja = models.CharField(_("text (Japanese)"), max_length=200, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=200, blank=True)
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))

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


class Display(Versioned):
    """One tablet on the wall, reached by its secret URL."""

    Language = DisplayLanguage
    Theme = Theme

    HEARTBEAT_EVERY = timedelta(minutes=1)
    STALE_AFTER = timedelta(minutes=10)

    name = models.CharField(_("name"), max_length=60)
    token = models.CharField(
        _("secret token"),
        max_length=64,
        unique=True,
        default=new_token,
        validators=[TOKEN_VALIDATOR],
    )
    language = models.CharField(
        _("language"), max_length=4, choices=Language.choices, default=Language.BOTH
    )
    members = models.ManyToManyField(
        Member,
        blank=True,
        related_name="displays",
        verbose_name=_("members shown"),
        help_text=_("Nobody chosen means the whole family."),
    )
    theme = models.CharField(_("theme"), max_length=5, choices=Theme, default=Theme.LIGHT)
    night_start = models.TimeField(_("night starts"), null=True, blank=True, default=time(21, 30))
    night_end = models.TimeField(_("night ends"), null=True, blank=True, default=time(6, 0))
    may_complete_chores = models.BooleanField(
        _("may tick chores done"),
        default=True,
        help_text=_("Chores and the steps of routines can be ticked done on this wall."),
    )
    show_stars = models.BooleanField(
        _("show stars"),
        default=True,
        help_text=_("The children's stars and their next reward, when the family collects stars."),
    )
    cue_minutes = models.CharField(
        _("warnings before a change"),
        max_length=20,
        default="5,2",
        blank=True,
        validators=[CUE_MINUTES_VALIDATOR],
        help_text=_(
            "Minutes before a block ends when the wall shows what comes next, "
            "such as 5,2. Empty: no warning."
        ),
    )
    chime = models.BooleanField(
        _("soft chime"),
        default=False,
        help_text=_("A soft sound with each warning and at each change."),
    )
    show_readings = models.BooleanField(
        _("show readings"),
        default=False,
        help_text=_("Small kana above the kanji of Japanese titles (furigana), for young readers."),
    )
    # The family's Revision (both counters), brought by the wall's lookup
    # (wall/display.py) in the same query as the row; not columns.
    revision: int
    plans_revision: int
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    last_user_agent = models.CharField(_("browser"), max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("display")
        verbose_name_plural = _("displays")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=DisplayLanguage.values), name="display_language_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("wall", args=[self.token])

    def regenerate_token(self) -> None:
        self.token = new_token()
        self.save(update_fields=["token"])

    def state(self, now: datetime | None = None) -> str:
        """'never', 'online' or 'stale': has this tablet asked for the wall lately?"""
        if self.last_seen_at is None:
            return "never"
        now = now or timezone.now()
        return "online" if now - self.last_seen_at <= self.STALE_AFTER else "stale"

    @property
    def cues(self) -> tuple[int, ...]:
        """The warning minutes, largest first ("5,2" -> (5, 2))."""
        found = {int(part) for part in self.cue_minutes.split(",") if part.strip().isdigit()}
        return tuple(sorted((m for m in found if 1 <= m <= 59), reverse=True))

    def clean(self) -> None:
        if (self.night_start is None) != (self.night_end is None):
            raise ValidationError(
                {"night_end": _("Give both night hours, or neither to stay bright.")}
            )
        if self.night_start is not None and self.night_start == self.night_end:
            raise ValidationError({"night_end": _("Night cannot start and end at the same time.")})


# --- Beyond the wall: calendars in and out, nudges, webhooks -------------------------

# Why a fetch or a send failed, said to a parent in their language. Stored as
# a code and a detail (a status code, a size), so the admin can say it in the
# language of whoever reads it, not the one the worker ran in.
PROBLEMS = {
    "timeout": _("It did not answer in time (%(detail)s seconds)."),
    "network": _("It could not be reached: %(detail)s"),
    "http": _("It answered with an error (HTTP %(detail)s)."),
    "not_found": _("The address was not found (HTTP 404). Check it, or make a new one."),
    "too_big": _("It is too big (more than %(detail)s MB)."),
    "not_calendar": _("What came back is not a calendar."),
    "scheme": _("Only http://, https:// and webcal:// addresses are fetched."),
    "redirects": _("It sent Hibi on to other addresses too many times (more than %(detail)s)."),
    "too_many_events": _("It lists too many events to read (more than %(detail)s)."),
    "too_many_lines": _("It has too many lines and values to read (more than %(detail)s)."),
    "too_many_repeats": _(
        "Its events repeat too often: more than %(detail)s times in the days the wall shows."
    ),
    "bad_repeat": _("An event repeats by a rule Hibi cannot follow: %(detail)s"),
    "too_slow": _("Reading it took too long (more than %(detail)s seconds)."),
    "refused": _("The nudge service did not accept the message."),
    "not_understood": _("Apprise does not understand this address."),
    "quiet": _("Not sent: quiet hours."),
    "interrupted": _("The worker stopped while sending; not sent again, to be safe."),
    "unexpected": _("Something unexpected went wrong: %(detail)s"),
}


def describe_problem(code: str, detail: str) -> str:
    """The stored problem in the active language ("" when there is none)."""
    if not code:
        return ""
    message = PROBLEMS.get(code, PROBLEMS["unexpected"])
    return str(message) % {"detail": detail or "?"}


class CalendarSubscription(models.Model):
    """A calendar someone else keeps (school, a club, Google, iCloud), shown on the wall.

    The worker fetches it every CALENDAR_SYNC_MINUTES and keeps the coming
    days' events in CalendarEvent, so the wall shows them with the internet down.
    """

    name = models.CharField(_("name"), max_length=80)
    url = models.CharField(
        _("calendar address"),
        max_length=1000,
        validators=[validate_calendar_url],
        help_text=_(
            "The calendar's address in iCal format (Google: “Secret address in iCal "
            "format”; iPhone: share the calendar as a public calendar). webcal:// works too."
        ),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("whose"),
        help_text=_("Empty: the whole family's."),
    )
    enabled = models.BooleanField(_("in use"), default=True)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_sync_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last fetched without a problem"), null=True, blank=True, editable=False
    )
    event_count = models.PositiveIntegerField(_("events kept"), default=0, editable=False)
    error_code = models.CharField(max_length=20, blank=True, editable=False)
    error_detail = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("subscribed calendar")
        verbose_name_plural = _("subscribed calendars")

    def __str__(self) -> str:
        return self.name

    @property
    def last_error(self) -> str:
        return describe_problem(self.error_code, self.error_detail)


class CalendarEvent(models.Model):
    """One event of a subscribed calendar in the coming days, as last fetched.

    Timed events have `start`/`end`; all-day ones `start_date`/`end_date`
    (the end date excluded, as in iCalendar).
    """

    subscription = models.ForeignKey(
        CalendarSubscription,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("subscribed calendar"),
    )
    uid = models.CharField(max_length=300)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("day after the last"), null=True, blank=True)

    class Meta:
        ordering = ["start", "start_date", "id"]
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(start__isnull=False, end__isnull=False, start_date__isnull=True)
                    | Q(start__isnull=True, start_date__isnull=False, end_date__isnull=False)
                ),
                name="calendar_event_is_timed_or_all_day",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def all_day(self) -> bool:
        return self.start is None


class CalendarFeed(models.Model):
    """Hibi's own calendar for phones: a secret address per family or per member."""

    name = models.CharField(_("name"), max_length=60)
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feeds",
        verbose_name=_("whose"),
        help_text=_("Empty: the whole family's chores, date overrides and notes."),
    )
    token = models.CharField(
        _("secret token"),
        max_length=64,
        unique=True,
        default=new_token,
        validators=[TOKEN_VALIDATOR],
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("feed", args=[self.token])

    def regenerate_token(self) -> None:
        self.token = new_token()
        self.save(update_fields=["token"])


class NudgeTarget(models.Model):
    """A phone (or a chat, an e-mail box) that gets nudges, through an Apprise address."""

    Language = DisplayLanguage

    name = models.CharField(_("name"), max_length=60)
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="nudge_targets",
        verbose_name=_("whose"),
        help_text=_("Empty: nudges for the whole family; else only those for this member."),
    )
    apprise_url = models.CharField(
        _("Apprise address"),
        max_length=1000,
        help_text=_(
            "Where nudges go, as an Apprise address: ntfy://…, pover://…, tgram://…, "
            "mailto://…, json://… (see the Apprise documentation)."
        ),
    )
    enabled = models.BooleanField(_("in use"), default=True)
    language = models.CharField(
        _("language"), max_length=4, choices=DisplayLanguage, default=DisplayLanguage.JA
    )
    evening_chores = models.BooleanField(
        _("the evening before morning chores"),
        default=True,
        help_text=_("For example the trash: “tomorrow morning by 8:00: cans”."),
    )
    evening_time = models.TimeField(_("evening nudge at"), default=time(19, 0))
    block_starts = models.BooleanField(
        _("blocks that ask for a nudge"),
        default=True,
        help_text=_("Blocks with “nudge phones, minutes before” filled in."),
    )
    overdue_chores = models.BooleanField(
        _("chores not done at their time"),
        default=False,
        help_text=_("Chores with “nudge phones when overdue” ticked."),
    )
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True, default=time(21, 0))
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True, default=time(7, 0))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("phone for nudges")
        verbose_name_plural = _("phones for nudges")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=DisplayLanguage.values), name="nudge_language_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_quiet_at(self, clock: time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= clock < end
        return clock >= start or clock < end

    def clean(self) -> None:
        errors = {}
        if (self.quiet_start is None) != (self.quiet_end is None):
            errors["quiet_end"] = ValidationError(
                _("Give both quiet hours, or neither for no quiet hours.")
            )
        if self.apprise_url:
            import apprise

            if not apprise.Apprise().add(self.apprise_url):
                errors["apprise_url"] = ValidationError(
                    _("Apprise does not understand this address."), code="apprise"
                )
        if errors:
            raise ValidationError(errors)


class DeliveryKind(models.TextChoices):
    NUDGE = "nudge", _("nudge")
    WEBHOOK = "webhook", _("webhook")
    TEST = "test", _("test")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("sending")
    RETRY = "retry", _("failed, will try again")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")


class Delivery(models.Model):
    """One nudge or webhook call for one occurrence: at most one row, so at most one send.

    `channel` says where it goes ("target:3", "webhook:12"), `occurrence`
    which event it is for ("evening:2026-11-24", "block:7:2026-11-24T17:20");
    the pair is unique, which is what keeps a restarted worker from sending
    the same nudge twice.
    """

    Kind = DeliveryKind
    Status = DeliveryStatus

    kind = models.CharField(_("kind"), max_length=8, choices=DeliveryKind)
    channel = models.CharField(max_length=40)
    occurrence = models.CharField(max_length=120)
    target = models.ForeignKey(
        NudgeTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("phone"),
    )
    block = models.ForeignKey(
        Block,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("block"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("state"), max_length=8, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    error_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("nudge or webhook sent")
        verbose_name_plural = _("nudges and webhooks sent")
        constraints = [
            models.UniqueConstraint(fields=["channel", "occurrence"], name="delivery_once"),
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="delivery_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_is_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"], name="delivery_to_send")]

    def __str__(self) -> str:
        return f"{self.title or self.occurrence} ({self.get_status_display()})"

    @property
    def problem(self) -> str:
        return describe_problem(self.error_code, self.error_detail)


# Routines and stars -------------------------------------------------------------------

MAX_STEP_MINUTES = 120
MAX_STARS_PER_THING = 10
MAX_REWARD_PRICE = 999


class Routine(Versioned, BilingualTitle):
    """A short row of pictured steps a child goes through one at a time ("朝のしたく").

    A routine belongs to no plan: blocks take it up through RoutineAssignment,
    one member at a time, so the weekday and day-off plans can share one, and
    each child can have a version of their own.
    """

    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    stars = models.PositiveSmallIntegerField(
        _("stars for finishing it"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_STARS_PER_THING)],
        help_text=_("Empty: as many as the star rules give for a routine. 0: no stars."),
    )

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

    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="routines", verbose_name=_("block")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, verbose_name=_("member"))
    routine = models.ForeignKey(
        Routine, on_delete=models.CASCADE, related_name="uses", verbose_name=_("routine")
    )

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

    icon = models.CharField(
        _("icon"), max_length=48, default="gift", validators=[icons.validate_icon]
    )
    price = models.PositiveSmallIntegerField(
        _("price in stars"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REWARD_PRICE)],
    )

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
