"""The garbage calendar's forms: closures and a chore's word on each, calling off
one collection, and the steps of importing a city's 5374 files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.models import ChoreClosure, Closure
from schedule.chores.models import Chore
from schedule.common import collection, household, recurrence, validation
from schedule.common.forms import VersionedForm, _deleted, icon_field


class ChoreClosureForm(forms.ModelForm):
    class Meta:
        model = ChoreClosure
        fields = ["closure", "action", "shift_days", "move_to"]
        widgets = {
            "move_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shift_days": forms.NumberInput(attrs={"class": "hibi-narrow"}),
        }


class ChoreClosureFormSet(forms.BaseInlineFormSet):
    """A substitute date must not fall inside another closure: it would never be due."""

    def clean(self) -> None:
        super().clean()
        closures = [closure.as_data() for closure in Closure.objects.all()]
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or _deleted(form) or data.get("action") != collection.ON_DATE:
                continue
            closed = validation.closed_on(data.get("move_to"), closures)
            if closed is not None:
                form.add_error(
                    "move_to",
                    ValidationError(
                        _("This date is inside the closure “%(closure)s”; give a day outside it."),
                        params={"closure": closed.name(household.language())},
                        code="inside",
                    ),
                )


class ClosureForm(VersionedForm):
    class Meta:
        model = Closure
        fields = [
            "name_ja",
            "name_en",
            "start_date",
            "end_date",
            "yearly",
            "action",
            "shift_days",
            "move_to",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "move_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shift_days": forms.NumberInput(attrs={"class": "hibi-narrow"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        move_to = data.get("move_to")
        if data.get("action") == collection.ON_DATE and move_to is not None:
            others = [c.as_data() for c in Closure.objects.exclude(pk=self.instance.pk)]
            closed = validation.closed_on(move_to, others)
            if closed is not None:
                self.add_error(
                    "move_to",
                    ValidationError(
                        _("This date is inside the closure “%(closure)s”; give a day outside it."),
                        params={"closure": closed.name(household.language())},
                        code="inside",
                    ),
                )
        return data


class CancelForm(forms.Form):
    """One collection called off (cancelled=1) or brought back (cancelled=0)."""

    date = forms.DateField()
    cancelled = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
    reason = forms.CharField(max_length=80, required=False)
    next = forms.CharField(required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not recurrence.FIRST_DAY <= day <= recurrence.LAST_DAY:
            raise ValidationError(_("Use a date between 1970 and 2100."), code="year")
        return day

    def safe_next(self, request) -> str:
        """Back where the parent tapped: a page of this site, else the admin's index."""
        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme

        wanted = str(self.data.get("next") or "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return wanted
        return reverse("admin:index")


class CalendarUploadForm(forms.Form):
    """The city's 5374 files, as downloaded from its open-data page."""

    area_days = forms.FileField(
        label=_("area_days.csv"),
        help_text=_("Each area's collection days (5374 format, UTF-8 or Shift_JIS)."),
    )
    center = forms.FileField(
        label=_("center.csv"),
        required=False,
        help_text=_("Optional: when the collection centres are closed (New Year)."),
    )
    remarks = forms.FileField(
        label=_("remarks.csv"),
        required=False,
        help_text=_("Optional: the notes a day list points at (*1)."),
    )
    description = forms.FileField(
        label=_("description.csv"),
        required=False,
        help_text=_("Optional: a line of text for each kind of garbage."),
    )


class CalendarAreaForm(forms.Form):
    """Which area of the city: the files travel along as text, read again each step."""

    area_days_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    center_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    remarks_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    description_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    # How each file was read (its encoding, or why it was left out): shown, never used.
    files_read = forms.CharField(widget=forms.HiddenInput, required=False)
    shown_area = forms.CharField(widget=forms.HiddenInput, required=False)
    area = forms.ChoiceField(label=_("Your area"))

    def __init__(self, *args: Any, areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *((name, name) for name in areas)]


class KindForm(forms.Form):
    """One kind of garbage of the area, and the chore the family makes of it."""

    include = forms.BooleanField(label=_("Create"), required=False, initial=True)
    kind = forms.CharField(widget=forms.HiddenInput)
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=80)
    title_en = forms.CharField(label=_("Title (English)"), max_length=80, required=False)
    icon = icon_field()
    time = forms.TimeField(
        label=_("Put out by"),
        required=False,
        initial="08:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    holiday_policy = forms.ChoiceField(
        label=_("On a public holiday"),
        choices=Chore.HolidayPolicy.choices,
        initial=Chore.HolidayPolicy.KEEP,
    )


KindFormSet = forms.formset_factory(KindForm, extra=0, max_num=30, absolute_max=30)
