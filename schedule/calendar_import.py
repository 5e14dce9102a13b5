"""The admin's page for a city's garbage calendar: upload, pick the area, preview, create.

Step one reads the 5374 files (calendar5374.py); the page then carries their
text along in hidden fields and reads it again at every step, so nothing is
kept between requests and nothing is saved before the parent says so. The
preview shows each kind's next dates as the wall will: with the holidays, the
household's closures and the centre's closures applied (upcoming_rows, the
chore page's own list). Creating is services.import_garbage_calendar(): one
transaction, every row checked as a save in the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schedule import calendar5374, loading, services
from schedule.common import household
from schedule.forms import CalendarAreaForm, CalendarUploadForm, KindFormSet
from schedule.models import Chore

TEMPLATE = "admin/schedule/chore/import.html"


def import_page(request: HttpRequest, model_admin: Any) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import a city's garbage calendar"),
        "opts": Chore._meta,
    }
    if request.method == "GET":
        return _upload(request, context, CalendarUploadForm())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.POST.get("step") == "read":
        return _read(request, context)
    return _area(request, context, model_admin)


def _upload(
    request: HttpRequest, context: dict[str, Any], form: CalendarUploadForm, problem: str = ""
) -> HttpResponse:
    return TemplateResponse(request, TEMPLATE, {**context, "upload": form, "problem": problem})


def _read(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    upload = CalendarUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _upload(request, context, upload)
    try:
        files = upload.cleaned_data
        area_days = calendar5374.decode(files["area_days"].read(), "area_days.csv")
        center = (
            calendar5374.decode(files["center"].read(), "center.csv") if files["center"] else ""
        )
        city = calendar5374.read_city(area_days, center)
    except calendar5374.CalendarError as exc:
        upload.add_error(None, str(exc))
        return _upload(request, context, upload)
    names = [area.name for area in city.areas]
    initial = {"area_days_text": area_days, "center_text": center}
    if len(names) == 1:
        initial["area"] = names[0]
    form = CalendarAreaForm(initial=initial, areas=names)
    return _page(request, context, city, form, None, None)


def _area(request: HttpRequest, context: dict[str, Any], model_admin: Any) -> HttpResponse:
    try:
        city = calendar5374.read_city(
            request.POST.get("area_days_text", ""), request.POST.get("center_text", "")
        )
    except calendar5374.CalendarError as exc:
        # The text came back changed (or truncated): start again from the files.
        return _upload(request, context, CalendarUploadForm(), str(exc))
    form = CalendarAreaForm(request.POST, areas=[area.name for area in city.areas])
    if not form.is_valid():
        return _page(request, context, city, form, None, None)
    area = city.area(form.cleaned_data["area"])
    assert area is not None  # a choice of the form
    if form.cleaned_data["shown_area"] == area.name:
        kinds = KindFormSet(request.POST, prefix="kinds")
    else:  # a new area: its kinds, with the family's icons where a chore already has one
        kinds = KindFormSet(prefix="kinds", initial=_initial_kinds(area))
    if request.POST.get("step") == "create" and kinds.is_bound and kinds.is_valid():
        refusal = _create(request, city, area, kinds)
        if refusal is None:
            return redirect("admin:schedule_chore_changelist")
        context["refusal"] = refusal
    return _page(request, context, city, form, area, kinds)


def _initial_kinds(area: calendar5374.Area) -> list[dict[str, Any]]:
    icons = dict(
        Chore.objects.filter(title_ja__in=[k.name for k in area.kinds]).values_list(
            "title_ja", "icon"
        )
    )
    return [
        {
            "include": True,
            "kind": kind.name,
            "title_ja": kind.name,
            "icon": icons.get(kind.name) or calendar5374.guess_icon(kind.name),
            "time": "08:00",
            "holiday_policy": Chore.HolidayPolicy.KEEP,
        }
        for kind in area.kinds
    ]


def _chosen(area: calendar5374.Area, kinds: Any) -> list[services.KindChoice]:
    by_name = {kind.name: kind for kind in area.kinds}
    chosen = []
    for data in kinds.cleaned_data:
        kind = by_name.get(data.get("kind"))
        if kind is None or not data.get("include"):
            continue
        chosen.append(
            services.KindChoice(
                kind=kind,
                title_ja=data["title_ja"],
                title_en=data.get("title_en") or "",
                icon=data.get("icon") or calendar5374.guess_icon(kind.name),
                time=data.get("time"),
                holiday_policy=data["holiday_policy"],
            )
        )
    return chosen


def _create(
    request: HttpRequest, city: calendar5374.City, area: calendar5374.Area, kinds: Any
) -> str | None:
    chosen = _chosen(area, kinds)
    if not chosen:
        return _("Tick at least one kind of garbage to create.")
    try:
        done = services.import_garbage_calendar(city, area, chosen, household.today())
    except services.CalendarRefused as exc:
        return _("Nothing was created. %(why)s") % {"why": exc}
    messages.success(
        request,
        ngettext(
            "%(area)s: %(count)d garbage chore created or brought up to date.",
            "%(area)s: %(count)d garbage chores created or brought up to date.",
            len(done.created) + len(done.updated),
        )
        % {"area": area.name, "count": len(done.created) + len(done.updated)},
    )
    return None


def _page(
    request: HttpRequest,
    context: dict[str, Any],
    city: calendar5374.City,
    form: CalendarAreaForm,
    area: calendar5374.Area | None,
    kinds: Any,
) -> HttpResponse:
    rows = []
    if area is not None and kinds is not None:
        policies = {}
        if kinds.is_bound and kinds.is_valid():
            policies = {d.get("kind"): d.get("holiday_policy") for d in kinds.cleaned_data}
        previews = _previews(city, area, policies)
        rows = [(kind_form, previews.get(kind_form["kind"].value())) for kind_form in kinds.forms]
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **context,
            "area_form": form,
            "area": area,
            "kinds": kinds,
            "rows": rows,
            "warnings": city.warnings,
            "closures": city.closures_of(area) if area is not None else (),
        },
    )


def _previews(
    city: calendar5374.City, area: calendar5374.Area, policies: dict[Any, Any]
) -> dict[str, dict[str, Any]]:
    """Each kind's next dates as the wall will show them, by the kind's name."""
    from schedule.admin import upcoming_rows

    today = timezone.localdate()
    closures = (*loading.load_closures(), *calendar5374.centre_closures(city, area))
    previews = {}
    for kind in area.kinds:
        rule = calendar5374.kind_recurrence(
            kind,
            today.replace(month=1, day=1),
            policies.get(kind.name) or Chore.HolidayPolicy.KEEP,
            closures,
            settings.HOLIDAY_COUNTRY,
        )
        previews[kind.name] = {
            "kind": kind,
            "rows": upcoming_rows(rule, today, household.language()),
        }
    return previews
