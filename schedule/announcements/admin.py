"""Announcements from the phone (a ready-made one in two taps from the home page),
and the tokens Home Assistant sends them with: made here, shown once, revoked here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schedule.announcements.forms import AnnouncementForm, TokenForm
from schedule.announcements.models import PRESETS, Announcement, AnnouncementToken
from schedule.common import household


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    list_display = ["__str__", "starts_at", "ends_at", "walls", "state"]
    actions = ["end_now"]
    change_form_template = "admin/schedule/announcement/change_form.html"
    fieldsets = [
        (None, {"fields": ["text_ja", "text_en", "icon", "minutes"]}),
        (_("Where and how"), {"fields": ["displays", "chime"], "classes": ["collapse"]}),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # Sent is sent: a parent ends one early (the list's action), or sends another.
        return obj is None and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["text_ja", "text_en", "icon", "starts_at", "ends_at", "displays", "chime"]
        return []

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return [(None, {"fields": self.get_readonly_fields(request, obj)})]
        return super().get_fieldsets(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        lang = household.language()
        context["presets"] = [
            (key, ja if lang == "ja" else en, "ja" if lang == "ja" else "en", icon)
            for key, ja, en, icon in PRESETS
        ]
        # Sent is sent: no "save and continue editing", no "save and add another".
        context.update(show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        until = formats.time_format(obj.ends_at.astimezone(household.zone()), "H:i")
        walls = list(obj.displays.all())
        if walls:
            where = ", ".join(str(w) for w in walls)
            text = _("“%(text)s” is on %(walls)s until %(until)s.")
            message = text % {"text": obj.text, "walls": where, "until": until}
        else:
            text = _("“%(text)s” is on every wall until %(until)s.")
            message = text % {"text": obj.text, "until": until}
        self.message_user(request, message, messages.SUCCESS)
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("walls"))
    def walls(self, said: Announcement) -> str:
        return ", ".join(str(d) for d in said.displays.all()) or str(_("every wall"))

    @admin.display(description=_("on the walls now"), boolean=True)
    def state(self, said: Announcement) -> bool:
        return said.is_on(household.now())

    @admin.action(description=_("End the selected announcements now"), permissions=["delete"])
    def end_now(self, request, queryset):
        now = household.now()
        ended = 0
        for said in queryset.filter(ends_at__gt=now):
            said.ends_at = max(now, said.starts_at + timedelta(seconds=1))
            said.save(update_fields=["ends_at"])
            ended += 1
        self.message_user(
            request,
            ngettext("%(count)d announcement ended.", "%(count)d announcements ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )


@admin.register(AnnouncementToken)
class AnnouncementTokenAdmin(admin.ModelAdmin):
    """A token is shown once, on the page that follows its making; then only its
    first characters, when it was last used, and a way to revoke it."""

    form = TokenForm
    list_display = ["name", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["hint", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def has_change_permission(self, request, obj=None) -> bool:
        # A token's page only shows it; the list's action revokes it.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            request._hibi_new_token = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("The new token"),
            "token": getattr(request, "_hibi_new_token", ""),
            "token_row": obj,
            "opts": self.opts,
            "api_url": request.build_absolute_uri("/api/announcements"),
        }
        return TemplateResponse(request, "admin/schedule/announcementtoken/made.html", context)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=household.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d token revoked: it no longer works.",
                "%(count)d tokens revoked: they no longer work.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
