"""The wall's HTTP side: page, poll, chore toggle, now.json, health check."""

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedule.common.icons import icon_names
from schedule.models import (
    Block,
    Chore,
    ChoreDone,
    Display,
    Member,
    Plan,
    Revision,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StepDone,
)
from schedule.wall import polling
from tests.conftest import TOKYO

MONDAY = date(2026, 11, 23)  # 勤労感謝の日: the day-off plan
TUESDAY = date(2026, 11, 24)  # a weekday, plastics day


def page_url(display, at=None):
    url = reverse("wall", args=[display.token])
    return f"{url}?at={at}" if at else url


def panel_url(display, at=None, v=None):
    url = reverse("wall-panel", args=[display.token])
    params = [f"at={at}"] if at else []
    params += [f"v={v}"] if v else []
    return url + ("?" + "&".join(params) if params else "")


def toggle_url(display, chore, day):
    return reverse("wall-chore", args=[display.token, chore.pk, day.isoformat()])


def version_of(response) -> str:
    match = re.search(r'data-version="([^"]+)"', response.content.decode())
    assert match, "the page carries the version it shows"
    return match.group(1)


def current_titles(response) -> list[str]:
    html = response.content.decode()
    heroes = re.findall(
        r'<article class="hero js-block js-hero is-current".*?</article>', html, re.S
    )
    title = re.compile(r'<span class="main-text" lang="\w+">(.*?)</span>')
    return [text_of(title.search(h).group(1)) for h in heroes]


def text_of(html: str) -> str:
    """A title as read: no <wbr> break points, no ruby readings."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<rt>.*?</rt>", "", html))


def chore(title_ja):
    return Chore.objects.get(title_ja=title_ja)


# The page ------------------------------------------------------------------------------


def test_the_page_shows_the_block_of_the_moment(client, demo_display):
    response = client.get(page_url(demo_display, "2026-11-23T17:05"))
    assert response.status_code == 200
    assert current_titles(response) == ["お片付け"]
    assert "勤労感謝の日" in response.content.decode()


def test_parents_at_work_and_kids_at_school_are_both_current(client, demo_display):
    response = client.get(page_url(demo_display, "2026-11-24T10:10"))
    assert current_titles(response) == ["お仕事", "保育園・学校"]
    assert 'class="now is-split"' in response.content.decode()


def test_unknown_and_malformed_tokens_get_the_same_404(client, db):
    unknown = client.get("/d/abcdefghijklmnopqrstuvwxyz012345/")
    malformed = client.get("/d/%3Cscript%3E/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content


def test_the_page_loads_its_scripts_from_static_files_only(client, demo_display):
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script src="/static/kiosk/watchdog.js">',
        '<script src="/static/kiosk/domparser.js">',
        '<script src="/static/vendor/htmx-1.9.12.es5.js">',
        '<script src="/static/kiosk/kiosk.js">',
    ]
    assert "X-CSRFToken" in re.search(r"<body[^>]*>", html).group(0)


def test_the_page_carries_every_icon_once_and_the_panel_draws_from_it(client, demo_display):
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    symbols = re.findall(r'<symbol id="i-([a-z0-9-]+)"', html)
    assert sorted(symbols) == sorted(icon_names())
    panel = client.get(
        panel_url(demo_display, "2026-11-23T17:05"), headers={"HX-Request": "true"}
    ).content.decode()
    used = set(re.findall(r'<use xlink:href="#i-([a-z0-9-]+)"', panel))
    assert {"bath", "family", "trash-burnable"} <= used <= set(symbols)
    # Every icon is a reference into the page: nothing for an old engine to fetch.
    assert len(used) and panel.count("<use ") == panel.count('<use xlink:href="#i-')
    assert "<symbol" not in panel


def test_without_javascript_the_page_refreshes_itself(client, demo_display, settings):
    settings.WALL_POLL_SECONDS = 45
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="45"></noscript>' in html


def test_every_title_carries_its_language(client, demo_display):
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    assert '<span class="main-text" lang="ja">お片付け</span>' in html
    assert '<span class="sub-text" lang="en">Clean-up</span>' in html
    assert not re.search(r'lang="en">[^<]*[ぁ-んァ-ン一-龥]', html)


SOUND = re.compile(r'<button type="button" id="sound" class="sound" hidden>(.*?)</button>', re.S)


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        (
            Display.Language.BOTH,
            [("ja", "タップすると おとが なるよ"), ("en", "Tap to turn the sound on")],
        ),
        (Display.Language.EN, [("en", "Tap to turn the sound on")]),
    ],
)
def test_a_wall_with_the_chime_asks_for_a_tap_to_turn_the_sound_on(
    client, demo_display, mode, said
):
    """Tablets play no sound until someone touches the page (kiosk.js unhides it)."""
    demo_display.chime = True
    demo_display.language = mode
    demo_display.save()
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    found = SOUND.search(html)
    assert found, "no prompt on a wall with the chime"
    assert re.findall(r'<span lang="(\w+)">([^<]*)</span>', found[1]) == said
    # Outside the polled panel, so a swap never brings it back once it is gone.
    panel = client.get(panel_url(demo_display, "2026-11-23T17:05"), headers={"HX-Request": "true"})
    assert panel.status_code == 200 and b'id="sound"' not in panel.content
    demo_display.chime = False
    demo_display.save()
    assert (
        'id="sound"' not in client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    )


@pytest.mark.parametrize(
    ("mode", "present", "absent"),
    [
        (Display.Language.JA, 'lang="ja">お片付け<', 'lang="en">Clean-up<'),
        (Display.Language.EN, 'lang="en">Clean-up<', 'lang="ja">お片付け<'),
    ],
)
def test_a_one_language_display_shows_only_that_language(
    client, demo_display, mode, present, absent
):
    demo_display.language = mode
    demo_display.save()
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    assert present in html
    assert absent not in html


def test_an_english_display_falls_back_to_japanese_marked_as_japanese(client, demo_display):
    demo_display.language = Display.Language.EN
    demo_display.save()
    Block.objects.filter(title_ja="お片付け").update(title_en="")
    Revision.bump()
    html = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    assert '<span class="main-text" lang="ja">お片付け</span>' in html


def test_a_display_for_the_kids_leaves_out_the_parents_blocks(client, demo_display):
    demo_display.members.set(Member.objects.filter(name_en__in=["Haru", "Mio"]))
    response = client.get(page_url(demo_display, "2026-11-24T10:10"))
    assert current_titles(response) == ["保育園・学校"]


def test_tomorrows_chores_show_in_the_evening(client, demo_display):
    evening = client.get(page_url(demo_display, "2026-11-23T17:05")).content.decode()
    morning = client.get(page_url(demo_display, "2026-11-23T10:00")).content.decode()
    assert 'class="tomorrow js-tomorrow is-shown"' in evening
    assert 'class="tomorrow js-tomorrow"' in morning
    tomorrow = evening.split('class="tomorrow js-tomorrow is-shown"')[1]
    assert "プラスチック" in tomorrow.split("</section>")[0]


def test_at_night_the_wall_shows_the_clock_and_the_next_morning(client, demo_display):
    html = client.get(page_url(demo_display, "2026-11-24T22:10")).content.decode()
    assert 'class="panel is-night"' in html
    night = html.split('<div class="night">')[1]
    assert '<div class="night-clock js-clock" lang="ja">22:10</div>' in night
    assert "6:30" in night  # Wednesday's wake-up


def test_a_malformed_moment_on_the_page_is_a_400(client, demo_display):
    assert client.get(page_url(demo_display, "tomorrow")).status_code == 400


# The poll ------------------------------------------------------------------------------


def test_the_poll_answers_204_while_nothing_changed(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:05")))
    response = client.get(panel_url(demo_display, "2026-11-23T17:05", version))
    assert response.status_code == 204
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert "Content-Type" not in response
    assert "Content-Security-Policy" not in response


def test_the_204_is_a_few_hundred_bytes_on_the_wire(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:05")))
    response = client.get(panel_url(demo_display, "2026-11-23T17:05", version))
    head = "HTTP/1.1 204 No Content\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.items()
    )
    assert len(head.encode()) < 400


def test_the_poll_answers_200_after_a_block_is_edited(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:05")))
    tidy = Block.objects.get(title_ja="お片付け", plan__name_ja="休日")
    tidy.title_ja = "おかたづけ"
    tidy.save()
    response = client.get(panel_url(demo_display, "2026-11-23T17:05", version))
    assert response.status_code == 200
    assert "おかたづけ" in response.content.decode()
    assert version_of(response) != version


def test_the_poll_answers_200_after_a_chore_is_done(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:05")))
    ChoreDone.objects.create(chore=chore("燃やすごみ"), date=MONDAY)
    response = client.get(panel_url(demo_display, "2026-11-23T17:05", version))
    assert response.status_code == 200
    assert 'class="chore js-chore js-tap is-done"' in response.content.decode()


def test_the_poll_answers_200_the_minute_a_block_starts(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:19")))
    same_minute = client.get(panel_url(demo_display, "2026-11-23T17:19", version))
    next_minute = client.get(panel_url(demo_display, "2026-11-23T17:20", version))
    assert same_minute.status_code == 204
    assert next_minute.status_code == 200
    assert current_titles(next_minute) == ["ルンバ"]


def test_the_poll_answers_200_when_the_night_starts(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-24T21:29")))
    response = client.get(panel_url(demo_display, "2026-11-24T21:30", version))
    assert response.status_code == 200
    assert 'class="panel is-night"' in response.content.decode()


def test_the_poll_fragment_is_the_panel_alone_without_scripts(client, demo_display):
    response = client.get(
        panel_url(demo_display, "2026-11-23T17:05"), headers={"HX-Request": "true"}
    )
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith('<div id="panel"')
    assert "<script" not in html
    assert "<html" not in html
    assert response["X-Wall-Assets"] == polling.asset_version()


def test_the_poll_fragment_has_no_whitespace_around_the_panel(client, demo_display):
    # htmx's outerHTML swap keeps surrounding text as new DOM nodes: one more
    # node on the tablet every poll, for months.
    response = client.get(
        panel_url(demo_display, "2026-11-23T17:05"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="panel"')
    assert html.endswith("</div>")


def test_a_malformed_poll_is_answered_as_an_unknown_version(client, demo_display):
    version = version_of(client.get(page_url(demo_display, "2026-11-23T17:05")))
    response = client.get(panel_url(demo_display, "2026-11-23T99:99", version))
    assert response.status_code == 200


def test_the_full_page_asked_for_by_htmx_is_the_panel(client, demo_display):
    response = client.get(
        page_url(demo_display, "2026-11-23T17:05"), headers={"HX-Request": "true"}
    )
    assert response.content.decode().strip().startswith('<div id="panel"')


# Cheap by construction -----------------------------------------------------------------


def add_blocks_and_chores(count: int) -> None:
    plan = Plan.objects.get(name_ja="平日")
    kids = list(Member.objects.filter(name_en__in=["Haru", "Mio"]))
    blocks = Block.objects.bulk_create(
        Block(
            plan=plan,
            # Early in the morning, so no boundary falls in the minutes the tests poll.
            start=time(5 + index % 4, index % 60),
            end=time(5 + index % 4, index % 60, 30),
            title_ja=f"ブロック{index}",
            icon="play",
        )
        for index in range(count)
    )
    Block.members.through.objects.bulk_create(
        Block.members.through(block_id=b.pk, member_id=kids[i % 2].pk) for i, b in enumerate(blocks)
    )
    Chore.objects.bulk_create(
        Chore(title_ja=f"家事{index}", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))
        for index in range(count)
    )
    Revision.bump()


# One query for each table the wall reads (events, closures, routines and stars
# among them), whatever the family's size: a new one is a choice, not an accident.
# 24: the times away (a rotation counts its turns over them) and the announcements.
# Tonight and tomorrow (issue 29) read seven more, once per plans' revision and kept
# with the plans: the menu, the weather's place, its forecast, its warnings, the
# bag items and their rain rule, the days counted to (the call-off rules too,
# only while warnings are kept). One more with the ticks: the things packed in the
# morning's bags.
WALL_QUERIES = 32


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_and_changed_poll_cost_the_same_queries_for_10_and_500_blocks(
    client, demo_display, django_assert_num_queries
):
    add_blocks_and_chores(10)
    page = queries_for(client, page_url(demo_display, "2026-11-24T10:10"))
    polling.forget_times()
    poll = queries_for(client, panel_url(demo_display, "2026-11-24T10:10"))
    polling.forget_times()
    stale = queries_for(client, panel_url(demo_display, "2026-11-24T10:10", "1.20261124.3"))
    assert stale == poll == page  # a changed poll loads the day once, like the page
    add_blocks_and_chores(490)
    polling.forget_times()
    with django_assert_num_queries(page):
        assert client.get(page_url(demo_display, "2026-11-24T10:10")).status_code == 200
    polling.forget_times()
    with django_assert_num_queries(poll):
        assert client.get(panel_url(demo_display, "2026-11-24T10:10")).status_code == 200
    assert page <= WALL_QUERIES


def test_after_a_tick_the_changed_poll_reads_only_what_was_ticked(client, demo_display):
    at = "2026-11-23T17:05"
    page = queries_for(client, page_url(demo_display, at))
    burnable = chore("燃やすごみ")
    shown = []
    for done in ("1", "0", "1"):
        client.post(toggle_url(demo_display, burnable, MONDAY) + f"?at={at}", {"done": done})
        with CaptureQueriesContext(connection) as queries:
            html = client.get(panel_url(demo_display, at, "stale")).content.decode()
        # The display with the revision, then the chores and steps done, the things
        # packed in the bags, the stars and the announcements (with their walls and
        # the walls that put them away).
        assert len(queries) == 6 < page
        shown.append('class="chore js-chore js-tap is-done"' in html)
    assert shown == [True, False, True]
    Block.objects.filter(title_ja="お片付け").update(title_ja="おかたづけ")
    Revision.bump()  # as the admin's save does: the plans are read again
    html = client.get(panel_url(demo_display, at, "stale")).content.decode()
    assert "おかたづけ" in html and 'class="chore js-chore js-tap is-done"' in html


@time_machine.travel(datetime(2026, 11, 24, 10, 10, tzinfo=TOKYO), tick=False)
def test_an_unchanged_poll_costs_one_query_and_two_with_the_heartbeat(
    client, demo_display, django_assert_num_queries
):
    add_blocks_and_chores(500)
    version = version_of(client.get(page_url(demo_display)))  # writes the heartbeat
    with django_assert_num_queries(1):
        assert client.get(panel_url(demo_display, v=version)).status_code == 204
    later = datetime(2026, 11, 24, 10, 12, tzinfo=TOKYO)
    with time_machine.travel(later, tick=False), django_assert_num_queries(2):
        assert client.get(panel_url(demo_display, v=version)).status_code == 204


# Heartbeat -----------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 24, 10, 10, tzinfo=TOKYO), tick=False)
def test_the_heartbeat_records_the_tablet_at_most_once_a_minute(client, demo_display):
    revision = Revision.current()
    client.get(page_url(demo_display), headers={"User-Agent": "Silk/1.0"})
    demo_display.refresh_from_db()
    first = demo_display.last_seen_at
    assert first == datetime(2026, 11, 24, 10, 10, tzinfo=TOKYO)
    assert demo_display.last_user_agent == "Silk/1.0"
    with time_machine.travel(datetime(2026, 11, 24, 10, 10, 40, tzinfo=TOKYO), tick=False):
        client.get(panel_url(demo_display), headers={"User-Agent": "Other/2.0"})
    demo_display.refresh_from_db()
    assert (demo_display.last_seen_at, demo_display.last_user_agent) == (first, "Silk/1.0")
    with time_machine.travel(datetime(2026, 11, 24, 10, 11, 10, tzinfo=TOKYO), tick=False):
        client.get(panel_url(demo_display), headers={"User-Agent": "Other/2.0"})
    demo_display.refresh_from_db()
    assert demo_display.last_user_agent == "Other/2.0"
    assert Revision.current() == revision  # the wall does not change itself


def test_an_admin_preview_with_at_is_not_a_heartbeat(client, demo_display):
    client.get(page_url(demo_display, "2026-11-24T10:10"))
    client.get(panel_url(demo_display, "2026-11-24T10:10"))
    demo_display.refresh_from_db()
    assert demo_display.last_seen_at is None


# Ticking a chore -----------------------------------------------------------------------


def test_ticking_a_chore_twice_leaves_it_done_once(client, demo_display):
    plastics = chore("プラスチック")
    url = toggle_url(demo_display, plastics, TUESDAY) + "?at=2026-11-24T10:10"
    first = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    revision = Revision.current()
    second = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert first.status_code == second.status_code == 200
    assert ChoreDone.objects.filter(chore=plastics, date=TUESDAY).count() == 1
    assert Revision.current() == revision
    assert 'class="chore js-chore js-tap is-done"' in second.content.decode()


def test_unticking_twice_leaves_it_not_done(client, demo_display):
    plastics = chore("プラスチック")
    ChoreDone.objects.create(chore=plastics, date=TUESDAY)
    url = toggle_url(demo_display, plastics, TUESDAY)
    assert client.post(url, {"done": "0"}).status_code == 302
    assert client.post(url, {"done": "0"}).status_code == 302
    assert not ChoreDone.objects.filter(chore=plastics).exists()


def test_a_tick_records_the_display(client, demo_display):
    plastics = chore("プラスチック")
    client.post(toggle_url(demo_display, plastics, TUESDAY), {"done": "1"})
    assert ChoreDone.objects.get(chore=plastics).display == demo_display


def test_the_toggle_answers_with_the_panel_of_the_previewed_moment(client, demo_display):
    url = toggle_url(demo_display, chore("プラスチック"), TUESDAY) + "?at=2026-11-24T10:10"
    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert current_titles(response) == ["お仕事", "保育園・学校"]


def test_a_display_that_may_not_tick_chores_gets_403(client, demo_display):
    demo_display.may_complete_chores = False
    demo_display.save()
    plastics = chore("プラスチック")
    response = client.post(toggle_url(demo_display, plastics, TUESDAY), {"done": "1"})
    assert response.status_code == 403
    assert not ChoreDone.objects.exists()
    page = client.get(page_url(demo_display, "2026-11-24T10:10")).content.decode()
    assert "hx-post" not in page


def test_a_chore_not_due_that_day_is_404(client, demo_display):
    response = client.post(toggle_url(demo_display, chore("プラスチック"), MONDAY), {"done": "1"})
    assert response.status_code == 404
    assert not ChoreDone.objects.exists()


def test_a_chore_of_a_member_the_display_leaves_out_is_404(client, demo_display):
    demo_display.members.set(Member.objects.filter(name_en__in=["Haru", "Mio"]))
    response = client.post(toggle_url(demo_display, chore("プラスチック"), TUESDAY), {"done": "1"})
    assert response.status_code == 404


def test_a_called_off_collection_is_404_like_the_wall_that_shows_no_button(client, demo_display):
    from schedule.models import ChoreCancellation

    thursday = date(2026, 11, 26)
    burnable = chore("燃やすごみ")
    ChoreCancellation.objects.create(chore=burnable, date=thursday, reason="警報")
    response = client.post(toggle_url(demo_display, burnable, thursday), {"done": "1"})
    assert response.status_code == 404
    assert not ChoreDone.objects.exists()


def test_a_collection_the_new_year_closure_moves_is_404_on_its_usual_day(client, demo_display):
    burnable = chore("燃やすごみ")
    new_years_eve = date(2026, 12, 31)  # a Thursday: burnables, but the works are closed
    assert burnable.is_due_on(date(2026, 12, 24))
    response = client.post(toggle_url(demo_display, burnable, new_years_eve), {"done": "1"})
    assert response.status_code == 404
    assert not ChoreDone.objects.exists()


def test_the_toggle_needs_the_csrf_token_the_page_hands_out(demo_display):
    client = Client(enforce_csrf_checks=True)
    url = toggle_url(demo_display, chore("プラスチック"), TUESDAY)
    assert client.post(url, {"done": "1"}).status_code == 403
    html = client.get(page_url(demo_display, "2026-11-24T10:10")).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    response = client.post(url, {"done": "1"}, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert ChoreDone.objects.filter(date=TUESDAY).count() == 1


# now.json ------------------------------------------------------------------------------


def test_now_json_says_what_is_happening(client, demo_display):
    response = client.get(reverse("wall-now", args=[demo_display.token]) + "?at=2026-11-23T17:05")
    data = response.json()
    assert response["Cache-Control"] == "no-store"
    assert data["time"] == "2026-11-23T17:05:00+09:00"
    assert data["holiday"] == {"name_ja": "勤労感謝の日", "name_en": "Labor Thanksgiving Day"}
    assert [b["title_en"] for b in data["current"]] == ["Clean-up"]
    assert data["minutes_left"] == 15
    assert data["next"]["title_en"] == "Roomba"
    assert data["minutes_until_next"] == 15
    assert {c["title_en"] for c in data["chores"]} == {"Burnable trash", "Start the Roomba"}
    assert (data["chores_due"], data["chores_done"]) == (2, 0)
    assert set(data["chores"][0]) == {
        "id",
        "title_ja",
        "title_en",
        "icon",
        "date",
        "due",
        "time_kind",
        "assignees",
        "done",
        "cancelled",
        "moved_from",
        "year_mark",
    }


def test_now_json_counts_done_chores(client, demo_display):
    ChoreDone.objects.create(chore=chore("燃やすごみ"), date=MONDAY)
    url = reverse("wall-now", args=[demo_display.token]) + "?at=2026-11-23T17:05"
    assert client.get(url).json()["chores_done"] == 1


# Methods and bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("post", "wall", []),
        ("post", "wall-panel", []),
        ("post", "wall-now", []),
        ("get", "wall-chore", [1, "2026-11-24"]),
        ("put", "wall-chore", [1, "2026-11-24"]),
        ("get", "wall-step", [1, "2026-11-24"]),
        ("delete", "wall-step", [1, "2026-11-24"]),
        ("get", "wall-bag", [1, "2026-11-24"]),
        ("delete", "wall-panel", []),
    ],
)
def test_wrong_methods_are_405(client, demo_display, method, name, extra):
    url = reverse(name, args=[demo_display.token, *extra])
    assert getattr(client, method)(url).status_code == 405


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


BAD = [
    # (method, path with {t} for the token and {c} for the plastics chore id, data, status)
    ("get", "/d/nope/", None, 404),
    ("get", "/d/" + "a" * 65 + "/", None, 404),
    ("get", "/d/%E2%9C%93/", None, 404),
    ("get", "/d/{t}/?at=garbage", None, 400),
    ("get", "/d/{t}/?at=2026-13-01T10:00", None, 400),
    ("get", "/d/{t}/?at=2026-02-30T10:00", None, 400),
    ("get", "/d/{t}/?at=2026-11-23T24:00", None, 400),
    ("get", "/d/{t}/?at=2026-11-23T10:60", None, 400),
    ("get", "/d/{t}/?at=2026-11-23", None, 400),
    ("get", "/d/{t}/?at=0001-01-01T00:00", None, 400),
    ("get", "/d/{t}/?at=9999-12-31T23:59", None, 400),
    ("get", "/d/{t}/?at=２０２６-11-23T10:00", None, 400),
    ("get", "/d/{t}/?at=2026-11-23T10:00Z", None, 400),
    ("get", "/d/{t}/panel?at=nonsense", None, 200),
    ("get", "/d/{t}/panel?v=%00%ff", None, 200),
    ("get", "/d/{t}/panel?v=" + "9" * 5000, None, 200),
    ("get", "/d/{t}/panel?at=9999-12-31T23:59&v=1", None, 200),
    ("get", "/d/nope/panel", None, 404),
    ("get", "/d/{t}/now.json?at=2026-11-23T25:00", None, 400),
    ("get", "/d/nope/now.json", None, 404),
    ("post", "/d/{t}/chores/999999/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/99999999999999999999/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/-1/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/abc/2026-11-24/done", {"done": "1"}, 404),
    # A path whose day is no day of the wall's years names no chore tick at all
    # (the URL's day converter refuses it before any view runs).
    ("post", "/d/{t}/chores/{c}/2026-13-01/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/{c}/today/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/{c}/1999-01-01/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/{c}/2101-01-01/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/9223372036854775808/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/0/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/chores/{c}/2026-11-24/done", {}, 400),
    ("post", "/d/{t}/chores/{c}/2026-11-24/done", {"done": "maybe"}, 400),
    ("post", "/d/{t}/chores/{c}/2026-11-24/done?at=bad", {"done": "1"}, 302),
    ("post", "/d/nope/chores/{c}/2026-11-24/done", {"done": "1"}, 404),
    # A step of a routine: {s} is はる's first morning step (weekdays), {b} the
    # bedtime routine's first step, which both children share.
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "1"}, 302),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {}, 400),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "yes"}, 400),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "1", "member": "haru"}, 400),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "1", "member": "9" * 40}, 400),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "1", "member": "-1"}, 400),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done", {"done": "1", "member": "999999"}, 404),
    ("post", "/d/{t}/steps/{b}/2026-11-24/done", {"done": "1"}, 400),  # whose?
    ("post", "/d/{t}/steps/{s}/2026-11-23/done", {"done": "1"}, 404),  # a day off
    ("post", "/d/{t}/steps/999999/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/steps/0/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/steps/99999999999999999999/2026-11-24/done", {"done": "1"}, 404),
    ("post", "/d/{t}/steps/{s}/2026-02-30/done", {"done": "1"}, 404),
    ("post", "/d/{t}/steps/{s}/1999-12-31/done", {"done": "1"}, 404),
    ("post", "/d/{t}/steps/{s}/2026-11-24/done?at=bad", {"done": "1"}, 302),
    ("post", "/d/nope/steps/{s}/2026-11-24/done", {"done": "1"}, 404),
    # A thing of a child's bag: the member's id is no thing's, a day the year has not.
    ("post", "/d/{t}/bags/999999/2026-11-24/packed", {"done": "1", "thing": "rain"}, 404),
    ("post", "/d/{t}/bags/0/2026-11-24/packed", {"done": "1", "thing": "item-1"}, 404),
    ("post", "/d/{t}/bags/1/2026-11-24/packed", {"done": "1", "thing": "x" * 40}, 400),
    ("post", "/d/{t}/bags/1/2026-11-24/packed", {"done": "1"}, 400),
    ("post", "/d/{t}/bags/1/2026-11-24/packed", {"thing": "rain"}, 400),
    ("post", "/d/{t}/bags/1/2026-02-30/packed", {"done": "1", "thing": "rain"}, 404),
    ("post", "/d/nope/bags/1/2026-11-24/packed", {"done": "1", "thing": "rain"}, 404),
]


@pytest.mark.parametrize(("method", "path", "data", "status"), BAD)
def test_bad_input_gets_a_clear_answer_never_a_500(
    client, demo_display, method, path, data, status
):
    url = path.format(
        t=demo_display.token,
        c=chore("プラスチック").pk,
        s=morning_step("Haru").pk,
        b=RoutineStep.objects.get(routine__title_en="Before bed", order=1).pk,
    )
    response = (
        getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    )
    assert response.status_code == status


def test_the_bare_address_leads_to_the_admin_sign_in_not_the_family_s_day(client, demo_display):
    response = client.get("/", follow=True)
    assert response.redirect_chain[0] == ("/admin/", 302)
    assert response.request["PATH_INFO"] == "/admin/login/"
    assert "おばあちゃん" not in response.content.decode()


def test_the_night_hours_of_a_display_without_nights_never_dim(client, demo_display):
    demo_display.night_start = demo_display.night_end = None
    demo_display.save()
    html = client.get(page_url(demo_display, "2026-11-24T23:30")).content.decode()
    assert 'class="panel is-night"' not in html
    assert 'data-nights=""' in html


def test_the_nightly_reload_is_always_ahead(client, demo_display, settings):
    settings.WALL_RELOAD_HOUR = 3
    html = client.get(page_url(demo_display, "2026-11-24T03:00")).content.decode()
    reload_at = int(re.search(r'data-reload-at="(\d+)"', html).group(1))
    expected = datetime(2026, 11, 25, 3, 0, tzinfo=TOKYO)
    assert reload_at == int(expected.timestamp() * 1000)
    assert expected - datetime(2026, 11, 24, 3, 0, tzinfo=TOKYO) == timedelta(days=1)


# Ticking a step of a routine -------------------------------------------------------------

READY = "2026-11-24T07:50"  # Tuesday, getting ready to go: both children's morning routines


def step_url(display, step, day=TUESDAY, at=None):
    url = reverse("wall-step", args=[display.token, step.pk, day.isoformat()])
    return f"{url}?at={at}" if at else url


def morning_step(kid, order=1):
    return RoutineStep.objects.get(routine__title_en=f"Morning ({kid})", order=order)


def kid(name):
    return Member.objects.get(name_en=name)


def test_ticking_a_step_answers_with_the_panel_and_stores_the_tick(client, demo_display):
    toilet = morning_step("Haru")
    response = client.post(
        step_url(demo_display, toilet, at=READY), {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().startswith('<div id="panel"')
    assert current_titles(response) == ["おでかけの準備"]
    done = StepDone.objects.get()
    assert (done.step, done.member, done.date, done.display) == (
        toilet, kid("Haru"), TUESDAY, demo_display,
    )  # fmt: skip
    plain = client.post(step_url(demo_display, morning_step("Haru", 2)), {"done": "1"})
    assert plain.status_code == 302
    assert plain["Location"] == demo_display.get_absolute_url()
    assert StepDone.objects.count() == 2


def test_ticking_a_step_twice_leaves_it_done_once_and_the_walls_alone(client, demo_display):
    url = step_url(demo_display, morning_step("Mio"), at=READY)
    client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    revision = Revision.current()
    again = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert again.status_code == 200
    assert StepDone.objects.filter(member=kid("Mio")).count() == 1
    assert Revision.current() == revision


def test_unticking_a_step_twice_leaves_it_not_done(client, demo_display):
    toilet = morning_step("Haru")
    StepDone.objects.create(step=toilet, member=kid("Haru"), date=TUESDAY)
    assert client.post(step_url(demo_display, toilet), {"done": "0"}).status_code == 302
    assert client.post(step_url(demo_display, toilet), {"done": "0"}).status_code == 302
    assert not StepDone.objects.exists()


def test_finishing_a_routine_on_the_wall_earns_the_childs_star(client, demo_display):
    for order in range(1, 6):
        client.post(step_url(demo_display, morning_step("Mio", order)), {"done": "1"})
    (star,) = StarEntry.objects.all()
    assert (star.member, star.amount, star.what_en) == (kid("Mio"), 1, "Morning (Mio)")


def test_a_shared_step_says_whose_it_is(client, demo_display):
    brush = RoutineStep.objects.get(routine__title_en="Before bed", order=1)
    url = step_url(demo_display, brush)
    assert client.post(url, {"done": "1"}).status_code == 400
    assert client.post(url, {"done": "1", "member": str(kid("Mio").pk)}).status_code == 302
    assert client.post(url, {"done": "1", "member": str(kid("Dad").pk)}).status_code == 404
    assert list(StepDone.objects.values_list("member__name_en", flat=True)) == ["Mio"]


def test_a_bedtime_step_after_midnight_is_ticked_for_the_evening_it_began(client, demo_display):
    brush = RoutineStep.objects.get(routine__title_en="Before bed", order=1)
    url = step_url(demo_display, brush, day=TUESDAY, at="2026-11-25T00:10")
    response = client.post(url, {"done": "1", "member": str(kid("Haru").pk)})
    assert response.status_code == 302
    assert StepDone.objects.get().date == TUESDAY


def test_a_display_that_may_not_tick_gets_403_for_steps_too(client, demo_display):
    demo_display.may_complete_chores = False
    demo_display.save()
    response = client.post(step_url(demo_display, morning_step("Haru")), {"done": "1"})
    assert response.status_code == 403
    assert not StepDone.objects.exists()


def test_a_step_not_on_that_wall_that_day_is_404(client, demo_display):
    haru_only = Display.objects.create(name="はるの部屋")
    haru_only.members.set([kid("Haru")])
    mios = morning_step("Mio")
    assert client.post(step_url(haru_only, mios), {"done": "1"}).status_code == 404
    assert client.post(step_url(haru_only, morning_step("Haru")), {"done": "1"}).status_code == 302
    day_off = RoutineStep.objects.get(routine__title_en="Day-off morning", order=1)
    assert client.post(step_url(demo_display, day_off), {"done": "1"}).status_code == 404
    assert client.post(step_url(demo_display, day_off, MONDAY), {"done": "1"}).status_code == 400
    unused = Routine.objects.create(title_ja="つかわない")
    step = RoutineStep.objects.create(routine=unused, icon="star", title_ja="x")
    assert client.post(step_url(demo_display, step), {"done": "1"}).status_code == 404
    assert list(StepDone.objects.values_list("member__name_en", flat=True)) == ["Haru"]


def test_the_step_tick_needs_the_csrf_token_the_page_hands_out(demo_display):
    client = Client(enforce_csrf_checks=True)
    url = step_url(demo_display, morning_step("Haru"))
    assert client.post(url, {"done": "1"}).status_code == 403
    html = client.get(page_url(demo_display, READY)).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    assert client.post(url, {"done": "1"}, headers={"X-CSRFToken": token}).status_code == 302
    assert StepDone.objects.count() == 1


def test_a_step_ticked_on_another_wall_changes_the_poll_version(client, demo_display):
    kitchen = Display.objects.create(name="キッチン")
    version = version_of(client.get(page_url(demo_display, READY)))
    assert client.get(panel_url(demo_display, READY, version)).status_code == 204
    client.post(step_url(kitchen, morning_step("Haru")), {"done": "1"})
    response = client.get(panel_url(demo_display, READY, version))
    assert response.status_code == 200
    assert version_of(response) != version
    client.post(step_url(kitchen, morning_step("Haru")), {"done": "0"})
    assert version_of(client.get(panel_url(demo_display, READY, version))) != version


def add_routine_steps(count: int) -> None:
    """Routines of ten steps for the kids in early-morning weekday blocks, each step
    ticked, so the day has `count` more steps to load."""
    plan = Plan.objects.get(name_ja="平日")
    kids = [kid("Haru"), kid("Mio")]
    for n in range(count // 10):
        routine = Routine.objects.create(title_ja=f"ルーティン{n}")
        steps = RoutineStep.objects.bulk_create(
            RoutineStep(routine=routine, order=i, icon="star", title_ja=f"ステップ{i}", minutes=2)
            for i in range(10)
        )
        block = Block.objects.create(
            plan=plan, start=time(5, n % 60), end=time(5, n % 60, 30), title_ja=f"朝{n}"
        )
        RoutineAssignment.objects.create(block=block, member=kids[n % 2], routine=routine)
        StepDone.objects.bulk_create(
            StepDone(step=step, member=kids[n % 2], date=TUESDAY) for step in steps
        )
        StarEntry.objects.create(member=kids[n % 2], date=TUESDAY, amount=1, kind="routine")
    Revision.bump()


def test_page_poll_and_tick_cost_the_same_queries_for_10_and_500_steps(
    client, demo_display, django_assert_num_queries
):
    add_routine_steps(10)
    page = queries_for(client, page_url(demo_display, READY))
    polling.forget_times()
    poll = queries_for(client, panel_url(demo_display, READY))
    url = step_url(demo_display, morning_step("Haru"), at=READY)
    with CaptureQueriesContext(connection) as captured:
        client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    tick = len(captured)
    client.post(url, {"done": "0"}, headers={"HX-Request": "true"})
    add_routine_steps(490)
    assert RoutineStep.objects.count() >= 500
    polling.forget_times()
    with django_assert_num_queries(page):
        assert client.get(page_url(demo_display, READY)).status_code == 200
    polling.forget_times()
    with django_assert_num_queries(poll):
        assert client.get(panel_url(demo_display, READY)).status_code == 200
    with django_assert_num_queries(tick):
        client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert page <= WALL_QUERIES


def now_json_of(client, display, at=READY):
    return client.get(reverse("wall-now", args=[display.token]) + f"?at={at}").json()


def test_now_json_carries_each_childs_current_step_and_stars(client, demo_display):
    client.post(step_url(demo_display, morning_step("Haru")), {"done": "1"})
    StarEntry.objects.create(member=kid("Mio"), date=TUESDAY, amount=6, kind="parent")
    data = now_json_of(client, demo_display)
    routines = {r["member"]: r for r in data["routines"]}
    haru, mio = routines[kid("Haru").pk], routines[kid("Mio").pk]
    assert (haru["title_en"], haru["steps"], haru["steps_done"], haru["finished"]) == (
        "Morning (Haru)", 5, 1, False,
    )  # fmt: skip
    assert haru["step"]["title_en"] == "Wash face"
    assert haru["step"]["number"] == 2
    assert haru["step"]["until"] == "2026-11-24T07:51:00+09:00"
    assert mio["step"]["title_ja"] == "トイレ"
    stars = {s["member"]: s for s in data["stars"]}
    assert stars[kid("Mio").pk]["stars"] == 6
    assert stars[kid("Mio").pk]["next_reward"]["title_en"] == "Longer at the park"
    assert stars[kid("Mio").pk]["next_reward"]["progress"] == 0.5
    assert len(stars[kid("Mio").pk]["rewards_ready"]) == 1
    assert stars[kid("Haru").pk]["stars"] == 0


def test_a_display_with_stars_off_leaves_them_out_of_now_json(client, demo_display):
    demo_display.show_stars = False
    demo_display.save()
    data = now_json_of(client, demo_display)
    assert data["stars"] == []
    assert len(data["routines"]) == 2  # the routines stay


def test_now_json_has_no_routine_between_them(client, demo_display):
    assert now_json_of(client, demo_display, "2026-11-24T10:10")["routines"] == []


# The garbage calendar on the wall --------------------------------------------------------


def test_a_cancelled_collection_is_crossed_out_on_the_wall_and_not_in_tomorrows_box(
    client, demo_display
):
    from schedule.models import ChoreCancellation

    thursday = date(2026, 11, 26)
    burnable = chore("燃やすごみ")
    ChoreCancellation.objects.create(chore=burnable, date=thursday, reason="警報")
    evening = client.get(page_url(demo_display, "2026-11-25T18:00")).content.decode()
    tomorrow = re.search(r'<section class="tomorrow.*?</section>', evening, re.S)
    assert tomorrow is None or "燃やすごみ" not in tomorrow.group(0)
    morning = client.get(page_url(demo_display, "2026-11-26T07:00")).content.decode()
    item = re.search(
        r'<li class="chore js-chore js-tap is-cancelled">.*?</li>', morning, re.S
    ).group(0)
    assert "燃やすごみ" in item
    assert (
        '<span class="chore-flag"><span lang="ja">ちゅうし</span><span lang="en">Cancelled</span>'
        in item
    )
    assert "hx-post" not in item and "data-due" not in item  # not tappable, never "late"
    # The style crosses it out (tests/test_wall_browser.py looks at it drawn).
    css = Path(polling.finders.find("kiosk/kiosk.css")).read_text(encoding="utf-8")
    assert re.search(
        r"\.chore\.is-cancelled \.chore-title \{[^}]*text-decoration: line-through", css
    )


@pytest.mark.parametrize(
    "language, when",
    [
        # As the due times of today's chores: one language beside a clock time.
        (Display.Language.BOTH, '<span lang="ja">あしたの あさ 8:00 までに</span></span>'),
        (Display.Language.EN, '<span lang="en">by 8:00 tomorrow morning</span></span>'),
    ],
)
def test_the_evening_box_says_by_when_tomorrow_morning(client, demo_display, language, when):
    demo_display.language = language
    demo_display.save()
    evening = client.get(page_url(demo_display, "2026-11-25T18:00")).content.decode()
    tomorrow = re.search(r'<section class="tomorrow.*?</section>', evening, re.S).group(0)
    assert f'<span class="tomorrow-when">{when}' in tomorrow


def test_the_last_collection_of_the_year_is_on_the_wall_in_the_days_before(client, demo_display):
    html = client.get(page_url(demo_display, "2026-12-24T10:00")).content.decode()
    marks = re.search(r'<section class="year-marks">.*?</section>', html, re.S).group(0)
    heading = '<span lang="ja">ことし さいご</span><span lang="en">Last this year</span></h2>'
    assert heading in marks
    burnable = re.search(r'<p class="year-mark">.*?燃やすごみ.*?</p>', marks, re.S).group(0)
    assert '<span class="year-mark-date" lang="ja">12/28 (月)</span>' in burnable


def routine_cards(html):
    return re.findall(r'<article class="routine js-tap.*?</article>', html, re.S)


def test_a_routine_under_way_takes_the_side_with_its_step_big_and_a_done_button_per_child(
    client, demo_display
):
    html = client.get(page_url(demo_display, READY)).content.decode()
    cards = routine_cards(html)
    assert len(cards) == 2  # はる and みお, side by side
    assert '<section class="routines is-pair">' in html
    assert '<aside class="side has-routines">' in html  # the chores wait
    haru = next(c for c in cards if ">はる<" in c)
    toilet = morning_step("Haru")
    at = READY.replace(":", "%3A")
    assert f'hx-post="{step_url(demo_display, toilet, at=at)}"' in haru
    assert f'"member": "{kid("Haru").pk}"' in haru
    assert 'class="step-title"><span class="main-text" lang="ja">トイレ</span>' in haru
    assert haru.count('<li class="step') == 5 and haru.count("is-current") == 1


def test_the_next_step_grows_into_place_and_the_last_says_all_done_and_what_comes_next(
    client, demo_display
):
    steps = RoutineStep.objects.filter(routine__title_en="Morning (Haru)").order_by("order")
    for step in steps[:2]:
        client.post(step_url(demo_display, step, at=READY), {"done": "1"})
    haru = next(c for c in routine_cards(client.get(page_url(demo_display, READY)).content.decode())
                if ">はる<" in c)  # fmt: skip
    assert haru.count("step is-done") == 2
    assert 'lang="ja">着がえ</span>' in haru.split('class="step-now')[1]  # the third, big
    for step in steps[2:]:
        client.post(step_url(demo_display, step, at=READY), {"done": "1"})
    html = client.get(page_url(demo_display, READY)).content.decode()
    haru = next(c for c in routine_cards(html) if ">はる<" in c)
    assert "is-finished" in haru and "ぜんぶ できた！" in haru and "step-done" not in haru
    assert haru.count("hx-post") == 1 and '"done": "0"' in haru  # the last step can be taken back
    assert 'lang="ja">お仕事</span>' in haru or 'lang="ja">保育園・' in haru  # then
    assert '<aside class="side has-routines">' in html  # みお is still at it


def test_a_display_that_may_not_tick_shows_the_step_without_a_button(client, demo_display):
    demo_display.may_complete_chores = False
    demo_display.save()
    html = client.get(page_url(demo_display, READY)).content.decode()
    cards = routine_cards(html)
    assert cards and all("hx-post" not in c and '<div class="step-now">' in c for c in cards)


def test_stars_show_small_unless_the_display_hides_them(client, demo_display):
    html = client.get(page_url(demo_display, "2026-11-24T10:10")).content.decode()
    assert '<section class="stars">' in html and html.count('class="star-row"') == 2
    demo_display.show_stars = False
    demo_display.save()
    html = client.get(page_url(demo_display, "2026-11-24T10:10")).content.decode()
    assert '<section class="stars">' not in html
