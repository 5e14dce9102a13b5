"""The children's bags in the admin: their things, and when rain gear goes in."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schedule.bags.forms import BagItemForm, BagRulesForm
from schedule.bags.models import BagItem, BagRules
from schedule.common.admin import VersionedAdmin, icon_picture
from schedule.common.repeat import SHORT_WEEKDAY_NAMES


@admin.register(BagItem)
class BagItemAdmin(VersionedAdmin):
    form = BagItemForm
    list_display = ["__str__", "shown", "member", "days", "on_date", "event_word"]
    list_filter = ["member"]
    list_select_related = ["member"]
    fields = ["member", "title_ja", "title_reading", "title_en", "icon", "weekdays", "on_date"]
    fields += ["event_word"]

    @admin.display(description=_("icon"))
    def shown(self, item: BagItem) -> str:
        return icon_picture(item.icon, str(item))

    @admin.display(description=_("every week on"))
    def days(self, item: BagItem) -> str:
        return " ".join(str(n) for d, n in enumerate(SHORT_WEEKDAY_NAMES) if item.weekdays & 1 << d)


@admin.register(BagRules)
class BagRulesAdmin(VersionedAdmin):
    form = BagRulesForm
    fields = ["rain_from"]

    def has_add_permission(self, request):
        return not BagRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
