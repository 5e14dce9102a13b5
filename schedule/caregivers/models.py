"""A caregiver link: the family's day, read-only, for a babysitter or a grandparent,
from a start to an end a parent chose, at a secret address (like a wall's)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.common import household
from schedule.common.models import TOKEN_VALIDATOR, Shown, Versioned, new_token
from schedule.family.models import DisplayLanguage, Member

# A link lasts a few days (a weekend with the grandparents): a longer one is
# more likely a typo than a plan, and a link that never ends is a leak.
LONGEST_LINK = timedelta(days=31)

NOTES_LENGTH = 1000


class Section(models.TextChoices):
    """What a caregiver's page may show; a parent ticks which.

    The extension point for what comes later: a new part of the page (持ち物,
    what to bring, once the "tonight & tomorrow" feature knows the bags) is a
    choice here, a builder in caregivers/views.py (SECTIONS) and a template
    templates/caregivers/sections/<value>.html. A link made before it simply
    does not show it until a parent ticks it.
    """

    DAY = "day", _("The day's plan")
    PICKUPS = "pickups", _("Who to pick up, and when")
    NOTES = "notes", _("Emergency notes")


def default_sections() -> list[str]:
    return [Section.DAY, Section.PICKUPS, Section.NOTES]


class LinkState(models.TextChoices):
    NOT_YET = "not_yet", _("not open yet")
    OPEN = "open", _("open")
    ENDED = "ended", _("ended")
    REVOKED = "revoked", _("revoked")


class CaregiverLink(Versioned):
    shown = Shown.NOT  # a page of its own, on no wall

    State = LinkState
    Section = Section

    name = models.CharField(
        _("for whom"),
        max_length=60,
        help_text=_("Who it is for, such as おばあちゃん or the babysitter."),
    )
    # Kept to draw the link's QR code again; a visit is found by its digest.
    token = models.CharField(
        _("secret token"),
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
        validators=[TOKEN_VALIDATOR],
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    members = models.ManyToManyField(
        Member,
        blank=True,
        related_name="caregiver_links",
        verbose_name=_("whose day"),
        help_text=_("Nobody chosen means the whole family."),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    language = models.CharField(
        _("language"), max_length=4, choices=DisplayLanguage, default=DisplayLanguage.JA
    )
    sections = models.JSONField(_("shows"), default=default_sections, blank=True)
    notes = models.TextField(
        _("emergency notes"),
        max_length=NOTES_LENGTH,
        blank=True,
        help_text=_("Phone numbers, allergies, the doctor: shown as typed."),
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last opened"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("caregiver link")
        verbose_name_plural = _("caregiver links")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="caregiver_link_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(language__in=DisplayLanguage.values),
                name="caregiver_link_language_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()

    def fill_derived(self) -> None:
        """The digest a visit finds the link by, made from its token (an import's
        rows are written without save())."""
        self.digest = self.digest_of(self.token)

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        if (fields := kwargs.get("update_fields")) is not None and "token" in fields:
            kwargs["update_fields"] = {*fields, "digest"}
        super().save(*args, **kwargs)

    @classmethod
    def find(cls, token: str) -> CaregiverLink | None:
        """The link whose secret is `token`, found by its digest and compared in constant
        time, whatever its state (the page says an ended link has ended)."""
        digest = cls.digest_of(token)
        link = cls.objects.filter(digest=digest).first()
        if link is None or not hmac.compare_digest(link.token.encode(), token.encode()):
            return None
        return link

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("caregiver", args=[self.token])

    def state(self, now: datetime | None = None) -> str:
        now = now or household.now()
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if now < self.starts_at:
            return LinkState.NOT_YET
        if now >= self.ends_at:
            return LinkState.ENDED
        return LinkState.OPEN

    def shows(self, section: str) -> bool:
        return isinstance(self.sections, list) and section in self.sections

    def note_used(self, now: datetime) -> None:
        """When the caregiver last opened it, at most once a minute (the admin lists it)."""
        if self.last_used_at is None or now - self.last_used_at >= timedelta(minutes=1):
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self, now: datetime | None = None) -> None:
        self.revoked_at = now or household.now()
        self.save(update_fields=["revoked_at"])

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = ValidationError(
                    _("The link ends after it starts."), code="order"
                )
            elif self.ends_at - self.starts_at > LONGEST_LINK:
                errors["ends_at"] = ValidationError(
                    _("A link lasts a month at most; make a new one after it."), code="long"
                )
        sections = self.sections
        if not isinstance(sections, list) or not set(sections) <= set(Section.values):
            errors["sections"] = ValidationError(
                _("Choose what the page shows from the list."), code="sections"
            )
        if errors:
            raise ValidationError(errors)
