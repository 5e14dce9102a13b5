"""A simulated day of the wall left alone on Chromium 49 and WebKit 602: nothing grows.

The server's clock and the page's script run 480 times as fast (a day in three
minutes), with real polls, a parent's edit every simulated hour, midnight's
reload and the nightly one (tests/oldengine/soak.py). Every simulated hour the
page must hold as many nodes outside its panel as at the start, exactly the
elements the server rendered inside it, as many listeners on the window and document,
its three intervals and a handful of timeouts at most, show the right block,
countdown and clock, and show the parent's last edit.

Memory is measured, not judged: the figures (JS heap, the engine's RSS and PSS
per simulated day) land in test-artifacts/oldengine-soak.json, and `make soak`
runs the week-long version into bench/results/.
"""

from __future__ import annotations

import pytest

from tests.oldengine.soak import CHROMIUM_FLAGS, soak
from tests.oldengine.suite import Session, Setup, checks, engines, report, run_engines

pytestmark = pytest.mark.oldengine

SOAKED = ("chromium49", "webkit602")
CHECKS, check = checks()


@check
def a_simulated_day_left_alone_holds_on_to_nothing(s: Session):
    # From 5:00 on the Monday holiday to 5:00 on Tuesday: both plans, the night,
    # midnight's reload and the one at 3:00.
    result = soak(s, "2026-11-23T05:00", hours=24)
    s.figures["soak"] = {k: v for k, v in result.items() if k != "samples"}
    s.figures["samples"] = result["samples"]
    found = result["summary"]
    assert found["wrong"] == [], found["wrong"]
    assert found["edits_not_shown"] == [], "a parent's edit not on the wall an hour later"
    assert len(found["outside_nodes"]) == 1, f"nodes outside the panel: {found['outside_nodes']}"
    assert found["panel_vs_fresh"] in ([], [0]), f"panel's elements - a fresh render's: {found}"
    assert len(found["global_listeners"]) == 1, found["global_listeners"]
    # tick, drift, and watchdog.js's check a minute
    assert found["intervals"] == [3], f"intervals running: {found['intervals']}"
    assert found["timeouts_max"] <= 5, f"timeouts waiting: {found['timeouts_max']}"
    assert result["page_loads"] >= 4, "no reload at midnight and at 3:00 (probe and page each)"
    s.assert_no_faults()


@pytest.fixture(scope="module")
def runs(request):
    yield from run_engines(request, CHECKS, Setup(chromium_flags=CHROMIUM_FLAGS), "soak")


@pytest.mark.parametrize("engine", engines(*SOAKED), ids=lambda engine: engine.name)
@pytest.mark.parametrize("check_name", list(CHECKS))
def test_the_wall_left_alone(runs, engine, check_name):
    report(runs, engine, check_name)
