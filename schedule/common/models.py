"""What every room's models share: the two-parent version, bilingual titles,
the revision the walls poll for, heartbeats, and the validators of colours,
tokens, addresses and dates."""

from __future__ import annotations

import enum
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from schedule.common import household, recurrence

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


COLOUR_VALIDATOR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #3366cc."), code="colour"
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


def weekday_bits(days) -> int:
    """Weekdays (0 = Monday) as the bitmask plans and chores store."""
    return sum(1 << int(day) for day in set(days))


SUNDAY = 1 << 6


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

    The rows its page edits with it (a plan's blocks, a chore's turns) have no
    version of their own: they name their owner in `edited_with`, and the
    owner's version covers them. Every save of the page counts on it (the
    admin saves the owner each time), and so does every other write of one of
    its rows: a block's own page and a plan used on a date count it themselves
    (services.change_block, services.use_plan_on), and a delete, which may
    cascade from a member's or a closure's page, is counted by a signal
    (signals.count_on_owner). One number to send and to check, and a row
    another parent changed or deleted is caught like any other change.
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
    # Set when the parent typed the reading (readings.fill_missing): a title
    # changed later keeps it, where a reading Hibi proposed is made again.
    title_reading_by_hand = models.BooleanField(
        _("reading typed by hand"), default=False, editable=False
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


class Shown(enum.Enum):
    """What a change to a model's rows does to the walls: every model of the app
    says which, as `shown` (tests/test_revision.py holds each to it)."""

    PLANS = "plans"  # what the family planned: the walls read the plans again
    TICK = "tick"  # a tap on a wall (a chore or step done, a star): redraw, plans kept
    NOT = "not"  # on no wall


def count_change(model: type[models.Model], fields: Iterable[str] | None = None) -> None:
    """The one way a change the walls may show is counted: the model's `shown`
    says whether the walls redraw and whether they read the plans again; a
    write of `fields` that are all the model's `quiet_fields` (a tablet's
    heartbeat, a calendar's last fetch) is not a change the walls show."""
    shown: Shown = model.shown  # type: ignore[attr-defined]
    if shown is Shown.NOT:
        return
    if fields is not None and set(fields) <= getattr(model, "quiet_fields", frozenset()):
        return
    batch: set[Shown] | None = getattr(_batch, "kinds", None)
    if batch is not None:
        batch.add(shown)
        return
    Revision.bump(plans=shown is Shown.PLANS)


_batch = threading.local()


@contextmanager
def counted_once() -> Iterator[None]:
    """The changes made inside counted once, at the end: a calendar's thousand
    events replaced, a plan deleted with its blocks, a family imported. Inside
    another, it is part of that one."""
    if getattr(_batch, "kinds", None) is not None:
        yield
        return
    _batch.kinds = set()
    try:
        yield
    finally:
        kinds, _batch.kinds = _batch.kinds, None
    if kinds:
        Revision.bump(plans=Shown.PLANS in kinds)


class CountedQuerySet(models.QuerySet):
    """The writes that send no signal, counted all the same (count_change):
    `update()`, `bulk_create()` and `bulk_update()` of a model the walls show.
    A delete sends a signal per row (signals.py), counted once for them all."""

    def delete(self) -> tuple[int, dict[str, int]]:
        with counted_once():
            return super().delete()

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            count_change(self.model, kwargs)
        return rows

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        made = super().bulk_create(objs, *args, **kwargs)
        if made:
            count_change(self.model)
        return made

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        fields = list(fields)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            count_change(self.model, fields)
        return rows


class Revision(models.Model):
    """One counter bumped by every change the wall could show (count_change).

    The wall's poll compares this (plus the date and the minute blocks change)
    with the version it is showing, so an unchanged poll costs one query.
    `plans` counts only the changes to what the family planned, not the ticks
    on the wall (a chore or a routine's step done, the stars they bring): a
    tap makes the walls redraw, but not read every plan and chore again.
    """

    shown = Shown.NOT  # it is the count itself

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
        """Count a change; `plans=False` for a tick, which leaves the plans as they were.
        Called by count_change(), and by a load that changes everything at once."""
        changes = {"value": F("value") + 1}
        if plans:
            changes["plans"] = F("plans") + 1
        if not cls.objects.filter(pk=1).update(**changes):
            # Two first changes at once: the one that finds the row made by the
            # other still counts its own.
            cls.objects.get_or_create(pk=1)
            cls.objects.filter(pk=1).update(**changes)

    @classmethod
    def lock(cls) -> None:
        """Wait for any other write the walls see, and hold the next ones off until this
        transaction ends: what every such write does first (schedule/writes.py).

        Every change bumps this one row, so a write holds it from its first
        change to its commit anyway; taken first, before any other row, it can
        no longer be the second lock of a deadlock. SQLite's transactions take
        the database's one write lock as they begin (IMMEDIATE), so there is
        nothing more to take there.
        """
        if not connection.features.has_select_for_update:
            return
        row = cls.objects.select_for_update().filter(pk=1)
        if not row.exists():  # a database no change was made in yet
            cls.objects.get_or_create(pk=1)
            row.exists()

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

    shown = Shown.NOT

    name = models.CharField(_("name"), max_length=40, unique=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, at: datetime | None = None) -> None:
        at = at or household.now()
        if not cls.objects.filter(name=name).update(at=at):
            cls.objects.update_or_create(name=name, defaults={"at": at})
