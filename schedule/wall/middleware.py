"""A wall's poll answered from memory before the middleware it does not need."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from schedule.common.converters import TokenConverter

# The wall's poll, as config/urls.py routes it.
WALL_POLL = re.compile(rf"/d/(?P<token>{TokenConverter.regex})/panel")


class UnchangedPollMiddleware:
    """Answer a wall's poll from memory (a 204 while nothing changed, a kept
    panel when another tablet's poll already rendered the change) before the
    middleware that has nothing to do with it: sessions, messages, CSRF,
    locale, sign-in throttle.

    These are nearly every request a server ever gets (a tablet asks every
    15 s, all day); through the whole stack they cost more than a bare "hello"
    view. What the answer is, is views.poll_from_memory()'s business; a poll
    it cannot answer goes on to the view, as any request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (match := WALL_POLL.fullmatch(request.path_info)) is not None:
            from schedule.wall.views import poll_from_memory

            if (answer := poll_from_memory(request, match["token"])) is not None:
                return answer
        return self.get_response(request)
