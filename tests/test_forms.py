"""The admin's forms: friendly fields <-> stored rules, and the checks across rows."""

import re
from datetime import date, time

import pytest
from django.utils import translation

from schedule import forms
from schedule.forms import (
    DATES,
    DAYS,
    INTERVAL,
    LAST,
    MONTHLY,
    RAW,
    WEEKLY,
    WEEKS,
    ChoreForm,
    PlanForm,
    Repeat,
    RepeatForm,
    describe_repeat,
    repeat_from_rule,
    rule_from_repeat,
)
from schedule.models import Chore, Plan
from schedule.validation import blocks_overlap

MO, TU, WE, TH, FR, SA, SU = range(7)

# rule as stored, what the friendly fields say about it
ROUND_TRIPS = [
    ("FREQ=WEEKLY;BYDAY=MO,TH", Repeat(WEEKLY, weekdays=(MO, TH))),
    ("FREQ=WEEKLY;BYDAY=TU", Repeat(WEEKLY, weekdays=(TU,))),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", Repeat(WEEKLY, weekdays=(FR,), week_interval=2)),
    ("FREQ=MONTHLY;BYDAY=2WE,4WE", Repeat(MONTHLY, weekdays=(WE,), month_weeks=(2, 4))),
    ("FREQ=MONTHLY;BYDAY=3WE", Repeat(MONTHLY, weekdays=(WE,), month_weeks=(3,))),
    ("FREQ=MONTHLY;BYDAY=-1FR", Repeat(MONTHLY, weekdays=(FR,), month_weeks=(LAST,))),
    (
        "FREQ=MONTHLY;BYDAY=1MO,1TH,3MO,3TH",
        Repeat(MONTHLY, weekdays=(MO, TH), month_weeks=(1, 3)),
    ),
    ("FREQ=DAILY", Repeat(INTERVAL, interval=1, unit=DAYS)),
    ("FREQ=DAILY;INTERVAL=3", Repeat(INTERVAL, interval=3, unit=DAYS)),
    ("FREQ=WEEKLY;INTERVAL=2", Repeat(INTERVAL, interval=2, unit=WEEKS)),
    ("", Repeat(DATES)),
]

# Rules the friendly fields cannot say exactly: kept as typed.
RAW_RULES = [
    "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=1MO,3FR",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=WEEKLY;BYDAY=MO;WKST=SU",
    "FREQ=WEEKLY;INTERVAL=6;BYDAY=SA",
    "FREQ=DAILY;COUNT=10",
]


def form_data(repeat: Repeat, **extra) -> dict:
    data = {
        "repeat_mode": repeat.mode,
        "weekdays": [str(d) for d in repeat.weekdays] if repeat.mode == WEEKLY else [],
        "week_interval": str(repeat.week_interval),
        "month_weeks": [str(w) for w in repeat.month_weeks],
        "month_weekdays": [str(d) for d in repeat.weekdays] if repeat.mode == MONTHLY else [],
        "interval": str(repeat.interval),
        "interval_unit": repeat.unit,
        "rrule": repeat.raw,
        "start_date": "2026-01-01",
        "extra_dates": "",
        "exception_dates": "",
        "holiday_policy": "keep",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_stored_rule_reads_as_the_friendly_fields(rule, repeat):
    assert repeat_from_rule(rule) == repeat


@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_friendly_fields_make_the_same_rule_and_read_back_the_same(rule, repeat):
    assert rule_from_repeat(repeat) == rule
    assert repeat_from_rule(rule_from_repeat(repeat)) == repeat


@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_posted_friendly_fields_store_the_rule(rule, repeat):
    extra = {"extra_dates": "2026-12-30"} if repeat.mode == DATES else {}
    form = RepeatForm(form_data(repeat, **extra))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rrule"] == rule


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_a_saved_chore_opens_with_its_friendly_fields(rule, repeat):
    chore = Chore.objects.create(
        title_ja="ごみ", rrule=rule, extra_dates=[] if rule else ["2026-12-30"]
    )
    form = ChoreForm(instance=chore)
    assert form.initial["repeat_mode"] == repeat.mode
    if repeat.mode == WEEKLY:
        assert form.initial["weekdays"] == list(repeat.weekdays)
        assert form.initial["week_interval"] == repeat.week_interval
    if repeat.mode == MONTHLY:
        assert form.initial["month_weeks"] == list(repeat.month_weeks)
        assert form.initial["month_weekdays"] == list(repeat.weekdays)


# What a parent types: the repeat, extra and exception dates, the holiday policy.
WHOLE_CHORES = [
    (
        "FREQ=MONTHLY;BYDAY=2WE,4WE",  # 第2・第4水曜
        Repeat(MONTHLY, weekdays=(WE,), month_weeks=(2, 4)),
        {"exception_dates": "2026-12-23", "holiday_policy": "skip"},
    ),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",  # every other Friday
        Repeat(WEEKLY, weekdays=(FR,), week_interval=2),
        {"extra_dates": "2026-12-29\n2027-01-05", "holiday_policy": "next"},
    ),
    (
        "FREQ=WEEKLY;BYDAY=MO,TH",
        Repeat(WEEKLY, weekdays=(MO, TH)),
        {"extra_dates": "2026-12-30", "exception_dates": "2026-12-31\n2027-01-01"},
    ),
    ("FREQ=MONTHLY;BYDAY=-1FR", Repeat(MONTHLY, weekdays=(FR,), month_weeks=(LAST,)), {}),
    (
        "FREQ=MONTHLY;BYDAY=1MO,1TH,3MO,3TH",
        Repeat(MONTHLY, weekdays=(MO, TH), month_weeks=(1, 3)),
        {"holiday_policy": "next"},
    ),
    ("FREQ=DAILY", Repeat(INTERVAL, interval=1, unit=DAYS), {"holiday_policy": "skip"}),
    (
        "FREQ=DAILY;INTERVAL=3",
        Repeat(INTERVAL, interval=3, unit=DAYS),
        {"start_date": "2026-11-02", "exception_dates": "2026-11-05"},
    ),
    ("FREQ=WEEKLY;INTERVAL=2", Repeat(INTERVAL, interval=2, unit=WEEKS), {}),
    ("", Repeat(DATES), {"extra_dates": "2026-12-05\n2027-03-06", "holiday_policy": "next"}),
    ("FREQ=MONTHLY;BYMONTHDAY=15", Repeat(RAW, raw="FREQ=MONTHLY;BYMONTHDAY=15"), {}),
]
FRIENDLY = [
    "repeat_mode",
    "weekdays",
    "week_interval",
    "month_weeks",
    "month_weekdays",
    "interval",
    "interval_unit",
    "start_date",
    "extra_dates",
    "exception_dates",
    "holiday_policy",
]


def as_posted(value):
    """A field's value as the browser would send it back."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "repeat", "extra"), WHOLE_CHORES, ids=[rule or "dates" for rule, *_ in WHOLE_CHORES]
)
def test_a_chore_saved_from_the_fields_reopens_with_the_same_fields(rule, repeat, extra):
    posted = form_data(repeat, title_ja="ごみ", time="08:00", time_kind="by", icon="", **extra)
    form = ChoreForm(posted)
    assert form.is_valid(), form.errors
    chore = form.save()
    chore.refresh_from_db()
    assert chore.rrule == rule
    assert chore.holiday_policy == posted["holiday_policy"]
    assert chore.extra_dates == posted["extra_dates"].split()
    assert chore.exception_dates == posted["exception_dates"].split()

    reopened = ChoreForm(instance=chore)
    shown = {name: as_posted(reopened[name].value()) for name in FRIENDLY}
    # Fields of the other repeat modes are hidden, so only the chosen mode's must match.
    hidden = set(forms.REPEAT_FIELDS) - {"repeat_mode", *forms.MODE_FIELDS[repeat.mode]}
    assert {n: shown[n] for n in FRIENDLY if n not in hidden} == {
        n: posted[n] for n in FRIENDLY if n not in hidden
    }
    # Sent back untouched, the reopened page changes nothing.
    resent = {**posted, **shown, "rrule": reopened["rrule"].value()}
    again = ChoreForm(resent, instance=chore)
    assert again.is_valid(), again.errors
    assert again.cleaned_data["rrule"] == rule
    assert not set(again.changed_data) & {"rrule", *FRIENDLY}


def test_the_2nd_and_4th_wednesday_has_its_own_friendly_form():
    assert rule_from_repeat(Repeat(MONTHLY, weekdays=(WE,), month_weeks=(4, 2))) == (
        "FREQ=MONTHLY;BYDAY=2WE,4WE"
    )


def test_equivalent_spellings_read_as_one_rule():
    assert repeat_from_rule("rrule:freq=weekly;byday=th,mo") == Repeat(WEEKLY, weekdays=(MO, TH))
    assert repeat_from_rule("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO") == Repeat(WEEKLY, weekdays=(MO,))


@pytest.mark.parametrize("rule", RAW_RULES)
def test_a_rule_the_fields_cannot_say_falls_back_to_the_raw_field(rule):
    assert repeat_from_rule(rule) == Repeat(RAW, raw=rule)


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RAW_RULES)
def test_saving_a_raw_rule_unchanged_keeps_it(rule):
    chore = Chore.objects.create(title_ja="特別", rrule=rule, start_date=date(2026, 1, 1))
    unbound = ChoreForm(instance=chore)
    assert unbound.initial["repeat_mode"] == RAW
    assert unbound.initial["rrule"] == rule
    data = form_data(Repeat(RAW, raw=rule), title_ja="特別", time_kind="by", icon="")
    form = ChoreForm(data, instance=chore)
    assert form.is_valid(), form.errors
    form.save()
    chore.refresh_from_db()
    assert chore.rrule == rule


@pytest.mark.django_db
def test_switching_a_raw_rule_to_friendly_fields_rewrites_it():
    chore = Chore.objects.create(title_ja="ごみ", rrule="FREQ=MONTHLY;BYMONTHDAY=15")
    data = form_data(
        Repeat(MONTHLY, weekdays=(WE,), month_weeks=(2, 4)), title_ja="ごみ", time_kind="by"
    )
    form = ChoreForm(data, instance=chore)
    assert form.is_valid(), form.errors
    form.save()
    chore.refresh_from_db()
    assert chore.rrule == "FREQ=MONTHLY;BYDAY=2WE,4WE"


def test_weekly_mode_without_days_is_refused_in_japanese():
    with translation.override("ja"):
        form = RepeatForm(form_data(Repeat(WEEKLY)))
        assert not form.is_valid()
        assert form.errors["weekdays"] == ["曜日を1つ以上選んでください。"]


def test_monthly_mode_needs_weeks_and_a_weekday():
    form = RepeatForm(form_data(Repeat(MONTHLY)))
    assert not form.is_valid()
    assert set(form.errors) == {"month_weeks", "month_weekdays"}


def test_dates_only_mode_needs_a_date():
    form = RepeatForm(form_data(Repeat(DATES)))
    assert not form.is_valid()
    assert "extra_dates" in form.errors


def test_dates_are_read_one_per_line_or_with_commas_and_slashes():
    form = RepeatForm(form_data(Repeat(DATES), extra_dates="2027/01/02\n2026-12-31, 2027-01-02\n"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["extra_dates"] == ["2026-12-31", "2027-01-02"]
    assert form.cleaned_data["rrule"] == ""


def test_a_word_in_the_dates_is_refused_in_japanese():
    with translation.override("ja"):
        form = RepeatForm(form_data(Repeat(WEEKLY, weekdays=(MO,)), exception_dates="元旦"))
        assert not form.is_valid()
        assert "「元旦」は日付として読めません" in form.errors["exception_dates"][0]


def test_the_form_builds_the_recurrence_the_model_would():
    form = RepeatForm(
        form_data(Repeat(MONTHLY, weekdays=(WE,), month_weeks=(2, 4)), exception_dates="2026-12-09")
    )
    rule = form.recurrence()
    assert rule is not None
    assert rule.next_occurrences(date(2026, 11, 23), 3) == [
        date(2026, 11, 25),
        date(2026, 12, 23),
        date(2027, 1, 13),
    ]


@pytest.mark.django_db
def test_plan_weekday_checkboxes_store_the_bitmask():
    data = {"name_ja": "平日", "weekdays": ["0", "2", "4"], "priority": "0"}
    form = PlanForm(data)
    assert form.is_valid(), form.errors
    plan = form.save()
    assert plan.weekdays == 0b10101
    assert plan.weekday_list == [0, 2, 4]


@pytest.mark.django_db
def test_plan_form_opens_with_the_stored_weekdays_ticked():
    plan = Plan.objects.create(name_ja="休日", weekdays=Plan.weekdays_from_list([5, 6]))
    html = str(PlanForm(instance=plan)["weekdays"])
    assert re.findall(r'value="(\d)"[^>]*checked', html) == ["5", "6"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ticked", "bitmask"),
    [([0], 0b1), ([6], 0b1000000), ([5, 6], 0b1100000), (list(range(7)), 0b1111111)],
)
def test_weekday_checkboxes_and_the_bitmask_round_trip(ticked, bitmask):
    data = {"name_ja": "予定", "weekdays": [str(d) for d in ticked], "priority": "0"}
    form = PlanForm(data)
    assert form.is_valid(), form.errors
    plan = form.save()
    plan.refresh_from_db()
    assert plan.weekdays == bitmask
    assert PlanForm(instance=plan)["weekdays"].value() == ticked


@pytest.mark.django_db
def test_unchanged_weekdays_do_not_count_as_a_change():
    plan = Plan.objects.create(name_ja="休日", weekdays=Plan.weekdays_from_list([5, 6]))
    data = {"name_ja": "休日", "name_en": "", "weekdays": ["5", "6"], "priority": "0"}
    assert "weekdays" not in PlanForm(data, instance=plan).changed_data


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (("17:30", "18:15"), ("18:00", "19:00"), True),
        (("17:30", "18:15"), ("18:15", "19:00"), False),
        (("21:00", "06:30"), ("06:00", "07:00"), True),  # sleep runs into the morning
        (("21:00", "06:30"), ("06:30", "07:00"), False),
        (("21:00", "06:30"), ("20:30", "21:00"), False),
        (("23:00", "01:00"), ("00:30", "02:00"), True),
    ],
)
def test_blocks_overlap_on_the_24_hour_clock(first, second, overlap):
    times = [time.fromisoformat(t) for t in (*first, *second)]
    assert blocks_overlap(*times) is overlap
    assert blocks_overlap(*times[2:], *times[:2]) is overlap


def test_rules_are_summed_up_for_the_chore_list_in_japanese():
    with translation.override("ja"):
        assert describe_repeat("FREQ=WEEKLY;BYDAY=MO,TH") == "毎週: 月・木"
        assert describe_repeat("FREQ=MONTHLY;BYDAY=2WE,4WE") == "毎月 第2・第4 水曜日"
        assert describe_repeat("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR") == "隔週: 金"
        assert describe_repeat("FREQ=DAILY;INTERVAL=3") == "3日ごと"
    with translation.override("en"):
        assert describe_repeat("FREQ=MONTHLY;BYDAY=2WE,4WE") == "monthly, 2nd, 4th Wed"
        assert describe_repeat("FREQ=YEARLY;BYMONTH=1") == "FREQ=YEARLY;BYMONTH=1"


def test_every_repeat_mode_names_only_fields_of_the_form():
    names = set(RepeatForm.base_fields)
    assert all(set(fields) <= names for fields in forms.MODE_FIELDS.values())
