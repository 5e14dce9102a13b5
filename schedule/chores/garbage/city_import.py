"""The admin's page for a city's garbage calendar: upload, pick the area, preview, create.

Step one reads the 5374 files (calendar5374.py), each in its own encoding;
the page then carries their text along in hidden fields and reads it again at
every step, so nothing is kept between requests and nothing is saved before
the parent says so. What cannot be read (a row, a part of a cell, a word) is
listed with where it is and why, and left out: every other area of the city
still imports. The preview shows each kind's next dates as the wall will:
with the holidays, the household's closures and the centre's closures
applied (upcoming_rows, the chore page's own list). Creating is
services.import_garbage_calendar(): one transaction, every row checked as a
save in the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage import services
from schedule.chores.garbage.forms import CalendarAreaForm, CalendarUploadForm, KindFormSet
from schedule.chores.models import Chore
from schedule.common import household, repeat
from schedule.day import loading

TEMPLATE = "admin/schedule/chore/import.html"
# The optional files: the upload's field, and the file's name in messages.
OTHER_FILES = (
    ("center", "center.csv"),
    ("remarks", "remarks.csv"),
    ("description", "description.csv"),
)
# A city with thousands of unreadable words lists the first ones; the count says the rest.
PROBLEMS_SHOWN = 200


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


def _city(texts: dict[str, Any]) -> calendar5374.City:
    return calendar5374.read_city(
        str(texts.get("area_days_text") or ""),
        *(str(texts.get(f"{field}_text") or "") for field, _name in OTHER_FILES),
    )


def _read(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    upload = CalendarUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _upload(request, context, upload)
    files = upload.cleaned_data
    try:
        area_days = calendar5374.read_text(files["area_days"].read(), "area_days.csv")
    except calendar5374.CalendarError as exc:
        upload.add_error(None, str(exc))
        return _upload(request, context, upload)
    texts = {"area_days_text": area_days.text}
    read_as = [_read_as("area_days.csv", area_days)]
    for field, name in OTHER_FILES:
        if not files[field]:
            continue
        try:
            other = calendar5374.read_text(files[field].read(), name)
        except calendar5374.CalendarError as exc:
            # An optional file that is not text is left out, not the city.
            read_as.append(_("%(file)s: left out. %(why)s") % {"file": name, "why": exc.problem})
            continue
        texts[f"{field}_text"] = other.text
        read_as.append(_read_as(name, other))
    try:
        city = _city(texts)
    except calendar5374.CalendarError as exc:
        upload.add_error(None, str(exc))
        return _upload(request, context, upload)
    names = [area.name for area in city.importable()]
    initial: dict[str, Any] = {**texts, "files_read": "\n".join(read_as)[:1000]}
    if len(names) == 1:
        initial["area"] = names[0]
    form = CalendarAreaForm(initial=initial, areas=names)
    return _page(request, context, city, form, None, None)


def _read_as(name: str, text: calendar5374.Text) -> str:
    said = f"{name}: {text.encoding}, {text.line_ending}"
    return " ".join([said, *(str(problem.reason) for problem in text.problems)])


def _area(request: HttpRequest, context: dict[str, Any], model_admin: Any) -> HttpResponse:
    try:
        city = _city(request.POST)
    except calendar5374.CalendarError as exc:
        # The text came back changed (or truncated): start again from the files.
        return _upload(request, context, CalendarUploadForm(), str(exc))
    form = CalendarAreaForm(request.POST, areas=[area.name for area in city.importable()])
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
    first, last = calendar5374.years_covered(household.today())
    return [
        {
            # A kind with no date in the years covered would make a chore that never comes.
            "include": bool(kind.rule or kind.dates_between(first, last)),
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
    first, last = calendar5374.years_covered(household.today())
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
            "problems": city.problems[:PROBLEMS_SHOWN],
            "problems_not_shown": max(len(city.problems) - PROBLEMS_SHOWN, 0),
            "files_read": str(form["files_read"].value() or "")[:1000].splitlines(),
            "covered": (first, last),
            "summary": ngettext(
                "area_days.csv names %(rows)d area; %(importable)d can be imported.",
                "area_days.csv names %(rows)d areas; %(importable)d can be imported.",
                city.rows,
            )
            % {"rows": city.rows, "importable": len(city.importable())},
            "left_out_title": ngettext(
                "%(count)d part of the files is left out:",
                "%(count)d parts of the files are left out:",
                len(city.problems),
            )
            % {"count": len(city.problems)},
        },
    )


def _previews(
    city: calendar5374.City, area: calendar5374.Area, policies: dict[Any, Any]
) -> dict[str, dict[str, Any]]:
    """Each kind's next dates as the wall will show them, by the kind's name."""
    from schedule.chores.next_dates import upcoming_rows

    today = household.today()
    first, last = calendar5374.years_covered(today)
    closures = (*loading.load_closures(), *calendar5374.centre_closures(city, area))
    previews = {}
    for kind in area.kinds:
        rule = calendar5374.kind_recurrence(
            kind,
            first,
            policies.get(kind.name) or Chore.HolidayPolicy.KEEP,
            closures,
            settings.HOLIDAY_COUNTRY,
        )
        previews[kind.name] = {
            "kind": kind,
            "rows": upcoming_rows(rule, today, household.language()) if rule else [],
            "says": repeat.describe_repeat(kind.rule),
            "seasonal_dates": len(set(kind.dates_between(first, last)) - set(kind.dates)),
        }
    return previews
