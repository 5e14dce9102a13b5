"""Caregiver links: made from the phone in three taps, shared by QR code or by
their address, listed with when each was last opened, revoked in one tap."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from schedule.caregivers.forms import CaregiverLinkForm, initial_for_a_new_link
from schedule.caregivers.models import CaregiverLink
from schedule.common import household
from schedule.common.admin import VersionedAdmin
from schedule.family.admin import fits_a_qr_code, is_local_only, wall_qr_svg


@admin.register(CaregiverLink)
class CaregiverLinkAdmin(VersionedAdmin):
    form = CaregiverLinkForm
    list_display = ["name", "starts_at", "ends_at", "state_text", "last_used_at"]
    actions = ["revoke"]
    change_form_template = "admin/schedule/caregiverlink/change_form.html"
    readonly_fields = ["last_used_at", "revoked_at"]

    def get_fieldsets(self, request, obj=None):
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (None, {"fields": ["name", "starts_at", "ends_at"]}),
            (
                _("What it shows"),
                {"fields": ["members", "sections", "language", "notes"], "classes": ["collapse"]},
            ),
        ]
        if obj is not None:
            fieldsets.append((_("Use"), {"fields": ["last_used_at", "revoked_at"]}))
        return self.with_loaded_version(fieldsets, obj)

    def get_changeform_initial_data(self, request):
        return {**initial_for_a_new_link(), **super().get_changeform_initial_data(request)}

    def response_add(self, request, obj, post_url_continue=None):
        # The parent made it to share it: its page with the QR code, not the list.
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _("The link for “%(name)s” is made. Show its QR code, or send its address.")
            % {"name": obj},
            messages.SUCCESS,
        )
        return redirect("admin:schedule_caregiverlink_change", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if link is not None:
            url = request.build_absolute_uri(link.get_absolute_url())
            context["link_url"] = url
            context["link_state"] = link.state()
            context["local_only"] = is_local_only(request.get_host())
            if fits_a_qr_code(url):
                context["qr_src"] = reverse("admin:schedule_caregiverlink_qr", args=[link.pk])
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=_("state"))
    def state_text(self, link: CaregiverLink) -> str:
        return str(CaregiverLink.State(link.state()).label)

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for link in queryset.filter(revoked_at__isnull=True):
            link.revoke()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d link revoked: it shows the family's day no more.",
                "%(count)d links revoked: they show the family's day no more.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/qr.svg",
                self.admin_site.admin_view(self.qr_view),
                name="schedule_caregiverlink_qr",
            ),
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="schedule_caregiverlink_revoke",
            ),
            *super().get_urls(),
        ]

    def _link_or_404(self, request, object_id) -> CaregiverLink:
        link = self.get_object(request, unquote(object_id))
        if link is None:
            raise Http404
        return link

    def qr_view(self, request, object_id):
        link = self._link_or_404(request, object_id)
        if not self.has_view_permission(request, link):
            raise PermissionDenied
        try:
            svg = wall_qr_svg(request.build_absolute_uri(link.get_absolute_url()))
        except segno.DataOverflowError:
            return HttpResponseBadRequest(
                _("The link's address is too long for a QR code."),
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response

    def revoke_view(self, request, object_id):
        return _revoke_view(request, self, object_id)


@require_POST
def _revoke_view(request, model_admin: CaregiverLinkAdmin, object_id):
    link = model_admin._link_or_404(request, object_id)
    if not model_admin.has_change_permission(request, link):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoke(household.now())
        model_admin.log_change(request, link, str(_("Revoked: the link stopped working.")))
    model_admin.message_user(
        request,
        _("The link for “%(name)s” is revoked: it shows the family's day no more.")
        % {"name": link},
        messages.SUCCESS,
    )
    return redirect("admin:schedule_caregiverlink_change", link.pk)
