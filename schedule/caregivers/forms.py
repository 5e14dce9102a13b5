"""A caregiver link as a parent makes it on the phone: who it is for, until when;
the rest has defaults (from now, the whole family, everything shown, the
emergency notes of the last link)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from schedule.caregivers.models import CaregiverLink, Section
from schedule.common import household
from schedule.common.forms import DayCheckboxes, VersionedForm

# A phone's own date-and-time picker.
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=MOMENT_FORMAT)


def moment_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=MomentInput, input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M"]
    )


class CaregiverLinkForm(VersionedForm):
    starts_at = moment_field(_("From"))
    ends_at = moment_field(_("Until"))
    sections = forms.MultipleChoiceField(
        label=_("Shows"), choices=Section.choices, widget=DayCheckboxes, required=False
    )

    class Meta:
        model = CaregiverLink
        fields = ["name", "members", "starts_at", "ends_at", "language", "sections", "notes"]
        widgets = {
            "members": DayCheckboxes,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_notes(self) -> str:
        # A browser sends a textarea's lines as CRLF; kept as the page shows them.
        return (self.cleaned_data.get("notes") or "").replace("\r\n", "\n")


def initial_for_a_new_link(now: datetime | None = None) -> dict:
    """From now (to the minute) until tomorrow evening: a weekend with the grandparents,
    an evening with the babysitter; the notes of the last link, typed once."""
    now = (now or household.now()).astimezone(household.zone()).replace(second=0, microsecond=0)
    tomorrow_evening = datetime.combine(now.date() + timedelta(days=1), time(21, 0), now.tzinfo)
    last = CaregiverLink.objects.order_by("-created_at", "-id").values_list("notes", "language")
    notes, language = last.first() or ("", household.language())
    return {
        "starts_at": now,
        "ends_at": tomorrow_evening,
        "notes": notes,
        "language": language if language in ("ja", "en", "both") else "ja",
        "sections": list(Section.values),
    }
