"""The admin's first screen for a family of its own: the offer to remove the
demo family (a button, where the demo is still there) and, once nobody is
entered yet, the first four things to enter, each one tap away."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from schedule.data import demo_rows

# Removing the demo deletes rows of each of these kinds.
NEEDED = [
    f"schedule.delete_{name}"
    for name in ("member", "plan", "chore", "routine", "reward", "note", "display")
]


def may_remove_demo(request: HttpRequest) -> bool:
    return bool(request.user.has_perms(NEEDED))


def offer(request: HttpRequest) -> dict[str, Any]:
    """What the index shows above the day: the demo's offer, or the first steps."""
    from schedule.family.models import Member

    context: dict[str, Any] = {}
    if may_remove_demo(request) and demo_rows.demo_is_here():
        context["demo_offer"] = True
        context["demo_members"] = Member.objects.filter(
            pk__in=[row_id for (model, row_id) in demo_rows.marked() if model == "schedule.member"]
        )
    elif not Member.objects.exists() and request.user.has_perm("schedule.add_member"):
        context["first_steps"] = [
            (_("Add the family's members"), reverse("admin:schedule_member_add")),
            (_("Add a plan for a weekday"), reverse("admin:schedule_plan_add")),
            (_("Add a garbage day"), reverse("admin:schedule_chore_add")),
            (_("Add a wall (a tablet)"), reverse("admin:schedule_display_add")),
        ]
    return context


@require_POST
def remove_demo(request: HttpRequest) -> HttpResponse:
    if not may_remove_demo(request):
        raise PermissionDenied
    done = demo_rows.remove_demo_family()
    total = sum(done.removed.values())
    messages.success(
        request,
        ngettext(
            "Removed the demo family (%(count)d row). The New Year closure and the "
            "public holidays stay.",
            "Removed the demo family (%(count)d rows). The New Year closure and the "
            "public holidays stay.",
            total,
        )
        % {"count": total},
    )
    for row, why in done.kept:
        text = (
            _("Kept “%(row)s”: you changed it.")
            if why == demo_rows.CHANGED
            else _("Kept “%(row)s”: something you added depends on it.")
        )
        messages.info(request, text % {"row": row})
    return redirect("admin:index")
