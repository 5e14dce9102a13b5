"""The admin on a phone: Debian's chromium at 375×812 through Playwright, headless.

A parent signs in, opens a plan and a chore, and the pages must fit the
screen (no sideways scrolling), run their scripts under the site's CSP, and
keep working: the icon grid, the repeat modes, the live next dates.
Screenshots go to test-artifacts/ (ignored by git) for a person to look at.
"""

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import expect

from schedule.data.demo import load_demo_family
from schedule.models import Block, Chore, Plan, Routine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 375, "height": 812}
PASSWORD = "a-long-family-password"


@pytest.fixture
def family(db):
    load_demo_family(date(2026, 11, 23))
    User.objects.create_superuser("parent", "parent@example.com", PASSWORD)


def phone_page(browser, live_server, language):
    context = browser.new_context(viewport=PHONE, locale=language, device_scale_factor=1)
    page = context.new_page()
    problems = []
    # A missing resource is reported by the response listener below, with its
    # address; the console's copy of it (and the browser's favicon.ico) is noise.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "parent")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def can_be_tapped(page, selector: str) -> bool:
    """On screen after scrolling to it, and nothing else drawn over its middle."""
    target = page.locator(selector)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
        return False
    return page.evaluate(
        """([selector, x, y]) => {
            var hit = document.elementFromPoint(x, y);
            return hit === document.querySelector(selector);
        }""",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )


def top_and_bottom(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["y"], box["y"] + box["height"]


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("language", ["ja", "en"])
def test_plan_page_fits_a_phone_and_its_icon_grid_works(browser, live_server, family, language):
    plan = Plan.objects.get(name_ja="平日")
    page, problems = phone_page(browser, live_server, language)
    page.goto(f"{live_server.url}/admin/schedule/plan/{plan.pk}/change/")
    expect(page.locator(".hibi-timeline-bar").first).to_be_visible()
    assert fits_the_screen(page)
    assert can_be_tapped(page, "input[name=_save]")
    # The wall preview comes after the form, not behind it: Django floats
    # #content-main, so a box after it would start at the top of the page.
    assert top_and_bottom(page, "#wall-preview")[0] >= top_and_bottom(page, ".submit-row")[1]
    assert screenshot(page, f"admin-plan-{language}-375.png").stat().st_size > 10_000

    bath = page.locator("tr.form-row", has=page.locator("input[value='お風呂']"))
    bath.locator(".hibi-icon-button").click()
    grid = bath.locator(".hibi-icon-grid")
    expect(grid).to_be_visible()
    assert grid.bounding_box()["x"] + grid.bounding_box()["width"] <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / f"admin-plan-icons-{language}-375.png"))
    grid.locator("button[aria-label]").nth(5).click()
    expect(grid).to_have_count(0)
    chosen = bath.locator("select").input_value()
    assert chosen and chosen != "bath"
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Block.objects.get(plan=plan, title_ja="お風呂").icon == chosen
    assert fits_the_screen(page)
    assert problems == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_chore_page_fits_a_phone_and_previews_the_next_dates(
    browser, live_server, family, language
):
    chore = Chore.objects.get(title_ja="燃やさないごみ")  # 3rd Wednesday
    page, problems = phone_page(browser, live_server, language)
    page.goto(f"{live_server.url}/admin/schedule/chore/{chore.pk}/change/")
    expect(page.locator("#hibi-next-dates li")).to_have_count(8)
    expect(page.locator(".form-row.field-weekdays")).to_be_hidden()
    expect(page.locator(".form-row.field-month_weeks")).to_be_visible()
    assert fits_the_screen(page)
    assert can_be_tapped(page, "input[name=_save]")
    assert screenshot(page, f"admin-chore-{language}-375.png").stat().st_size > 10_000

    page.check(".form-row.field-month_weeks input[value='1']")
    expect(page.locator("#hibi-next-dates")).to_contain_text(
        "まだ保存していません" if language == "ja" else "not saved yet"
    )
    page.check("input[name=repeat_mode][value=weekly]")
    expect(page.locator(".form-row.field-month_weeks")).to_be_hidden()
    expect(page.locator(".form-row.field-weekdays")).to_be_visible()
    page.check(".form-row.field-weekdays input[value='4']")
    page.select_option("select[name=week_interval]", "2")
    expect(page.locator("#hibi-next-dates li").first).to_contain_text(
        "金曜日" if language == "ja" else "Friday"
    )
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    chore.refresh_from_db()
    assert chore.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    assert fits_the_screen(page)
    assert problems == []


def test_index_and_display_pages_fit_a_phone(browser, live_server, family):
    # The summary is about today: make today the demo family's holiday Monday.
    monday_morning = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    with time_machine.travel(monday_morning, tick=True):
        page, problems = phone_page(browser, live_server, "ja")
        expect(page.locator(".hibi-today")).to_contain_text("勤労感謝の日")
        assert fits_the_screen(page)
        screenshot(page, "admin-index-ja-375.png")
        page.click(".hibi-today a[href*='/display/']")
        expect(page.locator("img.hibi-qr")).to_be_visible()
        assert page.evaluate("document.querySelector('img.hibi-qr').naturalWidth") > 100
        assert fits_the_screen(page)
        assert can_be_tapped(page, "input[name=_save]")
        screenshot(page, "admin-display-ja-375.png")
    assert problems == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_routine_page_fits_a_phone_adds_a_step_and_picks_its_picture(
    browser, live_server, family, language
):
    routine = Routine.objects.get(title_en="Morning (Haru)")
    page, problems = phone_page(browser, live_server, language)
    page.goto(f"{live_server.url}/admin/schedule/routine/{routine.pk}/change/")
    expect(page.locator("#steps-group tr.form-row.has_original")).to_have_count(5)
    assert fits_the_screen(page)
    assert can_be_tapped(page, "input[name=_save]")
    assert screenshot(page, f"admin-routine-{language}-375.png").stat().st_size > 10_000

    page.locator("#steps-group .add-row a").click()
    new = page.locator("#steps-5")
    expect(new).to_be_visible()
    new.locator("input[name='steps-5-title_ja']").fill("ぼうし")
    new.locator("input[name='steps-5-order']").fill("0")  # first of all
    new.locator(".hibi-icon-button").click()
    grid = new.locator(".hibi-icon-grid")
    expect(grid).to_be_visible()
    assert grid.bounding_box()["x"] + grid.bounding_box()["width"] <= PHONE["width"]
    grid.locator("button[aria-label]").nth(3).click()
    chosen = new.locator("select").input_value()
    assert chosen
    assert fits_the_screen(page)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    first = routine.steps.first()
    assert (first.title_ja, first.icon) == ("ぼうし", chosen)
    assert routine.steps.count() == 6
    assert fits_the_screen(page)
    assert problems == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_citys_calendar_imports_on_a_phone(browser, live_server, family, language):
    # Ayabe's files as published: month-limited days, padded columns, two centres;
    # one row broken on purpose, so the page has something left out to list.
    ayabe = Path(__file__).parent / "fixtures" / "5374" / "ayabe"
    broken = (ayabe / "area_days.csv").read_bytes() + "試し町,,月 毎週,2025041\r\n".encode()
    monday_morning = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    with time_machine.travel(monday_morning, tick=True):
        page, problems = phone_page(browser, live_server, language)
        page.goto(f"{live_server.url}/admin/schedule/chore/import-calendar/")
        assert fits_the_screen(page)
        screenshot(page, f"admin-import-upload-{language}-375.png")
        page.set_input_files(
            "input[name=area_days]",
            {"name": "area_days.csv", "mimeType": "text/csv", "buffer": broken},
        )
        page.set_input_files("input[name=center]", str(ayabe / "center.csv"))
        page.click("input[type=submit].default")
        expect(page.locator(".hibi-import-summary")).to_contain_text("168")
        expect(page.locator(".hibi-import-left-out li")).to_have_count(2)
        assert fits_the_screen(page)
        screenshot(page, f"admin-import-read-{language}-375.png")

        page.select_option("select[name=area]", "奥上林地区(古屋以外)")
        page.click("button[name=step][value=preview]")
        expect(page.locator(".hibi-import-table tbody tr")).to_have_count(5)
        expect(page.locator(".hibi-import-table")).to_contain_text(
            "毎週: 月・木" if language == "ja" else "every week: Mon, Thu"
        )
        assert fits_the_screen(page)
        assert can_be_tapped(page, "button[name=step][value=create]")
        screenshot(page, f"admin-import-preview-{language}-375.png")
        page.click("button[name=step][value=create]")
        expect(page.locator(".messagelist .success")).to_be_visible()
    assert Chore.objects.filter(title_ja="燃やさないで処理するごみ", rrule="").exists()
    assert problems == []
