"""A new gunicorn worker renders a wall once before it takes its first request.

Django imports the URLs, the views and the template's compiled form, and
the household's holiday table is read, on the first request that needs them:
about a second of a Raspberry Pi's CPU that the first tablet would wait for,
every time a worker starts. gunicorn's post_worker_init hook calls
`warm_up()` after the application is loaded and before the worker accepts a
connection (they wait in the listening socket meanwhile).

It asks for a wall at a fixed moment (`?at=`), which writes nothing: no
heartbeat, no cached panel. Whatever goes wrong (no display yet, a database
not migrated) is logged and the worker starts anyway, cold.
"""

from __future__ import annotations

import io
import logging
import time

log = logging.getLogger(__name__)


def _get(application, path: str, query: str, headers: dict[str, str], scheme: str) -> str:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    status: list[str] = []
    body = application(environ, lambda line, _headers, _exc=None: status.append(line))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return status[0] if status else "no answer"


def warm_up(application) -> None:
    began = time.perf_counter()
    try:
        from django.conf import settings
        from django.db import connections

        from schedule.common import household
        from schedule.models import Display

        token = Display.objects.values_list("token", flat=True).order_by("pk").first()
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".").replace("*", "") or "x"
        headers = {"Host": host, "Accept-Encoding": "gzip, deflate", "User-Agent": "hibi warm-up"}
        # An HTTPS site would only redirect a plain request.
        scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
        if scheme == "https":
            headers["X-Forwarded-Proto"] = "https"
        answers = []
        if token:
            at = f"at={household.now():%Y-%m-%dT%H:%M}"
            for path, extra in ((f"/d/{token}/", {}), (f"/d/{token}/panel", {"HX-Request": "1"})):
                answers.append(_get(application, path, at, {**headers, **extra}, scheme))
        # The worker's threads open connections of their own.
        connections.close_all()
    except Exception:  # a cold worker is still a worker
        log.exception("Warming the worker up failed; it starts cold")
        return
    log.info("Worker warmed up in %.0f ms: %s", (time.perf_counter() - began) * 1000, answers)
