"""あしたの もちもの: each child's bag, with and without rain, from the weekday,
a date and the calendars' events (the demo family: Haru's gym clothes on
Tuesdays and Thursdays, indoor shoes on Fridays, a packed lunch when a
calendar says お弁当; Mio's change of clothes and nap sheet on Mondays)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from schedule.bags.selectors import RAIN, bags_on
from schedule.models import BagItem, BagRules, CalendarEvent, CalendarSubscription, Member
from schedule.weather.selectors import DayWeather

pytestmark = pytest.mark.django_db

TUESDAY = date(2026, 1, 6)
WEDNESDAY = date(2026, 1, 7)


def weather(day: date, chance: int | None) -> DayWeather:
    return DayWeather(day, "rain", "あめ", "Rain", "雨", "Rain", 9, 3, chance)


def things(bags, name: str) -> list[str]:
    bag = next(bag for bag in bags if bag.name_en == name)
    return [thing.title_en for thing in bag.things]


def test_tuesday_s_bags_without_rain(demo_display):
    bags = bags_on(TUESDAY, events=(), weather=weather(TUESDAY, 20))
    assert [bag.name_en for bag in bags] == ["Haru", "Mio"]  # the family's order
    assert things(bags, "Haru") == ["Gym clothes"]
    assert things(bags, "Mio") == []
    gym = bags[0].things[0]
    assert (gym.title_ja, gym.reading, gym.icon, gym.why) == (
        "体操服", "たいそうふく", "gym-clothes", "weekly",
    )  # fmt: skip


@pytest.mark.parametrize(("chance", "umbrella"), [(49, False), (50, True), (90, True)])
def test_rain_gear_goes_in_every_bag_from_the_family_s_level(demo_display, chance, umbrella):
    bags = bags_on(TUESDAY, events=(), weather=weather(TUESDAY, chance))
    for bag in bags:
        assert (bag.things[-1].why == RAIN if bag.things else False) is umbrella
    if umbrella:
        gear = bags[1].things[-1]
        assert (gear.title_ja, gear.title_en, gear.icon) == ("かさ", "Umbrella", "umbrella")


def test_no_forecast_or_no_rule_no_umbrella(demo_display):
    assert things(bags_on(TUESDAY, events=(), weather=None), "Mio") == []
    assert things(bags_on(TUESDAY, events=(), weather=weather(TUESDAY, None)), "Mio") == []
    assert things(bags_on(TUESDAY, events=(), weather=weather(WEDNESDAY, 90)), "Mio") == []
    BagRules.objects.update(rain_from=None)
    assert things(bags_on(TUESDAY, events=(), weather=weather(TUESDAY, 100)), "Mio") == []


def test_a_packed_lunch_on_the_days_a_calendar_says_so(demo_display):
    school = CalendarSubscription.objects.create(name="School", url="https://example.com/s.ics")
    CalendarEvent.objects.create(
        subscription=school, uid="a", title="遠足（お弁当）", start_date=WEDNESDAY,
        end_date=date(2026, 1, 8),
    )  # fmt: skip
    assert things(bags_on(WEDNESDAY), "Haru") == ["Packed lunch"]
    assert things(bags_on(TUESDAY), "Haru") == ["Gym clothes"]


def test_another_child_s_calendar_does_not_fill_this_bag(demo_display):
    mio = Member.objects.get(name_en="Mio")
    daycare = CalendarSubscription.objects.create(
        name="Daycare", url="https://example.com/d.ics", member=mio
    )
    CalendarEvent.objects.create(
        subscription=daycare, uid="b", title="お弁当の日",
        start=datetime(2026, 1, 7, 0, 0, tzinfo=UTC), end=datetime(2026, 1, 7, 1, 0, tzinfo=UTC),
    )  # fmt: skip
    assert "Packed lunch" not in things(bags_on(WEDNESDAY), "Haru")


def test_a_one_off_thing_for_one_date(demo_display):
    haru = Member.objects.get(name_en="Haru")
    BagItem.objects.create(member=haru, title_ja="水筒", title_en="Water bottle", on_date=WEDNESDAY)
    assert things(bags_on(WEDNESDAY, events=()), "Haru") == ["Water bottle"]
    assert things(bags_on(date(2026, 1, 14), events=()), "Haru") == []


def test_a_family_without_bag_items_has_no_bags(db):
    assert bags_on(TUESDAY) == ()


def test_an_item_needs_a_title_and_a_day(demo_display):
    haru = Member.objects.get(name_en="Haru")
    with pytest.raises(ValidationError) as refused:
        BagItem(member=haru, title_ja="ハンカチ").full_clean()
    assert "weekdays" in refused.value.message_dict
    with pytest.raises(ValidationError):
        BagItem(member=haru, weekdays=1).full_clean()
    with pytest.raises(ValidationError):
        BagItem(member=haru, title_ja="x", on_date=date(1900, 1, 1)).full_clean()


def test_bag_rules_are_one_row_and_say_what_they_do(demo_display):
    from django.utils import translation

    rules = BagRules.load()
    with translation.override("ja"):
        assert str(rules) == "雨具：降水確率 50% から"
    BagRules(rain_from=70).save()
    assert BagRules.objects.get().rain_from == 70
    with pytest.raises(ValidationError):
        BagRules(rain_from=101).full_clean()
