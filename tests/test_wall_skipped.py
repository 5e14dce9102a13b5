"""The usual collections that are off, as the wall says them (wall/skipped.py),
and what stays in sight beside a routine under way (the view model's `soon`)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from schedule.models import Chore, ChoreCancellation, Closure
from tests.test_wall_view_model import wall_at

NEW_YEARS_EVE = date(2026, 12, 31)  # a Thursday: burnables' day, inside 年末年始


def said(texts):
    return [(t.lang, t.text) for t in texts]


@pytest.mark.django_db
def test_a_collection_a_closure_takes_is_said_off_today_with_why_and_when_instead(demo_display):
    demo_display.show_readings = True
    wall = wall_at(demo_display, "10:00", NEW_YEARS_EVE)
    (burnable,) = [o for o in wall.off_today if o.titles[0].text == "燃やすごみ"]
    assert said(burnable.titles) == [("ja", "燃やすごみ"), ("en", "Burnable trash")]
    assert burnable.titles[0].reading == "もやすごみ"  # the display shows readings
    assert said(burnable.says) == [("ja", "きょうは なし"), ("en", "No collection today")]
    assert said(burnable.why) == [("ja", "年末年始"), ("en", "New Year holidays")]
    assert said(burnable.instead) == [("ja", "かわりに 1/7 (木)")]
    assert not burnable.soon  # 8:00 has passed


@pytest.mark.django_db
def test_tomorrows_collection_off_is_said_in_the_evening_apart_from_what_to_get_ready(
    demo_display,
):
    wall = wall_at(demo_display, "19:00", NEW_YEARS_EVE - timedelta(days=1))
    (burnable,) = wall.off_tomorrow
    assert said(burnable.says) == [("ja", "あしたは なし"), ("en", "No collection tomorrow")]
    assert "燃やすごみ" not in [c.titles[0].text for c in wall.tomorrow]


@pytest.mark.django_db
def test_a_call_off_tomorrow_is_said_too(demo_display):
    friday = date(2026, 11, 27)  # the 4th Friday: cans and bottles
    cans = Chore.objects.get(title_en="Cans, bottles & PET")
    ChoreCancellation.objects.create(chore=cans, date=friday, reason="台風")
    wall = wall_at(demo_display, "19:00", friday - timedelta(days=1))
    (off,) = wall.off_tomorrow
    assert off.titles[0].text == "カン・ビン・ペットボトル"
    assert said(off.why) == [("ja", "ちゅうし"), ("en", "Cancelled")]
    assert off.instead == ()


@pytest.mark.django_db
def test_a_holiday_that_skips_a_collection_is_named(demo_display):
    cans = Chore.objects.get(title_en="Cans, bottles & PET")  # skipped on holidays
    cans.rrule = "FREQ=WEEKLY;BYDAY=MO"
    cans.save()
    wall = wall_at(demo_display, "07:30", date(2026, 11, 23))  # 勤労感謝の日
    (off,) = wall.off_today
    assert said(off.why) == [("ja", "勤労感謝の日"), ("en", "Labor Thanksgiving Day")]
    assert off.instead == ()  # skipped, not moved
    assert off.soon


@pytest.mark.django_db
def test_a_chore_that_is_not_a_collection_is_said_not_today(demo_display):
    plants = Chore.objects.get(title_en="Water the plants")
    plants.holiday_policy = "skip"
    plants.rrule = "FREQ=DAILY"
    plants.save()
    wall = wall_at(demo_display, "07:00", date(2026, 11, 23))
    (off,) = wall.off_today
    assert said(off.says) == [("ja", "きょうは なし"), ("en", "Not today")]


@pytest.mark.django_db
def test_beside_the_morning_routine_the_trash_due_by_eight_stays_in_sight(demo_display):
    thursday = date(2026, 11, 26)
    wall = wall_at(demo_display, "07:50", thursday)
    assert wall.busy_with_routines
    assert [c.titles[0].text for c in wall.soon] == ["燃やすごみ"]
    assert wall.has_soon
    assert not wall_at(demo_display, "08:00", thursday).has_soon  # its deadline passed
    closed = wall_at(demo_display, "07:50", NEW_YEARS_EVE)
    assert [o.titles[0].text for o in closed.off_soon] == ["燃やすごみ"]


@pytest.mark.django_db
def test_the_panel_draws_the_trash_due_soon_above_the_routines(client, demo_display):
    url = reverse("wall", args=[demo_display.token]) + "?at=2026-11-26T07:50"
    html = client.get(url).content.decode()
    side = re.search(r'<aside class="side has-routines">(.*?)</aside>', html, re.S).group(1)
    soon = re.search(r'<section class="soon">.*?</section>', side, re.S).group(0)
    assert side.index('<section class="soon">') < side.index('<section class="routines')
    assert ">燃やすごみ<" in soon and "hx-post" in soon  # a parent can tick it there
    closure = Closure.objects.create(
        name_ja="臨時休業", name_en="Plant closed", start_date=date(2026, 11, 26),
        end_date=date(2026, 11, 26),
    )  # fmt: skip
    html = client.get(url).content.decode()
    soon = re.search(r'<section class="soon">.*?</section>', html, re.S).group(0)
    assert 'class="chore-off"' in soon and f">{closure.name_ja}<" in soon
