"""The family and its walls: members, the colour a parent gives an activity,
and the displays (tablets) with their secret addresses."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.common import household, icons
from schedule.common.models import (
    COLOUR_VALIDATOR,
    TOKEN_VALIDATOR,
    CountedQuerySet,
    Shown,
    Versioned,
    in_one_language,
    new_token,
)

# A photo as stored: made small, a member's photo takes some 20-60 KB.
PHOTO_MAX_STORED_BYTES = 512 * 1024

# Up to four whole minutes (1-59), comma-separated: "5,2".
CUE_MINUTES_VALIDATOR = RegexValidator(
    r"^\s*([1-9]|[1-5][0-9])\s*(,\s*([1-9]|[1-5][0-9])\s*){0,3}$",
    _("Give up to four minutes between 1 and 59, separated by commas, such as 5,2."),
    code="cue_minutes",
)
TIMER_MINUTES_VALIDATOR = RegexValidator(
    r"^\s*([1-9]|[1-5][0-9])\s*(,\s*([1-9]|[1-5][0-9])\s*){0,3}$",
    _("Give up to four minutes between 1 and 59, separated by commas, such as 5,10,15."),
    code="timer_minutes",
)


class DisplayLanguage(models.TextChoices):
    JA = "ja", _("Japanese")
    EN = "en", _("English")
    BOTH = "both", _("Japanese and English")


class Theme(models.TextChoices):
    LIGHT = "light", _("light")
    DARK = "dark", _("dark")


class IconColour(Versioned):
    """A parent's colour for one activity (every block with this icon), on every wall.

    Without a row an icon has its built-in colour (icons.activity_colour); a
    block's own colour still wins over both.
    """

    shown = Shown.PLANS

    icon = models.CharField(_("icon"), max_length=48, unique=True, validators=[icons.validate_icon])
    colour = models.CharField(_("colour"), max_length=7, validators=[COLOUR_VALIDATOR])

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["icon"]
        verbose_name = _("activity colour")
        verbose_name_plural = _("activity colours")

    def __str__(self) -> str:
        return f"{icons.label(self.icon)} {self.colour}"


class Member(Versioned):
    shown = Shown.PLANS
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
    # OK-to-wake: the night screen's awake picture comes at this time for them;
    # empty, it comes with the start of their first block of the day's plan.
    wake_at = models.TimeField(
        _("may get up at"),
        null=True,
        blank=True,
        help_text=_(
            "The night screen shows the awake picture from this time. Empty: from the "
            "start of their first block of the day (weekday or day off)."
        ),
    )
    # The key of the member's photo (MemberPhoto), new with every upload: the
    # wall reads it with the member, without the picture's bytes, and the
    # photo's address changes with the photo, so it may be cached for good.
    photo_key = models.CharField(
        _("photo"), max_length=32, blank=True, editable=False, validators=[TOKEN_VALIDATOR]
    )

    objects = CountedQuerySet.as_manager()

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

    @property
    def photo_url(self) -> str:
        """The address of the member's photo (a small JPEG), or "" without one.

        Served by site.views.member_photo to whoever has the address, as a
        wall is to whoever has its token: the key is as long and as random.
        """
        from django.urls import reverse

        return reverse("member-photo", args=[self.photo_key]) if self.photo_key else ""

    def clean(self) -> None:
        if errors := in_one_language(self, "name", _("Give a name in Japanese or English.")):
            raise ValidationError(errors)


def new_photo_key() -> str:
    return secrets.token_urlsafe(18)


class MemberPhoto(models.Model):
    """A member's photo as the wall shows it: already made small (family/photos.py),
    a JPEG, which every tablet's browser reads (old iPads read no WebP).

    Kept in the database, not as a file: a backup copies the database, an
    export carries every table, a restore puts back one file, so the photo
    goes wherever the family's data goes, and never half of it.
    """

    shown = Shown.PLANS  # on the wall's lanes and routines
    edited_with = "member"  # on its member's page, under the member's version

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="photo", verbose_name=_("family member")
    )
    key = models.CharField(
        _("key"), max_length=32, unique=True, default=new_photo_key, validators=[TOKEN_VALIDATOR]
    )
    content_type = models.CharField(_("type"), max_length=20, default="image/jpeg")
    image = models.BinaryField(_("picture"), max_length=PHOTO_MAX_STORED_BYTES)

    objects = CountedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member's photo")
        verbose_name_plural = _("members' photos")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type="image/jpeg"), name="member_photo_is_a_jpeg"
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)

    def clean(self) -> None:
        # An imported document's photo must be what the admin would have made.
        if not bytes(self.image or b"").startswith(b"\xff\xd8\xff"):
            raise ValidationError({"image": _("This is not a JPEG picture.")})


class Display(Versioned):
    """One tablet on the wall, reached by its secret URL."""

    shown = Shown.PLANS
    # A tablet saying it is there (every minute), and how full its battery is,
    # is not a change it shows.
    quiet_fields = frozenset(
        {"last_seen_at", "last_user_agent", "battery_level", "battery_charging", "battery_alert"}
    )

    # Fully Kiosk's battery, when it crosses one of these, calls the webhook
    # once (a smart plug through Home Assistant): on at LOW, off at HIGH.
    BATTERY_LOW = 20
    BATTERY_HIGH = 80

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
    ok_to_wake = models.BooleanField(
        _("OK-to-wake pictures"),
        default=False,
        help_text=_(
            "The night screen shows a sleeping picture until the wake-up (the first block "
            "of the day, or a child's own time), then an awake one for half an hour."
        ),
    )
    timer_minutes = models.CharField(
        _("child's timer"),
        max_length=20,
        default="5,10,15",
        blank=True,
        validators=[TIMER_MINUTES_VALIDATOR],
        help_text=_(
            "A child taps the disc and chooses one of these minutes, such as 5,10,15, "
            "for brushing teeth or tidying up. Empty: no timer."
        ),
    )
    spoken_cues = models.BooleanField(
        _("spoken warnings"),
        default=False,
        help_text=_(
            "In Fully Kiosk Browser, the warnings and announcements are spoken in the "
            "wall's language; in other browsers, the chime as before."
        ),
    )
    battery_webhook_url = models.URLField(
        _("battery webhook"),
        max_length=500,
        blank=True,
        help_text=_(
            "In Fully Kiosk Browser: called once when the battery is down to 20 per cent and "
            "once when it is back up to 80, such as a Home Assistant webhook for a smart plug."
        ),
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
    battery_level = models.PositiveSmallIntegerField(
        _("battery"), null=True, blank=True, editable=False
    )
    battery_charging = models.BooleanField(_("charging"), null=True, blank=True, editable=False)
    # The last threshold the webhook was called for ("low", "high"), so each
    # crossing calls it once, however often the tablet reports.
    battery_alert = models.CharField(max_length=4, blank=True, editable=False)

    objects = CountedQuerySet.as_manager()

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
        now = now or household.now()
        return "online" if now - self.last_seen_at <= self.STALE_AFTER else "stale"

    @property
    def cues(self) -> tuple[int, ...]:
        """The warning minutes, largest first ("5,2" -> (5, 2))."""
        found = {int(part) for part in self.cue_minutes.split(",") if part.strip().isdigit()}
        return tuple(sorted((m for m in found if 1 <= m <= 59), reverse=True))

    @property
    def timers(self) -> tuple[int, ...]:
        """The child's timer's choices, smallest first ("15,5,10" -> (5, 10, 15))."""
        found = {int(part) for part in self.timer_minutes.split(",") if part.strip().isdigit()}
        return tuple(sorted(m for m in found if 1 <= m <= 59))

    def clean(self) -> None:
        if (self.night_start is None) != (self.night_end is None):
            raise ValidationError(
                {"night_end": _("Give both night hours, or neither to stay bright.")}
            )
        if self.night_start is not None and self.night_start == self.night_end:
            raise ValidationError({"night_end": _("Night cannot start and end at the same time.")})
