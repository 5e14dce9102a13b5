"""The demo family's tonight and tomorrow (issue 29): a week's dinners and a
Christmas Eve one, Tokyo's weather (港区), the rules that close school and
daycare on a storm, the children's bags and the days they count the sleeps to.

Called by demo.load_demo_family(); idempotent like it: rows are found by
their Japanese title (or block and member) and brought back to these values.
No forecast is made up: the worker fetches the real one.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from schedule.bags.models import BagItem, BagRules
from schedule.common.models import weekday_bits
from schedule.countdowns.models import Countdown
from schedule.family.models import Member
from schedule.meals.models import Meal
from schedule.plans.models import Block
from schedule.weather.models import CallOffRule, WeatherPlace

# weekday, ja, reading, en, icon
DINNERS = [
    (0, "カレーライス", "", "Curry rice", "dinner"),
    (1, "焼き魚", "やきざかな", "Grilled fish", "fish"),
    (2, "ハンバーグ", "", "Hamburg steak", "meat"),
    (3, "うどん", "", "Udon", "lunch"),
    (4, "手巻きずし", "てまきずし", "Hand-rolled sushi", "fish"),
    (5, "お好み焼き", "おこのみやき", "Okonomiyaki", "cooking"),
    (6, "お鍋", "おなべ", "Hot pot", "soup"),
]
CHRISTMAS_EVE = ("ローストチキン", "", "Roast chicken", "meat")

# JMA's codes (weather/warning_codes.py, unverified): 05 暴風警報, 33 大雨特別警報,
# 32/35/36 the other emergency warnings.
SCHOOL_OFF = ["05", "33"]
DAYCARE_OFF = ["32", "33", "35", "36"]

# child, ja, reading, en, icon, weekdays, event word
BAG_ITEMS = [
    ("haru", "体操服", "たいそうふく", "Gym clothes", "gym-clothes", (1, 3), ""),
    ("haru", "上履き", "うわばき", "Indoor shoes", "indoor-shoes", (4,), ""),
    ("haru", "お弁当", "おべんとう", "Packed lunch", "packed-lunch", (), "お弁当"),
    ("mio", "着がえ", "きがえ", "Change of clothes", "clothes", (0,), ""),
    ("mio", "お昼寝シーツ", "おひるねしーつ", "Nap sheet", "bed", (0,), ""),
]


def _dinners(today: date) -> None:
    for weekday, ja, reading, en, icon in DINNERS:
        Meal.objects.update_or_create(
            kind=Meal.Kind.DINNER,
            weekday=weekday,
            defaults={"title_ja": ja, "title_reading": reading, "title_en": en, "icon": icon},
        )
    ja, reading, en, icon = CHRISTMAS_EVE
    eve = date(today.year, 12, 24)
    Meal.objects.update_or_create(
        kind=Meal.Kind.DINNER,
        title_ja=ja,
        defaults={"date": eve, "weekday": None, "title_reading": reading, "title_en": en,
                  "icon": icon},
    )  # fmt: skip


def _weather(members: dict[str, Member]) -> None:
    place = WeatherPlace.load() or WeatherPlace()
    place.enabled, place.provider = True, WeatherPlace.Provider.JMA
    place.office, place.area, place.city, place.point = "130000", "130010", "1310300", "44132"
    place.save()
    school = Block.objects.filter(plan__name_ja="平日", title_ja="保育園・学校").first()
    if school is None:
        return
    for key, codes in (("haru", SCHOOL_OFF), ("mio", DAYCARE_OFF)):
        CallOffRule.objects.update_or_create(
            block=school,
            member=members[key],
            defaults={"warnings": codes, "decide_at": time(7, 0), "nudge": True, "enabled": True},
        )


def _bags(members: dict[str, Member]) -> None:
    rules = BagRules.load()
    rules.rain_from = 50
    rules.save()
    for key, ja, reading, en, icon, weekdays, word in BAG_ITEMS:
        BagItem.objects.update_or_create(
            member=members[key],
            title_ja=ja,
            defaults={
                "title_reading": reading,
                "title_en": en,
                "icon": icon,
                "weekdays": weekday_bits(weekdays),
                "on_date": None,
                "event_word": word,
            },
        )


# ja, reading, en, icon, date (None: the trip, 12 days after loading), yearly, whose, shown from
SLEEPS = [
    ("はるの たんじょうび", "", "Haru's birthday", "cake", date(2019, 12, 10), True, "haru", 60),
    ("おしょうがつ", "", "New Year", "celebration", date(2027, 1, 1), True, None, 45),
    ("おばあちゃんの家へ", "おばあちゃんのいえへ", "Trip to Grandma's", "trip",
     None, False, None, 30),
]  # fmt: skip


def _sleeps(members: dict[str, Member], today: date) -> None:
    for ja, reading, en, icon, day, yearly, whose, shown in SLEEPS:
        Countdown.objects.update_or_create(
            title_ja=ja,
            defaults={
                "title_reading": reading,
                "title_en": en,
                "icon": icon,
                "date": day or today + timedelta(days=12),
                "yearly": yearly,
                "member": members[whose] if whose else None,
                "show_days_before": shown,
            },
        )


def tonight_rows(members: dict[str, Member]) -> list:
    """The rows made here that removing the demo removes (data/demo_rows.py):
    the menu, the bags, the sleeps and the rules. The weather's place and the
    bag rules stay, as the star rules do: a family's settings whoever it is."""
    rows: list = list(Meal.objects.filter(title_ja__in=[row[1] for row in DINNERS]))
    rows += Meal.objects.filter(title_ja=CHRISTMAS_EVE[0])
    kids = [members[key] for key in {row[0] for row in BAG_ITEMS}]
    rows += BagItem.objects.filter(member__in=kids, title_ja__in=[row[1] for row in BAG_ITEMS])
    rows += Countdown.objects.filter(title_ja__in=[row[0] for row in SLEEPS])
    rows += CallOffRule.objects.filter(member__in=kids, block__plan__name_ja="平日")
    return rows


def load_tonight(members: dict[str, Member], today: date) -> None:
    _dinners(today)
    _weather(members)
    _bags(members)
    _sleeps(members, today)
