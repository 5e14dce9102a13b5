"""Calendars in (subscriptions) and out (feeds for phones) in the admin."""

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
from schedule.common.admin import VersionedAdmin
from schedule.nudges import tasks

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
