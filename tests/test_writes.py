"""A write the database gave up on is tried again whole, a few times, and only for a
race it may win next time (schedule/writes.py); on any engine.

The failures are made here: an OperationalError carrying PostgreSQL's
SQLSTATE, as psycopg raises it under Django, or SQLite's "database is
locked". tests/test_writes_postgres.py makes real ones on a real server.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import IntegrityError, OperationalError, transaction
from django.test import Client
from django.urls import reverse

from schedule.common import writes
from schedule.models import Chore, ChoreDone, Member, Note, Revision
from schedule.wall.ticks import tick_chore

pytestmark = pytest.mark.django_db(transaction=True)

DAY = date(2026, 11, 24)


class PostgresError(Exception):
    """What psycopg raises: Django's error has it as its cause."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def failure(sqlstate: str) -> OperationalError:
    error = OperationalError(f"SQLSTATE {sqlstate}")
    error.__cause__ = PostgresError(sqlstate)
    return error


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(writes, "FIRST_PAUSE", 0)


def note(text: str) -> None:
    Note.objects.create(text_ja=text, start_date=DAY, end_date=DAY)


def failing(*failures: Exception):
    """A write that notes its attempt, then fails with each of `failures` in turn,
    then succeeds."""
    attempts = []

    def work() -> str:
        attempts.append(len(attempts) + 1)
        note(f"attempt {len(attempts)}")
        if len(attempts) <= len(failures):
            raise failures[len(attempts) - 1]
        return "written"

    return work, attempts


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_tried_again_whole(sqlstate, caplog):
    work, attempts = failing(failure(sqlstate))
    with caplog.at_level(logging.WARNING, logger="schedule.common.writes"):
        assert writes.run(work, "a tap") == "written"
    assert attempts == [1, 2]
    # The failed attempt's row was rolled back with it: the write is there once.
    assert list(Note.objects.values_list("text_ja", flat=True)) == ["attempt 2"]
    assert [record.getMessage().split(",")[0] for record in caplog.records] == [
        f"{writes.RETRIED_STATES[sqlstate]}: a tap"
    ]


def test_after_the_last_attempt_the_failure_goes_up_and_nothing_is_written(caplog):
    work, attempts = failing(*[failure("40P01")] * writes.ATTEMPTS)
    with (
        caplog.at_level(logging.WARNING, logger="schedule.common.writes"),
        pytest.raises(OperationalError),
    ):
        writes.run(work, "a tap")
    assert attempts == list(range(1, writes.ATTEMPTS + 1))
    assert len(caplog.records) == writes.ATTEMPTS - 1
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("duplicate key"),
        OperationalError("no such table: schedule_note"),
        failure("55P03"),  # lock_timeout: a writer still busy, as SQLite's timeout
        failure("23505"),
        ValueError("not the database's doing"),
    ],
    ids=repr,
)
def test_other_failures_are_not_tried_again(error, caplog):
    work, attempts = failing(error)
    with pytest.raises(type(error)):
        writes.run(work, "a tap")
    assert attempts == [1]
    assert not Note.objects.exists()
    assert not caplog.records


def test_sqlite_locked_for_a_moment_is_tried_again_but_not_after_a_long_wait(monkeypatch):
    work, attempts = failing(OperationalError("database is locked"))
    assert writes.run(work, "a save") == "written"
    assert attempts == [1, 2]
    # Locked after waiting the whole busy timeout: another writer is still at
    # it, and the tablet hears so now rather than after another wait.
    monkeypatch.setattr(writes, "GIVE_UP_AFTER", 0)
    work, attempts = failing(OperationalError("database is locked"))
    with pytest.raises(OperationalError):
        writes.run(work, "a save")
    assert attempts == [1]


def test_inside_a_transaction_begun_elsewhere_nothing_is_retried():
    # Retrying only this part would leave the rest of the outer transaction
    # as it was and apply this part twice: whoever began it decides.
    work, attempts = failing(failure("40P01"))
    with pytest.raises(OperationalError), transaction.atomic():
        note("before")
        writes.run(work, "a part")
    assert attempts == [1]
    assert not Note.objects.exists()


def test_a_write_takes_the_revision_row_and_counts_as_before():
    writes.run(lambda: Revision.bump(plans=False), "a tap")
    writes.run(Revision.bump, "a save")
    assert Revision.objects.get(pk=1).value == 2
    assert Revision.objects.get(pk=1).plans == 1


def test_a_tap_that_hit_a_deadlock_is_stored_once(monkeypatch):
    chore = Chore.objects.create(title_ja="ルンバ", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))
    real_bump = Revision.bump
    failures = [failure("40P01")]

    def bump(plans: bool = True) -> None:
        real_bump(plans)
        if failures:
            raise failures.pop()

    monkeypatch.setattr(Revision, "bump", bump)
    before = Revision.current()
    tick_chore(chore, DAY, done=True)
    assert ChoreDone.objects.filter(chore=chore, date=DAY).count() == 1
    assert Revision.current() > before


@pytest.fixture
def parent():
    return User.objects.create_superuser("parent", "parent@example.com", "a-long-password")


def test_a_parents_save_that_hit_a_deadlock_is_saved_and_told_once(parent, monkeypatch):
    member = Member.objects.create(name_ja="はる", colour="#e08a1e", icon="child")
    client = Client(headers={"accept-language": "en"})
    client.force_login(parent)
    # PostgreSQL checks foreign keys at COMMIT, after the admin said "changed
    # successfully": the deadlock comes once the row, its log and the message are in.
    member_admin = admin.site.get_model_admin(Member)
    real_response = member_admin.response_change
    failures = [failure("40P01")]

    def response_change(request, obj):
        response = real_response(request, obj)
        if failures:
            raise failures.pop()
        return response

    monkeypatch.setattr(member_admin, "response_change", response_change)
    url = reverse("admin:schedule_member_change", args=[member.pk])
    response = client.post(
        url,
        {
            "name_ja": "はるき",
            "name_en": "",
            "colour": "#e08a1e",
            "icon": "child",
            "order": "0",
            "collects_stars": "on",
            "loaded_version": str(member.version),
        },
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    member.refresh_from_db()
    assert (member.name_ja, member.version) == ("はるき", 1)
    assert LogEntry.objects.filter(object_id=str(member.pk)).count() == 1
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len([text for text in said if "changed successfully" in text]) == 1, said


def test_a_parents_save_that_keeps_failing_is_a_503_that_claims_nothing(parent, monkeypatch):
    member = Member.objects.create(name_ja="はる", colour="#e08a1e", icon="child")
    client = Client(headers={"accept-language": "en"}, raise_request_exception=False)
    client.force_login(parent)

    member_admin = admin.site.get_model_admin(Member)
    real_response = member_admin.response_change

    def response_change(request, obj):
        real_response(request, obj)
        raise failure("40P01")

    monkeypatch.setattr(member_admin, "response_change", response_change)
    url = reverse("admin:schedule_member_change", args=[member.pk])
    form = {"name_ja": "はるき", "colour": "#e08a1e", "icon": "child", "order": "0"}
    assert client.post(url, {**form, "loaded_version": "0"}).status_code == 503
    member.refresh_from_db()
    assert (member.name_ja, member.version) == ("はる", 0)
    # No "changed successfully" waits for the next page.
    assert "changed successfully" not in client.get(url).content.decode()


def test_the_first_write_of_a_new_database_makes_the_revision_row_it_locks():
    Revision.objects.all().delete()
    writes.run(lambda: Revision.bump(plans=False), "a tap")
    assert list(Revision.objects.values_list("value", "plans")) == [(1, 0)]
