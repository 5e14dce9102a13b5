"""The wall's watchdog (static/kiosk/watchdog.js) in a real browser.

A week's soak on WebKit 602 once came back from a midnight reload with htmx
polling and kiosk.js never started: no clock, no countdown, no nightly reload,
for the four simulated days left. The watchdog is a script of its own: when
kiosk.js has not ticked for three minutes, the page reloads once the server
answers. Time here is the browser's fake clock (Playwright's page.clock), the
wall's moment a chosen ?at=.
"""

import os

import pytest

from schedule.data.demo import load_demo_family
from tests.conftest import DEMO_DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MINUTE_MS = 60 * 1000


@pytest.fixture
def wall(browser, live_server):
    display = load_demo_family(DEMO_DAY)
    context = browser.new_context(viewport={"width": 1024, "height": 600}, device_scale_factor=1)
    page = context.new_page()
    page.clock.install()
    url = f"{live_server.url}{display.get_absolute_url()}?at=2026-11-24T10:00"
    yield page, url
    context.close()


def test_a_wall_whose_script_never_started_reloads_itself(wall):
    page, url = wall
    kiosk_blocked = {"now": True}

    def kiosk_js(route):
        if kiosk_blocked["now"]:
            route.abort()
        else:
            route.continue_()

    page.route("**/kiosk/kiosk*.js", kiosk_js)
    page.goto(url)
    assert page.evaluate("typeof window.hibiAlive") == "undefined"
    page.evaluate("window.sameLoad = true")
    page.clock.run_for(2 * MINUTE_MS)
    assert page.evaluate("window.sameLoad") is True  # two silent minutes: not yet
    kiosk_blocked["now"] = False
    with page.expect_navigation():
        page.clock.run_for(2 * MINUTE_MS)
    page.wait_for_function("typeof window.hibiAlive === 'number'")
    assert page.evaluate("window.sameLoad") is None
    assert page.locator(".js-clock").first.inner_text() == "10:00"


def test_a_wall_whose_script_runs_is_left_alone(wall):
    page, url = wall
    page.goto(url)
    page.wait_for_function("typeof window.hibiAlive === 'number'")
    page.evaluate("window.sameLoad = true")
    page.clock.run_for(6 * MINUTE_MS)
    assert page.evaluate("window.sameLoad") is True
