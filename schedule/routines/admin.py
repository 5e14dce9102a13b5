"""Routines and stars in the admin: a routine with its steps and uses, the steps
done, the star rules, rewards (given from the admin) and the ledger."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST

from schedule.common import household, icons
from schedule.common.admin import CappedInline, VersionedAdmin, WithoutRelatedLinks
from schedule.common.forms import MAX_ROUTINE_USES
from schedule.common.validation import MAX_STEPS_PER_ROUTINE
from schedule.family.models import Member
from schedule.routines.forms import (
    RewardForm,
    RoutineForm,
    RoutineUseForm,
    RoutineUseFormSet,
    StarEntryForm,
    StarRulesForm,
    StepForm,
    StepFormSet,
)
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
    StepDone,
    Totals,
)
from schedule.routines.services import copy_routine
from schedule.routines.stars import CannotTakeBack, NotEnoughStars, give_reward, take_back


def _picture(colour: str, icon: str, name: str) -> str:
    return render_to_string(
        "admin/hibi/member_picture.html",
        {"colour": colour, "icon": icon if icons.is_icon(icon) else "", "name": name},
    )


class StepInline(CappedInline):
    model = RoutineStep
    form = StepForm
    formset = StepFormSet
    template = "admin/hibi/edit_inline/compact.html"
    extra = 0
    ordering = ["order", "id"]
    max_num = MAX_STEPS_PER_ROUTINE
    too_many = ngettext_lazy(
        "A routine has at most %(num)d step.", "A routine has at most %(num)d steps.", "num"
    )


class RoutineUseInline(WithoutRelatedLinks, CappedInline):
    model = RoutineAssignment
    form = RoutineUseForm
    formset = RoutineUseFormSet
    template = "admin/hibi/edit_inline/compact.html"
    extra = 0
    max_num = MAX_ROUTINE_USES
    verbose_name = _("where it is used")
    verbose_name_plural = _("where it is used")
    too_many = ngettext_lazy(
        "A routine is used in at most %(num)d place.",
        "A routine is used in at most %(num)d places.",
        "num",
    )


@admin.register(Routine)
class RoutineAdmin(VersionedAdmin):
    form = RoutineForm
    inlines = [StepInline, RoutineUseInline]
    list_display = ["__str__", "picture", "step_count", "use_count"]
    fields = ["title_ja", "title_reading", "title_en", "icon", "stars"]
    actions = ["duplicate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                step_total=Count("steps", distinct=True), use_total=Count("uses", distinct=True)
            )
        )

    @admin.display(description=_("icon"))
    def picture(self, routine: Routine) -> str:
        return _picture(icons.activity_colour(routine.icon), routine.icon, str(routine))

    @admin.display(description=_("steps"), ordering="step_total")
    def step_count(self, routine: Routine) -> int:
        return int(getattr(routine, "step_total", 0))

    @admin.display(description=_("blocks"), ordering="use_total")
    def use_count(self, routine: Routine) -> int:
        return int(getattr(routine, "use_total", 0))

    @admin.action(description=_("Duplicate the selected routines"), permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = []
            for routine in queryset:
                copy = copy_routine(routine)
                self.log_addition(
                    request, copy, str(_("Copied from “%(routine)s”.") % {"routine": routine})
                )
                copies.append(copy)
        if len(copies) == 1:
            self.message_user(
                request,
                _(
                    "Made a copy: “%(copy)s”. Change its steps, and choose below the "
                    "blocks and the child it is for."
                )
                % {"copy": copies[0]},
                messages.SUCCESS,
            )
            return redirect("admin:schedule_routine_change", copies[0].pk)
        self.message_user(
            request,
            ngettext("Copied %(count)d routine.", "Copied %(count)d routines.", len(copies))
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        return None


def _ledger_page(request) -> bool:
    """Is this one of the ledger's (or the ticks') own admin pages?"""
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    return name.startswith(("schedule_starentry_", "schedule_stepdone_"))


class HistoryAdmin(admin.ModelAdmin):
    """Rows of what happened: never edited, and never deleted from their own pages.

    Deleting a whole member still takes that member's rows along (the
    admin asks for delete permission on every row a delete cascades to).
    """

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return not _ledger_page(request) and super().has_delete_permission(request, obj)


@admin.register(StepDone)
class StepDoneAdmin(HistoryAdmin):
    list_display = ["what", "member", "date", "tablet", "done_at"]
    list_filter = ["member"]
    date_hierarchy = "date"
    list_select_related = ["member", "display"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("step"))
    def what(self, done: StepDone) -> str:
        return household.pick(done.what_ja, done.what_en) or "—"

    @admin.display(description=_("ticked on"), ordering="display__name")
    def tablet(self, done: StepDone) -> str:
        return str(done.display or "—")


@admin.register(StarRules)
class StarRulesAdmin(VersionedAdmin):
    form = StarRulesForm
    fields = ["enabled", "collectors", "per_routine", "per_chore"]
    list_display = ["__str__", "per_routine", "per_chore"]

    def has_add_permission(self, request):
        return not StarRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.save_collectors()


@admin.register(Reward)
class RewardAdmin(VersionedAdmin):
    form = RewardForm
    list_display = ["__str__", "picture", "price"]
    fields = ["title_ja", "title_reading", "title_en", "icon", "price"]
    change_form_template = "admin/schedule/reward/change_form.html"

    @admin.display(description=_("icon"))
    def picture(self, reward: Reward) -> str:
        return _picture(icons.activity_colour(reward.icon), reward.icon, str(reward))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reward = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if reward is not None:
            children = list(Member.objects.filter(collects_stars=True))
            totals = StarEntry.totals([m.pk for m in children])
            context["givers"] = [
                {"member": m, "balance": totals.get(m.pk, Totals()).balance} for m in children
            ]
            context["stars_on"] = StarRules.load().enabled
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/give/",
                self.admin_site.admin_view(self.give_view),
                name="schedule_reward_give",
            ),
            *super().get_urls(),
        ]

    def give_view(self, request, object_id):
        return _give_view(request, self, object_id)


@require_POST
def _give_view(request, model_admin: RewardAdmin, object_id):
    reward = model_admin.get_object(request, unquote(object_id))
    if reward is None:
        raise Http404
    if not model_admin.has_change_permission(request, reward):
        raise PermissionDenied
    said = request.POST.get("member", "")
    member = (
        Member.objects.filter(pk=int(said), collects_stars=True).first()
        if said.isascii() and said.isdigit() and len(said) <= 18
        else None
    )
    if member is None:
        return HttpResponseBadRequest(
            _("Choose a child who collects stars."), content_type="text/plain; charset=utf-8"
        )
    try:
        entry = give_reward(reward, member)
    except NotEnoughStars as short:
        model_admin.message_user(
            request,
            _("%(member)s has %(balance)d stars; “%(reward)s” takes %(price)d.")
            % {"member": member, "balance": short.balance, "reward": reward, "price": reward.price},
            messages.ERROR,
        )
    else:
        model_admin.log_change(request, reward, str(_("Given to %(member)s.") % {"member": member}))
        model_admin.message_user(
            request,
            _("“%(reward)s” given to %(member)s: %(stars)d stars spent.")
            % {"reward": reward, "member": member, "stars": -entry.amount},
            messages.SUCCESS,
        )
    return redirect("admin:schedule_reward_change", reward.pk)


@admin.register(StarEntry)
class StarEntryAdmin(HistoryAdmin):
    form = StarEntryForm
    list_display = ["member", "date", "stars", "kind", "what", "taken_back", "created_at"]
    list_filter = ["member", "kind"]
    date_hierarchy = "date"
    list_select_related = ["member", "corrects"]
    actions = ["take_back"]
    change_list_template = "admin/schedule/starentry/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(correction_total=Count("corrections"))

    @admin.display(description=_("stars"), ordering="amount")
    def stars(self, entry: StarEntry) -> str:
        return f"{entry.amount:+d}"

    @admin.display(description=_("what"))
    def what(self, entry: StarEntry) -> str:
        return household.pick(entry.what_ja, entry.what_en) or "—"

    @admin.display(description=_("taken back"))
    def taken_back(self, entry: StarEntry) -> str:
        if entry.corrects is not None:
            return str(_("takes back the row of %(date)s") % {"date": entry.corrects.date})
        return str(_("yes")) if getattr(entry, "correction_total", 0) else ""

    def changelist_view(self, request, extra_context=None):
        children = Member.objects.filter(stars__isnull=False).distinct()
        totals = StarEntry.totals()
        context = dict(extra_context or {})
        context["totals"] = [{"member": m, "totals": totals.get(m.pk, Totals())} for m in children]
        return super().changelist_view(request, context)

    @admin.action(description=_("Take back the selected stars"), permissions=["add"])
    def take_back(self, request, queryset):
        taken, refused = 0, 0
        with transaction.atomic():
            for entry in queryset.select_related("member"):
                try:
                    correction = take_back(entry)
                except CannotTakeBack:
                    refused += 1
                    continue
                self.log_addition(request, correction, str(_("Taken back.")))
                taken += 1
        if taken:
            self.message_user(
                request,
                ngettext(
                    "Took back %(count)d row; the history keeps both.",
                    "Took back %(count)d rows; the history keeps both.",
                    taken,
                )
                % {"count": taken},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d row was a taking back, or already taken back: left as it is.",
                    "%(count)d rows were a taking back, or already taken back: left as they are.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
