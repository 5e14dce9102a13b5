"""Announcements on the walls, the walls that dismissed one, and the tokens an
integration (Home Assistant) sends them with."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.common import household, icons
from schedule.common.models import CountedQuerySet, Shown, in_one_language
from schedule.family.models import Display

# What a banner holds, read from across the room.
TEXT_LENGTH = 60

# How long an announcement lasts unless told: dinner is ready, come now.
DEFAULT_MINUTES = 10

LONGEST_MINUTES = 240


# What a parent says most, one tap each: (key, Japanese, English, icon). Both
# languages are the family's words, stored as they are, not translations of
# the admin's.
PRESETS = (
    ("dinner", "ごはん できたよ!", "Dinner is ready!", "dinner"),
    ("leaving", "15分後に出発", "Leaving in 15 minutes", "car"),
    ("bath", "おふろ わいたよ", "The bath is ready", "bath"),
    ("tidy", "おかたづけ しよう", "Time to tidy up", "tidy"),
    ("home", "もうすぐ かえるよ", "Home soon", "home"),
)
PRESET_KEYS = tuple(key for key, *_rest in PRESETS)


def preset(key: str) -> tuple[str, str, str] | None:
    """(Japanese, English, icon) of a preset, or None."""
    for name, ja, en, icon in PRESETS:
        if name == key:
            return ja, en, icon
    return None


def minutes_validators() -> list:
    return [MinValueValidator(1), MaxValueValidator(LONGEST_MINUTES)]


class AnnouncementToken(models.Model):
    """A token an integration sends announcements with (`Authorization: Bearer …`).

    Only its SHA-256 is kept: the token is shown once, when it is made, and a
    copy of the database gives nobody a token that works. A token is found by
    its digest and compared with hmac.compare_digest; revoked, it is refused.
    """

    shown = Shown.NOT

    name = models.CharField(_("name"), max_length=60, help_text=_("Such as Home Assistant."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters, so a parent can tell two tokens apart.
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    PREFIX = "hibi_"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("announcement token")
        verbose_name_plural = _("announcement tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()

    def issue(self) -> str:
        """A new secret for this row (saved by the caller): returned once, kept as its digest."""
        token = self.PREFIX + secrets.token_urlsafe(32)
        self.digest = self.digest_of(token)
        self.hint = token[: len(self.PREFIX) + 4]
        return token

    @classmethod
    def find(cls, token: str) -> AnnouncementToken | None:
        """The token in use that `token` is, or None."""
        if not token.startswith(cls.PREFIX) or len(token) > 200:
            return None
        digest = cls.digest_of(token)
        row = cls.objects.filter(digest=digest, revoked_at__isnull=True).first()
        if row is None or not hmac.compare_digest(row.digest, digest):
            return None
        return row

    def note_used(self, now: datetime) -> None:
        if self.last_used_at is None or now - self.last_used_at >= timedelta(minutes=1):
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Announcement(models.Model):
    """A message on the walls from `starts_at` to `ends_at`: on every wall, or on
    the `displays` chosen. A wall's tap on it dismisses it there only."""

    shown = Shown.TICK  # the walls redraw, the plans stay as they are

    text_ja = models.CharField(_("text (Japanese)"), max_length=TEXT_LENGTH, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=TEXT_LENGTH, blank=True)
    icon = models.CharField(_("icon"), max_length=48, blank=True, validators=[icons.validate_icon])
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    displays = models.ManyToManyField(
        Display,
        blank=True,
        related_name="announcements",
        verbose_name=_("walls"),
        help_text=_("Nobody chosen means every wall."),
    )
    chime = models.BooleanField(
        _("chime"), default=False, help_text=_("On walls whose soft chime is on.")
    )
    token = models.ForeignKey(
        AnnouncementToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("sent with"),
    )

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text_ja="") | ~Q(text_en=""), name="announcement_has_a_text"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="announcement_ends_after_it_starts"
            ),
        ]
        # The walls read the announcements of the days they show.
        indexes = [models.Index(fields=["ends_at"], name="announcement_by_end")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return household.pick(self.text_ja, self.text_en)

    def is_on(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def clean(self) -> None:
        errors = in_one_language(self, "text", _("Write the announcement in Japanese or English."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = ValidationError(
                _("An announcement ends after it starts."), code="order"
            )
        if errors:
            raise ValidationError(errors)


class AnnouncementDismissal(models.Model):
    """A wall's tap that put an announcement away: that wall no longer shows it,
    whatever its next poll brings; the other walls still do."""

    shown = Shown.TICK

    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        related_name="dismissals",
        verbose_name=_("announcement"),
    )
    display = models.ForeignKey(
        Display, on_delete=models.CASCADE, related_name="+", verbose_name=_("wall")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = CountedQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement put away")
        verbose_name_plural = _("announcements put away")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "display"], name="announcement_dismissed_once_per_wall"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement} · {self.display}"
