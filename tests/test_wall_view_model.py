"""The view model: what the kiosk template prints, in the words and colours a child reads."""

from datetime import date, timedelta

import pytest

from schedule.wall import display as displays
from schedule.wall import polling, view_model
from schedule.wall import texts as wall_texts
from tests.conftest import tokyo

WEEKDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("minutes", "ja", "en"),
    [
        (1, "あと\u00a01\u00a0ぷん", "1 min left"),
        (5, "あと\u00a05\u00a0ふん", "5 min left"),
        (10, "あと\u00a010\u00a0ぷん", "10 min left"),
        (15, "あと\u00a015\u00a0ふん", "15 min left"),
        (20, "あと\u00a020\u00a0ぷん", "20 min left"),
        (59, "あと\u00a059\u00a0ふん", "59 min left"),
        (60, "あと\u00a01\u00a0じかん", "1 h left"),
        (125, "あと\u00a02\u00a0じかん 5\u00a0ふん", "2 h 5 min left"),
        (380, "あと\u00a06\u00a0じかん 20\u00a0ぷん", "6 h 20 min left"),
    ],
)
def test_the_countdown_is_said_the_way_a_child_says_it(minutes, ja, en):
    texts = wall_texts.left_texts(minutes, "both")
    assert [(t.lang, t.text) for t in texts] == [("ja", ja), ("en", en)]
    # The script gets every form, in the order countdown_form() names them.
    forms = texts[0].pattern.split("|")
    key, values = wall_texts.countdown_form(minutes)
    chosen = forms[list(wall_texts.COUNTDOWN).index(key)]
    assert (
        chosen.replace("#h", str(values.get("hours"))).replace("#m", str(values.get("minutes")))
        == ja
    )


def wall_at(display, hh_mm: str, day: date = WEEKDAY) -> view_model.Wall:
    """The wall as a request builds it: the display found with the family's revision."""
    display.save()
    found = displays.find_display(display.token)
    return view_model.of_display(found, tokyo(day, hh_mm), polling.load(found, day))


@pytest.mark.django_db
def test_each_text_says_which_language_it_is_in(demo_display):
    for mode, expected in (("ja", {"ja"}), ("en", {"en"}), ("both", {"ja", "en"})):
        demo_display.language = mode
        wall = wall_at(demo_display, "17:05")
        clean_up = next(b for b in wall.blocks if b.current)
        assert {t.lang for t in clean_up.titles} == expected


@pytest.mark.django_db
def test_the_countdown_and_the_evening_box_come_from_the_planner(demo_display):
    before = wall_at(demo_display, "16:55")
    after = wall_at(demo_display, "17:05")
    assert (before.show_tomorrow, after.show_tomorrow) == (False, True)
    assert after.evening == wall_texts.ms(tokyo(WEEKDAY, "17:00"))
    clean_up = next(b for b in after.blocks if b.current)
    assert clean_up.minutes_left == 15
    assert [t.text for t in clean_up.left_texts] == ["あと\u00a015\u00a0ふん", "15 min left"]


@pytest.mark.django_db
def test_the_night_screen_shows_the_next_morning(demo_display):
    wall = wall_at(demo_display, "23:00")
    assert wall.night
    assert wall.morning and all(
        b.start > wall_texts.ms(tokyo(WEEKDAY, "23:00")) for b in wall.morning
    )


@pytest.mark.django_db
def test_an_unknown_icon_is_drawn_as_a_bundled_one(demo_display):
    from schedule.models import Block

    Block.objects.filter(title_en="Clean-up").update(icon="no-longer-bundled")
    polling.forget_times()
    clean_up = next(b for b in wall_at(demo_display, "17:05").blocks if b.current)
    assert clean_up.icon == "clock"


@pytest.mark.django_db
def test_an_activity_has_one_colour_on_every_wall_every_day_and_in_the_admin(
    demo_display, admin_client
):
    import re

    from django.urls import reverse

    from schedule.models import Display, IconColour, Member, Plan

    kids = Display.objects.create(name="Kids", token="kids-room-wall-0123")
    kids.members.set(Member.objects.filter(name_en__in=["Haru", "Mio"]))

    def colour_of(display, title_en, hh_mm, day):
        wall = wall_at(display, hh_mm, day)
        titles = {b.id: {t.text for t in b.titles} for b in wall.blocks}
        return {b.colour for b in wall.blocks if any(title_en in t for t in titles[b.id])}

    weekday, holiday = WEEKDAY, date(2026, 11, 23)  # the weekday and the day-off plan
    tidy = colour_of(demo_display, "Clean-up", "17:05", weekday)
    assert len(tidy) == 1
    assert colour_of(demo_display, "Clean-up", "17:05", holiday) == tidy
    assert colour_of(kids, "Clean-up", "17:05", weekday) == tidy
    assert colour_of(kids, "Roomba", "17:25", weekday) == colour_of(
        demo_display, "Roomba", "17:25", weekday
    )
    assert len(colour_of(demo_display, "Work", "10:00", weekday)) == 1  # both work blocks
    # The admin's timeline draws the plan in the same colours.
    plan = Plan.objects.get(name_en="Weekday")
    page = admin_client.get(reverse("admin:schedule_plan_change", args=[plan.pk])).content.decode()
    bar = re.search(r'background:([^;"]+)[^"]*" title="17:00–17:20', page)
    assert bar and {bar.group(1)} == tidy
    # A parent's colour for the activity is everyone's.
    IconColour.objects.create(icon="tidy", colour="#123456")
    assert colour_of(kids, "Clean-up", "17:05", holiday) == {"#123456"}


THURSDAY = date(2026, 11, 26)  # burnable trash, by 8:00


@pytest.mark.django_db
def test_a_by_time_reads_as_tomorrow_mornings_deadline_in_the_evening_box(demo_display):
    wall = wall_at(demo_display, "18:00", date(2026, 11, 25))
    burnable = next(c for c in wall.tomorrow if c.titles[0].text == "燃やすごみ")
    # One language beside a clock time, as for today's chores: the box is short.
    assert [(t.lang, t.text) for t in burnable.when] == [("ja", "あしたの あさ 8:00 までに")]
    roomba = next(c for c in wall.tomorrow if c.titles[0].text == "ルンバのスイッチ")
    assert [t.text for t in roomba.when] == ["あした 17:20"]
    demo_display.language = "en"
    wall = wall_at(demo_display, "18:00", date(2026, 11, 25))
    burnable = next(c for c in wall.tomorrow if c.titles[0].text == "Burnable trash")
    assert [t.text for t in burnable.when] == ["by 8:00 tomorrow morning"]


@pytest.mark.django_db
def test_a_cancelled_collection_is_crossed_out_today_and_not_in_the_evening_box(demo_display):
    from schedule.models import Chore, ChoreCancellation

    burnable = Chore.objects.get(title_ja="燃やすごみ")
    ChoreCancellation.objects.create(chore=burnable, date=THURSDAY, reason="台風")
    evening = wall_at(demo_display, "18:00", THURSDAY - timedelta(days=1))
    assert "燃やすごみ" not in [c.titles[0].text for c in evening.tomorrow]
    morning = wall_at(demo_display, "07:00", THURSDAY)
    card = next(c for c in morning.chores if c.id == burnable.pk)
    assert card.cancelled
    assert [(t.lang, t.text) for t in card.flags] == [("ja", "ちゅうし"), ("en", "Cancelled")]
    # Nothing moved: not due the next day either.
    friday = wall_at(demo_display, "07:00", THURSDAY + timedelta(days=1))
    assert burnable.pk not in [c.id for c in friday.chores]


@pytest.mark.django_db
def test_the_last_collection_of_the_year_is_marked_in_the_days_before(demo_display):
    # 2026: burnables on Mondays and Thursdays; Thursday 12/31 is inside the
    # New Year closure, so Monday 12/28 is the last of the year.
    wall = wall_at(demo_display, "10:00", date(2026, 12, 23))
    (last,) = wall.year_marks
    assert [(t.lang, t.text) for t in last.flags] == [
        ("ja", "ことし さいご"),
        ("en", "Last this year"),
    ]
    marks = {m.titles[0].text: m for m in last.marks}
    assert [t.text for t in marks["燃やすごみ"].dates] == ["12/28 (月)"]
    assert "ルンバのスイッチ" not in marks  # only garbage chores are marked
    on_the_day = wall_at(demo_display, "07:00", date(2026, 12, 28))
    card = next(c for c in on_the_day.chores if c.titles[0].text == "燃やすごみ")
    assert [t.text for t in card.flags] == ["ことし さいご", "Last this year"]


@pytest.mark.django_db
def test_the_first_collection_after_new_year_is_marked_too(demo_display):
    wall = wall_at(demo_display, "10:00", date(2027, 1, 2))
    (first,) = wall.year_marks
    assert first.flags[0].text == "ことし はじめて"
    marks = {m.titles[0].text: m for m in first.marks}
    assert [t.text for t in marks["燃やすごみ"].dates] == ["1/7 (木)"]


@pytest.mark.parametrize(
    ("title", "html"),
    [
        ("家族であそぶ", "家族で<wbr>あそぶ"),
        ("植物に水やり", "植物に<wbr>水やり"),
        ("ルンバのスイッチ", "ルンバの<wbr>スイッチ"),
        ("保育園・学校", "保育園・<wbr>学校"),
        # No particle after a word: no break, not even inside ごはん's "は".
        ("朝ごはん", "朝ごはん"),
        ("お片付け", "お片付け"),
        ("図書館へ", "図書館へ"),
        # Nor before a last character: an ending ("着がえ") or a short word.
        ("おはよう・着がえ", "おはよう・<wbr>着がえ"),
        ("勤労感謝の日", "勤労感謝の日"),
        ("<b>&", "&lt;b&gt;&amp;"),
    ],
)
def test_japanese_wraps_only_between_phrases(title, html):
    assert wall_texts.Text("ja", title).html == html


@pytest.mark.django_db
def test_each_wall_moment_goes_on_its_chores_tick_addresses_and_a_tick_shows_done(
    client, demo_display
):
    """A wall shown at a moment of its own (?at=) ticks at that moment; after a
    tick, the chore is drawn done, with the address of the wall that shows it."""
    from schedule.models import Chore
    from schedule.wall import ticks

    demo_display.save()
    found = displays.find_display(demo_display.token)
    loaded = polling.load(found, WEEKDAY)
    early = view_model.of_display(found, tokyo(WEEKDAY, "07:10"), loaded, "2026-11-24T07:10")
    assert early.chores
    first = early.chores[0].toggle_url
    assert "?" not in first
    for at in ("2026-11-24T07:10", "2026-11-24T07:40"):
        panel = client.get(f"{early.poll_url.split('?')[0]}?at={at}").content.decode()
        assert f'hx-post="{first}?at={at.replace(":", "%3A")}"' in panel

    chore = Chore.objects.get(pk=early.chores[0].id)
    ticks.tick_chore(chore, WEEKDAY, done=True)
    found = displays.find_display(demo_display.token)
    ticked = view_model.of_display(found, tokyo(WEEKDAY, "07:40"), polling.load(found, WEEKDAY))
    assert ticked.chores[0].done and not early.chores[0].done
    panel = client.get(early.poll_url.split("?")[0] + "?at=2026-11-24T07:40").content.decode()
    line = panel.split('<ul class="chore-list">')[1].split("</li>")[0]
    assert "is-done" in line and f'hx-post="{first}?at=2026-11-24T07%3A40"' in line


@pytest.mark.django_db
def test_a_tick_leaves_the_blocks_as_they_were_and_an_edit_shows_at_once(demo_display):
    """The moment moves the blocks' places, a tap changes none of them, and a
    parent's edit of a title is on the next wall drawn."""
    from schedule.models import Block, Chore
    from schedule.wall import ticks

    demo_display.save()
    found = displays.find_display(demo_display.token)
    early = view_model.of_display(found, tokyo(WEEKDAY, "07:10"), polling.load(found, WEEKDAY))
    late = view_model.of_display(found, tokyo(WEEKDAY, "17:05"), polling.load(found, WEEKDAY))
    assert [b.titles for b in late.blocks] == [b.titles for b in early.blocks]
    assert [b.current for b in early.blocks] != [b.current for b in late.blocks]

    ticks.tick_chore(Chore.objects.first(), WEEKDAY, done=True)
    found = displays.find_display(demo_display.token)
    ticked = view_model.of_display(found, tokyo(WEEKDAY, "17:05"), polling.load(found, WEEKDAY))
    assert ticked.blocks == late.blocks

    block = Block.objects.get(pk=late.blocks[0].id)
    block.title_ja = "あたらしい なまえ"
    block.save()
    found = displays.find_display(demo_display.token)
    edited = view_model.of_display(found, tokyo(WEEKDAY, "17:05"), polling.load(found, WEEKDAY))
    assert edited.blocks[0].titles[0].text == "あたらしい なまえ"
