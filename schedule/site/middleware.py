"""Middleware of the server: static files looked up on first use, and writes
refused while the SQLite file is not the one the server opened."""

from __future__ import annotations

import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.string_utils import ensure_leading_trailing_slash

from schedule.common.writes import SAFE_METHODS
from schedule.site import health


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
            from schedule.site.views import unavailable

            return unavailable(request)
        return self.get_response(request)


class StaticFilesOnFirstUse(WhiteNoiseMiddleware):
    """WhiteNoise, except that a static file's answer (its path, sizes, headers)
    is looked up the first time the file is asked for, not for every file at start.

    STATIC_ROOT holds some 500 files, most of them the admin's (select2's
    translations, icons) and htmx extensions nobody loads; WhiteNoise kept an
    answer ready for each, about 2 MB in every worker. A wall asks for a
    handful, once a day. A file is only ever looked up under STATIC_ROOT
    (WhiteNoise's own checks against `..` and other roots), and only files
    that exist are kept, so the table stays as bounded as before.
    """

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if self.autorefresh:  # DEBUG: WhiteNoise looks on every request anyway
            super().add_files(root, prefix)
            return
        # What WhiteNoise's autorefresh mode keeps: where to look, not what is there.
        root = os.path.abspath(root).rstrip(os.path.sep) + os.path.sep
        self.directories.insert(0, (root, ensure_leading_trailing_slash(prefix)))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.autorefresh:
            return super().__call__(request)
        path = request.path_info
        static_file = self.files.get(path)
        if static_file is None and path.startswith(self.static_prefix):
            static_file = self.find_file(path)
            if static_file is not None:
                self.files[path] = static_file
        if static_file is not None:
            return self.serve(static_file, request)
        return self.get_response(request)
