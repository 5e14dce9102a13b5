"""The plans' admin: a plan with its blocks and overrides, its calendar of days, notes."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from schedule.common import household, repeat
from schedule.common.admin import CappedInline, VersionedAdmin
from schedule.common.validation import MAX_BLOCKS_PER_PLAN, MAX_OVERRIDES_PER_PLAN
from schedule.family.models import Display
from schedule.plans import day_templates
from schedule.plans.admin_pages import (
    _one_block,
    _use_on_a_date,
    block_rows,
    midnight_warnings,
    plan_timeline,
    preview_form,
    wall_preview,
)
from schedule.plans.forms import (
    BlockForm,
    BlockFormSet,
    NoteForm,
    OverrideForm,
    OverrideFormSet,
    PlanForm,
)
from schedule.plans.models import Block, Note, Plan, PlanOverride
from schedule.plans.services import copy_plan


class BlockInline(CappedInline):
    model = Block
    form = BlockForm
    formset = BlockFormSet
    template = "admin/hibi/edit_inline/compact.html"
    # Under each row's "More" (compact.html): the page stays a list of times and titles.
    folded_fields = ("title_reading", "colour", "nudge_minutes_before", "webhook_url")
    extra = 0
    ordering = ["start", "end", "id"]
    max_num = MAX_BLOCKS_PER_PLAN
    too_many = ngettext_lazy(
        "A plan holds at most %(num)d block.", "A plan holds at most %(num)d blocks.", "num"
    )


class OverrideInline(CappedInline):
    model = PlanOverride
    form = OverrideForm
    formset = OverrideFormSet
    extra = 0
    max_num = MAX_OVERRIDES_PER_PLAN
    too_many = ngettext_lazy(
        "A plan takes at most %(num)d date override.",
        "A plan takes at most %(num)d date overrides.",
        "num",
    )


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    form = PlanForm
    inlines = [BlockInline, OverrideInline]
    list_display = ["__str__", "days", "priority", "block_count"]
    actions = ["duplicate"]
    readonly_fields = ["timeline"]
    change_form_template = "admin/schedule/plan/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name_ja", "name_en"]}),
            (
                _("Which days"),
                {"fields": ["weekdays", "on_holidays", ("valid_from", "valid_until"), "priority"]},
            ),
        ]
        if obj is not None:
            fieldsets.append((_("The day at a glance"), {"fields": ["timeline"]}))
        return self.with_loaded_version(fieldsets, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(block_total=Count("blocks"))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {**initial, **day_templates.plan_initial(_start_from(request))}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # The add page passes its new, unsaved plan.
        new_plan = obj is None or obj.pk is None
        new_blocks = new_plan and isinstance(inline, BlockInline) and request.method == "GET"
        if new_blocks and (rows := day_templates.block_rows(_start_from(request))):
            kwargs["initial"] = rows
        return kwargs

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if (obj is None or obj.pk is None) and request.method == "GET":
            rows = len(day_templates.block_rows(_start_from(request)))
            for inline in inlines:
                if isinstance(inline, BlockInline):
                    inline.extra = rows  # this request's own instance
        return inlines

    def add_view(self, request, form_url="", extra_context=None):
        context = dict(extra_context or {})
        context["start_from"] = day_templates.choices()
        context["started_from"] = dict(context["start_from"]).get(_start_from(request))
        return super().add_view(request, form_url, context)

    @admin.display(description=_("applies on"))
    def days(self, plan: Plan) -> str:
        parts = [str(repeat.SHORT_WEEKDAY_NAMES[day]) for day in plan.weekday_list]
        if plan.on_holidays:
            parts.append(str(_("public holidays")))
        return repeat.list_separator().join(parts) or "—"

    @admin.display(description=_("number of blocks"), ordering="block_total")
    def block_count(self, plan: Plan) -> int:
        return int(getattr(plan, "block_total", 0))  # counted by get_queryset

    @admin.display(description=_("day at a glance"))
    def timeline(self, plan: Plan) -> str:
        return render_to_string(
            "admin/schedule/plan/timeline.html", plan_timeline(plan, household.language())
        )

    @admin.action(description=_("Duplicate the selected plans"), permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = []
            for plan in queryset:
                copy = copy_plan(plan)
                self.log_addition(request, copy, str(_("Copied from “%(plan)s”.") % {"plan": plan}))
                copies.append(copy)
        if len(copies) == 1:
            # A copy is often for one day (a school event): that way first.
            use = format_html(
                '<a href="{}?plan={}">{}</a>',
                reverse("admin:schedule_plan_use"),
                copies[0].pk,
                _("Use on a date"),
            )
            text = _(
                "Made a copy: “{copy}”. It changes nothing on the wall until it is used: "
                "on one date ({use}) or on the weekdays you choose below."
            )
            self.message_user(
                request, format_html(str(text), copy=copies[0], use=use), messages.SUCCESS
            )
            return redirect("admin:schedule_plan_change", copies[0].pk)
        self.message_user(
            request,
            ngettext("Copied %(count)d plan.", "Copied %(count)d plans.", len(copies))
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        return None

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not PlanOverride:
            return
        today = household.today()
        for override in [*formset.new_objects, *(obj for obj, _f in formset.changed_objects)]:
            if override.date < today:
                self.message_user(
                    request,
                    _("%(date)s is already past, so that date override will never show.")
                    % {"date": override.date.isoformat()},
                    messages.WARNING,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for message in midnight_warnings(form.instance):
            self.message_user(request, message, messages.WARNING)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="schedule_plan_preview",
            ),
            path(
                "use-on-a-date/",
                self.admin_site.admin_view(self.use_view),
                name="schedule_plan_use",
            ),
            path(
                "<path:object_id>/blocks/<id:block_id>/",
                self.admin_site.admin_view(self.block_view),
                name="schedule_plan_block",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if plan is not None:
            context["preview_form"] = preview_form(plan)
            context["has_displays"] = Display.objects.exists()
            context["block_rows"] = block_rows(plan)
        return super().change_view(request, object_id, form_url, context)

    def use_view(self, request):
        """A date that follows another plan: a calendar of the next weeks and a form."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        return _use_on_a_date(request, self)

    def block_view(self, request, object_id, block_id):
        """One block on a page of its own: the plan's list of blocks opens it."""
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        block = plan.blocks.filter(pk=block_id).first()
        if block is None:
            raise Http404
        return _one_block(request, self, block)

    def preview_view(self, request, object_id):
        """Open the wall at a chosen moment: `?display=&date=&time=`, or the next day in force."""
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        return wall_preview(request, plan)


def _start_from(request) -> str:
    """The day a new plan starts from (`?start_from=school-weekday`, `plan-3`), or ""."""
    return str(request.GET.get("start_from", ""))[:40]


@admin.register(Note)
class NoteAdmin(VersionedAdmin):
    form = NoteForm
    list_display = ["__str__", "start_date", "end_date"]
    date_hierarchy = "start_date"
    fields = ["text_ja", "text_en", "icon", ("start_date", "end_date")]
