"""Nudges to phones and webhooks at a block's start, sent to a real HTTP receiver.

The phone is Apprise's json:// sender pointed at a server on 127.0.0.1, the
home automation a plain webhook on the same server. Time is frozen at each
moment the worker's task would run.
"""

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from schedule.models import (
    Block,
    Chore,
    ChoreAssignee,
    ChoreDone,
    Delivery,
    Member,
    NudgeTarget,
    Plan,
)
from schedule.nudges import sending as nudges

TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
OK = (200, {"Content-Type": "application/json"}, b"{}")
BROKEN = (500, {}, b"oops")


def at(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), TOKYO)


def run_at(moment: datetime) -> int:
    """What the worker's send_due task does at `moment`."""
    with time_machine.travel(moment, tick=False):
        return nudges.run()


@pytest.fixture
def home(db, local_server):
    """Papa takes the cans out on Tuesdays by 8:00 and leaves for work at 7:50."""
    papa = Member.objects.create(name_ja="パパ", name_en="Dad")
    mama = Member.objects.create(name_ja="ママ", name_en="Mum")
    cans = Chore.objects.create(
        title_ja="カン・ビン",
        title_en="Cans & bottles",
        time=time(8, 0),
        time_kind=Chore.TimeKind.BY,
        rrule="FREQ=WEEKLY;BYDAY=TU",
        start_date=date(2026, 1, 1),
    )
    ChoreAssignee.objects.create(chore=cans, member=papa)
    weekday = Plan.objects.create(name_ja="平日", weekdays=0b11111)
    leave = Block.objects.create(
        plan=weekday,
        start=time(7, 50),
        end=time(8, 10),
        title_ja="出発",
        title_en="Leave",
        nudge_minutes_before=10,
        webhook_url=f"{local_server.url}/hook",
    )
    leave.members.set([papa])
    local_server.answers["/phone"] = [OK]
    local_server.answers["/hook"] = [OK]
    family = NudgeTarget.objects.create(
        name="Family phone", apprise_url=f"json://127.0.0.1:{port(local_server)}/phone"
    )
    return {"papa": papa, "mama": mama, "cans": cans, "leave": leave, "family": family}


def port(server) -> int:
    return server.httpd.server_address[1]


def messages(server, path="/phone") -> list[dict]:
    return [json.loads(body) for body in server.posts(path)]


def test_the_evening_nudge_comes_at_its_minute_once_in_plain_japanese(home, local_server):
    run_at(at(MONDAY, 18, 59))
    assert messages(local_server) == []
    run_at(at(MONDAY, 19, 0))
    run_at(at(MONDAY, 19, 1))
    run_at(at(MONDAY, 19, 5))
    sent = messages(local_server)
    assert len(sent) == 1
    assert sent[0]["title"] == "あしたの あさ"
    assert sent[0]["message"] == "あしたの あさ 8:00 までに: カン・ビン · パパ"
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.occurrence) == ("sent", 1, "evening:2026-11-24")


def test_both_languages_when_the_phone_reads_both(home, local_server):
    home["family"].language = "both"
    home["family"].save()
    run_at(at(MONDAY, 19, 0))
    assert messages(local_server)[0]["message"] == (
        "あしたの あさ 8:00 までに: カン・ビン · パパ\n"
        "Tomorrow morning by 8:00: Cans & bottles · Dad"
    )


def test_nothing_is_sent_in_quiet_hours_and_the_log_says_so(home, local_server, admin_client):
    home["family"].evening_time = time(21, 30)  # quiet from 21:00
    home["family"].save()
    run_at(at(MONDAY, 21, 30))
    assert messages(local_server) == []
    row = Delivery.objects.get()
    assert row.status == "skipped"
    page = admin_client.get("/admin/schedule/delivery/", headers={"accept-language": "en"})
    assert "Not sent: quiet hours." in page.content.decode()
    page = admin_client.get("/admin/schedule/delivery/", headers={"accept-language": "ja"})
    assert "静かにする時間" in page.content.decode()


def test_a_refused_nudge_is_tried_again_after_a_while_and_then_sent(
    home, local_server, settings, admin_client
):
    settings.NUDGE_RETRY_SECONDS = 60
    local_server.answers["/phone"] = [BROKEN, OK]
    run_at(at(MONDAY, 19, 0))
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.error_code) == ("retry", 1, "refused")
    page = admin_client.get("/admin/schedule/delivery/", headers={"accept-language": "en"})
    assert "did not accept the message" in page.content.decode()
    run_at(at(MONDAY, 19, 0, 30))  # too early for the second try
    assert len(messages(local_server)) == 1
    run_at(at(MONDAY, 19, 1, 1))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error_code) == ("sent", 2, "")
    assert len(messages(local_server)) == 2


def test_it_gives_up_after_the_last_try(home, local_server, settings):
    settings.NUDGE_ATTEMPTS = 2
    settings.NUDGE_RETRY_SECONDS = 1
    local_server.answers["/phone"] = [BROKEN]
    run_at(at(MONDAY, 19, 0))
    run_at(at(MONDAY, 19, 0, 5))
    run_at(at(MONDAY, 19, 0, 10))
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 2)
    assert len(messages(local_server)) == 2


def test_a_block_nudges_its_minutes_before_and_only_the_phones_it_concerns(home, local_server):
    mamas = NudgeTarget.objects.create(
        name="Mum",
        member=home["mama"],
        apprise_url=f"json://127.0.0.1:{port(local_server)}/mama",
    )
    local_server.answers["/mama"] = [OK]
    run_at(at(TUESDAY, 7, 39))
    assert messages(local_server) == []
    run_at(at(TUESDAY, 7, 40))
    sent = messages(local_server)
    assert [m["message"] for m in sent] == ["10 分後に 出発"]
    assert messages(local_server, "/mama") == []
    assert not Delivery.objects.filter(target=mamas).exists()


def test_the_webhook_is_called_at_the_start_once_with_the_block(home, local_server):
    run_at(at(TUESDAY, 7, 49))
    assert local_server.posts("/hook") == []
    run_at(at(TUESDAY, 7, 50))
    run_at(at(TUESDAY, 7, 52))
    bodies = [json.loads(b) for b in local_server.posts("/hook")]
    assert len(bodies) == 1
    assert bodies[0]["event"] == "block_start"
    assert bodies[0]["block"]["title_ja"] == "出発"
    assert bodies[0]["block"]["start"] == "2026-11-24T07:50:00+09:00"
    assert bodies[0]["block"]["members"] == [
        {"id": home["papa"].pk, "name_ja": "パパ", "name_en": "Dad"}
    ]
    row = Delivery.objects.get(kind="webhook")
    assert row.status == "sent"


def test_a_webhook_answering_500_is_tried_again(home, local_server, settings):
    settings.NUDGE_RETRY_SECONDS = 10
    local_server.answers["/hook"] = [BROKEN, OK]
    run_at(at(TUESDAY, 7, 50))
    row = Delivery.objects.get(kind="webhook")
    assert (row.status, row.error_code, row.error_detail) == ("retry", "http", "500")
    run_at(at(TUESDAY, 7, 50, 11))
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(local_server.posts("/hook")) == 2


def test_no_webhook_on_a_day_the_block_does_not_run(home, local_server):
    run_at(at(date(2026, 11, 28), 7, 50))  # Saturday: the weekday plan is not in force
    assert local_server.posts("/hook") == []


def test_an_overdue_chore_nudges_at_its_time_unless_it_was_done(home, local_server):
    home["cans"].nudge_when_overdue = True
    home["cans"].save()
    home["family"].overdue_chores = True
    home["family"].block_starts = False
    home["family"].save()
    run_at(at(TUESDAY, 8, 0))
    assert [m["message"] for m in messages(local_server)] == [
        "まだ おわっていません: カン・ビン · パパ（8:00 まで）"
    ]
    ChoreDone.objects.create(chore=home["cans"], date=date(2026, 12, 1))
    run_at(at(date(2026, 12, 1), 8, 0))
    assert len(messages(local_server)) == 1


def test_a_members_phone_hears_only_of_their_chores(home, local_server):
    NudgeTarget.objects.create(
        name="Mum", member=home["mama"], apprise_url=f"json://127.0.0.1:{port(local_server)}/m"
    )
    NudgeTarget.objects.create(
        name="Dad", member=home["papa"], apprise_url=f"json://127.0.0.1:{port(local_server)}/p"
    )
    local_server.answers["/m"] = [OK]
    local_server.answers["/p"] = [OK]
    run_at(at(MONDAY, 19, 0))
    assert messages(local_server, "/m") == []
    assert len(messages(local_server, "/p")) == 1


def test_a_row_left_sending_by_a_dead_worker_is_not_sent_again(home, local_server):
    Delivery.objects.create(
        kind="nudge",
        channel=f"target:{home['family'].pk}",
        occurrence="evening:2026-11-24",
        due_at=at(MONDAY, 19, 0),
        target=home["family"],
        status="sending",
        attempts=1,
        next_try_at=at(MONDAY, 19, 0),
    )
    run_at(at(MONDAY, 19, 11))
    row = Delivery.objects.get()
    assert (row.status, row.error_code) == ("failed", "interrupted")
    assert messages(local_server) == []


def test_send_a_test_from_the_admin_says_how_it_went(home, local_server, admin_client):
    url = f"/admin/schedule/nudgetarget/{home['family'].pk}/test/"
    page = admin_client.post(url, follow=True, headers={"accept-language": "en"})
    assert "Sent a test" in page.content.decode()
    assert messages(local_server)[0]["message"] == "日々からの知らせは、ここに届きます。"
    local_server.answers["/phone"] = [BROKEN]
    page = admin_client.post(url, follow=True, headers={"accept-language": "ja"})
    assert "テストは送れませんでした" in page.content.decode()
    assert list(Delivery.objects.order_by("pk").values_list("kind", "status")) == [
        ("test", "sent"),
        ("test", "failed"),
    ]
    assert admin_client.get(url).status_code == 405


def test_an_address_apprise_cannot_read_is_refused_on_save(db):
    target = NudgeTarget(name="x", apprise_url="not an address at all")
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "apprise_url" in error.value.message_dict


def test_a_webhook_must_be_http_or_https(db):
    plan = Plan.objects.create(name_ja="平日", weekdays=1)
    block = Block(plan=plan, start=time(7), end=time(8), title_ja="x", webhook_url="ftp://x/y")
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert "webhook_url" in error.value.message_dict
    block.webhook_url = "http://homeassistant:8123/api/webhook/roomba"
    block.full_clean()
