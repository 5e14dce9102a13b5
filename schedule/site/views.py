"""The server's own URLs: the way in to the admin, the phones' calendar feeds,
the health check, and the 500/503 pages."""

from __future__ import annotations

import errno
import logging
import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from schedule.calendars.models import CalendarFeed
from schedule.common import household
from schedule.day import feeds
from schedule.family.models import MemberPhoto
from schedule.nudges import worker
from schedule.site import health

log = logging.getLogger(__name__)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The server's bare address leads to the admin and its sign-in: the family's day
    is shown only to a signed-in parent or on a wall that knows its secret address."""
    return redirect("admin:index")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The family's or a member's calendar for phones; the token is the secret."""
    found = CalendarFeed.objects.filter(token=token).first()
    if found is None:
        raise Http404("No such calendar.")
    response = HttpResponse(feeds.cached(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hibi.ics"'
    # Calendar apps poll on their own schedule; a shared cache must never keep it.
    patch_cache_control(response, private=True, max_age=300)
    return response


@require_safe
def member_photo(request: HttpRequest, token: str) -> HttpResponse:
    """A member's photo, by the key in Member.photo_url: the admin's pages and the
    walls show it, so it asks for no sign-in; the key is as secret as a wall's token.

    Only what the admin stored is ever sent (a JPEG it made itself, never the
    upload), as a picture that no browser may read as anything else.
    """
    found = MemberPhoto.objects.filter(key=token).values_list("image", flat=True).first()
    if found is None:
        raise Http404("No such photo.")
    response = HttpResponse(bytes(found), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="member.jpg"'
    # A new photo gets a new key, so this address always shows the same picture.
    patch_cache_control(response, private=True, max_age=365 * 24 * 3600, immutable=True)
    return response


def _worker_info() -> dict:
    """When the worker last ran: information only. The web server serves the
    walls without it, so a stopped worker never makes this container unhealthy."""
    try:
        status, at = worker.state()
    except DatabaseError:
        return {"state": "unknown", "last_run": None}
    return {"state": status, "last_run": at.isoformat() if at else None}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 only when a wall and a parent would be served: read, write, disk, the file itself."""
    try:
        found = health.problems(household.today())
    except DatabaseError as exc:  # a probe's own clean-up failed
        found = [health.Problem("database", str(exc))]
    if found:
        for problem in found:
            log.warning("Health check failed (%s): %s", problem.check, problem.reason)
        response = JsonResponse(
            {
                "status": "unavailable",
                "problems": {problem.check: problem.reason for problem in found},
                "worker": _worker_info(),
                **_calendars_info(),
            },
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok", "worker": _worker_info(), **_calendars_info()})


def _calendars_info() -> dict:
    """The subscribed calendars that could not be read, when there are some:
    information only, like the worker's."""
    problems = health.calendar_problems()
    return {"calendars": {"state": "problems", "problems": problems}} if problems else {}


RETRY_AFTER_SECONDS = 30


def _database_trouble(exc: BaseException | None) -> bool:
    """A database that is locked, gone, read-only, full or damaged: wait, don't panic."""
    if isinstance(exc, DatabaseError):
        return True
    return isinstance(exc, OSError) and exc.errno in {
        errno.ENOSPC,
        errno.EROFS,
        errno.EACCES,
        errno.EDQUOT,
    }


def _page_languages(request: HttpRequest) -> list[str]:
    first = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    return [first[:2], *(code for code, _name in settings.LANGUAGES if code != first[:2])]


def _error_page(request: HttpRequest, template: str, status: int, json_error: str) -> HttpResponse:
    """A short page in both languages, the reader's first; built without the
    database, the session or a context processor, since any of them may be what failed."""
    response: HttpResponse
    if request.path.endswith(("/now.json", "/healthz")):
        response = JsonResponse({"error": json_error, "status": status}, status=status)
    else:
        texts = []
        for lang in _page_languages(request):
            with translation.override(lang):
                texts.append({"lang": lang, **ERROR_TEXTS[template]()})
        page = render_to_string("schedule/error.html", {"texts": texts, "status": status})
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


ERROR_TEXTS = {
    "503": lambda: {
        "title": _("Hibi cannot reach its data right now"),
        "body": _(
            "The database is busy, or cannot be read or written. Hibi tries again by "
            "itself, and the wall keeps showing the day in the meantime."
        ),
        "hint": _(
            "If this lasts, look at the server: free disk space, the log "
            "(docker compose logs hibi), or restore a backup (manage.py restore)."
        ),
    },
    "500": lambda: {
        "title": _("Something went wrong"),
        "body": _("Hibi could not finish this. What was saved before is not lost."),
        "hint": _(
            "Go back and try again. If it happens again, the server's log "
            "(docker compose logs hibi) says what went wrong."
        ),
    },
}


def unavailable(request: HttpRequest) -> HttpResponse:
    return _error_page(request, "503", 503, "The database is unavailable; try again soon.")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500. The traceback is already in the log (django.request);
    a database that failed is a 503 the walls and parents can wait out."""
    if _database_trouble(sys.exc_info()[1]):
        return unavailable(request)
    return _error_page(request, "500", 500, "Something went wrong; the server log says what.")
