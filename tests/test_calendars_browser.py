"""A subscribed calendar's events on the wall, in Debian's chromium at the Fire 7's size.

The screenshot (test-artifacts/wall-calendar-events-1024x600.png) shows Mio's
swimming lesson in a lane beside the kids' school block, counting down in the
hero like a block, and the sports-day practice as a band under the date.
"""

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from schedule.calendars import subscriptions as calendars
from schedule.data.demo import load_demo_family
from schedule.models import CalendarSubscription, Member
from schedule.wall import polling
from tests.conftest import TOKYO

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ICS = Path(__file__).parent / "ics"


@pytest.fixture
def swimming(transactional_db, local_server):
    polling.forget_times()
    display = load_demo_family(date(2026, 11, 23))
    local_server.answers["/swim.ics"] = [(200, {}, (ICS / "tokyo.ics").read_bytes())]
    subscription = CalendarSubscription.objects.create(
        name="Swimming",
        url=f"{local_server.url}/swim.ics",
        member=Member.objects.get(name_en="Mio"),
    )
    calendars.sync(subscription, datetime(2026, 11, 23, 20, 0, tzinfo=TOKYO))
    yield display
    polling.forget_times()


def test_the_swimming_lesson_is_in_its_own_lane_and_counts_down(live_server, swimming, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}{swimming.get_absolute_url()}?at=2026-11-24T10:45")

    hero = page.locator(".hero.is-event.is-current")
    expect(hero).to_be_visible()
    expect(hero.locator(".hero-title")).to_contain_text("Swimming lesson")
    expect(hero.locator(".chip")).to_contain_text("Mio")
    expect(page.locator(".all-day-item")).to_have_text("運動会の練習")

    lesson = page.locator(".tl-block.is-event.is-current").bounding_box()
    school = [
        page.locator(".tl-block.is-current:not(.is-event)").nth(i).bounding_box()
        for i in range(page.locator(".tl-block.is-current:not(.is-event)").count())
    ]
    assert lesson is not None and school
    # Side by side in time, one above the other: its own lane.
    assert all(abs(box["y"] - lesson["y"]) >= lesson["height"] * 0.9 for box in school)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wall-calendar-events-1024x600.png"))
    assert errors == []
    context.close()


def test_the_log_of_nudges_and_webhooks_in_the_admin(live_server, browser, transactional_db):
    """What a parent sees after an evening: sent, retried, skipped in quiet hours."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils import timezone

    from schedule.models import Block, Delivery, NudgeTarget, Plan

    phone = NudgeTarget.objects.create(name="パパのスマホ", apprise_url="ntfy://ntfy.sh/hibi-test")
    plan = Plan.objects.create(name_ja="平日", weekdays=0b11111)
    roomba = Block.objects.create(
        plan=plan, start="17:20", end="17:40", title_ja="ルンバ", webhook_url="http://ha:8123/x"
    )
    now = timezone.now()
    rows = [
        ("nudge", "evening:1", phone, None, "あしたの あさ", "sent", 1, ""),
        ("webhook", "2026-11-24T17:20", None, roomba, "ルンバ", "retry", 1, "http"),
        ("nudge", "evening:2", phone, None, "あしたの あさ", "skipped", 0, "quiet"),
    ]
    for n, (kind, occurrence, target, block, title, status, attempts, code) in enumerate(rows):
        Delivery.objects.create(
            kind=kind, channel=f"c{n}", occurrence=occurrence, target=target, block=block,
            title=title, status=status, attempts=attempts, error_code=code,
            error_detail="500" if code == "http" else "", due_at=now, sent_at=now,
        )  # fmt: skip
    parent = User.objects.create_superuser("parent", password="x-long-password-42")
    client = Client()
    client.force_login(parent)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/schedule/delivery/")
    page.click("#toggle-nav-sidebar")
    expect(page.locator("#result_list")).to_contain_text("エラーが返ってきました（HTTP 500）")
    expect(page.locator("#result_list")).to_contain_text("静かにする時間")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-nudges-and-webhooks.png"), full_page=True)
    context.close()
