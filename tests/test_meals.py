"""What is for dinner: today's until dinner is over, then tomorrow's (the demo
family's dinner block is 18:15–19:00; its Tuesday is 焼き魚, Wednesday ハンバーグ)."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError

from schedule.day.loading import day_at
from schedule.meals.selectors import dinner_over, meals_on, menu_at
from schedule.models import Meal
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 1, 6)


def at(clock: str, day: date = TUESDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), TOKYO)


@pytest.mark.parametrize(
    ("clock", "shown"),
    [("06:00", "焼き魚"), ("18:59", "焼き魚"), ("19:00", "ハンバーグ"), ("23:59", "ハンバーグ")],
)
def test_today_s_dinner_until_it_is_over_then_tomorrow_s(demo_display, clock, shown):
    moment = at(clock)
    menu = menu_at(moment, dinner_over(day_at(moment)))
    assert menu.shown.title_ja == shown
    assert (menu.today.title_en, menu.tomorrow.title_en) == ("Grilled fish", "Hamburg steak")
    assert menu.after_dinner is (shown == "ハンバーグ")


def test_after_midnight_it_is_the_new_day_s_dinner(demo_display):
    moment = at("00:30", date(2026, 1, 7))
    assert menu_at(moment, dinner_over(day_at(moment))).shown.title_ja == "ハンバーグ"


def test_without_a_dinner_block_dinner_is_over_at_eight(demo_display):
    assert menu_at(at("19:59")).shown.title_ja == "焼き魚"
    assert menu_at(at("20:00")).shown.title_ja == "ハンバーグ"


def test_a_date_s_own_dinner_wins_over_its_weekday_s(demo_display):
    eve = date(2026, 12, 24)  # a Thursday: うどん every other week
    found = meals_on((eve, date(2026, 12, 17)))
    assert found[eve].title_ja == "ローストチキン" and found[eve].one_off
    assert found[date(2026, 12, 17)].title_ja == "うどん"


def test_an_empty_menu_shows_nothing(db):
    menu = menu_at(at("18:00"))
    assert menu.today is None and menu.shown is None


def test_a_meal_is_weekly_or_on_a_date_never_both_and_once(demo_display):
    with pytest.raises(ValidationError):
        Meal(title_ja="そば", weekday=1, date=TUESDAY).full_clean()
    with pytest.raises(ValidationError):
        Meal(title_ja="そば").full_clean()
    with pytest.raises(ValidationError) as twice:
        Meal(title_ja="そば", weekday=1).full_clean()
    assert "already" in str(twice.value) or "もう" in str(twice.value)
    Meal(title_ja="そば", weekday=1, kind="lunch").full_clean()  # another meal of the day
