"""Nudges to phones and home automations: the targets and what was sent."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.calendars.models import describe_problem
from schedule.common.models import Shown, Versioned
from schedule.family.models import DisplayLanguage, Member
from schedule.plans.models import Block


class NudgeTarget(Versioned):
    """A phone (or a chat, an e-mail box) that gets nudges, through an Apprise address."""

    shown = Shown.NOT

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
            "line://token/user ID (LINE), mailto://…, json://… (see the Apprise documentation)."
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
    evening_bags = models.BooleanField(
        _("the evening before: the children's bags"),
        default=True,
        help_text=_("What goes in each child's bag tomorrow, and an umbrella if rain is likely."),
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

    shown = Shown.NOT

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
