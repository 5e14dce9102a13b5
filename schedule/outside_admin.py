"""The admin pages for what reaches past the wall: subscribed calendars, the
family's own calendar feeds, phones for nudges, and the log of what was sent.

A parent adds a calendar's address and sees, in their language, when it was
last fetched, how many events it gave and what went wrong; pastes an Apprise
address and sends a test; copies a feed's secret address into a phone. The
worker does the fetching and sending; these pages only queue and show.
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from schedule.calendars.models import CalendarFeed, CalendarSubscription
from schedule.common import writes
from schedule.common.admin import VersionedAdmin
from schedule.nudges import sending as nudges
from schedule.nudges import tasks
from schedule.nudges.models import Delivery, NudgeTarget

log = logging.getLogger(__name__)


def _queue_sync(subscription_id: int) -> bool:
    """Ask the worker to fetch now; the page never waits for the fetch itself."""
    try:
        tasks.sync_calendar.enqueue(subscription_id)
    except DatabaseError as exc:
        log.warning("Could not queue a fetch of calendar %s: %s", subscription_id, exc)
        return False
    return True


@admin.register(CalendarSubscription)
class CalendarSubscriptionAdmin(VersionedAdmin):
    list_display = ["name", "member", "enabled", "last_sync_at", "event_count", "problem"]
    list_filter = ["enabled", "member"]
    list_select_related = ["member"]
    fields = [
        "name",
        "url",
        "member",
        "enabled",
        "last_sync_at",
        "last_success_at",
        "event_count",
        "problem",
    ]
    readonly_fields = ["last_sync_at", "last_success_at", "event_count", "problem"]
    actions = ["fetch_now"]

    @admin.display(description=_("last problem"))
    def problem(self, subscription: CalendarSubscription) -> str:
        return subscription.last_error or "—"

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            # Another calendar: its ETag says nothing about the new address.
            obj.etag = obj.last_modified = ""
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: _queue_sync(obj.pk))
        self.message_user(
            request,
            _("The calendar is fetched in the background; its events show on the wall soon."),
            messages.INFO,
        )

    @admin.action(description=_("Fetch the selected calendars now"), permissions=["change"])
    def fetch_now(self, request, queryset):
        for subscription in queryset:
            _queue_sync(subscription.pk)
        self.message_user(
            request,
            _("Asked the worker to fetch them; reload this page in a minute."),
            messages.SUCCESS,
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(VersionedAdmin):
    list_display = ["name", "member"]
    list_select_related = ["member"]
    fields = ["name", "member"]
    actions = ["regenerate_tokens"]
    change_form_template = "admin/schedule/calendarfeed/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        feed = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if feed is not None:
            context["feed_url"] = request.build_absolute_uri(feed.get_absolute_url())
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description=_("Give the selected feeds a new address"), permissions=["change"])
    def regenerate_tokens(self, request, queryset):
        with transaction.atomic():
            for feed in queryset:
                self._regenerate(request, feed)
        self.message_user(
            request,
            _("New addresses made. Subscribe to each again in the phones' calendars."),
            messages.SUCCESS,
        )

    def _regenerate(self, request, feed: CalendarFeed) -> None:
        feed.regenerate_token()
        self.log_change(
            request, feed, str(_("Made a new secret address; the old one stopped working."))
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/regenerate/",
                self.admin_site.admin_view(self.regenerate_view),
                name="schedule_calendarfeed_regenerate",
            ),
            *super().get_urls(),
        ]

    def regenerate_view(self, request, object_id):
        return _regenerate_feed(request, self, object_id)


@require_POST
def _regenerate_feed(request, model_admin: CalendarFeedAdmin, object_id):
    feed = model_admin.get_object(request, unquote(object_id))
    if feed is None:
        raise Http404
    if not model_admin.has_change_permission(request, feed):
        raise PermissionDenied
    with transaction.atomic():
        model_admin._regenerate(request, feed)
    model_admin.message_user(
        request,
        _("“%(feed)s” has a new address. Subscribe to it again in the phones' calendars.")
        % {"feed": feed},
        messages.SUCCESS,
    )
    return redirect("admin:schedule_calendarfeed_change", feed.pk)


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
                    ("evening_chores", "evening_time"),
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
