"""Announcements (issue 30): sent from the admin in two taps or by Home Assistant
with a token of its own, shown as a banner over the walls while they last, put
away on one wall by a tap; bad input a 400 with a JSON message, never a 500."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedule.announcements import rate
from schedule.common.models import Revision
from schedule.models import Announcement, AnnouncementDismissal, AnnouncementToken, Display
from schedule.wall import display as displays
from schedule.wall import polling
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 18, 15, tzinfo=TOKYO)
API = "/api/announcements"


@pytest.fixture(autouse=True)
def _fresh_rate():
    rate.tokens.forget()
    yield
    rate.tokens.forget()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wall(demo_display) -> Display:
    """The demo's wall, without the demo's own announcement (at its dinner, 11/23)."""
    Announcement.objects.all().delete()
    return demo_display


@pytest.fixture
def token(wall) -> str:
    row = AnnouncementToken(name="Home Assistant")
    secret = row.issue()
    row.save()
    return secret


def post(client, body, token: str | None = None, content_type="application/json", **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = (
        json.dumps(body)
        if content_type == "application/json" and not isinstance(body, str)
        else body
    )
    return client.post(API, data, content_type=content_type, headers=headers)


def panel(client, display: Display, version: str = "") -> tuple[int, str]:
    url = reverse("wall-panel", args=[display.token]) + (f"?v={version}" if version else "")
    response = client.get(url, headers={"HX-Request": "true"})
    return response.status_code, response.content.decode()


def version_now(display: Display) -> str:
    return polling.version(displays.find_display(display.token), datetime.now(TOKYO))


# --- Home Assistant's door ------------------------------------------------------------


def test_home_assistant_announces_and_every_wall_shows_it_for_ten_minutes(
    client, frozen, token, wall
):
    response = post(client, {"text": "ごはん できたよ!"}, token)
    assert response.status_code == 201
    made = Announcement.objects.get(pk=response.json()["id"])
    assert (made.text_ja, made.text_en, made.token.name) == (
        "ごはん できたよ!",
        "",
        "Home Assistant",
    )
    assert made.ends_at - made.starts_at == timedelta(minutes=10)
    assert response.json()["walls"] == "all"
    status, html = panel(client, wall)
    assert status == 200
    assert 'class="announcement js-announcement"' in html and "ごはん できたよ!" in html
    assert '<span class="main-text" lang="ja">ごはん できたよ!</span>' in html


def test_a_preset_an_english_text_and_the_walls_named(client, frozen, token, wall):
    other = Display.objects.create(name="子ども部屋")
    response = post(
        client,
        {"preset": "leaving", "minutes": 15, "walls": ["子ども部屋"], "chime": True},
        token,
    )
    assert response.status_code == 201, response.content
    made = Announcement.objects.get()
    assert (made.text_ja, made.text_en, made.icon) == (
        "15分後に出発",
        "Leaving in 15 minutes",
        "car",
    )
    assert list(made.displays.all()) == [other] and made.chime
    # The wall may wrap it after a particle: 15分後に<wbr>出発.
    assert "15分後に<wbr>出発" in panel(client, other)[1]
    assert "js-announcement" not in panel(client, wall)[1]  # not this wall's
    english = post(client, {"text": "Shoes on, please"}, token)
    assert Announcement.objects.get(pk=english.json()["id"]).text_en == "Shoes on, please"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("not json", "not JSON"),
        ([1, 2], "JSON object"),
        ({}, "Say something"),
        ({"text": "   "}, "Say something"),
        ({"text": 42}, "must be text"),
        ({"text": "あ" * 61}, "longer than 60"),
        ({"text": "ok", "icon": "rocket"}, "icon"),
        ({"text": "ok", "minutes": 0}, "from 1 to 240"),
        ({"text": "ok", "minutes": 241}, "from 1 to 240"),
        ({"text": "ok", "minutes": "ten"}, "whole number"),
        ({"text": "ok", "minutes": 1.5}, "whole number"),
        ({"text": "ok", "minutes": True}, "whole number"),
        ('{"text": "ok", "minutes": Infinity}', "whole number"),
        ('{"text": "ok", "minutes": NaN}', "whole number"),
        ({"text": "ok", "walls": ["attic"]}, "No wall is called 'attic'"),
        ({"text": "ok", "walls": {"a": 1}}, "'walls'"),
        ({"text": "ok", "chime": "maybe"}, "'chime'"),
        ({"text": "ok", "lang": "fr"}, "'lang'"),
        ({"preset": "party"}, "'preset' is one of"),
        ({"text": "ok", "colour": "red"}, "Unknown fields: colour"),
        ({"text": "a\u0000b"}, "NUL"),
        ({"text": "x" * 5000}, "larger than 4096 bytes"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_json_message_and_nothing_is_made(
    client, token, body, says
):
    response = post(client, body, token)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert says in response.json()["error"]
    assert not Announcement.objects.exists()


ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
FIELDS = ["text", "lang", "text_ja", "text_en", "preset", "icon", "minutes", "walls", "chime"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from([*FIELDS, "other"]), ANYTHING, max_size=5) | ANYTHING)
def test_whatever_json_comes_the_answer_is_a_201_or_a_400_never_a_500(client, token, body):
    rate.tokens.forget()
    response = post(client, body, token)
    assert response.status_code in (201, 400), response.content
    assert "error" in response.json() or response.status_code == 201


def test_a_form_post_works_as_json_does(client, frozen, token):
    response = client.post(
        API,
        {"text": "おふろ わいたよ", "minutes": "5"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert Announcement.objects.get().ends_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer hibi_not-a-token", "Basic aGliaTpoaWJp", "Bearer " + "x" * 300],
)
def test_no_token_or_a_wrong_one_is_a_401(client, token, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(API, json.dumps({"text": "ok"}), "application/json", headers=headers)
    assert response.status_code == 401
    assert "token" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Announcement.objects.exists()


def test_a_revoked_token_no_longer_works(client, token, admin_client):
    assert post(client, {"text": "ok"}, token).status_code == 201
    row = AnnouncementToken.objects.get()
    admin_client.post(
        reverse("admin:schedule_announcementtoken_changelist"),
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert post(client, {"text": "ok"}, token).status_code == 401


def test_the_token_is_kept_only_as_its_digest(token):
    row = AnnouncementToken.objects.get()
    assert token.startswith("hibi_") and len(token) > 40
    assert token not in (row.digest, row.hint) and row.digest == AnnouncementToken.digest_of(token)
    assert AnnouncementToken.find(token) == row
    assert AnnouncementToken.find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_thirty_a_minute_then_429_with_retry_after(client, frozen, token):
    for _n in range(rate.PER_MINUTE):
        assert post(client, {"text": "ok"}, token).status_code == 201
    refused = post(client, {"text": "ok"}, token)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "30" in refused.json()["error"]
    assert Announcement.objects.count() == rate.PER_MINUTE
    # Bad input counts too: a looping automation is slowed whatever it sends.
    assert post(client, {}, token).status_code == 429


def test_the_limit_lets_requests_through_again_after_a_minute():
    limiter = rate.Limiter(per_window=2, window=60)
    assert [limiter.take("t", now) for now in (0, 1, 2)] == [0, 0, 58]
    assert limiter.take("t", 60.5) == 0
    assert limiter.take("other", 2) == 0


def test_only_post(client, token):
    response = client.get(API, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "POST" in response.json()["error"]


# --- On the walls ----------------------------------------------------------------------


def test_the_polls_version_changes_when_one_starts_and_when_it_ends(client, token, wall):
    with time_machine.travel(NOW, tick=False) as traveller:
        before = version_now(wall)
        assert panel(client, wall, before)[0] == 204
        post(client, {"text": "ごはん できたよ!", "minutes": 2}, token)
        started = version_now(wall)
        assert started != before
        status, html = panel(client, wall, before)
        assert status == 200 and "ごはん できたよ!" in html
        traveller.shift(timedelta(seconds=119))
        assert version_now(wall) == started
        assert panel(client, wall, started)[0] == 204
        traveller.shift(timedelta(seconds=1))  # it ends: the wall redraws without it
        ended = version_now(wall)
        assert ended != started
        status, html = panel(client, wall, started)
        assert status == 200 and "js-announcement" not in html


def test_a_tap_puts_it_away_on_that_wall_only_and_a_poll_does_not_bring_it_back(
    client, frozen, token, wall
):
    kitchen = Display.objects.create(name="キッチン")
    made = Announcement.objects.get(pk=post(client, {"text": "ごはん"}, token).json()["id"])
    url = reverse("wall-dismiss", args=[wall.token, made.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "js-announcement" not in response.content.decode()
    assert AnnouncementDismissal.objects.filter(announcement=made, display=wall).exists()
    assert "js-announcement" not in panel(client, wall)[1]
    assert "js-announcement" in panel(client, kitchen)[1]
    # A second tap (or a second tablet's on the same wall) changes nothing.
    revision = Revision.current()
    assert client.post(url, headers={"HX-Request": "true"}).status_code == 200
    assert Revision.current() == revision
    assert AnnouncementDismissal.objects.count() == 1


def test_a_wall_cannot_put_away_what_it_does_not_show(client, frozen, token, wall):
    kitchen = Display.objects.create(name="キッチン")
    made = post(client, {"text": "ok", "walls": ["キッチン"]}, token).json()["id"]
    url = reverse("wall-dismiss", args=[wall.token, made])
    assert client.post(url).status_code == 404
    assert client.get(reverse("wall-dismiss", args=[kitchen.token, made])).status_code == 405
    assert client.post(reverse("wall-dismiss", args=[kitchen.token, 999999])).status_code == 404
    assert not AnnouncementDismissal.objects.exists()


def test_the_banner_is_over_the_night_screen_too_and_gone_after_its_end(client, wall):
    start = datetime(2026, 11, 24, 22, 0, tzinfo=TOKYO)
    Announcement.objects.create(
        text_ja="おやすみ", starts_at=start, ends_at=start + timedelta(minutes=10)
    )
    url = reverse("wall-panel", args=[wall.token])
    html = client.get(url + "?at=2026-11-24T22:05").content.decode()
    assert "is-night" in html and "js-announcement" in html
    assert "js-announcement" not in client.get(url + "?at=2026-11-24T22:10").content.decode()


# --- From the admin on a phone -----------------------------------------------------------


@pytest.fixture
def parent(db):
    return User.objects.create_superuser("parent", "parent@example.com", "a-long-password")


def test_a_ready_made_announcement_is_one_tap_on_the_add_page(client, frozen, parent, wall):
    client.force_login(parent)
    page = client.get(reverse("admin:schedule_announcement_add"), headers={"accept-language": "ja"})
    html = page.content.decode()
    assert 'name="preset" value="dinner"' in html and "ごはん できたよ!" in html
    response = client.post(
        reverse("admin:schedule_announcement_add"),
        {"preset": "dinner", "text_ja": "", "text_en": "", "icon": "", "minutes": "10"},
    )
    assert response.status_code == 302
    made = Announcement.objects.get()
    assert (made.text_ja, made.text_en, made.icon) == (
        "ごはん できたよ!",
        "Dinner is ready!",
        "dinner",
    )
    assert (made.starts_at, made.ends_at) == (NOW, NOW + timedelta(minutes=10))
    assert not made.displays.exists()  # every wall
    assert "ごはん できたよ!" in panel(client, wall)[1]


def test_ones_own_text_for_one_wall_and_an_empty_form_is_refused(client, frozen, parent, wall):
    client.force_login(parent)
    url = reverse("admin:schedule_announcement_add")
    empty = client.post(url, {"text_ja": "", "text_en": "", "minutes": "10"})
    assert empty.status_code == 200 and not Announcement.objects.exists()
    client.post(
        url,
        {
            "text_ja": "くつを はいてね",
            "minutes": "3",
            "displays": [wall.pk],
            "chime": "on",
        },
    )
    made = Announcement.objects.get()
    assert made.ends_at == NOW + timedelta(minutes=3) and made.chime
    assert list(made.displays.all()) == [wall]


def test_a_parent_ends_one_early(client, frozen, parent, wall, token):
    client.force_login(parent)
    made = post(client, {"text": "ごはん"}, token).json()["id"]
    frozen.shift(timedelta(minutes=1))
    client.post(
        reverse("admin:schedule_announcement_changelist"),
        {"action": "end_now", "_selected_action": [made]},
    )
    assert Announcement.objects.get().ends_at == NOW + timedelta(minutes=1)
    assert "js-announcement" not in panel(client, wall)[1]


def test_a_new_token_is_shown_once(client, parent):
    client.force_login(parent)
    response = client.post(
        reverse("admin:schedule_announcementtoken_add"), {"name": "Home Assistant"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    shown = html.split('<code class="hibi-token">')[1].split("</code>")[0]
    assert AnnouncementToken.find(shown) == AnnouncementToken.objects.get()
    change = client.get(
        reverse(
            "admin:schedule_announcementtoken_change", args=[AnnouncementToken.objects.get().pk]
        )
    )
    assert shown not in change.content.decode()
