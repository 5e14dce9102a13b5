"""Queries whose SQL is written once (schedule/prepared.py): the same rows as the
ORM's own for any values, and the ORM asked only once per shape of values."""

from datetime import date, datetime, time

import pytest

from schedule import models
from schedule.day.prepared import Prepared
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db


def blocks_of(plan_ids, from_id):
    return (
        models.Block.objects.filter(plan_id__in=plan_ids, pk__gte=from_id)
        .order_by("start", "id")
        .values_list("pk", "plan_id", "start", "title_ja")
    )


def test_the_rows_are_the_orms_for_every_value_and_the_sql_is_written_once(demo_display):
    built = []

    def build(plan_ids, from_id):
        built.append((plan_ids, from_id))
        return blocks_of(plan_ids, from_id)

    prepared = Prepared(build)
    plans = sorted(models.Plan.objects.values_list("pk", flat=True))
    assert len(plans) >= 2
    blocks = sorted(models.Block.objects.values_list("pk", flat=True))
    for ids in ({plans[0]}, {plans[1]}, set(plans[:2]), set(plans)):
        for from_id in (0, blocks[len(blocks) // 2], blocks[-1] + 1):
            rows = list(blocks_of(ids, from_id))
            assert prepared(ids, from_id) == rows
            assert rows or from_id > blocks[-1]
    # One build per length of the list of ids (1, 2, all), not per value.
    assert len(built) == len({1, 2, len(plans)})
    # Rows come back converted as the ORM converts them (SQLite keeps text).
    assert all(isinstance(row[2], time) for row in prepared(set(plans), 0))


def test_an_empty_list_matches_nothing_without_asking_the_database(demo_display):
    prepared = Prepared(blocks_of)
    assert prepared(set(), 0) == []


def test_days_and_moments_are_put_in_as_the_orm_puts_them(demo_display):
    chore = models.Chore.objects.first()
    done = models.ChoreDone.objects.create(
        chore=chore, date=date(2026, 11, 24), done_at=datetime(2026, 11, 24, 7, 30, tzinfo=TOKYO)
    )
    on_days = Prepared(
        lambda first, last: models.ChoreDone.objects.filter(date__range=(first, last)).values_list(
            "pk", "date"
        )
    )
    assert on_days(date(2026, 11, 20), date(2026, 11, 24)) == [(done.pk, date(2026, 11, 24))]
    assert on_days(date(2026, 11, 25), date(2026, 11, 30)) == []
    since = Prepared(
        lambda moment: models.ChoreDone.objects.filter(done_at__gte=moment).values_list(
            "pk", "done_at"
        )
    )
    # 07:29 in Tokyo is 22:29 the day before in UTC, as the database keeps it.
    assert since(datetime(2026, 11, 24, 7, 29, tzinfo=TOKYO)) == [(done.pk, done.done_at)]
    assert since(datetime(2026, 11, 24, 7, 31, tzinfo=TOKYO)) == []


def test_a_value_the_orm_does_not_pass_as_a_parameter_is_refused(demo_display):
    # An id compared with a text field is passed as text: not the value given.
    prepared = Prepared(lambda pk: models.Plan.objects.filter(name_ja=pk).values_list("pk"))
    with pytest.raises(ValueError, match="not parameters"):
        prepared(1)
