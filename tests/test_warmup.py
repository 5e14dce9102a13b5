"""A new worker renders a wall before it takes traffic, and changes nothing doing so."""

import logging

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connections

from config.warmup import warm_up
from schedule.models import Display, Revision


@pytest.fixture(autouse=True)
def _connections_kept(monkeypatch):
    """The handler closes old connections at each request's start and end, as
    in a real worker, and warm_up() closes them all for the worker's threads;
    inside a test's transaction that would close the test's own connection
    (PostgreSQL then refuses every query). Django's test client keeps it too."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


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
