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
