"""Issue 30 in a real browser: a caregiver link and an announcement made from a
phone (375 px, in Japanese, taps counted as tests/test_admin_taps_browser.py
counts them), the caregiver's page on that phone, and a wall (1024×600) with
an announcement banner that a tap puts away.

Screenshots and the tap counts go to test-artifacts/ (taps.json)."""

import os
from datetime import datetime, timedelta

import pytest
import time_machine

from schedule.data.demo import load_demo_family
from schedule.models import Announcement, CaregiverLink, Display, Member
from tests.conftest import DEMO_DAY, TOKYO
from tests.test_admin_taps_browser import ARTIFACTS, PHONE, record, signed_in_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

GOALS = {"caregiver link": 4, "announcement": 2}
# Saturday of the demo week, 10:00: grandmother's link (Sat 9:00–Sun 18:00) is open.
GRANDMA_DAY = datetime(2026, 11, 28, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def phone(browser, live_server, db):
    """A parent signed in on a 375 px phone, in Japanese, on the admin's home page."""
    with signed_in_phone(browser, live_server.url) as walk:
        yield walk


def test_a_caregiver_link_from_the_phone_in_few_taps(phone):
    walk = phone
    load_demo_family(DEMO_DAY)
    walk.taps = 0
    walk.home()
    walk.tap("a[href='/admin/schedule/caregiverlink/add/']")
    walk.page.screenshot(path=str(ARTIFACTS / "taps-caregiver-link-add-375.png"), full_page=True)
    walk.type("#id_name", "ベビーシッター")
    walk.tap("input[name=_save]")
    walk.saved()
    made = CaregiverLink.objects.get(name="ベビーシッター")
    assert made.ends_at > made.starts_at and made.state() == "open"
    assert made.notes == CaregiverLink.objects.get(name="おばあちゃん").notes  # offered again
    assert walk.page.locator("img.hibi-qr").is_visible()
    walk.page.screenshot(path=str(ARTIFACTS / "taps-caregiver-link-qr-375.png"), full_page=True)
    record("caregiver link", walk)
    assert walk.taps <= GOALS["caregiver link"]


def test_an_announcement_from_the_phone_in_two_taps(phone):
    walk = phone
    load_demo_family(DEMO_DAY)
    Announcement.objects.all().delete()
    walk.taps = 0
    walk.home()
    walk.tap("a[href='/admin/schedule/announcement/add/']")
    walk.page.screenshot(path=str(ARTIFACTS / "taps-announcement-375.png"), full_page=True)
    walk.tap("button[name=preset][value=dinner]")
    walk.saved()
    said = Announcement.objects.get()
    assert said.text_ja == "ごはん できたよ!" and not said.displays.exists()
    assert said.ends_at - said.starts_at == timedelta(minutes=10)
    record("announcement", walk)
    assert walk.taps <= GOALS["announcement"]


def test_the_caregivers_page_on_a_phone(browser, live_server):
    load_demo_family(DEMO_DAY)
    link = CaregiverLink.objects.get(name="おばあちゃん")
    context = browser.new_context(viewport=PHONE, locale="ja", device_scale_factor=1)
    page = context.new_page()
    with time_machine.travel(GRANDMA_DAY, tick=True):
        response = page.goto(live_server.url + link.get_absolute_url())
        assert response.status == 200
        page.screenshot(path=str(ARTIFACTS / "caregiver-page-375.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing wider than the phone
        assert page.locator(".line.is-now").count() == 1
        assert page.get_by_text("たまごアレルギー").is_visible()
    with time_machine.travel(link.ends_at, tick=True):
        ended = page.goto(live_server.url + link.get_absolute_url())
        assert ended.status == 410
        page.screenshot(path=str(ARTIFACTS / "caregiver-ended-375.png"), full_page=True)
    context.close()


def test_a_wall_with_an_announcement_banner_that_a_tap_puts_away(browser, live_server):
    display = load_demo_family(DEMO_DAY)
    kitchen = Display.objects.create(name="キッチン / Kitchen")
    context = browser.new_context(viewport={"width": 1024, "height": 600}, device_scale_factor=1)
    page = context.new_page()
    # The demo's 「ごはん できたよ!」, 18:15–18:25 on its Monday.
    page.goto(f"{live_server.url}{display.get_absolute_url()}?at=2026-11-23T18:20")
    banner = page.locator(".js-announcement")
    assert banner.is_visible()
    box = banner.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1024
    assert box["y"] + box["height"] <= 600
    page.screenshot(path=str(ARTIFACTS / "wall-announcement-1024x600.png"))
    page.locator(".announcement-ok").click()
    page.wait_for_selector(".js-announcement", state="detached")
    said = Announcement.objects.get()
    assert said.dismissals.get().display == display
    # The other wall still shows it.
    page.goto(f"{live_server.url}{kitchen.get_absolute_url()}?at=2026-11-23T18:20")
    assert page.locator(".js-announcement").is_visible()
    context.close()


def test_the_ok_to_wake_pictures_at_1024x600(browser, live_server):
    display = load_demo_family(DEMO_DAY)
    display.ok_to_wake = True
    display.save()
    Member.objects.filter(name_en="Mio").update(wake_at=None)
    context = browser.new_context(viewport={"width": 1024, "height": 600}, device_scale_factor=1)
    page = context.new_page()
    for hh_mm, name in (("06:29", "sleeping"), ("06:30", "awake")):
        page.goto(f"{live_server.url}{display.get_absolute_url()}?at=2026-11-24T{hh_mm}")
        picture = page.locator(f".night-{name}")
        assert picture.is_visible()
        box = picture.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 600  # the whole picture shows
        page.screenshot(path=str(ARTIFACTS / f"wall-ok-to-wake-{name}-1024x600.png"))
    context.close()
