"""The wall in a real browser: Debian's chromium driven by Playwright, headless.

Screenshots go to test-artifacts/ (kept by CI, ignored by git). The page is
always opened at a fixed `?at=` moment so that what it shows does not depend
on when the tests run.
"""

import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIRequestHandler
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from schedule.data.demo import load_demo_family
from schedule.models import Block, ChoreDone
from tests.conftest import TOKYO

pytestmark = pytest.mark.browser

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
VIEWPORTS = [(1024, 600), (600, 1024), (1024, 768)]
WEEKDAY_MORNING = "2026-11-24T10:10"  # parents at work, kids at school
HOLIDAY_EVENING = "2026-11-23T17:05"  # clean-up, tomorrow's plastics


class QuietHandler(WSGIRequestHandler):
    # One request per connection: a kept-alive connection would go on serving
    # the polls after the listening socket is closed, and the server would
    # never look gone.
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass


class SamePortThread(LiveServerThread):
    """Django's live server thread, allowed to bind a port it has just let go of."""

    def _create_server(self, connections_override=None):
        return self.server_class(
            (self.host, self.port),
            QuietHandler,
            allow_reuse_address=True,
            connections_override=connections_override,
        )


class RestartableServer:
    """A live server the test can stop and start again on the same port.

    pytest-django's `live_server` lives for the whole session and cannot come
    back after a stop. This one lends its request threads no connection of the
    test's: each opens its own to the shared-cache in-memory test database, so
    a request still finishing after a stop cannot touch the test's connection.
    """

    def __init__(self):
        self.port = 0
        self.thread = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread = SamePortThread("127.0.0.1", StaticFilesHandler, port=self.port)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait(10)
        if self.thread.error:
            raise self.thread.error
        self.port = self.thread.port

    def stop(self):
        if self.thread is not None:
            self.thread.terminate()
            self.thread = None


@pytest.fixture
def family(transactional_db):
    return load_demo_family(date(2026, 11, 23))


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(url, width=1024, height=600, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        if url:
            page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def wall_url(server, display, at):
    return f"{server.url}{display.get_absolute_url()}?at={at}"


def inside(box, width, height):
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_current_block_and_countdown_fit_without_scrolling(
    live_server, family, open_page, width, height
):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, at in (("weekday", WEEKDAY_MORNING), ("evening", HOLIDAY_EVENING)):
        page = open_page(wall_url(live_server, family, at), width, height)
        heroes = page.locator(".hero.is-current")
        expect(heroes.first).to_be_visible()
        for index in range(heroes.count()):
            hero = heroes.nth(index)
            assert inside(hero.bounding_box(), width, height)
            assert inside(hero.locator(".pie").bounding_box(), width, height)
            assert inside(hero.locator(".hero-icon").bounding_box(), width, height)
        assert inside(page.locator(".js-clock").first.bounding_box(), width, height)
        scrolled = page.evaluate("window.scrollTo(300, 300); [window.scrollX, window.scrollY]")
        assert scrolled == [0, 0]
        page.screenshot(path=str(ARTIFACTS / f"wall-{name}-{width}x{height}.png"))
        assert page.errors == []  # no CSP refusal, no script error


def test_the_night_screen_is_dark_with_the_clock(live_server, family, open_page):
    page = open_page(wall_url(live_server, family, "2026-11-24T22:10"))
    expect(page.locator(".night-clock")).to_have_text("22:10")
    expect(page.locator(".day")).to_be_hidden()
    background = page.evaluate("getComputedStyle(document.getElementById('panel')).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    page.screenshot(path=str(ARTIFACTS / "wall-night-1024x600.png"))


def test_the_highlight_moves_to_the_next_block_without_any_request(
    live_server, family, open_page, settings
):
    settings.WALL_POLL_SECONDS = 600  # no poll falls inside the minutes the clock is moved
    page = open_page(None)
    page.clock.install(time=datetime(2026, 11, 23, 17, 19, tzinfo=TOKYO))
    page.goto(wall_url(live_server, family, "2026-11-23T17:19"))
    expect(page.locator(".hero.is-current .main-text")).to_have_text("お片付け")
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.clock.run_for(70_000)

    expect(page.locator(".hero.is-current .main-text")).to_have_text("ルンバ")
    expect(page.locator(".tl-block.is-current")).to_have_count(1)
    expect(page.locator(".js-clock").first).to_have_text("17:20")
    expect(page.locator(".next-item.is-next .next-time").first).to_have_text("17:30")
    assert requests == []


def test_the_countdown_shrinks_as_time_passes(live_server, family, open_page, settings):
    settings.WALL_POLL_SECONDS = 600
    page = open_page(None)
    page.clock.install(time=datetime(2026, 11, 23, 17, 30, tzinfo=TOKYO))
    page.goto(wall_url(live_server, family, "2026-11-23T17:30"))
    hero = page.locator(".hero.is-current")
    expect(hero.locator(".js-left").last).to_have_text("45 min left")
    before = float(hero.locator(".js-pie").get_attribute("stroke-dasharray").split()[0])
    page.clock.run_for(15 * 60_000)
    expect(hero.locator(".js-left").last).to_have_text("30 min left")
    after = float(hero.locator(".js-pie").get_attribute("stroke-dasharray").split()[0])
    assert after == pytest.approx(before * 30 / 45, abs=0.01)


def test_the_countdown_says_hours_and_reads_fun_or_pun_as_the_server_does(
    live_server, family, open_page, settings
):
    settings.WALL_POLL_SECONDS = 600
    page = open_page(None)
    page.clock.install(time=datetime(2026, 11, 24, 10, 10, tzinfo=TOKYO))
    page.goto(wall_url(live_server, family, "2026-11-24T10:10"))  # work until 12:00
    work = page.locator(".hero.is-current", has_text="お仕事")
    left = work.locator(".js-left[lang=ja]")
    expect(left).to_have_text("あと\u00a01\u00a0じかん 50\u00a0ぷん")  # rendered by the server
    # Half a minute past each step, so no tick lands on a minute's edge.
    for step_ms, spoken in [
        (5 * 60_000 + 30_000, "あと\u00a01\u00a0じかん 45\u00a0ふん"),
        (45 * 60_000, "あと\u00a01\u00a0じかん"),
        (60_000, "あと\u00a059\u00a0ふん"),
        (60_000, "あと\u00a058\u00a0ぷん"),
    ]:
        page.clock.run_for(step_ms)
        expect(left).to_have_text(spoken)
    expect(work.locator(".js-left[lang=en]")).to_have_text("58 min left")


def test_the_wall_survives_the_server_going_away_and_coming_back(family, open_page, settings):
    settings.WALL_POLL_SECONDS = 2
    server = RestartableServer()
    server.start()
    try:
        page = open_page(wall_url(server, family, WEEKDAY_MORNING))
        page.evaluate("window.sameDocument = true")
        badge = page.locator("#offline")
        expect(badge).to_be_hidden()

        server.stop()
        expect(badge).to_be_visible(timeout=2 * 2000 + 1000)  # two poll intervals
        expect(badge.locator('[lang="en"]')).to_have_text(re.compile(r"^Offline since 10:1\d$"))
        expect(page.locator(".hero.is-current").first).to_be_visible()  # the last good screen

        Block.objects.filter(title_ja="お仕事").update(title_ja="おしごと")
        Block.objects.get(title_ja="保育園・学校").save()  # bumps the revision
        server.start()

        expect(badge).to_be_hidden(timeout=3 * 2000)
        expect(page.locator(".hero.is-current .main-text").first).to_have_text("おしごと")
        assert page.evaluate("window.sameDocument") is True  # swapped in, not reloaded
    finally:
        server.stop()


def test_a_tapped_chore_is_done_and_stays_done_after_a_reload(live_server, family, open_page):
    page = open_page(wall_url(live_server, family, WEEKDAY_MORNING))
    plastics = page.locator(".chore", has_text="プラスチック")
    expect(plastics).not_to_have_class(re.compile(r"\bis-done\b"))
    plastics.locator("button").click()
    expect(page.locator(".chore", has_text="プラスチック")).to_have_class(
        re.compile(r"\bis-done\b")
    )
    assert ChoreDone.objects.filter(
        chore__title_ja="プラスチック", date=date(2026, 11, 24)
    ).exists()
    page.reload()
    expect(page.locator(".chore", has_text="プラスチック")).to_have_class(
        re.compile(r"\bis-done\b")
    )
    page.locator(".chore", has_text="プラスチック").locator("button").click()
    expect(page.locator(".chore", has_text="プラスチック")).not_to_have_class(
        re.compile(r"\bis-done\b")
    )
    assert not ChoreDone.objects.exists()


def test_without_javascript_the_day_is_still_there(live_server, family, open_page):
    page = open_page(wall_url(live_server, family, HOLIDAY_EVENING), java_script_enabled=False)
    expect(page.locator(".hero.is-current .main-text")).to_have_text("お片付け")
    expect(page.locator(".chore", has_text="燃やすごみ")).to_be_visible()
    expect(page.locator("noscript")).to_have_count(1)


LANG_CHECK = """() => {
  const japanese = /[\\u3040-\\u30ff\\u4e00-\\u9fff]/;
  const latin = /[A-Za-z]/;
  const walker = document.createTreeWalker(document.getElementById('wall'), NodeFilter.SHOW_TEXT);
  const wrong = [];
  let checked = 0;
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.trim();
    const parent = walker.currentNode.parentElement;
    if (!text || parent.closest('svg')) continue;
    const marked = parent.closest('[lang]:not(html)');
    const lang = marked ? marked.getAttribute('lang') : null;
    const expected = japanese.test(text) ? 'ja' : latin.test(text) ? 'en' : null;
    checked += 1;
    if (expected && lang !== expected) wrong.push(text + ' -> ' + lang);
    if (!marked) wrong.push(text + ' has no lang');
  }
  return {checked, wrong};
}"""


def test_japanese_and_english_text_carry_their_lang(live_server, family, open_page):
    page = open_page(wall_url(live_server, family, HOLIDAY_EVENING))
    result = page.evaluate(LANG_CHECK)
    assert result["checked"] > 50
    assert result["wrong"] == []
    expect(page.locator('.holiday [lang="ja"]')).to_have_text("勤労感謝の日")
    expect(page.locator('.holiday [lang="en"]')).to_have_text("Labor Thanksgiving Day")


def test_the_page_reloads_itself_when_the_servers_assets_change(
    live_server, family, open_page, settings
):
    settings.WALL_POLL_SECONDS = 2
    page = open_page(wall_url(live_server, family, WEEKDAY_MORNING))
    page.evaluate("window.sameDocument = true")
    page.route(
        "**/panel?*",
        lambda route: route.fulfill(status=204, headers={"X-Wall-Assets": "after-an-upgrade"}),
    )
    with page.expect_event("load", timeout=8000):
        pass  # the next poll sees the new assets, probes the page and reloads
    assert page.evaluate("window.sameDocument") is None


def test_the_page_reloads_itself_at_the_nightly_hour(live_server, family, open_page, settings):
    settings.WALL_POLL_SECONDS = 600
    settings.WALL_RELOAD_HOUR = 3
    page = open_page(None)
    page.clock.install(time=datetime(2026, 11, 24, 2, 58, tzinfo=TOKYO))
    page.goto(wall_url(live_server, family, "2026-11-24T02:58"))
    page.evaluate("window.sameDocument = true")
    page.clock.run_for(60_000)
    assert page.evaluate("window.sameDocument") is True
    with page.expect_event("load", timeout=8000):
        page.clock.run_for(90_000)
    assert page.evaluate("window.sameDocument") is None


def test_a_cancelled_collection_is_drawn_crossed_out_beside_the_years_last_collections(
    live_server, family, open_page
):
    from schedule.models import BagItem, Chore, ChoreCancellation

    ARTIFACTS.mkdir(exist_ok=True)
    # On a morning with a bag to pack the bag wins the side column's last room
    # over the year's marks (kiosk.js fitSide: the marks are for the week, the
    # bag for the next half hour); this morning nobody has one.
    BagItem.objects.all().delete()
    burnable = Chore.objects.get(title_ja="燃やすごみ")
    ChoreCancellation.objects.create(chore=burnable, date=date(2026, 12, 24), reason="大雪警報")
    page = open_page(wall_url(live_server, family, "2026-12-24T07:10"))
    cancelled = page.locator(".chore.is-cancelled")
    expect(cancelled).to_have_count(1)
    expect(cancelled.locator(".chore-title .main-text")).to_have_text("燃やすごみ")
    expect(cancelled.locator(".chore-flag")).to_have_text("ちゅうしCancelled")
    crossed = cancelled.locator(".chore-title").evaluate(
        "element => getComputedStyle(element).textDecorationLine"
    )
    assert crossed == "line-through"
    expect(page.locator(".year-marks .label")).to_have_text("ことし さいごLast this year")
    last = page.locator(".year-mark", has_text="燃やすごみ")
    expect(last).to_contain_text("12/28 (月)")
    page.screenshot(path=str(ARTIFACTS / "wall-cancelled-last-this-year-1024x600.png"))
    assert inside(last.bounding_box(), 1024, 600)
    assert page.errors == []


def test_the_evening_box_says_tomorrow_mornings_deadline_and_the_years_last(
    live_server, family, open_page
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(wall_url(live_server, family, "2026-12-27T18:30"))
    box = page.locator(".tomorrow.is-shown")
    expect(box).to_be_visible()
    burnable = box.locator(".tomorrow-item", has_text="燃やすごみ")
    expect(burnable.locator(".tomorrow-when")).to_have_text("あしたの あさ 8:00 までに")
    expect(burnable.locator(".chore-flag")).to_contain_text("ことし さいご")
    assert inside(burnable.bounding_box(), 1024, 600)
    page.screenshot(path=str(ARTIFACTS / "wall-evening-deadline-1024x600.png"))
    assert page.errors == []
