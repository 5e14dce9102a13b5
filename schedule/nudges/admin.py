"""Phones and home automations in the admin, and what the worker sent them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from schedule.common import writes
from schedule.common.admin import VersionedAdmin
from schedule.nudges import sending as nudges
from schedule.nudges.models import Delivery, NudgeTarget


@admin.register(NudgeTarget)
class NudgeTargetAdmin(VersionedAdmin):
    list_display = ["name", "member", "enabled", "language", "last_sent"]
    list_select_related = ["member"]
    change_form_template = "admin/schedule/nudgetarget/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "member", "apprise_url", "enabled", "language"]}),
        (
            _("What to send"),
            {
                "fields": [
                    ("evening_chores", "evening_bags", "evening_time"),
                    "block_starts",
                    "overdue_chores",
                ]
            },
        ),
        (_("Quiet hours"), {"fields": [("quiet_start", "quiet_end")]}),
    ]

    @admin.display(description=_("last nudge"))
    def last_sent(self, target: NudgeTarget) -> str:
        last = target.deliveries.order_by("-due_at", "-pk").first()
        if last is None:
            return "—"
        return f"{last.get_status_display()} · {last.title}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/test/",
                self.admin_site.admin_view(self.test_view),
                name="schedule_nudgetarget_test",
            ),
            *super().get_urls(),
        ]

    @writes.non_atomic_post
    def test_view(self, request, object_id):
        return _send_test(request, self, object_id)


@require_POST
def _send_test(request, model_admin: NudgeTargetAdmin, object_id):
    target = model_admin.get_object(request, unquote(object_id))
    if target is None:
        raise Http404
    if not model_admin.has_change_permission(request, target):
        raise PermissionDenied
    row = nudges.send_test(target)
    if row.status == Delivery.Status.SENT:
        model_admin.message_user(
            request, _("Sent a test. Look at the phone: it should be there."), messages.SUCCESS
        )
    else:
        model_admin.message_user(
            request,
            _("The test was not sent: %(problem)s") % {"problem": row.problem},
            messages.ERROR,
        )
    return redirect("admin:schedule_nudgetarget_change", target.pk)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The log: what was sent where, or why not. Written by the worker only."""

    list_display = ["due_at", "kind", "title", "to", "status", "problem"]
    list_filter = ["status", "kind"]
    list_select_related = ["target", "block"]
    fields = (
        "kind",
        "to",
        "title",
        "body",
        "due_at",
        "status",
        "attempts",
        "sent_at",
        "next_try_at",
        "problem",
    )
    readonly_fields = fields

    @admin.display(description=_("to"))
    def to(self, row: Delivery) -> str:
        if row.kind == Delivery.Kind.WEBHOOK:
            return str(row.block or "—")
        return str(row.target or "—")

    @admin.display(description=_("problem"))
    def problem(self, row: Delivery) -> str:
        return row.problem or "—"

    def has_add_permission(self, request) -> bool:
        return False


def unregister_task_results() -> None:
    """The queue's own rows are the worker's business, not a parent's: the log above says
    what happened in the family's words."""
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)


unregister_task_results()
