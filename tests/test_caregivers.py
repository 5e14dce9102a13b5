"""Caregiver links (issue 30): the day of the link's children, read-only, on a
phone, between its start and its end and never outside them; after the end or
once revoked a friendly 410; and the link's token opens nothing else."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from schedule.models import CaregiverLink, Chore, Member, RoutineStep
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 11, 24)
START = datetime(2026, 11, 24, 15, 0, tzinfo=TOKYO)
END = datetime(2026, 11, 24, 20, 0, tzinfo=TOKYO)
NOTES = "ママ 090-1111-2222\nみお: たまごアレルギー"
# What a stranger must never read of the family: its children, its day, its notes.
FAMILY = ["はる", "みお", "Haru", "Mio", "保育園", "夜ごはん", "Dinner", "090-1111-2222"]


@pytest.fixture
def link(demo_display) -> CaregiverLink:
    made = CaregiverLink.objects.create(
        name="おばあちゃん", starts_at=START, ends_at=END, language="both", notes=NOTES
    )
    made.members.set(Member.objects.filter(name_en__in=["Haru", "Mio"]))
    return made


def page_at(client, link: CaregiverLink, moment: datetime):
    with time_machine.travel(moment, tick=False):
        return client.get(link.get_absolute_url())


def shows_family(html: str) -> list[str]:
    return [text for text in FAMILY if text in html]


def test_within_its_hours_the_page_shows_the_childrens_day_pickups_and_notes(client, link):
    response = page_at(client, link, START + timedelta(minutes=30))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "保育園・<wbr>学校" in html and "夜ごはん" in html  # the afternoon and the evening
    assert "朝ごはん" not in html and "Breakfast" not in html  # before the link: not shown
    assert re.search(r'class="time">16:30</span>.*?はる.*?みお', html, re.S)  # the pick-up
    assert '<p class="notes-text" lang="ja">ママ 090-1111-2222\nみお: たまごアレルギー</p>' in html
    assert 'class="line is-now"' in html
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    assert response["Referrer-Policy"] == "no-referrer"
    link.refresh_from_db()
    assert link.last_used_at == START + timedelta(minutes=30)


def test_the_last_minute_is_open_and_the_first_minute_after_has_ended(client, link):
    last = page_at(client, link, END - timedelta(minutes=1))
    assert last.status_code == 200 and "夜ごはん" in last.content.decode()
    after = page_at(client, link, END)
    assert after.status_code == 410
    html = after.content.decode()
    assert "このリンクは おわりました" in html and "ありがとうございました" in html
    assert shows_family(html) == []
    assert page_at(client, link, END + timedelta(days=3)).status_code == 410


def test_before_its_start_it_says_when_it_opens_and_shows_nothing(client, link):
    response = page_at(client, link, START - timedelta(minutes=1))
    assert response.status_code == 403
    html = response.content.decode()
    assert "15:00" in html and shows_family(html) == []
    assert page_at(client, link, START).status_code == 200


def test_a_revoked_link_has_ended_at_once(client, link):
    link.revoke(START + timedelta(hours=1))
    response = page_at(client, link, START + timedelta(hours=2))
    assert response.status_code == 410 and shows_family(response.content.decode()) == []


def test_an_unknown_token_is_a_404(client, link):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert client.get("/c/not-a-link-token-0123456789ab/").status_code == 404
        assert client.post(link.get_absolute_url()).status_code == 405  # read-only


def test_the_links_token_opens_nothing_else(client, link):
    token = link.token
    chore = Chore.objects.first()
    step = RoutineStep.objects.first()
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        for path in (f"/d/{token}/", f"/d/{token}/panel", f"/d/{token}/now.json",
                     f"/ics/{token}.ics", f"/photos/{token}.jpg"):  # fmt: skip
            response = client.get(path)
            assert response.status_code == 404, path
            assert shows_family(response.content.decode()) == [], path
        for path in (
            f"/d/{token}/chores/{chore.pk}/{TUESDAY}/done",
            f"/d/{token}/steps/{step.pk}/{TUESDAY}/done",
            f"/d/{token}/announcements/1/dismiss",
        ):
            assert client.post(path, {"done": "1"}).status_code == 404, path
        for path in ("/admin/", "/admin/schedule/caregiverlink/", "/admin/schedule/plan/"):
            response = client.get(path)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        response = client.post("/api/announcements", {"text": "x"}, headers={
            "Authorization": f"Bearer {token}"})  # fmt: skip
        assert response.status_code == 401
        # Nothing on the page leads anywhere: no link, no form, no script, no wall.
        html = client.get(link.get_absolute_url()).content.decode()
    assert "<a " not in html and "<form" not in html and "<script" not in html
    assert "hx-" not in html and "/admin" not in html and "/d/" not in html


def test_a_walls_token_is_no_caregiver_link(client, link, demo_display):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert client.get(f"/c/{demo_display.token}/").status_code == 404


def test_in_english_with_only_the_day(client, link):
    link.language, link.sections = "en", ["day"]
    link.save()
    html = page_at(client, link, START + timedelta(hours=1)).content.decode()
    assert '<html lang="en">' in html and "Dinner" in html
    assert 'class="pickups"' not in html and "090-1111-2222" not in html


def test_the_whole_familys_day_when_nobody_is_chosen(client, link):
    link.members.clear()
    html = page_at(client, link, START + timedelta(hours=1)).content.decode()
    assert "お仕事" in html  # the parents' work, until 17:00


def test_an_away_child_is_said_to_be_away(client, link):
    from schedule.models import AwayPeriod

    mio = Member.objects.get(name_en="Mio")
    AwayPeriod.objects.create(member=mio, first_day=TUESDAY, last_day=TUESDAY + timedelta(days=1))
    html = page_at(client, link, START + timedelta(hours=1)).content.decode()
    assert 'class="away"' in html and "11/26" in html


# --- The admin --------------------------------------------------------------------------


@pytest.fixture
def parent(db):
    return User.objects.create_superuser("parent", "parent@example.com", "a-long-password")


def test_a_link_is_made_with_a_name_and_the_defaults(client, parent, demo_display):
    client.force_login(parent)
    now = datetime(2026, 11, 24, 14, 7, 30, tzinfo=TOKYO)
    url = reverse("admin:schedule_caregiverlink_add")
    with time_machine.travel(now, tick=False):
        html = client.get(url, headers={"accept-language": "ja"}).content.decode()
        assert 'value="2026-11-24T14:07"' in html and 'value="2026-11-25T21:00"' in html
        response = client.post(
            url,
            {
                "name": "ベビーシッター",
                "starts_at": "2026-11-24T14:07",
                "ends_at": "2026-11-25T21:00",
                "language": "ja",
                "sections": ["day", "pickups", "notes"],
                "notes": "",
            },
        )
        change = client.get(response["Location"]).content.decode()
    made = CaregiverLink.objects.get(name="ベビーシッター")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:schedule_caregiverlink_change", args=[made.pk])
    assert made.starts_at == datetime(2026, 11, 24, 14, 7, tzinfo=TOKYO)
    assert made.digest == CaregiverLink.digest_of(made.token)
    assert made.get_absolute_url() in change and "qr.svg" in change
    qr = client.get(reverse("admin:schedule_caregiverlink_qr", args=[made.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_the_notes_of_the_last_link_are_offered_again(client, parent, link):
    client.force_login(parent)
    html = client.get(reverse("admin:schedule_caregiverlink_add")).content.decode()
    assert "090-1111-2222" in html


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [("2026-11-24T15:00", "2026-11-24T15:00", "ends_at"),
     ("2026-11-24T15:00", "2027-01-24T15:00", "ends_at"),
     ("2026-11-24T15:00", "not a moment", "ends_at")],
)  # fmt: skip
def test_a_link_that_cannot_work_is_refused_in_words(
    client, parent, demo_display, starts, ends, field
):
    client.force_login(parent)
    response = client.post(
        reverse("admin:schedule_caregiverlink_add"),
        {"name": "x", "starts_at": starts, "ends_at": ends, "language": "ja"},
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not CaregiverLink.objects.filter(name="x").exists()


def test_the_list_says_when_each_link_was_last_opened_and_revokes_in_one_tap(client, parent, link):
    page_at(client, link, START + timedelta(minutes=5))
    client.force_login(parent)
    html = client.get(reverse("admin:schedule_caregiverlink_changelist")).content.decode()
    assert "おばあちゃん" in html
    response = client.post(reverse("admin:schedule_caregiverlink_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert page_at(client, link, START + timedelta(minutes=10)).status_code == 410
