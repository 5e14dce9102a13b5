"""Model validation messages and the database's absolute rules."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from schedule.models import (
    Block,
    Chore,
    ChoreDone,
    Display,
    Member,
    Note,
    Plan,
    Revision,
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
    StepDone,
    Totals,
)
from schedule.routines import stars
from schedule.wall import ticks

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return Plan.objects.create(name_ja="平日", name_en="Weekday", weekdays=0b11111)


def errors_of(instance) -> dict:
    """The validation messages, in English (the Japanese ones are tested with the admin)."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        instance.full_clean()
    with translation.override("en"):
        return caught.value.message_dict


def test_block_with_end_equal_to_start_is_refused(plan):
    errors = errors_of(Block(plan=plan, start=time(17), end=time(17), title_en="Bath"))
    assert "some length" in errors["end"][0]


def test_block_without_any_title_is_refused(plan):
    errors = errors_of(Block(plan=plan, start=time(17), end=time(18)))
    assert "title" in errors["title_ja"][0]


def test_block_may_cross_midnight(plan):
    sleep = Block(plan=plan, start=time(21), end=time(6, 30), title_ja="おやすみ")
    sleep.full_clean()
    assert sleep.crosses_midnight
    assert sleep.duration().total_seconds() == 9.5 * 3600


def test_database_refuses_a_zero_length_block(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(plan=plan, start=time(9), end=time(9), title_en="x")


def test_database_refuses_a_block_without_a_title(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Block.objects.create(plan=plan, start=time(9), end=time(10))


def test_title_falls_back_to_the_other_language(plan):
    only_ja = Block(plan=plan, start=time(9), end=time(10), title_ja="お風呂")
    both = Block(plan=plan, start=time(9), end=time(10), title_ja="お風呂", title_en="Bath")
    with translation.override("en"):
        assert only_ja.title == "お風呂"
        assert both.title == "Bath"
    with translation.override("ja"):
        assert both.title == "お風呂"


def test_chore_with_a_rule_that_parses_to_nothing_is_refused():
    chore = Chore(title_en="Leap", rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert "never happens" in errors_of(chore)["rrule"][0]


def test_chore_with_an_unreadable_rule_is_refused():
    chore = Chore(title_en="Trash", rrule="FREQ=WEEKLY;BYDAY=XX")
    assert "does not work" in errors_of(chore)["rrule"][0]


def test_chore_with_bad_extra_dates_is_refused():
    chore = Chore(title_en="Trash", rrule="FREQ=DAILY", extra_dates=["tomorrow"])
    assert "YYYY-MM-DD" in errors_of(chore)["extra_dates"][0]


def test_rotation_with_no_assignees_is_refused():
    # A rule across rows (the chore and its assignees): see test_validation.py
    # and the import and admin tests that apply it.
    from schedule.common.validation import turns_have_people

    assert not turns_have_people(rotate=True, assignees=0)
    assert turns_have_people(rotate=True, assignees=1)
    assert turns_have_people(rotate=False, assignees=0)


def test_an_icon_that_is_not_bundled_is_refused():
    member = Member(name_en="Haru", icon="../../etc/passwd")
    assert "icon" in errors_of(member)
    assert "icon" in errors_of(Block(title_en="Nap", start=time(13), end=time(14), icon="nope"))


def test_a_display_token_must_be_url_safe_and_long():
    for token in ("a/b/c/d/e/f/g/h/i", "short", "x" * 65, "tab\there-and-there-0"):
        assert "token" in errors_of(Display(name="Wall", token=token))
    Display(name="Wall", token="kept-across-upgrades").full_clean()


def test_chore_without_any_title_is_refused():
    assert "title" in errors_of(Chore(rrule="FREQ=DAILY"))["title_ja"][0]


def test_chore_done_is_unique_per_chore_and_date():
    chore = Chore.objects.create(title_en="Trash", rrule="FREQ=DAILY")
    ChoreDone.objects.create(chore=chore, date=date(2026, 11, 23))
    with pytest.raises(IntegrityError), transaction.atomic():
        ChoreDone.objects.create(chore=chore, date=date(2026, 11, 23))
    ChoreDone.objects.create(chore=chore, date=date(2026, 11, 24))
    assert ChoreDone.objects.count() == 2


def test_member_without_a_name_is_refused():
    assert "name" in errors_of(Member(colour="#112233"))["name_ja"][0]


def test_member_colour_must_be_hex():
    assert "colour" in errors_of(Member(name_en="Dad", colour="blue"))["colour"][0]


def test_plan_range_in_the_wrong_order_is_refused():
    plan = Plan(name_en="Summer", valid_from=date(2026, 8, 31), valid_until=date(2026, 7, 1))
    assert "before" in errors_of(plan)["valid_until"][0]


def test_note_range_in_the_wrong_order_is_refused():
    note = Note(text_en="Grandma", start_date=date(2026, 11, 25), end_date=date(2026, 11, 24))
    assert "before" in errors_of(note)["end_date"][0]


def test_note_without_text_is_refused():
    note = Note(start_date=date(2026, 11, 24), end_date=date(2026, 11, 24))
    assert "Write the note" in errors_of(note)["text_ja"][0]


def test_display_needs_both_night_hours_or_neither():
    display = Display(name="Kitchen", night_start=time(22), night_end=None)
    assert "both night hours" in errors_of(display)["night_end"][0]


def test_display_token_is_secret_and_regenerates():
    display = Display.objects.create(name="Kitchen")
    old = display.token
    assert len(old) >= 32
    display.regenerate_token()
    display.refresh_from_db()
    assert display.token != old


def test_display_state():
    from datetime import timedelta

    from django.utils import timezone

    display = Display(name="Kitchen")
    assert display.state() == "never"
    display.last_seen_at = timezone.now() - timedelta(minutes=2)
    assert display.state() == "online"
    display.last_seen_at = timezone.now() - timedelta(hours=2)
    assert display.state() == "stale"


def test_every_change_bumps_the_revision(plan):
    before = Revision.current()
    block = Block.objects.create(plan=plan, start=time(9), end=time(10), title_en="x")
    after_create = Revision.current()
    block.members.add(Member.objects.create(name_en="Dad"))
    after_m2m = Revision.current()
    block.delete()
    assert before < after_create < after_m2m < Revision.current()


def test_a_tick_bumps_the_revision_but_not_the_plans(plan):
    chore = Chore.objects.create(title_ja="ごみ", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))
    plans = Revision.objects.get(pk=1).plans
    before = Revision.current()
    ticks.tick_chore(chore, date(2026, 11, 24), done=True)
    ticks.tick_chore(chore, date(2026, 11, 24), done=False)
    assert Revision.current() == before + 2
    assert Revision.objects.get(pk=1).plans == plans
    chore.title_en = "Trash"
    chore.save()  # a parent's edit
    assert Revision.objects.get(pk=1).plans == plans + 1


@pytest.mark.parametrize("year", [1026, 1, 9998, 9999])
def test_a_chore_starting_in_a_typod_year_is_refused_with_a_reason(db, year):
    chore = Chore(title_ja="ごみ", rrule="FREQ=DAILY", start_date=date(year, 1, 1))
    with pytest.raises(ValidationError) as caught:
        chore.full_clean()
    assert "1970" in str(caught.value.message_dict["start_date"])


def test_extra_dates_in_a_typod_year_are_refused(db):
    chore = Chore(
        title_ja="ごみ", rrule="", start_date=date(2026, 1, 1), extra_dates=["0001-01-01"]
    )
    with pytest.raises(ValidationError) as caught:
        chore.full_clean()
    assert "extra_dates" in caught.value.message_dict


def test_the_year_message_is_in_japanese(db):
    from django.utils import translation

    chore = Chore(title_ja="ごみ", rrule="FREQ=DAILY", start_date=date(9999, 1, 1))
    with translation.override("ja"):
        with pytest.raises(ValidationError) as caught:
            chore.full_clean()
        # A lazy message is read in the language active when it is read.
        message = str(caught.value.message_dict["start_date"][0])
    assert "1970" in message and "2100" in message
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in message)


def test_a_displays_warnings_before_a_change_read_largest_first(db):
    assert Display(name="Wall", cue_minutes="2, 5").cues == (5, 2)
    assert Display(name="Wall", cue_minutes="").cues == ()
    for bad in ("0", "60", "5,2,1,3,4", "five"):
        assert "cue_minutes" in errors_of(Display(name="Wall", cue_minutes=bad))
    Display(name="Wall", cue_minutes="10,5,1").full_clean()


# Routines and stars --------------------------------------------------------------------

DAY = date(2026, 11, 24)


@pytest.fixture
def morning():
    routine = Routine.objects.create(title_ja="あさのしたく", title_en="Morning")
    for order, (icon, title) in enumerate(
        [("toilet", "トイレ"), ("wash-face", "かおをあらう"), ("toothbrush", "はみがき")], 1
    ):
        RoutineStep.objects.create(routine=routine, order=order, icon=icon, title_ja=title)
    return routine


@pytest.fixture
def haru():
    return Member.objects.create(name_ja="はる", name_en="Haru", collects_stars=True)


def test_steps_come_in_their_order_whatever_order_they_were_added_in(morning):
    RoutineStep.objects.create(routine=morning, order=0, icon="sun", title_ja="おきる")
    RoutineStep.objects.filter(routine=morning, title_ja="トイレ").update(order=2)
    RoutineStep.objects.filter(routine=morning, title_ja="かおをあらう").update(order=1)
    titles = list(morning.steps.values_list("title_ja", flat=True))
    assert titles == ["おきる", "かおをあらう", "トイレ", "はみがき"]


def test_each_child_has_their_own_routine_in_a_block_but_only_one(plan, morning, haru):
    mio = Member.objects.create(name_ja="みお")
    bag = Routine.objects.create(title_ja="えんのしたく")
    ready = Block.objects.create(plan=plan, start=time(7, 45), end=time(8, 30), title_ja="準備")
    RoutineAssignment.objects.create(block=ready, member=haru, routine=morning)
    RoutineAssignment.objects.create(block=ready, member=mio, routine=bag)
    assert {(a.member.name_ja, a.routine.title_ja) for a in ready.routines.all()} == {
        ("はる", "あさのしたく"),
        ("みお", "えんのしたく"),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineAssignment.objects.create(block=ready, member=haru, routine=bag)


def test_a_step_without_a_title_in_either_language_is_refused_in_english_and_japanese(morning):
    step = RoutineStep(routine=morning, icon="toilet", order=4)
    assert errors_of(step)["title_ja"] == ["Give the step a title in Japanese or English."]
    with translation.override("ja"):
        with pytest.raises(ValidationError) as caught:
            step.full_clean()
        # A lazy message is read in the language active when it is read.
        assert caught.value.message_dict["title_ja"] == [
            "ステップに日本語か英語でタイトルを入れてください。"
        ]


def test_a_step_needs_a_bundled_picture_and_sensible_minutes(morning):
    errors = errors_of(RoutineStep(routine=morning, title_ja="トイレ", icon="", minutes=0))
    assert set(errors) == {"icon", "minutes"}
    assert "minutes" in errors_of(RoutineStep(routine=morning, title_ja="x", icon="toilet",
                                              minutes=121))  # fmt: skip
    RoutineStep(routine=morning, title_ja="トイレ", icon="toilet", minutes=3).full_clean()


def test_the_database_refuses_a_step_without_a_title_or_with_minutes_out_of_range(morning):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineStep.objects.create(routine=morning, icon="toilet")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoutineStep.objects.create(routine=morning, icon="toilet", title_en="x", minutes=500)


def test_a_routine_and_a_reward_need_a_title_and_a_reward_a_price(db):
    assert "title_ja" in errors_of(Routine())
    errors = errors_of(Reward(price=0))
    assert set(errors) == {"title_ja", "price"}


def test_a_step_is_done_once_per_child_and_day(morning, haru):
    step = morning.steps.first()
    StepDone.objects.create(step=step, member=haru, date=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepDone.objects.create(step=step, member=haru, date=DAY)
    StepDone.objects.create(step=step, member=Member.objects.create(name_ja="みお"), date=DAY)
    StepDone.objects.create(step=step, member=haru, date=DAY.replace(day=25))
    assert StepDone.objects.count() == 3


def entry(member, amount, kind=StarEntry.Kind.PARENT, **more):
    return StarEntry.objects.create(member=member, date=DAY, amount=amount, kind=kind, **more)


def test_the_ledger_sums_stars_earned_and_spent_from_its_rows(haru):
    mio = Member.objects.create(name_ja="みお", collects_stars=True)
    entry(haru, 1, StarEntry.Kind.ROUTINE)
    entry(haru, 1, StarEntry.Kind.CHORE)
    entry(haru, 3, StarEntry.Kind.PARENT)
    mistake = entry(haru, 1, StarEntry.Kind.ROUTINE)
    stars.take_back(mistake)
    treat = entry(haru, -5, StarEntry.Kind.REWARD)
    entry(haru, -2, StarEntry.Kind.REWARD)
    stars.take_back(treat)  # the treat was not given after all
    entry(mio, 2, StarEntry.Kind.ROUTINE)
    totals = StarEntry.totals()
    assert totals[haru.pk] == Totals(earned=5, spent=2)
    assert totals[haru.pk].balance == 3
    assert totals[mio.pk] == Totals(earned=2, spent=0)
    assert StarEntry.totals([mio.pk]) == {mio.pk: Totals(2, 0)}
    assert StarEntry.objects.filter(member=haru).count() == 8  # nothing overwritten


def test_the_database_refuses_a_ledger_row_of_no_stars_or_an_unknown_kind(haru):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(haru, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(haru, 1, "bonus")


def test_the_star_rules_are_one_row(db):
    assert StarRules.load().enabled is False  # before a parent saves them: no stars
    StarRules(enabled=True, per_routine=2).save()
    StarRules(enabled=True, per_routine=3).save()
    assert StarRules.objects.count() == 1
    assert StarRules.load().per_routine == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        StarRules.objects.bulk_create([StarRules(id=2)])


def test_deleting_a_routine_keeps_its_ticks_and_stars_readable(plan, morning, haru):
    StarRules(enabled=True).save()
    for step in morning.steps.all():
        ticks.tick_step(step, haru, DAY, done=True)
    assert StarEntry.totals()[haru.pk].balance == 1
    morning.delete()
    done = list(StepDone.objects.order_by("done_at", "id"))
    assert [t.step for t in done] == [None, None, None]
    assert [t.what_ja for t in done] == [
        "あさのしたく › トイレ",
        "あさのしたく › かおをあらう",
        "あさのしたく › はみがき",
    ]
    assert done[0].what_en == "Morning › トイレ"  # a step without English: its Japanese
    with translation.override("ja"):
        assert str(done[0]) == "あさのしたく › トイレ 2026-11-24"
    (star,) = StarEntry.objects.all()
    assert star.routine is None
    assert (star.what_ja, star.what_en, star.amount) == ("あさのしたく", "Morning", 1)
    with translation.override("en"):
        assert str(star) == "Haru +1 Morning"
    assert StarEntry.totals()[haru.pk].balance == 1


def new_year(**fields):
    from schedule.models import Closure

    return Closure(
        **{
            "name_ja": "年末年始",
            "start_date": date(2026, 12, 31),
            "end_date": date(2027, 1, 4),
            **fields,
        }
    )


def test_a_closure_running_over_new_year_is_fine_and_a_week_later_by_default():
    closure = new_year()
    closure.full_clean()
    assert (closure.yearly, closure.action, closure.shift_days) == (True, "shift", 7)


def test_a_closure_whose_substitute_is_inside_it_is_refused():
    errors = errors_of(new_year(action="date", move_to=date(2027, 1, 2)))
    assert "inside the closure itself" in errors["move_to"][0]


def test_a_chore_with_a_holiday_list_that_is_not_a_list_of_names_is_refused():
    chore = Chore(title_ja="ごみ", rrule="FREQ=WEEKLY;BYDAY=MO", holiday_exceptions="海の日")
    assert "holiday names" in errors_of(chore)["holiday_exceptions"][0]


def test_a_chores_own_substitute_inside_the_closure_is_refused():
    from schedule.models import ChoreClosure

    closure = new_year()
    closure.save()
    chore = Chore.objects.create(title_ja="ごみ", rrule="FREQ=WEEKLY;BYDAY=FR")
    link = ChoreClosure(chore=chore, closure=closure, action="date", move_to=date(2027, 1, 1))
    assert "inside the closure itself" in errors_of(link)["move_to"][0]


def test_a_chores_recurrence_follows_the_saved_closures_when_it_is_garbage():
    new_year().save()
    chore = Chore.objects.create(
        title_ja="古紙", rrule="FREQ=MONTHLY;BYDAY=1FR", start_date=date(2026, 1, 1)
    )
    assert chore.is_due_on(date(2027, 1, 1))
    chore.is_garbage = True
    chore.save()
    assert not chore.is_due_on(date(2027, 1, 1)) and chore.is_due_on(date(2027, 1, 8))


def test_the_database_refuses_a_closure_that_ends_before_it_starts():
    with transaction.atomic(), pytest.raises(IntegrityError):
        new_year(end_date=date(2026, 12, 1)).save()
