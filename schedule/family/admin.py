"""The family's admin: members, activity colours, displays with their QR code
and a preview of the wall at any moment."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from schedule.common import household, icons
from schedule.common.admin import VersionedAdmin
from schedule.family.away import AwayPeriod
from schedule.family.forms import AwayPeriodForm, DisplayForm, IconColourForm, MemberForm
from schedule.family.models import Display, IconColour, Member


def wall_qr_svg(url: str) -> bytes:
    """The wall's address as a QR code (never Micro QR, which tablets rarely read).

    Raises segno.DataOverflowError for an address longer than a QR code holds
    (about 2,900 characters: only a forged Host header makes one that long).
    """
    out = io.BytesIO()
    segno.make_qr(url).save(
        out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False,
        title=url,
    )  # fmt: skip
    return out.getvalue()


def fits_a_qr_code(url: str) -> bool:
    try:
        segno.make_qr(url)
    except segno.DataOverflowError:
        return False
    return True


def is_local_only(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in {"localhost", "127.0.0.1", "[::1]"}


@admin.register(Display)
class DisplayAdmin(VersionedAdmin):
    form = DisplayForm
    list_display = ["name", "state_badge", "last_seen_at", "battery", "language"]
    actions = ["regenerate_tokens"]
    readonly_fields = ["seen"]
    change_form_template = "admin/schedule/display/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "name",
                        "language",
                        "show_readings",
                        "theme",
                        "members",
                        "may_complete_chores",
                        "show_stars",
                    ]
                },
            ),
            (_("Changes"), {"fields": ["cue_minutes", "chime", "spoken_cues", "timer_minutes"]}),
            (_("Fully Kiosk Browser"), {"fields": ["battery_webhook_url"]}),
            (_("Night hours"), {"fields": [("night_start", "night_end"), "ok_to_wake"]}),
        ]
        if obj is not None:
            fieldsets.insert(0, (_("On the wall"), {"fields": ["seen"]}))
        return self.with_loaded_version(fieldsets, obj)

    def get_changeform_initial_data(self, request):
        # A new wall speaks the household's language (LANGUAGE_CODE); a Japanese
        # one shows readings, for the children who read kana before kanji.
        initial: dict[str, Any] = {**super().get_changeform_initial_data(request)}
        japanese = settings.LANGUAGE_CODE == "ja"
        initial.setdefault("language", Display.Language.JA if japanese else Display.Language.EN)
        initial.setdefault("show_readings", japanese)
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        # The tablet needs the new wall's address: its page with the QR code, not the list.
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _("“%(display)s” is added. Scan the QR code with the tablet to open its wall.")
            % {"display": obj},
            messages.SUCCESS,
        )
        return redirect("admin:schedule_display_change", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        display = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if display is not None:
            context["wall_url"] = request.build_absolute_uri(display.get_absolute_url())
            context["local_only"] = is_local_only(request.get_host())
            if fits_a_qr_code(context["wall_url"]):
                context["qr_src"] = reverse("admin:schedule_display_qr", args=[display.pk])
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=_("state"))
    def state_badge(self, display: Display) -> str:
        return render_to_string("admin/hibi/state_badge.html", {"state": display.state()})

    @admin.display(description=_("battery"), ordering="battery_level")
    def battery(self, display: Display) -> str:
        # Only Fully Kiosk Browser tells: other browsers leave it empty.
        return render_to_string("admin/hibi/display_battery.html", {"display": display})

    @admin.display(description=_("last seen"))
    def seen(self, display: Display) -> str:
        return render_to_string(
            "admin/hibi/display_seen.html", {"display": display, "state": display.state()}
        )

    @admin.action(description=_("Give the selected displays a new address"), permissions=["change"])
    def regenerate_tokens(self, request, queryset):
        with transaction.atomic():
            for display in queryset:
                self._regenerate(request, display)
        self.message_user(
            request,
            _("New addresses made. Open each wall again with its new address or QR code."),
            messages.SUCCESS,
        )

    def _regenerate(self, request, display: Display) -> None:
        display.regenerate_token()
        self.log_change(
            request,
            display,
            str(_("Made a new secret address; the old one stopped working.")),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/qr.svg",
                self.admin_site.admin_view(self.qr_view),
                name="schedule_display_qr",
            ),
            path(
                "<path:object_id>/regenerate/",
                self.admin_site.admin_view(self.regenerate_view),
                name="schedule_display_regenerate",
            ),
            *super().get_urls(),
        ]

    def _display_or_404(self, request, object_id) -> Display:
        display = self.get_object(request, unquote(object_id))
        if display is None:
            raise Http404
        return display

    def qr_view(self, request, object_id):
        display = self._display_or_404(request, object_id)
        if not self.has_view_permission(request, display):
            raise PermissionDenied
        try:
            svg = wall_qr_svg(request.build_absolute_uri(display.get_absolute_url()))
        except segno.DataOverflowError:
            # A relative address would fit, but a tablet cannot open one it scans.
            return HttpResponseBadRequest(
                _("The wall's address is too long for a QR code."),
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response

    def regenerate_view(self, request, object_id):
        return _regenerate_view(request, self, object_id)


@require_POST
def _regenerate_view(request, model_admin: DisplayAdmin, object_id):
    display = model_admin._display_or_404(request, object_id)
    if not model_admin.has_change_permission(request, display):
        raise PermissionDenied
    with transaction.atomic():
        model_admin._regenerate(request, display)
    model_admin.message_user(
        request,
        _("“%(display)s” has a new address. Open the wall again with it or its QR code.")
        % {"display": display},
        messages.SUCCESS,
    )
    return redirect("admin:schedule_display_change", display.pk)


# A new member's colour: the first of these nobody has yet, so that four
# members added in a row are told apart on the wall without a tap on a colour.
MEMBER_COLOURS = ["#2f6fb3", "#c2457a", "#e08a1e", "#3c9a5f", "#7b52ab", "#1f8a8a", "#b5532f"]


@admin.register(Member)
class MemberAdmin(VersionedAdmin):
    form = MemberForm
    list_display = ["__str__", "picture", "order"]
    list_editable = ["order"]
    readonly_fields = ["current_photo"]

    def get_fieldsets(self, request, obj=None):
        photo = ["photo", "current_photo", "remove_photo"] if obj and obj.photo_key else ["photo"]
        fieldsets = [
            (None, {"fields": ["name_ja", "name_en", *photo, "colour", "icon", "order"]}),
            (_("OK-to-wake"), {"fields": ["wake_at"]}),
        ]
        return self.with_loaded_version(fieldsets, obj)

    def get_changeform_initial_data(self, request):
        initial: dict[str, Any] = {**super().get_changeform_initial_data(request)}
        taken = set(Member.objects.values_list("colour", flat=True))
        free = [colour for colour in MEMBER_COLOURS if colour not in taken]
        initial.setdefault("colour", free[0] if free else MEMBER_COLOURS[0])
        initial.setdefault("icon", "person")  # the model's default: the form declares its own
        last = Member.objects.order_by("-order").values_list("order", flat=True).first()
        initial.setdefault("order", 0 if last is None else min(last + 1, 32767))
        return initial

    @admin.display(description=_("photo"))
    def current_photo(self, member: Member) -> str:
        return render_to_string("admin/hibi/member_photo.html", {"member": member, "size": 96})

    @admin.display(description=_("colour and icon"))
    def picture(self, member: Member) -> str:
        return render_to_string(
            "admin/hibi/member_picture.html",
            # A name that is no longer bundled (an older Hibi's) has no picture to draw.
            {
                "colour": member.colour,
                "icon": member.icon if icons.is_icon(member.icon) else "",
                "name": member.name,
                "photo_url": member.photo_url,
            },
        )


@admin.register(IconColour)
class IconColourAdmin(VersionedAdmin):
    form = IconColourForm
    list_display = ["picture", "colour"]

    @admin.display(description=_("activity"))
    def picture(self, chosen: IconColour) -> str:
        picture = render_to_string(
            "admin/hibi/member_picture.html",
            {
                "colour": chosen.colour,
                "icon": chosen.icon if icons.is_icon(chosen.icon) else "",
                "name": icons.label(chosen.icon),
            },
        )
        return format_html("{} {}", picture, icons.label(chosen.icon))


@admin.register(AwayPeriod)
class AwayPeriodAdmin(VersionedAdmin):
    """Times away: a custody week every other week, a stay at the grandparents'."""

    form = AwayPeriodForm
    list_display = ["member", "first_day", "last_day", "repeats", "repeat_until"]
    list_filter = ["member"]
    fields = ["member", ("first_day", "last_day"), "every", "repeat_until"]

    @admin.display(description=_("comes back"))
    def repeats(self, away: AwayPeriod) -> str:
        return away.repeat_text

    def get_changeform_initial_data(self, request):
        # Most times away start on a Monday and last the week (a custody week).
        initial: dict[str, Any] = {**super().get_changeform_initial_data(request)}
        today = household.today()
        monday = today + timedelta(days=(7 - today.weekday()) % 7)
        initial.setdefault("first_day", monday)
        initial.setdefault("last_day", monday + timedelta(days=6))
        return initial
