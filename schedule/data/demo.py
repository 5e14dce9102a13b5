"""The demo family: a Tokyo household of four, their weekday and day-off plans,
a ward-style garbage calendar with its New Year closure (12/31–1/4: a week
later), a rotating chore, a note and a living-room wall; the children's morning
and bedtime routines, their stars and two rewards; Mio's week at her
grandmother's (the week after), grandmother's caregiver link for the weekend,
and "dinner is ready!" on the walls at dinner time; and tonight and tomorrow
(demo_tonight.py): dinners, Tokyo's weather and its storm rules, the
children's bags and the sleeps until a birthday and a trip.

`load_demo_family()` is idempotent: rows are found by their Japanese title and
brought back to the values below, so running it twice leaves the same data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models, transaction

from schedule.announcements.models import Announcement
from schedule.bags.models import BagItem
from schedule.caregivers.models import CaregiverLink
from schedule.chores.garbage.models import Closure
from schedule.chores.models import Chore, ChoreAssignee
from schedule.common import household
from schedule.common.models import counted_once
from schedule.countdowns.models import Countdown
from schedule.data import demo_rows
from schedule.data.demo_tonight import load_tonight, tonight_rows
from schedule.data.models import DemoRow
from schedule.family.away import AwayPeriod
from schedule.family.models import Display, Member
from schedule.meals.models import Meal
from schedule.plans.models import Block, Note, Plan
from schedule.routines.models import Reward, Routine, RoutineAssignment, RoutineStep, StarRules
from schedule.weather.models import CallOffRule

MEMBERS = [
    # key, ja, en, colour, icon
    ("papa", "パパ", "Dad", "#2f6fb3", "person"),
    ("mama", "ママ", "Mom", "#c2457a", "person"),
    ("haru", "はる", "Haru", "#e08a1e", "child"),
    ("mio", "みお", "Mio", "#3c9a5f", "child"),
]
PARENTS = ("papa", "mama")
KIDS = ("haru", "mio")

# start, end, ja, en, icon, members (empty: everyone)
WEEKDAY_BLOCKS = [
    ("06:30", "07:00", "おはよう・着がえ", "Wake up & dress", "sun", ()),
    ("07:00", "07:45", "朝ごはん", "Breakfast", "breakfast", ()),
    ("07:45", "08:30", "おでかけの準備", "Get ready to go", "backpack", ()),
    ("08:30", "12:00", "お仕事", "Work", "briefcase", PARENTS),
    ("12:00", "13:00", "お昼休み", "Lunch break", "lunch", PARENTS),
    ("13:00", "17:00", "お仕事", "Work", "briefcase", PARENTS),
    ("08:30", "16:30", "保育園・学校", "Daycare & school", "school", KIDS),
    ("16:30", "17:00", "おやつ・あそび", "Snack & play", "play", KIDS),
    ("17:00", "17:20", "お片付け", "Clean-up", "tidy", ()),
    ("17:20", "17:30", "ルンバ", "Roomba", "robot-vacuum", ()),
    ("17:30", "18:15", "お風呂", "Bath", "bath", ()),
    ("18:15", "19:00", "夜ごはん", "Dinner", "dinner", ()),
    ("19:00", "20:30", "家族の時間", "Family time", "family", ()),
    ("20:30", "21:00", "寝る準備", "Get ready for bed", "toothbrush", ()),
    ("21:00", "06:30", "おやすみ", "Sleep", "moon", ()),
]
DAY_OFF_BLOCKS = [
    ("07:00", "07:30", "おはよう・着がえ", "Wake up & dress", "sun", ()),
    ("07:30", "08:30", "朝ごはん", "Breakfast", "breakfast", ()),
    ("08:30", "12:00", "おでかけ・公園", "Outing & park", "park", ()),
    ("12:00", "13:00", "昼ごはん", "Lunch", "lunch", ()),
    ("13:00", "15:00", "お昼寝", "Nap", "bed", KIDS),
    ("13:00", "15:00", "家事", "Housework", "laundry", PARENTS),
    ("15:00", "17:00", "家族であそぶ", "Play together", "play", ()),
    ("17:00", "17:20", "お片付け", "Clean-up", "tidy", ()),
    ("17:20", "17:30", "ルンバ", "Roomba", "robot-vacuum", ()),
    ("17:30", "18:15", "お風呂", "Bath", "bath", ()),
    ("18:15", "19:00", "夜ごはん", "Dinner", "dinner", ()),
    ("19:00", "20:30", "家族の時間", "Family time", "family", ()),
    ("20:30", "21:00", "寝る準備", "Get ready for bed", "toothbrush", ()),
    ("21:00", "07:00", "おやすみ", "Sleep", "moon", ()),
]
# How the kanji titles read, for a wall that shows furigana (written out here:
# the admin proposes readings with a dictionary, which the demo need not load).
READINGS = {
    "おはよう・着がえ": "おはよう・きがえ",
    "朝ごはん": "あさごはん",
    "おでかけの準備": "おでかけのじゅんび",
    "お仕事": "おしごと",
    "お昼休み": "おひるやすみ",
    "保育園・学校": "ほいくえん・がっこう",
    "お片付け": "おかたづけ",
    "お風呂": "おふろ",
    "夜ごはん": "よるごはん",
    "家族の時間": "かぞくのじかん",
    "寝る準備": "ねるじゅんび",
    "おでかけ・公園": "おでかけ・こうえん",
    "昼ごはん": "ひるごはん",
    "お昼寝": "おひるね",
    "家事": "かじ",
    "家族であそぶ": "かぞくであそぶ",
    "燃やすごみ": "もやすごみ",
    "燃やさないごみ": "もやさないごみ",
    "植物に水やり": "しょくぶつにみずやり",
}
RULE_START = date(2026, 1, 1)
# What a reset clears of tonight and tomorrow (the weather's place stays: it
# is brought back to Tokyo's anyway).
TONIGHT = (Meal, BagItem, Countdown, CallOffRule)
# The garbage chores, which follow the city's closures (the others do not).
GARBAGE_ICONS = ("trash", "trash-burnable", "recycle", "bottle", "paper")
# Collected on these holidays although the chore is skipped on the others.
HOLIDAYS_COLLECTED = {"カン・ビン・ペットボトル": ["海の日", "山の日"]}
NEW_YEAR = {
    "name_en": "New Year holidays",
    "start_date": date(2026, 12, 31),
    "end_date": date(2027, 1, 4),
    "yearly": True,
    "action": Closure.Action.SHIFT,
    "shift_days": 7,
    "move_to": None,
}
# ja, en, icon, time, rule, holiday policy, assignees, rotate
CHORES = [
    (
        "燃やすごみ",
        "Burnable trash",
        "trash-burnable",
        "08:00",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        "keep",
        ("papa",),
        False,
    ),
    (
        "プラスチック",
        "Plastics",
        "recycle",
        "08:00",
        "FREQ=WEEKLY;BYDAY=TU",
        "keep",
        ("mama",),
        False,
    ),
    (
        "カン・ビン・ペットボトル",
        "Cans, bottles & PET",
        "bottle",
        "08:00",
        "FREQ=MONTHLY;BYDAY=2FR,4FR",
        "skip",
        ("papa",),
        False,
    ),
    (
        "燃やさないごみ",
        "Non-burnable trash",
        "trash",
        "08:00",
        "FREQ=MONTHLY;BYDAY=3WE",
        "next",
        ("mama",),
        False,
    ),
    (
        "古紙・古布",
        "Paper & cloth",
        "paper",
        "08:00",
        "FREQ=MONTHLY;BYDAY=1FR,3FR",
        "keep",
        ("papa",),
        False,
    ),
    (
        "ルンバのスイッチ",
        "Start the Roomba",
        "robot-vacuum",
        "17:20",
        "FREQ=DAILY",
        "keep",
        KIDS,
        True,
    ),
    (
        "植物に水やり",
        "Water the plants",
        "plant",
        "07:30",
        "FREQ=DAILY;INTERVAL=3",
        "keep",
        ("haru", "mio"),
        False,
    ),
]


# Routines: ja, en, reading, icon, steps (ja, en, reading, icon, minutes).
# Each child has their own weekday morning (the last step is their own bag);
# the day-off morning and the bedtime routine are shared by both, and the
# bedtime routine by both plans.
TOILET = ("トイレ", "Toilet", "", "toilet", 3)
WASH_FACE = ("顔をあらう", "Wash face", "かおをあらう", "wash-face", 3)
GET_DRESSED = ("着がえ", "Get dressed", "きがえ", "clothes", 7)
BRUSH_TEETH = ("歯みがき", "Brush teeth", "はみがき", "toothbrush", 3)
ROUTINES = {
    "haru-morning": (
        "あさのしたく（はる）", "Morning (Haru)", "", "backpack",
        [TOILET, WASH_FACE, GET_DRESSED, BRUSH_TEETH,
         ("ランドセル", "School bag", "", "backpack", 4)],
    ),
    "mio-morning": (
        "あさのしたく（みお）", "Morning (Mio)", "", "backpack",
        [TOILET, WASH_FACE, GET_DRESSED, BRUSH_TEETH,
         ("えんのバッグ", "Daycare bag", "", "backpack", 4)],
    ),
    "day-off-morning": (
        "やすみのあさ", "Day-off morning", "", "sun",
        [TOILET, WASH_FACE, GET_DRESSED],
    ),
    "bedtime": (
        "ねるまえ", "Before bed", "", "moon",
        [("パジャマ", "Pajamas", "", "clothes", 5), BRUSH_TEETH, TOILET,
         ("えほん", "Picture book", "", "book", 10)],
    ),
}  # fmt: skip
# plan (ja), block title (ja), child, routine
ROUTINE_USES = [
    ("平日", "おでかけの準備", "haru", "haru-morning"),
    ("平日", "おでかけの準備", "mio", "mio-morning"),
    ("休日", "おはよう・着がえ", "haru", "day-off-morning"),
    ("休日", "おはよう・着がえ", "mio", "day-off-morning"),
    *((plan, "寝る準備", kid, "bedtime") for plan in ("平日", "休日") for kid in KIDS),
]
# ja, en, reading, icon, price in stars
REWARDS = [
    ("すきなおやつ", "A treat you choose", "", "snack", 5),
    ("こうえんで ながく あそぶ", "Longer at the park", "", "park", 12),
]


def _routines(members: dict[str, Member]) -> None:
    routines = {}
    for key, (ja, en, reading, icon, steps) in ROUTINES.items():
        routine, _ = Routine.objects.update_or_create(
            title_ja=ja,
            defaults={"title_en": en, "title_reading": reading, "icon": icon, "stars": None},
        )
        for order, (step_ja, step_en, step_reading, step_icon, minutes) in enumerate(steps, 1):
            RoutineStep.objects.update_or_create(
                routine=routine,
                order=order,
                defaults={
                    "title_ja": step_ja,
                    "title_en": step_en,
                    "title_reading": step_reading,
                    "icon": step_icon,
                    "minutes": minutes,
                },
            )
        routine.steps.filter(order__gt=len(steps)).delete()
        routines[key] = routine
    for plan, block, kid, key in ROUTINE_USES:
        RoutineAssignment.objects.update_or_create(
            block=Block.objects.get(plan__name_ja=plan, title_ja=block),
            member=members[kid],
            defaults={"routine": routines[key]},
        )


def _stars(members: dict[str, Member]) -> None:
    rules = StarRules.load()
    rules.enabled, rules.per_routine, rules.per_chore = True, 1, 1
    rules.save()
    for key, member in members.items():
        if member.collects_stars != (key in KIDS):
            member.collects_stars = key in KIDS
            member.save(update_fields=["collects_stars"])
    for ja, en, reading, icon, price in REWARDS:
        Reward.objects.update_or_create(
            title_ja=ja,
            defaults={"title_en": en, "title_reading": reading, "icon": icon, "price": price},
        )


def _members() -> dict[str, Member]:
    found = {}
    for order, (key, ja, en, colour, icon) in enumerate(MEMBERS):
        member, _ = Member.objects.update_or_create(
            name_ja=ja, defaults={"name_en": en, "colour": colour, "icon": icon, "order": order}
        )
        found[key] = member
    return found


def _plan(ja, en, weekdays, on_holidays, priority, blocks, members) -> Plan:
    plan, _ = Plan.objects.update_or_create(
        name_ja=ja,
        defaults={
            "name_en": en,
            "weekdays": Plan.weekdays_from_list(weekdays),
            "on_holidays": on_holidays,
            "priority": priority,
            "valid_from": None,
            "valid_until": None,
        },
    )
    kept = []
    for start, end, title_ja, title_en, icon, who in blocks:
        block, _ = Block.objects.update_or_create(
            plan=plan,
            start=time.fromisoformat(start),
            title_ja=title_ja,
            defaults={
                "end": time.fromisoformat(end),
                "title_en": title_en,
                "title_reading": READINGS.get(title_ja, ""),
                "icon": icon,
            },
        )
        block.members.set([members[key] for key in who])
        kept.append(block.pk)
    plan.blocks.exclude(pk__in=kept).delete()
    return plan


@transaction.atomic
@counted_once()  # some hundred rows: the walls redraw once
def load_demo_family(today: date, reset: bool = False) -> Display:
    if reset:
        cleared: list[type[models.Model]] = [Display, Note, Chore, Closure, Plan, Member]
        cleared += [Routine, Reward, DemoRow, Announcement, CaregiverLink, *TONIGHT]
        for model in cleared:
            model._default_manager.all().delete()
    members = _members()
    _plan("平日", "Weekday", [0, 1, 2, 3, 4], False, 0, WEEKDAY_BLOCKS, members)
    _plan("休日", "Day off", [5, 6], True, 10, DAY_OFF_BLOCKS, members)
    _routines(members)
    _stars(members)
    Closure.objects.update_or_create(name_ja="年末年始", defaults=NEW_YEAR)
    for ja, en, icon, at, rule, policy, who, rotate in CHORES:
        garbage = icon in GARBAGE_ICONS
        chore, _ = Chore.objects.update_or_create(
            title_ja=ja,
            defaults={
                "title_en": en,
                "title_reading": READINGS.get(ja, ""),
                "icon": icon,
                "time": time.fromisoformat(at),
                "time_kind": Chore.TimeKind.BY if garbage else Chore.TimeKind.AT,
                "rrule": rule,
                "start_date": RULE_START,
                "extra_dates": [],
                "exception_dates": [],
                "holiday_policy": policy,
                "holiday_exceptions": HOLIDAYS_COLLECTED.get(ja, []),
                "is_garbage": garbage,
                "rotate": rotate,
            },
        )
        for order, key in enumerate(who):
            ChoreAssignee.objects.update_or_create(
                chore=chore, member=members[key], defaults={"order": order}
            )
        ChoreAssignee.objects.filter(chore=chore).exclude(
            member__in=[members[key] for key in who]
        ).delete()
    # The note covers the week of the day the demo was loaded, so it shows at once.
    monday = today - timedelta(days=today.weekday())
    Note.objects.update_or_create(
        text_ja="土曜日におばあちゃんが来るよ",
        defaults={
            "text_en": "Grandma visits on Saturday",
            "icon": "heart",
            "start_date": monday,
            "end_date": monday + timedelta(days=5),
        },
    )
    load_tonight(members, today)
    display, _ = Display.objects.get_or_create(
        name="リビング / Living room", defaults={"language": Display.Language.BOTH}
    )
    around = _around_the_wall(members, today)
    _mark_as_demo(members, display, around)
    return display


GRANDMA_NOTES = (
    "パパ 090-0000-0001 / ママ 090-0000-0002\n"
    "みお: たまごアレルギー\n"
    "かかりつけ: ひび小児科 03-0000-0003"
)


def _around_the_wall(members: dict[str, Member], today: date) -> list:
    """Mio's week at her grandmother's (the week after the demo's: the wall leaves
    her off and Haru takes every Roomba turn), grandmother's link for the
    weekend she visits, and "dinner is ready!" at the demo day's dinner.
    Found again by their demo marks, so a family's own rows are never taken."""
    monday = today - timedelta(days=today.weekday())
    tz = household.zone()
    away = _marked(AwayPeriod) or AwayPeriod()
    away.member = members["mio"]
    away.first_day = monday + timedelta(days=7)
    away.last_day = away.first_day + timedelta(days=6)
    away.rrule, away.repeat_until = "", None
    away.save()
    link = _marked(CaregiverLink) or CaregiverLink(name="おばあちゃん")
    saturday = monday + timedelta(days=5)
    link.starts_at = datetime.combine(saturday, time(9, 0), tz)
    link.ends_at = datetime.combine(saturday + timedelta(days=1), time(18, 0), tz)
    link.language, link.notes, link.revoked_at = "ja", GRANDMA_NOTES, None
    link.save()
    link.members.set([members[key] for key in KIDS])
    said = _marked(Announcement) or Announcement()
    said.text_ja, said.text_en, said.icon, said.chime = (
        "ごはん できたよ!",
        "Dinner is ready!",
        "dinner",
        True,
    )
    said.starts_at = datetime.combine(today, time(18, 15), tz)
    said.ends_at = said.starts_at + timedelta(minutes=10)
    said.save()
    return [away, link, said]


def _marked[T: (AwayPeriod, CaregiverLink, Announcement)](model: type[T]) -> T | None:
    """The row of `model` an earlier load of the demo made, if it is still there."""
    ids = DemoRow.objects.filter(model=model._meta.label_lower).values_list("row_id", flat=True)
    return model.objects.filter(pk__in=list(ids)).order_by("pk").first()


def _mark_as_demo(members: dict[str, Member], display: Display, around: list) -> None:
    """Write down every row made here, so that "remove the demo family" finds
    them and nothing else (data/demo_rows.py). The closure is not among them:
    a family keeps its New Year whoever it is."""
    plans = list(Plan.objects.filter(name_ja__in=["平日", "休日"]))
    chores = list(Chore.objects.filter(title_ja__in=[row[0] for row in CHORES]))
    routines = list(Routine.objects.filter(title_ja__in=[row[0] for row in ROUTINES.values()]))
    rows: list = [*members.values(), display, *plans, *chores, *routines, *around]
    rows += Block.objects.filter(plan__in=plans)
    rows += ChoreAssignee.objects.filter(chore__in=chores)
    rows += RoutineStep.objects.filter(routine__in=routines)
    rows += RoutineAssignment.objects.filter(routine__in=routines)
    rows += Reward.objects.filter(title_ja__in=[row[0] for row in REWARDS])
    rows += Note.objects.filter(text_ja="土曜日におばあちゃんが来るよ")
    rows += tonight_rows(members)
    demo_rows.mark(rows)
