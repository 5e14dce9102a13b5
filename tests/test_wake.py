"""OK-to-wake (issue 30, the server's part): the night screen's wake-up follows the
day's first block (weekday 06:30, day off 07:00 in the demo) or a member's own
time; a sleeping picture before it, an awake one from it, and the wall's poll
version changes at that minute."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from schedule import planner
from schedule.day.loading import load_household
from schedule.models import AwayPeriod, Display, Member
from schedule.wall import display as displays
from schedule.wall import polling
from tests.conftest import TOKYO, block, household, tokyo

TUESDAY = date(2026, 11, 24)
SATURDAY = date(2026, 11, 28)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kids_room(demo_display) -> Display:
    """The demo's wall with OK-to-wake pictures on."""
    demo_display.ok_to_wake = True
    demo_display.save()
    return demo_display


def panel(client, display: Display, day: date, hh_mm: str) -> str:
    url = reverse("wall-panel", args=[display.token]) + f"?at={day:%Y-%m-%d}T{hh_mm}"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def panel_classes(html: str) -> set[str]:
    start = html.index('class="panel')
    return set(html[start + 7 : html.index('"', start + 7)].split())


def test_the_wake_up_is_the_first_block_of_the_days_plan(demo_display):
    family = load_household(TUESDAY, TOKYO)
    assert planner.wake_up(family, TUESDAY) == tokyo(TUESDAY, "06:30")
    assert planner.wake_up(family, SATURDAY) == tokyo(SATURDAY, "07:00")


def test_a_members_own_time_and_the_latest_of_a_walls_members_count(demo_display):
    mio = Member.objects.get(name_en="Mio")
    mio.wake_at = time(7, 30)
    mio.save()
    family = load_household(SATURDAY, TOKYO)
    assert planner.wake_up(family, SATURDAY, frozenset({mio.pk})) == tokyo(SATURDAY, "07:30")
    haru = Member.objects.get(name_en="Haru").pk
    assert planner.wake_up(family, SATURDAY, frozenset({haru})) == tokyo(SATURDAY, "07:00")
    # A wall of the whole family wakes when its last child may: never too early for her.
    assert planner.wake_up(family, SATURDAY) == tokyo(SATURDAY, "07:30")


def test_a_member_away_does_not_hold_the_familys_wake_up(demo_display):
    mio = Member.objects.get(name_en="Mio")
    mio.wake_at = time(8, 0)
    mio.save()
    AwayPeriod.objects.create(member=mio, first_day=SATURDAY, last_day=SATURDAY)
    family = load_household(SATURDAY, TOKYO)
    assert planner.wake_up(family, SATURDAY) == tokyo(SATURDAY, "07:00")


def test_a_plan_that_starts_at_730_wakes_at_730():
    day_off = planner.PlanData(
        1, "休日", weekdays=frozenset({5, 6}), blocks=(block(1, "07:30", "08:00", "おはよう"),)
    )
    family = household(plans=[day_off], members=(planner.MemberData(5, "はな", "Hana"),))
    assert planner.wake_up(family, SATURDAY) == tokyo(SATURDAY, "07:30")
    assert planner.wake_up(family, TUESDAY) is None  # no plan, no time: no wake-up


@pytest.mark.parametrize(
    ("day", "before", "at"),
    [(TUESDAY, "06:29", "06:30"), (SATURDAY, "06:59", "07:00")],
    ids=["weekday", "weekend"],
)
def test_the_sleeping_picture_until_the_wake_up_and_the_awake_one_from_it(
    client, kids_room, day, before, at
):
    sleeping = panel(client, kids_room, day, before)
    assert {"is-night", "ok-to-wake"} <= panel_classes(sleeping)
    assert "is-awake" not in panel_classes(sleeping)
    assert "night-sleeping" in sleeping and 'xlink:href="#i-moon"' in sleeping
    assert (
        '<span lang="ja">まだ ねる じかん</span><span lang="en">Still sleeping time</span>'
        in sleeping
    )
    awake = panel(client, kids_room, day, at)
    assert {"is-night", "ok-to-wake", "is-awake"} <= panel_classes(awake)
    assert 'xlink:href="#i-sun"' in awake and "おきて いいよ！" in awake
    # The countdown's target is the wake-up itself.
    wake = planner.at(day, time.fromisoformat(at), TOKYO)
    assert f'data-wake="{int(wake.timestamp() * 1000)}"' in awake


def test_the_night_holds_until_half_an_hour_after_the_wake_up(client, kids_room):
    assert "is-night" in panel_classes(panel(client, kids_room, TUESDAY, "06:59"))
    assert "is-night" not in panel_classes(panel(client, kids_room, TUESDAY, "07:00"))
    kids_room.ok_to_wake = False
    kids_room.save()
    # Without OK-to-wake the night ends at the wall's own hour, as it always did.
    plain = panel(client, kids_room, TUESDAY, "06:10")
    assert "is-night" not in panel_classes(plain) and "night-sleeping" not in plain


@pytest.mark.parametrize(("day", "before", "at"), [(TUESDAY, "06:29", "06:30"),
                                                   (SATURDAY, "06:59", "07:00")])  # fmt: skip
def test_the_polls_version_changes_at_the_wake_up(kids_room, day, before, at):
    found = displays.find_display(kids_room.token)
    first = polling.version(found, planner.at(day, time.fromisoformat(before), TOKYO))
    second = polling.version(found, planner.at(day, time.fromisoformat(at), TOKYO))
    assert first != second
    a_minute_on = planner.at(day, time.fromisoformat(at), TOKYO) + timedelta(seconds=59)
    assert polling.version(found, a_minute_on) == second
