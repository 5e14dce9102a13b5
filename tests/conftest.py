"""Shared fixtures: the demo family, plain planner data, a fixed household zone,
Debian's chromium for the browser tests."""

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from schedule import planner, recurrence
from schedule.demo import load_demo_family

TOKYO = ZoneInfo("Asia/Tokyo")
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    """A test that runs the real commands against a database of its own (the
    `scratch` fixture of test_backup.py) is slow: `make check` leaves it out."""
    for item in items:
        if "scratch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, one per test module (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_wall_caches():
    """Each test has its own database, so no test may see another's cached wall:
    the per-process caches are keyed by display id and revision, which repeat
    from test to test as each test's data is rolled back."""
    from schedule.wall import polling

    polling.forget_times()
    yield
    polling.forget_times()


@pytest.fixture
def demo_display(db):
    """The demo family, loaded as `make run` loads it, and its living-room display."""
    return load_demo_family(date(2026, 11, 23))


def tokyo(day: date, hh_mm: str) -> datetime:
    return planner.at(day, time.fromisoformat(hh_mm), TOKYO)


def block(id, start, end, title="block", members=()) -> planner.BlockData:
    return planner.BlockData(
        id=id,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        title_ja=title,
        title_en=title,
        member_ids=tuple(members),
    )


def household(
    plans=(),
    tz=TOKYO,
    chores=(),
    overrides=None,
    members=(),
    done=(),
    notes=(),
    cancelled=(),
    closures=(),
):
    return planner.Household(
        tz=tz,
        calendar=recurrence.holiday_calendar("JP"),
        plans=tuple(plans),
        overrides=dict(overrides or {}),
        members=tuple(members),
        chores=tuple(chores),
        done=frozenset(done),
        notes=tuple(notes),
        cancelled=frozenset(cancelled),
        closures=tuple(closures),
    )
