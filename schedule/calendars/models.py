"""Calendars in (subscriptions and their events) and out (the feeds phones
subscribe to)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.common.models import (
    TOKEN_VALIDATOR,
    CountedQuerySet,
    Shown,
    Versioned,
    new_token,
    validate_calendar_url,
)
from schedule.family.models import Member

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
    "not_weather": _("What came back is not a weather report Hibi can read: %(detail)s"),
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


class CalendarSubscription(Versioned):
    """A calendar someone else keeps (school, a club, Google, iCloud), shown on the wall.

    The worker fetches it every CALENDAR_SYNC_MINUTES and keeps the coming
    days' events in CalendarEvent, so the wall shows them with the internet down.
    """

    shown = Shown.PLANS
    # The worker noting a fetch is not a change the walls show; its events are.
    quiet_fields = frozenset(
        {"etag", "last_modified", "last_sync_at", "last_success_at", "event_count",
         "error_code", "error_detail"}
    )  # fmt: skip

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

    objects = CountedQuerySet.as_manager()

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

    shown = Shown.PLANS

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

    objects = CountedQuerySet.as_manager()

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


class CalendarFeed(Versioned):
    """Hibi's own calendar for phones: a secret address per family or per member."""

    shown = Shown.NOT

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
