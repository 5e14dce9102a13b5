"""The family's day as data: members, plans and their blocks, chores, notes, displays,
the routines a child follows inside a block, and the stars the child earns with them.

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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import household, icons, recurrence

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
    """

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0


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
        return [day for day in range(7) if self.weekdays & (1 << day)]

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
        ]

    def recurrence(self) -> recurrence.Recurrence:
        return recurrence.shared(
            self.rrule,
            self.start_date,
            recurrence.dates_from_text(self.extra_dates),
            recurrence.dates_from_text(self.exception_dates),
            self.holiday_policy,
            settings.HOLIDAY_COUNTRY,
        )

    def is_due_on(self, day: date) -> bool:
        return self.recurrence().is_due_on(day)

    def clean(self) -> None:
        errors = self.clean_titles()
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
    # The family's Revision, brought by the wall's lookup (wall/display.py) in
    # the same query as the row; not a column.
    revision: int
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
