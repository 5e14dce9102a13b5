"""The household's clock: the real one, or a test clock that starts at a chosen
moment and runs fast (HIBI_CLOCK_*), only where it was asked for on purpose."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from config import settings as hibi
from schedule.common import household
from tests.conftest import TOKYO

REAL = datetime(2026, 3, 1, 9, 0, tzinfo=TOKYO)
START = datetime(2026, 11, 23, 5, 0, tzinfo=TOKYO)


@pytest.fixture
def fast(settings):
    """A test clock that showed START at REAL and runs 480 times as fast."""
    settings.TEST_CLOCK_ALLOWED = True
    settings.TEST_CLOCK_START = START
    settings.TEST_CLOCK_EPOCH = REAL.timestamp()
    settings.TEST_CLOCK_RATE = 480
    return settings


def clock_warnings() -> list[str]:
    return [m.id for m in household.check_the_clock() if isinstance(m, checks.Warning)]


def test_without_a_test_clock_now_is_the_real_moment_in_the_households_zone():
    with time_machine.travel(REAL, tick=False):
        assert household.now() == REAL
        assert household.now().tzinfo == TOKYO
    assert household.clock_rate() == 1
    assert clock_warnings() == []


def test_a_test_clock_starts_at_its_moment_and_runs_at_its_rate(fast):
    with time_machine.travel(REAL, tick=False):
        assert household.now() == START
    with time_machine.travel(REAL + timedelta(seconds=3), tick=False):
        assert household.now() == START + timedelta(minutes=24)  # 3 s × 480
        assert household.today() == START.date()
    with time_machine.travel(REAL + timedelta(minutes=3), tick=False):
        assert household.now() == START + timedelta(days=1)
    assert household.clock_rate() == 480


def test_a_test_clock_is_ignored_and_warned_about_unless_allowed(fast):
    fast.TEST_CLOCK_ALLOWED = False
    with time_machine.travel(REAL, tick=False):
        assert household.now() == REAL
    assert household.clock_rate() == 1
    assert clock_warnings() == ["hibi.W002"]


def test_a_test_clock_in_use_is_said_by_the_checks_and_the_log(fast, caplog):
    assert clock_warnings() == ["hibi.W001"]
    household.say_when_the_clock_is_a_test_clock()
    assert re.search(r"test clock.*480× as fast", caplog.text)


def test_the_wall_is_told_the_rate_only_when_its_clock_runs_fast(client, demo_display, fast):
    url = demo_display.get_absolute_url()
    assert 'data-rate="480"' in client.get(url).content.decode()
    fast.TEST_CLOCK_ALLOWED = False
    assert "data-rate" not in client.get(url).content.decode()


@pytest.mark.parametrize("raw", ["2026-11-23T05:00", "soon", "2026-13-01T00:00+09:00"])
def test_a_start_without_an_offset_or_not_a_moment_is_refused(monkeypatch, raw):
    monkeypatch.setenv("HIBI_CLOCK_TEST", raw)
    with pytest.raises(ImproperlyConfigured, match="HIBI_CLOCK_TEST"):
        hibi.env_moment("HIBI_CLOCK_TEST")


def test_a_start_with_its_offset_is_read_and_an_empty_one_is_none(monkeypatch):
    monkeypatch.setenv("HIBI_CLOCK_TEST", "2026-11-23T05:00+09:00")
    assert hibi.env_moment("HIBI_CLOCK_TEST") == START
    monkeypatch.setenv("HIBI_CLOCK_TEST", " ")
    assert hibi.env_moment("HIBI_CLOCK_TEST") is None


def test_an_epoch_must_be_a_number(monkeypatch):
    monkeypatch.setenv("HIBI_EPOCH_TEST", "yesterday")
    with pytest.raises(ImproperlyConfigured, match="HIBI_EPOCH_TEST"):
        hibi.env_float("HIBI_EPOCH_TEST", 0.0)
    monkeypatch.setenv("HIBI_EPOCH_TEST", "1795000000.25")
    assert hibi.env_float("HIBI_EPOCH_TEST", 0.0) == 1795000000.25
