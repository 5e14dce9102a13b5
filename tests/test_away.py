"""Times away as a parent saves them (family/away.py) and as the walls and the
stars read them: the demo family's week at grandmother's, a custody week every
other week, a repeat that cannot work refused in the parent's words."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from schedule import planner
from schedule.day.loading import load_household
from schedule.models import AwayPeriod, Chore, ChoreDone, Member, StarEntry
from schedule.wall import ticks
from tests.conftest import TOKYO, tokyo

pytestmark = pytest.mark.django_db

# The demo is loaded on Monday 11/23; Mio is at her grandmother's the week after.
AWAY_MONDAY = date(2026, 11, 30)
BACK = date(2026, 12, 7)


def view(day: date, hh_mm: str, only=None) -> planner.DayView:
    return planner.day_view(load_household(day, TOKYO), day, tokyo(day, hh_mm), only)


def school(day_view: planner.DayView) -> set[str]:
    (block,) = [b for b in day_view.blocks if b.title("en") == "Daycare & school"]
    return {m.name_en for m in block.members}


def roomba(day: date) -> list[str]:
    due = [c for c in view(day, "17:00").chores if c.chore.title_en == "Start the Roomba"]
    return [m.name_en for c in due for m in c.assignees]


def test_the_demo_family_has_mio_away_the_week_after(demo_display):
    (away,) = AwayPeriod.objects.all()
    assert (away.member.name_en, away.first_day, away.last_day) == (
        "Mio",
        AWAY_MONDAY,
        BACK - timedelta(days=1),
    )
    assert school(view(AWAY_MONDAY - timedelta(days=3), "10:00")) == {"Haru", "Mio"}
    assert school(view(AWAY_MONDAY + timedelta(days=2), "10:00")) == {"Haru"}
    assert school(view(BACK, "10:00")) == {"Haru", "Mio"}
    away_week = [roomba(AWAY_MONDAY + timedelta(days=n)) for n in range(7)]
    assert away_week == [["Haru"]] * 7
    # Haru took Sunday's turn: Monday is Mio's, and they alternate again.
    assert [roomba(BACK + timedelta(days=n)) for n in range(3)] == [["Mio"], ["Haru"], ["Mio"]]


def test_the_star_for_a_turn_goes_to_who_took_it(demo_display):
    from schedule.routines.models import StarRules

    rules = StarRules.load()
    assert rules.enabled
    chore = Chore.objects.get(title_en="Start the Roomba")
    wednesday = AWAY_MONDAY + timedelta(days=2)
    ticks.tick_chore(chore, wednesday, True)
    assert ChoreDone.objects.filter(chore=chore, date=wednesday).exists()
    earned = StarEntry.objects.filter(chore=chore, date=wednesday)
    assert [(e.member.name_en, e.amount) for e in earned] == [("Haru", 1)]


def test_a_custody_week_every_other_week(demo_display):
    haru = Member.objects.get(name_en="Haru")
    AwayPeriod.objects.all().delete()
    AwayPeriod.objects.create(
        member=haru, first_day=AWAY_MONDAY, last_day=BACK - timedelta(days=1),
        rrule="FREQ=WEEKLY;INTERVAL=2",
    )  # fmt: skip
    for weeks, home in ((0, {"Mio"}), (1, {"Haru", "Mio"}), (2, {"Mio"}), (3, {"Haru", "Mio"})):
        assert school(view(AWAY_MONDAY + timedelta(weeks=weeks, days=1), "10:00")) == home


def test_a_repeat_with_an_end_stops_there(demo_display):
    haru = Member.objects.get(name_en="Haru")
    AwayPeriod.objects.create(
        member=haru, first_day=AWAY_MONDAY, last_day=AWAY_MONDAY + timedelta(days=1),
        rrule="FREQ=WEEKLY", repeat_until=AWAY_MONDAY + timedelta(weeks=1),
    )  # fmt: skip
    assert school(view(AWAY_MONDAY + timedelta(weeks=1), "10:00")) == {"Mio"}  # the last time
    assert school(view(AWAY_MONDAY + timedelta(weeks=2), "10:00")) == {"Haru", "Mio"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"last_day": date(2026, 11, 29)}, "last_day"),  # before the first
        ({"last_day": date(2027, 12, 31)}, "last_day"),  # longer than a year
        ({"rrule": "FREQ=WEEKLY", "last_day": date(2026, 12, 8)}, "last_day"),  # never ends
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"rrule": "nonsense"}, "rrule"),
        ({"repeat_until": date(2026, 11, 1), "rrule": "FREQ=WEEKLY"}, "repeat_until"),
        ({"first_day": date(1026, 11, 30)}, "first_day"),
    ],
)
def test_a_time_away_that_cannot_work_is_refused(demo_display, fields, field):
    away = AwayPeriod(
        member=Member.objects.first(), first_day=AWAY_MONDAY, last_day=BACK - timedelta(days=1)
    )
    for name, value in fields.items():
        setattr(away, name, value)
    with pytest.raises(ValidationError) as refused:
        away.full_clean()
    assert field in refused.value.message_dict


@pytest.fixture
def parent(db):
    return User.objects.create_superuser("parent", "parent@example.com", "a-long-password")


def test_the_admin_saves_every_other_week_as_the_chores_rule(client, parent, demo_display):
    client.force_login(parent)
    haru = Member.objects.get(name_en="Haru")
    url = reverse("admin:schedule_awayperiod_add")
    page = client.get(url, headers={"accept-language": "ja"}).content.decode()
    assert 'name="every"' in page
    response = client.post(
        url,
        {"member": haru.pk, "first_day": "2027-01-04", "last_day": "2027-01-10", "every": "2",
         "repeat_until": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    made = AwayPeriod.objects.get(member=haru)
    assert made.rrule == "FREQ=WEEKLY;INTERVAL=2" and made.days == 7
    change = client.get(reverse("admin:schedule_awayperiod_change", args=[made.pk]))
    assert '<option value="2" selected>' in change.content.decode()
    listed = client.get(reverse("admin:schedule_awayperiod_changelist")).content.decode()
    assert "2" in listed


def test_a_rule_typed_another_way_is_kept_as_it_is(client, parent, demo_display):
    client.force_login(parent)
    away = AwayPeriod.objects.get()
    away.rrule = "FREQ=MONTHLY;BYDAY=1MO"
    away.save()
    url = reverse("admin:schedule_awayperiod_change", args=[away.pk])
    html = client.get(url).content.decode()
    assert '<option value="rule" selected>FREQ=MONTHLY;BYDAY=1MO</option>' in html
    client.post(
        url,
        {"member": away.member_id, "first_day": str(away.first_day), "last_day": str(away.last_day),
         "every": "rule", "repeat_until": "", "loaded_version": away.version},
    )  # fmt: skip
    away.refresh_from_db()
    assert away.rrule == "FREQ=MONTHLY;BYDAY=1MO"


def test_a_bad_row_saved_around_validation_leaves_the_member_on_the_wall(demo_display, caplog):
    AwayPeriod.objects.update(rrule="FREQ=SECONDLY")
    assert school(view(AWAY_MONDAY + timedelta(days=1), "10:00")) == {"Haru", "Mio"}
    assert "is left out" in caplog.text
