"""The family's weather: where it is read for, what was last read, and the
rules that call a block off when a warning is in force."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.common import household
from schedule.common.models import CountedQuerySet, Shown, Versioned
from schedule.family.models import Member
from schedule.plans.models import Block
from schedule.weather import areas, warning_codes

DIGITS = RegexValidator(r"^[0-9]*$", _("Use the code's digits only."), code="digits")


class Provider(models.TextChoices):
    JMA = "jma", _("Japan Meteorological Agency")
    OPEN_METEO = "open-meteo", _("Open-Meteo (outside Japan)")


class WeatherPlace(Versioned):
    """The family's one place for the weather (one row), and how its last fetch went.

    For JMA: the forecast office (130000 東京都), its area (130010 東京地方),
    the municipality warnings are read for (1310300 港区; empty: the area's)
    and the temperature point (44132 東京; empty: the office's first). For
    Open-Meteo: a latitude and a longitude.
    """

    Provider = Provider
    shown = Shown.PLANS  # the wall's weather, warnings and call-offs are read for it
    # The worker noting a fetch is not a change the walls show; its reports are.
    quiet_fields = frozenset(
        {"forecast_etag", "forecast_modified", "warnings_etag", "warnings_modified",
         "last_fetch_at", "last_success_at", "error_code", "error_detail"}
    )  # fmt: skip

    enabled = models.BooleanField(_("fetch the weather"), default=True)
    provider = models.CharField(_("from"), max_length=12, choices=Provider, default=Provider.JMA)
    office = models.CharField(
        _("forecast office"), max_length=6, blank=True, default="130000", validators=[DIGITS]
    )
    area = models.CharField(
        _("forecast area"), max_length=6, blank=True, default="130010", validators=[DIGITS]
    )
    city = models.CharField(
        _("municipality for warnings"),
        max_length=7,
        blank=True,
        validators=[DIGITS],
        help_text=_("Empty: the warnings of the whole forecast area."),
    )
    point = models.CharField(
        _("temperature point"),
        max_length=5,
        blank=True,
        validators=[DIGITS],
        help_text=_("JMA's AMeDAS code, such as 44132 for Tokyo. Empty: the office's first."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # The worker's, never edited: conditional fetches and the last problem.
    forecast_etag = models.CharField(max_length=300, blank=True, editable=False)
    forecast_modified = models.CharField(max_length=100, blank=True, editable=False)
    warnings_etag = models.CharField(max_length=300, blank=True, editable=False)
    warnings_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetch_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        _("last fetched without a problem"), null=True, blank=True, editable=False
    )
    error_code = models.CharField(max_length=20, blank=True, editable=False)
    error_detail = models.CharField(max_length=300, blank=True, editable=False)

    objects = CountedQuerySet.as_manager()

    class Meta:
        verbose_name = _("weather place")
        verbose_name_plural = _("weather place")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="weather_place_is_one_row"),
            models.CheckConstraint(
                condition=Q(provider__in=Provider.values), name="weather_provider_is_known"
            ),
        ]

    def __str__(self) -> str:
        if self.provider == Provider.OPEN_METEO:
            return f"Open-Meteo {self.latitude}, {self.longitude}"
        lang = household.language()
        return areas.name(self.city or self.area or self.office, lang)

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> WeatherPlace | None:
        return cls.objects.filter(pk=1).first()

    @property
    def forecast_key(self) -> str:
        """What a stored forecast was read for: one read for another place is not shown."""
        if self.provider == Provider.OPEN_METEO:
            return f"open-meteo:{self.latitude}:{self.longitude}"
        return f"jma:{self.office}:{self.area}:{self.point}"

    @property
    def warnings_key(self) -> str:
        return f"jma:{self.office}:{self.city or self.area}"

    @property
    def has_warnings(self) -> bool:
        return self.provider == Provider.JMA

    @property
    def last_error(self) -> str:
        from schedule.calendars.models import describe_problem

        return describe_problem(self.error_code, self.error_detail)

    def clean(self) -> None:
        if self.provider == Provider.OPEN_METEO:
            if self.latitude is None or self.longitude is None:
                raise ValidationError(
                    {"latitude": _("Open-Meteo needs the family's latitude and longitude.")}
                )
            return
        errors = {}
        if not self.office or self.office not in areas.table()["offices"]:
            errors["office"] = _("Choose one of JMA's forecast offices.")
        elif areas.office_of(self.area) != self.office:
            errors["area"] = _("Choose an area of the chosen office.")
        elif self.city and areas.area_of(self.city) != self.area:
            errors["city"] = _("Choose a municipality of the chosen area, or none.")
        if errors:
            raise ValidationError(errors)


class ReportKind(models.TextChoices):
    FORECAST = "forecast", _("forecast")
    WARNINGS = "warnings", _("warnings")


class WeatherReport(models.Model):
    """A forecast or the warnings in force, as read from the provider's report.

    `place` says what it was read for (WeatherPlace.forecast_key), `data` holds
    it as documents.Forecast / documents.Warnings write it, and `checked_at`
    is the last fetch that found it still the newest. Only the last forecast
    is kept; warnings are kept for a few days, so that what was in force at
    7:00 can still be told at noon (weather.selectors.warnings_at).
    """

    Kind = ReportKind
    shown = Shown.PLANS  # a new forecast, a change of what is in force
    quiet_fields = frozenset({"checked_at"})  # a fetch that found it still the newest

    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind)
    place = models.CharField(max_length=80)
    reported_at = models.DateTimeField(_("reported at"))
    checked_at = models.DateTimeField(_("last checked"))
    data = models.JSONField(default=dict)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("weather report")
        verbose_name_plural = _("weather reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "place", "reported_at"], name="weather_report_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="weather_report_kind_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reported_at:%Y-%m-%d %H:%M}"


class CallOffRule(Versioned):
    """ "School is off when 暴風警報 or 大雨特別警報 is in force at 7:00."

    For a block (保育園・学校), for one member's part of a block, or for a
    member alone (then: that member's own blocks from `decide_at` to the end
    of the day). Decided once, at `decide_at`, from the warnings in force
    then (weather.calloffs).
    """

    shown = Shown.PLANS

    block = models.ForeignKey(
        Block,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="call_off_rules",
        verbose_name=_("block"),
        help_text=_("The block called off, such as school. Empty: the member's own blocks."),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="call_off_rules",
        verbose_name=_("for whom"),
        help_text=_("Empty: everyone in the block."),
    )
    warnings = models.JSONField(
        _("warnings"),
        default=list,
        help_text=_("Called off when any of these is in force at the time below."),
    )
    decide_at = models.TimeField(_("decided at"), default=time(7, 0))
    nudge = models.BooleanField(
        _("tell the parents' phones"),
        default=True,
        help_text=_("A nudge to the family's phones when the block is called off."),
    )
    enabled = models.BooleanField(_("in use"), default=True)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["decide_at", "id"]
        verbose_name = _("call-off rule")
        verbose_name_plural = _("call-off rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(block__isnull=False) | Q(member__isnull=False),
                name="call_off_rule_has_a_block_or_member",
            )
        ]

    def __str__(self) -> str:
        what = [str(part) for part in (self.block, self.member) if part is not None]
        return " · ".join(what) or str(_("call-off rule"))

    @property
    def codes(self) -> tuple[str, ...]:
        """The warnings' codes; a hand-edited row with anything else has none."""
        found = self.warnings if isinstance(self.warnings, list) else []
        return tuple(str(code)[:8] for code in found if isinstance(code, str | int))

    def warning_names(self) -> list[str]:
        names = []
        for code in self.codes:
            kind = warning_codes.kind_of(code)
            names.append(str(kind.name) if kind else warning_codes.unknown_name(code))
        return names

    def clean(self) -> None:
        errors = {}
        if self.block_id is None and self.member_id is None:
            errors["block"] = ValidationError(
                _("Choose the block, the member, or both."), code="nothing"
            )
        elif self.block is not None and self.member_id is not None:
            members = set(self.block.members.values_list("pk", flat=True))
            if members and self.member_id not in members:
                errors["member"] = ValidationError(
                    _("This member is not in the chosen block."), code="not_in_block"
                )
        if not isinstance(self.warnings, list) or not self.warnings:
            errors["warnings"] = ValidationError(
                _("Choose at least one warning."), code="no_warnings"
            )
        elif len(self.warnings) > 40 or not all(
            isinstance(code, str) and code.isdigit() and len(code) <= 8 for code in self.warnings
        ):
            errors["warnings"] = ValidationError(_("Choose warnings from the list."), code="codes")
        if errors:
            raise ValidationError(errors)
