"""Nudges to LINE (issue 30), through Apprise's LINE Messaging API plugin:
`line://{channel access token}/{user or group id}`, the message in the
target's language. The LINE API is a stand-in on 127.0.0.1 (LocalServer):
Apprise's plugin posts to its push endpoint, pointed here."""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from schedule.models import Chore, ChoreAssignee, Delivery, Member, NudgeTarget
from schedule.nudges import sending as nudges

TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = date(2026, 11, 23)
PUSH = "/v2/bot/message/push"
OK = (200, {"Content-Type": "application/json"}, b"{}")
# A channel access token as LINE issues them (long-lived ones hold "/" and end in "=").
TOKEN = "aBc123/dEf456+gHi789="
USER = "U4af4980629cafe0123456789abcdef01"
GROUP = "C1234567890abcdef1234567890abcdef"


@pytest.fixture
def line(local_server, monkeypatch):
    """LINE's push API, as the stand-in: Apprise's plugin posts here instead."""
    from apprise.plugins.line import NotifyLine

    monkeypatch.setattr(NotifyLine, "notify_url", f"{local_server.url}{PUSH}")
    local_server.answers[PUSH] = [OK]
    return local_server


@pytest.fixture
def cans(db):
    papa = Member.objects.create(name_ja="パパ", name_en="Dad")
    chore = Chore.objects.create(
        title_ja="カン・ビン",
        title_en="Cans & bottles",
        time=time(8, 0),
        time_kind=Chore.TimeKind.BY,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        start_date=date(2026, 1, 1),
    )
    ChoreAssignee.objects.create(chore=chore, member=papa)
    return chore


def target(language: str, url: str = f"line://{TOKEN}/{USER}") -> NudgeTarget:
    made = NudgeTarget(name="LINE", apprise_url=url, language=language)
    made.full_clean()  # what the admin checks: Apprise understands the address
    made.save()
    return made


def pushed(server) -> list[tuple[dict, dict]]:
    """(headers, JSON body) of each push LINE received."""
    return [
        (headers, json.loads(body))
        for method, path, headers, body in server.requests
        if method == "POST" and path == PUSH
    ]


def evening(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return nudges.run()


def test_the_evening_nudge_reaches_a_line_user_in_japanese(line, cans):
    target("ja")
    evening(datetime.combine(MONDAY, time(19, 0), TOKYO))
    ((headers, body),) = pushed(line)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert body["to"] == USER
    (message,) = body["messages"]
    assert message["type"] == "text"
    # LINE has no title: Apprise puts it on the first line.
    assert message["text"] == "あしたの あさ\r\nあしたの あさ 8:00 までに: カン・ビン · パパ"
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("sent", 1)


def test_in_english_for_an_english_target_and_to_a_group(line, cans):
    target("en", f"line://{TOKEN}/{GROUP}")
    evening(datetime.combine(MONDAY, time(19, 0), TOKYO))
    ((_headers, body),) = pushed(line)
    assert body["to"] == GROUP
    assert body["messages"][0]["text"] == (
        "Tomorrow morning\r\nTomorrow morning by 8:00: Cans & bottles · Dad"
    )


def test_the_test_message_goes_to_each_id_of_the_address(line, db):
    made = target("both", f"line://{TOKEN}/{USER}/{GROUP}")
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=TOKYO), tick=False):
        row = nudges.send_test(made)
    assert row.status == "sent"
    assert sorted(body["to"] for _headers, body in pushed(line)) == sorted([USER, GROUP])
    assert pushed(line)[0][1]["messages"][0]["text"] == (
        "日々のテスト\nHibi test\r\n"
        "日々からの知らせは、ここに届きます。\nNudges from Hibi arrive here."
    )


def test_a_push_line_refuses_is_tried_again_and_says_why(line, cans, settings):
    settings.NUDGE_ATTEMPTS = 2
    line.answers[PUSH] = [(401, {"Content-Type": "application/json"}, b'{"message":"bad"}')]
    target("ja")
    evening(datetime.combine(MONDAY, time(19, 0), TOKYO))
    row = Delivery.objects.get()
    assert (row.status, row.error_code) == ("retry", "refused")
    assert "401" in row.error_detail


@pytest.mark.parametrize("url", ["line://", f"line://{TOKEN}"])
def test_an_address_without_a_token_or_an_id_is_refused_in_the_admin(db, url):
    made = NudgeTarget(name="LINE", apprise_url=url, language="ja")
    if url == "line://":
        with pytest.raises(ValidationError) as refused:
            made.full_clean()
        assert "apprise_url" in refused.value.message_dict
    else:
        # Apprise takes a token alone, and says at the first send that nobody is named.
        made.full_clean()
        made.save()
        with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=TOKYO), tick=False):
            assert nudges.send_test(made).status == "failed"
