"""Hibi's own middleware: a wall's poll answered from memory before the rest of the stack."""

from datetime import datetime

import time_machine

from schedule.models import Revision

from .conftest import TOKYO
from .test_views import page_url, panel_url, version_of


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
