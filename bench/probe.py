"""Ask the app, in-process, what the benchmarks should request, or count its queries.

Run with the bench environment (DJANGO_SETTINGS_MODULE=bench.settings, DATA_DIR).
Prints one JSON object.
"""

import json
import secrets
import string
import sys
from datetime import datetime, timedelta

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from schedule.wall import display as displays  # noqa: E402
from schedule.wall import moments, polling  # noqa: E402


def urls() -> dict:
    from schedule.models import Display

    display = displays.find_display(Display.objects.get(name__startswith="リビング").token)
    assert display is not None
    moment = moments.moment_from(None)
    token = display.token
    today = polling.load(display, moment.date()).day(moment.date(), moment)
    chore = today.chores[0]
    # Django accepts the unmasked secret as both cookie and header value.
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    panel = reverse("wall-panel", args=[token])
    return {
        "page": reverse("wall", args=[token]),
        "poll_unchanged": f"{panel}?v={polling.version(display, moment)}",
        "poll_changed": f"{panel}?v=0.19700101.0",
        "renders": render_paths(panel),
        "now_json": reverse("wall-now", args=[token]),
        "toggle": reverse("wall-chore", args=[token, chore.chore.id, f"{chore.date:%Y-%m-%d}"]),
        "toggles": toggle_paths(display, moment.date()),
        "toggle_bodies": ["done=1", "done=0"],
        "csrf_cookie": secret,
        "csrf_token": secret,
    }


def render_paths(panel: str) -> list[str]:
    """Changed polls that no cache answers: each asks for another minute (?at=)
    of this week, which is rendered from the database every time."""
    today = moments.moment_from(None).date()
    start = datetime.combine(today, datetime.min.time())
    return [
        f"{panel}?at={start + timedelta(minutes=7 * i):%Y-%m-%dT%H:%M}&v=0.19700101.0"
        for i in range(1440)
    ]


def toggle_paths(display, today) -> list[str]:
    """Every chore this wall may tick in the fortnight from today, each with its
    day: enough (chore, day) pairs that each wrk connection alternates its own."""
    paths = []
    for offset in range(14):
        day = today + timedelta(days=offset)
        view = polling.load(display, day).day(day, moments.moment_from(None))
        for due in view.chores:
            if due.date == day:
                paths.append(
                    reverse("wall-chore", args=[display.token, due.chore.id, f"{day:%Y-%m-%d}"])
                )
    return paths


def queries() -> dict:
    info = urls()
    client = Client(SERVER_NAME="localhost", HTTP_USER_AGENT="hibi-bench")
    htmx = {"HX-Request": "true"}
    requests = {
        "poll_unchanged": lambda: client.get(info["poll_unchanged"], headers=htmx),
        "poll_changed": lambda: client.get(info["poll_changed"], headers=htmx),
        "wall_page": lambda: client.get(info["page"]),
        "now_json": lambda: client.get(info["now_json"]),
        "chore_toggle": lambda: client.post(info["toggle"], {"done": "1"}, headers=htmx),
    }
    counts = {}
    for name, send in requests.items():
        send()  # the heartbeat writes at most once a minute: count the steady state
        with CaptureQueriesContext(connection) as captured:
            response = send()
        assert response.status_code in (200, 204), (name, response.status_code)
        counts[name] = len(captured)
    return counts


if __name__ == "__main__":
    if "--queries" in sys.argv:
        print(json.dumps({"queries": queries()}))
    else:
        print(json.dumps(urls()))
