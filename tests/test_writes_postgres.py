"""Taps on the wall and parents' saves at once, on a real PostgreSQL server: no 503,
nothing lost, nothing applied twice (schedule/writes.py).

Threads tap chores and routine steps of the same two children (settling their
stars) while others save those children, a chore of theirs and a routine in
the admin, each through the test client as a tablet or a parent would.
Before every write took the revision row first, such a run ended 43 of its
200 requests in a deadlock, each a 503. A real deadlock, with a write that
does not take that row first, shows the retry. PostgreSQL's row locks are
what this is about: on SQLite, whose transactions take its one write lock as
they begin, both are skipped.

What it counted is written to test-artifacts/concurrency.json.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from schedule import planner
from schedule.common import writes
from schedule.data.demo import load_demo_family
from schedule.models import (
    Chore,
    ChoreAssignee,
    ChoreDone,
    Member,
    Revision,
    Routine,
    RoutineStep,
    StarEntry,
    StarKind,
    StarRules,
    StepDone,
)
from tests.conftest import DEMO_DAY
from tests.test_fuzz import form_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ARTIFACT = Path(__file__).resolve().parent.parent / "test-artifacts" / "concurrency.json"
# Four weekdays: both children's morning routines and bedtime, the daily
# Roomba (their turns alternate) and the plants every third day (both of them).
DAYS = [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
CHORES = ["Start the Roomba", "Water the plants"]
THREADS = 8
REQUESTS_EACH = 25
ADMIN_SHARE = 0.25  # of each thread's requests; the rest are taps
CONTESTED_SHARE = 0.2  # of the taps: on the two keys every thread taps


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL's row locks and deadlocks: runs when DATABASE_URL is PostgreSQL "
            "(make test-postgres, CI's PostgreSQL pass)"
        )


def kids() -> list[Member]:
    return list(Member.objects.filter(collects_stars=True).order_by("order"))


def taps(display) -> list[tuple[str, str, dict]]:
    """Every tap the threads may make: (key, address, form) for each of the
    children's chores and steps on each day."""
    found = []
    for day in DAYS:
        for chore in Chore.objects.filter(title_en__in=CHORES).order_by("pk"):
            if chore.is_due_on(day):
                url = reverse("wall-chore", args=[display.token, chore.pk, day.isoformat()])
                found.append((f"chore {chore.pk} {day}", url, {}))
        for kid in kids():
            mine = [f"Morning ({kid.name_en})", "Before bed"]
            for step in RoutineStep.objects.filter(routine__title_en__in=mine).order_by("pk"):
                url = reverse("wall-step", args=[display.token, step.pk, day.isoformat()])
                found.append((f"step {step.pk} {kid.pk} {day}", url, {"member": str(kid.pk)}))
    return found


def admin_pages() -> list[tuple[str, str, str]]:
    """What the parents save: (the row's page, the field changed, its two values)."""
    haru, mio = kids()
    plants = Chore.objects.get(title_en="Water the plants")
    morning = Routine.objects.get(title_en="Morning (Haru)")
    return [
        (reverse("admin:schedule_member_change", args=[haru.pk]), "colour", "#e08a1e #d07a10"),
        (reverse("admin:schedule_member_change", args=[mio.pk]), "colour", "#3c9a5f #2c8a4f"),
        (reverse("admin:schedule_chore_change", args=[plants.pk]), "title_en", "Plants Water"),
        (reverse("admin:schedule_routine_change", args=[morning.pk]), "steps-0-minutes", "3 4"),
    ]


def versions() -> list[int]:
    """The version of each row the parents save, in admin_pages()'s order."""
    haru, mio = kids()
    return [
        haru.version,
        mio.version,
        Chore.objects.get(title_ja="植物に水やり").version,
        Routine.objects.get(title_en="Morning (Haru)").version,
    ]


class Run:
    """What the threads did, and what they expect to find afterwards."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: Counter[str] = Counter()
        self.saved: Counter[str] = Counter()  # a parent's saves, by page
        self.escaped: list[str] = []
        self.last: dict[str, bool] = {}  # a key only one thread taps: what it said last
        self.writes = 0  # requests that certainly changed what the walls show

    def count(self, answer: str, changed: bool = False) -> None:
        with self.lock:
            self.answers[answer] += 1
            self.writes += changed


def tap(client: Client, run: Run, key: str, url: str, form: dict, done: bool, owned: bool):
    response = client.post(url, {**form, "done": "1" if done else "0"})
    changed = owned and response.status_code == 302 and run.last.get(key, False) != done
    run.count(f"tick {response.status_code}", changed)
    if owned and response.status_code == 302:
        run.last[key] = done


def save_in_admin(client: Client, run: Run, url: str, field: str, values: str) -> int:
    page = client.get(url)
    if page.status_code != 200:
        run.count(f"admin page {page.status_code}")
        return page.status_code
    data = {name: found["values"] for name, found in form_of(page.content.decode()).items()}
    first, second = values.split(" ")
    data[field] = second if data.get(field) == [first] else first
    response = client.post(url, {**data, "_save": "1"})
    if response.status_code == 200 and b"errornote" in response.content:
        # Another parent saved the row since this one opened it: refused, as it should be.
        run.count("admin refused as stale")
    else:
        run.count(f"admin {response.status_code}", response.status_code == 302)
        if response.status_code == 302:
            with run.lock:
                run.saved[url] += 1
    return response.status_code


def thread(number: int, run: Run, keys, pages, user, ready: threading.Barrier) -> None:
    chooser = random.Random(number)
    wall = Client(raise_request_exception=False)
    parent = Client(raise_request_exception=False, headers={"accept-language": "en"})
    parent.force_login(user)
    contested, owned = keys[:2], keys[2:][number::THREADS]  # every thread taps the first two
    try:
        ready.wait()
        for _ in range(REQUESTS_EACH):
            if chooser.random() < ADMIN_SHARE:
                save_in_admin(parent, run, *chooser.choice(pages))
            elif chooser.random() < CONTESTED_SHARE:
                key, url, form = chooser.choice(contested)
                tap(wall, run, key, url, form, chooser.random() < 0.5, owned=False)
            else:
                key, url, form = chooser.choice(owned)
                tap(wall, run, key, url, form, chooser.random() < 0.6, owned=True)
    except Exception as exc:  # counted: none may escape
        run.escaped.append(f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()


def stars_not_matching_the_ticks() -> list[str]:
    """Each child's stars for each chore and routine of theirs: its worth once done
    (every step, for a routine), nothing otherwise."""
    rules = StarRules.load()
    wrong = []

    def check(kid, day, kind, worth, **cause) -> None:
        rows = StarEntry.objects.filter(member=kid, date=day, kind=kind, **cause)
        got = sum(rows.values_list("amount", flat=True))
        if got != worth:
            wrong.append(f"{kid} {day} {cause}: {got} stars, {worth} expected")

    for day in DAYS:
        for chore in Chore.objects.filter(pk__in=ChoreAssignee.objects.values("chore")):
            assigned = tuple(
                chore.choreassignee_set.order_by("order", "id").values_list("member_id", flat=True)
            )
            whose = planner.takers(assigned, chore.rotate, chore.recurrence(), day)
            done = ChoreDone.objects.filter(chore=chore, date=day).exists()
            for kid in kids():
                worth = rules.per_chore if done and kid.pk in whose else 0
                check(kid, day, StarKind.CHORE, worth, chore=chore)
        for kid in kids():
            for routine in Routine.objects.all():
                done = StepDone.objects.filter(step__routine=routine, member=kid, date=day)
                finished = done.count() == routine.steps.count()
                worth = rules.stars_for(routine) if finished else 0
                check(kid, day, StarKind.ROUTINE, worth, routine=routine)
    return wrong


def stored(key: str) -> bool:
    kind, *ids, day = key.split(" ")
    if kind == "chore":
        return ChoreDone.objects.filter(chore_id=ids[0], date=day).exists()
    return StepDone.objects.filter(step_id=ids[0], member_id=ids[1], date=day).exists()


class Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reasons: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.reasons[record.getMessage().split(":")[0]] += 1


def test_taps_and_parents_saves_at_once_never_deadlock_into_a_503(on_postgres, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    display = load_demo_family(DEMO_DAY)
    user = User.objects.create_superuser("parent", "parent@example.com", "a-long-password")
    keys, pages = taps(display), admin_pages()
    run = Run()
    # Each page saves on its own first: what the threads post is a form that saves.
    parent = Client(headers={"accept-language": "en"})
    parent.force_login(user)
    assert [save_in_admin(parent, run, *page) for page in pages] == [302] * len(pages)
    run = Run()
    before, revision = versions(), Revision.current()
    retries = Retries()
    logging.getLogger("schedule.common.writes").addHandler(retries)
    ready = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=thread, args=(n, run, keys, pages, user, ready))
        for n in range(THREADS)
    ]
    started = time.monotonic()
    try:
        for each in threads:
            each.start()
        for each in threads:
            each.join(timeout=300)
    finally:
        logging.getLogger("schedule.common.writes").removeHandler(retries)
    report = {
        "threads": THREADS,
        "requests": sum(run.answers.values()),
        "answers": dict(sorted(run.answers.items())),
        "retries": sum(retries.reasons.values()),
        "retried_because": dict(retries.reasons),
        "escaped": run.escaped,
        "seconds": round(time.monotonic() - started, 1),
    }
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=2) + "\n")

    assert not any(each.is_alive() for each in threads)
    assert run.escaped == []
    assert not [answer for answer in run.answers if answer.endswith(("500", "503"))], report
    assert {key: stored(key) for key in run.last} == run.last
    assert stars_not_matching_the_ticks() == []
    assert Revision.current() - revision >= run.writes
    # Each save a parent was told of counted once: none lost, none applied twice.
    saved = [run.saved[url] for url, *_rest in pages]
    assert [now - then for now, then in zip(versions(), before, strict=True)] == saved, report
    assert sum(saved) > 0, report


def test_a_real_deadlock_with_a_write_that_locks_in_another_order_is_tried_again(
    on_postgres, caplog
):
    """A write that does not take the revision row first (a script of one's own on
    the server, say) can still deadlock with a tap: the tap is tried again and lands."""
    import psycopg

    member = Member.objects.create(name_ja="はる", colour="#e08a1e", icon="child")
    Revision.bump()
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"],
        port=settings["PORT"] or None,
    )
    waiting = threading.Event()
    failed: list[Exception] = []

    def lock_the_child() -> None:
        waiting.set()
        list(Member.objects.select_for_update().filter(pk=member.pk))

    def tap() -> None:
        try:
            writes.run(lock_the_child, "a tap")
        except Exception as exc:  # the test's own failure, reported below
            failed.append(exc)
        finally:
            connections.close_all()

    # The other write holds the child and then wants the revision; the tap
    # holds the revision (first, as every tap) and wants the child.
    other.execute("SELECT 1 FROM schedule_member WHERE id = %s FOR UPDATE", [member.pk])
    tapping = threading.Thread(target=tap)
    with caplog.at_level(logging.WARNING, logger="schedule.common.writes"):
        tapping.start()
        waiting.wait(timeout=10)
        time.sleep(0.3)  # the tap waits for the child first, so it is the one that gives way
        other.execute("UPDATE schedule_revision SET value = value + 1 WHERE id = 1")
        other.commit()
        other.close()
        tapping.join(timeout=30)
    assert failed == []
    assert [record.getMessage().split(":")[0] for record in caplog.records] == ["deadlock"]
