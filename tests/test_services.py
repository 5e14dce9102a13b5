"""Writes that must hold under races: ticking a chore from two tablets at once."""

from datetime import date

import pytest
from django.db.models import QuerySet

from schedule.models import Chore, ChoreDone, Revision
from schedule.services import tick_chore

DAY = date(2026, 11, 24)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chore():
    return Chore.objects.create(title_ja="ルンバ", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))


def test_ticking_inserts_one_row_and_redraws_the_walls(chore):
    revision = Revision.current()
    tick_chore(chore, DAY, done=True)
    assert ChoreDone.objects.filter(chore=chore, date=DAY).count() == 1
    assert Revision.current() > revision


def test_a_tick_that_loses_the_race_to_another_tablet_does_not_fail(chore, monkeypatch):
    # The other tablet's row lands between this tap's look and its insert:
    # the unique constraint decides, quietly, instead of an IntegrityError.
    ChoreDone.objects.create(chore=chore, date=DAY)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    tick_chore(chore, DAY, done=True)
    assert ChoreDone.objects.filter(chore=chore, date=DAY).count() == 1


def test_unticking_what_another_tablet_already_unticked_does_nothing(chore):
    tick_chore(chore, DAY, done=False)
    tick_chore(chore, DAY, done=True)
    tick_chore(chore, DAY, done=False)
    tick_chore(chore, DAY, done=False)
    assert not ChoreDone.objects.filter(chore=chore, date=DAY).exists()


# --- A city's calendar: all or nothing ----------------------------------------------------


def test_a_refused_kind_leaves_no_chore_and_no_closure_behind():
    from schedule import calendar5374
    from schedule.models import Closure
    from schedule.services import CalendarRefused, KindChoice, import_garbage_calendar

    city = calendar5374.read_city(
        "地名,センター,燃やすごみ,古紙\nみどり町,東,月 木,金1\n",
        "名称,休止開始日,休止終了日\n東,2026/12/31,2027/1/4\n",
    )
    area = city.area("みどり町")
    burnable, paper = area.kinds
    choices = [
        KindChoice(burnable, "燃やすごみ", icon="trash-burnable"),
        KindChoice(paper, "古紙", icon="../../etc/passwd"),  # refused by the icon's check
    ]
    with pytest.raises(CalendarRefused, match="古紙"):
        import_garbage_calendar(city, area, choices, DAY)
    assert not Chore.objects.exists() and not Closure.objects.exists()


def test_two_kinds_named_alike_would_be_one_chore_and_are_refused():
    from schedule import calendar5374
    from schedule.services import CalendarRefused, KindChoice, import_garbage_calendar

    city = calendar5374.read_city("地名,センター,燃やすごみ,可燃ごみ\nA,,月,木\n")
    area = city.area("A")
    choices = [KindChoice(kind, "ごみ") for kind in area.kinds]
    with pytest.raises(CalendarRefused, match="ごみ"):
        import_garbage_calendar(city, area, choices, DAY)
    assert not Chore.objects.exists()


def test_calling_a_collection_off_twice_is_one_cancellation_and_bringing_it_back_removes_it(
    chore,
):
    from schedule.models import ChoreCancellation
    from schedule.services import cancel_chore

    revision = Revision.current()
    assert cancel_chore(chore, DAY, True, "台風")
    assert not cancel_chore(chore, DAY, True)
    assert ChoreCancellation.objects.get().reason == "台風"
    assert Revision.current() > revision  # the walls redraw
    assert cancel_chore(chore, DAY, False)
    assert not ChoreCancellation.objects.exists()
