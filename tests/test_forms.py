"""The admin's forms: friendly fields <-> stored rules, and the checks across rows."""

import re
from datetime import date

import pytest
from django.utils import translation

from schedule.chores import forms
from schedule.chores.forms import ChoreForm, RepeatForm
from schedule.common.repeat import LAST, Mode, Repeat, Unit
from schedule.models import Chore, Plan
from schedule.plans.forms import PlanForm
from tests.test_repeat import FR, MO, RAW_RULES, ROUND_TRIPS, TH, WE


def form_data(repeat: Repeat, **extra) -> dict:
    data = {
        "repeat_mode": repeat.mode,
        "weekdays": [str(d) for d in repeat.weekdays] if repeat.mode == Mode.WEEKLY else [],
        "week_interval": str(repeat.week_interval),
        "month_weeks": [str(w) for w in repeat.month_weeks],
        "month_weekdays": [str(d) for d in repeat.weekdays] if repeat.mode == Mode.MONTHLY else [],
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
def test_posted_friendly_fields_store_the_rule(rule, repeat):
    extra = {"extra_dates": "2026-12-30"} if repeat.mode == Mode.DATES else {}
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
    if repeat.mode == Mode.WEEKLY:
        assert form.initial["weekdays"] == list(repeat.weekdays)
        assert form.initial["week_interval"] == repeat.week_interval
    if repeat.mode == Mode.MONTHLY:
        assert form.initial["month_weeks"] == list(repeat.month_weeks)
        assert form.initial["month_weekdays"] == list(repeat.weekdays)


# What a parent types: the repeat, extra and exception dates, the holiday policy.
WHOLE_CHORES = [
    (
        "FREQ=MONTHLY;BYDAY=2WE,4WE",  # 第2・第4水曜
        Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(2, 4)),
        {"exception_dates": "2026-12-23", "holiday_policy": "skip"},
    ),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",  # every other Friday
        Repeat(Mode.WEEKLY, weekdays=(FR,), week_interval=2),
        {"extra_dates": "2026-12-29\n2027-01-05", "holiday_policy": "next"},
    ),
    (
        "FREQ=WEEKLY;BYDAY=MO,TH",
        Repeat(Mode.WEEKLY, weekdays=(MO, TH)),
        {"extra_dates": "2026-12-30", "exception_dates": "2026-12-31\n2027-01-01"},
    ),
    ("FREQ=MONTHLY;BYDAY=-1FR", Repeat(Mode.MONTHLY, weekdays=(FR,), month_weeks=(LAST,)), {}),
    (
        "FREQ=MONTHLY;BYDAY=1MO,1TH,3MO,3TH",
        Repeat(Mode.MONTHLY, weekdays=(MO, TH), month_weeks=(1, 3)),
        {"holiday_policy": "next"},
    ),
    ("FREQ=DAILY", Repeat(Mode.INTERVAL, interval=1, unit=Unit.DAYS), {"holiday_policy": "skip"}),
    (
        "FREQ=DAILY;INTERVAL=3",
        Repeat(Mode.INTERVAL, interval=3, unit=Unit.DAYS),
        {"start_date": "2026-11-02", "exception_dates": "2026-11-05"},
    ),
    ("FREQ=WEEKLY;INTERVAL=2", Repeat(Mode.INTERVAL, interval=2, unit=Unit.WEEKS), {}),
    ("", Repeat(Mode.DATES), {"extra_dates": "2026-12-05\n2027-03-06", "holiday_policy": "next"}),
    ("FREQ=MONTHLY;BYMONTHDAY=15", Repeat(Mode.RAW, raw="FREQ=MONTHLY;BYMONTHDAY=15"), {}),
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


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RAW_RULES)
def test_saving_a_raw_rule_unchanged_keeps_it(rule):
    chore = Chore.objects.create(title_ja="特別", rrule=rule, start_date=date(2026, 1, 1))
    unbound = ChoreForm(instance=chore)
    assert unbound.initial["repeat_mode"] == Mode.RAW
    assert unbound.initial["rrule"] == rule
    data = form_data(Repeat(Mode.RAW, raw=rule), title_ja="特別", time_kind="by", icon="")
    form = ChoreForm(data, instance=chore)
    assert form.is_valid(), form.errors
    form.save()
    chore.refresh_from_db()
    assert chore.rrule == rule


@pytest.mark.django_db
def test_switching_a_raw_rule_to_friendly_fields_rewrites_it():
    chore = Chore.objects.create(title_ja="ごみ", rrule="FREQ=MONTHLY;BYMONTHDAY=15")
    data = form_data(
        Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(2, 4)), title_ja="ごみ", time_kind="by"
    )
    form = ChoreForm(data, instance=chore)
    assert form.is_valid(), form.errors
    form.save()
    chore.refresh_from_db()
    assert chore.rrule == "FREQ=MONTHLY;BYDAY=2WE,4WE"


def test_weekly_mode_without_days_is_refused_in_japanese():
    with translation.override("ja"):
        form = RepeatForm(form_data(Repeat(Mode.WEEKLY)))
        assert not form.is_valid()
        assert form.errors["weekdays"] == ["曜日を1つ以上選んでください。"]


def test_monthly_mode_needs_weeks_and_a_weekday():
    form = RepeatForm(form_data(Repeat(Mode.MONTHLY)))
    assert not form.is_valid()
    assert set(form.errors) == {"month_weeks", "month_weekdays"}


def test_dates_only_mode_needs_a_date():
    form = RepeatForm(form_data(Repeat(Mode.DATES)))
    assert not form.is_valid()
    assert "extra_dates" in form.errors


def test_dates_are_read_one_per_line_or_with_commas_and_slashes():
    form = RepeatForm(
        form_data(Repeat(Mode.DATES), extra_dates="2027/01/02\n2026-12-31, 2027-01-02\n")
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["extra_dates"] == ["2026-12-31", "2027-01-02"]
    assert form.cleaned_data["rrule"] == ""


def test_a_word_in_the_dates_is_refused_in_japanese():
    with translation.override("ja"):
        form = RepeatForm(form_data(Repeat(Mode.WEEKLY, weekdays=(MO,)), exception_dates="元旦"))
        assert not form.is_valid()
        assert "「元旦」は日付として読めません" in form.errors["exception_dates"][0]


@pytest.mark.django_db  # the household's closures apply to the preview too
def test_the_form_builds_the_recurrence_the_model_would():
    form = RepeatForm(
        form_data(
            Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(2, 4)), exception_dates="2026-12-09"
        )
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


def test_every_repeat_mode_names_only_fields_of_the_form():
    names = set(RepeatForm.base_fields)
    assert all(set(fields) <= names for fields in forms.MODE_FIELDS.values())
