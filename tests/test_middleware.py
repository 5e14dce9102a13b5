"""Hibi's own middleware: a wall's poll answered from memory before the rest of the
stack, and static files looked up when first asked for."""

from datetime import datetime

import time_machine
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from schedule.models import Revision
from schedule.site.middleware import StaticFilesOnFirstUse
from tests.conftest import TOKYO
from tests.test_views import page_url, panel_url, version_of


@time_machine.travel(datetime(2026, 11, 24, 10, 10, tzinfo=TOKYO), tick=False)
def test_a_poll_is_answered_from_memory_before_sessions_locale_and_csrf(client, demo_display):
    version = version_of(client.get(page_url(demo_display)))
    unchanged = client.get(panel_url(demo_display, v=version))
    assert unchanged.status_code == 204
    assert not hasattr(unchanged.wsgi_request, "session")  # SessionMiddleware never ran
    assert "Cache-Control" in unchanged and "no-store" in unchanged["Cache-Control"]
    Revision.bump()
    changed = client.get(panel_url(demo_display, v=version))
    assert changed.status_code == 200  # the view answers it, through the whole stack
    assert hasattr(changed.wsgi_request, "session")
    assert version_of(changed) != version
    # A second tablet asking the same: the panel the first one's poll rendered.
    second = client.get(panel_url(demo_display, v=version))
    assert second.status_code == 200 and second.content == changed.content
    assert not hasattr(second.wsgi_request, "session")


def test_a_poll_for_an_unknown_wall_still_gets_the_views_404(client, db):
    response = client.get("/d/" + "x" * 32 + "/panel?v=1.20261124.3")
    assert response.status_code == 404


def static_files_on_first_use(root):
    """The middleware as settings.py installs it, over a STATIC_ROOT of `root`."""
    with override_settings(STATIC_ROOT=str(root), DEBUG=False):
        return StaticFilesOnFirstUse(lambda request: HttpResponse("the view", status=404))


def test_a_static_file_is_looked_up_when_first_asked_for_not_at_start(tmp_path):
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "kiosk.js").write_text("var wall;")
    (tmp_path / "admin.css").write_text("body {}")
    static = static_files_on_first_use(tmp_path)
    assert static.files == {}  # nothing kept for files nobody asked for

    answer = static(RequestFactory().get("/static/kiosk/kiosk.js"))

    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == b"var wall;"
    assert answer["Content-Type"] == 'text/javascript; charset="utf-8"'
    assert answer["Cache-Control"] == "max-age=60, public"
    assert list(static.files) == ["/static/kiosk/kiosk.js"]


def test_a_missing_or_outside_static_file_goes_to_the_view_and_is_not_kept(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("not a static file")
    static = static_files_on_first_use(tmp_path / "static")
    for path in ("/static/missing.js", "/static/../secret.txt", "/static/%2e%2e/secret.txt"):
        assert static(RequestFactory().get(path)).content == b"the view"
    assert static.files == {}
