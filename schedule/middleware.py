"""Request middleware of Hibi's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import health

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class WriteGuardMiddleware:
    """Answer 503 to a write while the SQLite file is not the one the server opened.

    SQLite goes on writing into a database file that was deleted (or replaced
    by hand) under the running server, and every such change is lost at the
    next restart; a tablet's tick would be confirmed and then vanish. Reads are
    left alone: they cost nothing to get wrong, and /healthz reports the file.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and health.file_swapped_under_us():
            from .views import unavailable

            return unavailable(request)
        return self.get_response(request)
