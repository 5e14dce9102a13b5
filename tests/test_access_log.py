"""The access log: unchanged wall polls are counted per wall, everything else logged."""

import logging

import pytest
from gunicorn.config import Config

from config.access_log import QuietPollsLogger


class Answer:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.status = f"{status_code} X"
        self.sent = 0
        self.headers: list = []


class Request:
    def __init__(self, path: str, method: str = "GET") -> None:
        self.path = path
        self.method = method
        self.query = ""
        self.uri = path
        self.version = (1, 1)
        self.headers: list = []


ENVIRON = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}


@pytest.fixture
def logged(monkeypatch):
    """A logger as gunicorn.conf.py sets it up, and the lines its access log wrote."""

    def make(**env: str) -> tuple[QuietPollsLogger, list[str]]:
        for name in ("ACCESS_LOG_POLLS", "ACCESS_LOG_POLL_MINUTES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        cfg = Config()
        cfg.set("accesslog", "-")
        logger = QuietPollsLogger(cfg)
        lines: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                lines.append(record.getMessage())

        logger.access_log.handlers = [Keep()]
        return logger, lines

    return make


def poll(logger, status=204, path="/d/abc/panel", method="GET"):
    logger.access(Answer(status), Request(path, method), ENVIRON, _delta())


def _delta():
    from datetime import timedelta

    return timedelta(milliseconds=3)


def test_an_unchanged_poll_writes_no_line(logged):
    logger, lines = logged()
    for _ in range(50):
        poll(logger)
    assert lines == []


def test_a_changed_poll_an_error_and_a_page_are_logged_line_by_line(logged):
    logger, lines = logged()
    poll(logger, status=200)
    poll(logger, status=404)
    poll(logger, status=500)
    poll(logger, status=204, path="/d/abc/", method="GET")
    poll(logger, status=204, method="POST")
    assert len(lines) == 5


def test_each_walls_unchanged_polls_are_counted_and_written_every_period(logged, monkeypatch):
    logger, lines = logged(ACCESS_LOG_POLL_MINUTES="1")
    clock = [1000.0]
    monkeypatch.setattr("config.access_log.time.monotonic", lambda: clock[0])
    logger._since = clock[0]
    for _ in range(3):
        poll(logger, path="/d/kitchen/panel")
    poll(logger, path="/d/living/panel")
    assert lines == []
    clock[0] += 61
    poll(logger, path="/d/living/panel")
    assert lines == [
        "/d/kitchen/panel: 3 unchanged polls (204) in the last 1 minutes",
        "/d/living/panel: 2 unchanged polls (204) in the last 1 minutes",
    ]


def test_access_log_polls_logs_every_poll_again(logged):
    logger, lines = logged(ACCESS_LOG_POLLS="1")
    for _ in range(3):
        poll(logger)
    assert len(lines) == 3


@pytest.mark.parametrize("env", [{"ACCESS_LOG_POLLS": "maybe"}, {"ACCESS_LOG_POLL_MINUTES": "0"}])
def test_a_malformed_setting_stops_the_server(logged, env):
    with pytest.raises(ValueError, match=next(iter(env))):
        logged(**env)
