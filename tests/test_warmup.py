"""A new worker renders a wall before it takes traffic, and changes nothing doing so."""

import logging

from django.core.handlers.wsgi import WSGIHandler

from config.warmup import warm_up
from schedule.models import Display, Revision


def test_a_worker_renders_the_wall_before_its_first_request(demo_display, caplog, settings):
    settings.ALLOWED_HOSTS = ["hibi.local"]
    revision = Revision.current()
    with caplog.at_level(logging.INFO, logger="config.warmup"):
        warm_up(WSGIHandler())
    assert "Worker warmed up" in caplog.text
    assert caplog.text.count("200 OK") == 2  # the page and the panel
    demo_display.refresh_from_db()
    assert demo_display.last_seen_at is None  # no heartbeat: it was not a tablet
    assert Revision.current() == revision


def test_a_worker_without_a_database_starts_cold_and_says_why(db, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no such table: schedule_display")

    monkeypatch.setattr(Display.objects, "values_list", broken)
    with caplog.at_level(logging.INFO, logger="config.warmup"):
        warm_up(WSGIHandler())
    assert "starts cold" in caplog.text
    assert "no such table" in caplog.text
