"""Upgrades keep the family's data: a database from the first release migrates to today's.

The data is written with the models as they were at the first migration
(historical models), then every later migration runs, as after a family's
yearly `docker compose pull && up -d`. When a migration renames a field, this
test must be taught the new name: that is the moment to think about the data.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

APP = "schedule"


def executor() -> MigrationExecutor:
    return MigrationExecutor(connection)


def first_and_latest() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    graph = executor().loader.graph
    ours = sorted(key for key in graph.nodes if key[0] == APP)
    first = [key for key in ours if not any(p[0] == APP for p in graph.node_map[key].parents)]
    return first, executor().loader.graph.leaf_nodes()


def migrate(targets) -> None:
    runner = executor()
    runner.migrate(targets)


def fill_the_family(apps) -> dict:
    """A small family written with the models as they were; returns what to expect."""
    Member = apps.get_model(APP, "Member")
    Plan = apps.get_model(APP, "Plan")
    Block = apps.get_model(APP, "Block")
    Chore = apps.get_model(APP, "Chore")
    ChoreAssignee = apps.get_model(APP, "ChoreAssignee")
    ChoreDone = apps.get_model(APP, "ChoreDone")
    Note = apps.get_model(APP, "Note")
    Display = apps.get_model(APP, "Display")
    PlanOverride = apps.get_model(APP, "PlanOverride")

    haru = Member.objects.create(name_ja="はる", name_en="Haru", colour="#e08a1e", icon="child")
    weekday = Plan.objects.create(name_ja="平日", name_en="Weekday", weekdays=0b11111, priority=1)
    sleep = Block.objects.create(
        plan=weekday, start=dt.time(21), end=dt.time(6, 30), title_ja="ねる", title_en="Sleep"
    )
    sleep.members.add(haru)
    PlanOverride.objects.create(date=dt.date(2026, 11, 28), plan=weekday, reason="運動会")
    trash = Chore.objects.create(
        title_ja="もえるごみ",
        title_en="Burnable trash",
        rrule="FREQ=WEEKLY;BYDAY=MO,TH",
        start_date=dt.date(2026, 1, 1),
        extra_dates=["2026-12-30"],
        holiday_policy="next",
        time=dt.time(8),
    )
    ChoreAssignee.objects.create(chore=trash, member=haru, order=0)
    ChoreDone.objects.create(
        chore=trash,
        date=dt.date(2026, 11, 23),
        member=haru,
        done_at=dt.datetime(2026, 11, 22, 23, 5, tzinfo=dt.UTC),
    )
    Note.objects.create(
        text_ja="おばあちゃんが来る",
        start_date=dt.date(2026, 11, 23),
        end_date=dt.date(2026, 11, 24),
    )
    wall = Display.objects.create(name="Living room", token="kept-across-upgrades")
    wall.members.add(haru)
    return {
        "Member": [("はる", "Haru", "#e08a1e", "child")],
        "Plan": [("平日", "Weekday", 0b11111, 1)],
        "Block": [(dt.time(21), dt.time(6, 30), "ねる", "Sleep", "Weekday")],
        "PlanOverride": [(dt.date(2026, 11, 28), "Weekday", "運動会")],
        "Chore": [("Burnable trash", "FREQ=WEEKLY;BYDAY=MO,TH", ["2026-12-30"], "next")],
        "ChoreAssignee": [("Burnable trash", "Haru", 0)],
        "ChoreDone": [("Burnable trash", dt.date(2026, 11, 23), "Haru")],
        "Note": [("おばあちゃんが来る", dt.date(2026, 11, 23))],
        "Display": [("Living room", "kept-across-upgrades", ["Haru"])],
        "Block.members": [("Sleep", "Haru")],
    }


def read_the_family(apps) -> dict:
    get = lambda name: apps.get_model(APP, name).objects  # noqa: E731
    return {
        "Member": list(get("Member").values_list("name_ja", "name_en", "colour", "icon")),
        "Plan": list(get("Plan").values_list("name_ja", "name_en", "weekdays", "priority")),
        "Block": list(
            get("Block").values_list("start", "end", "title_ja", "title_en", "plan__name_en")
        ),
        "PlanOverride": list(get("PlanOverride").values_list("date", "plan__name_en", "reason")),
        "Chore": list(
            get("Chore").values_list("title_en", "rrule", "extra_dates", "holiday_policy")
        ),
        "ChoreAssignee": list(
            get("ChoreAssignee").values_list("chore__title_en", "member__name_en", "order")
        ),
        "ChoreDone": list(
            get("ChoreDone").values_list("chore__title_en", "date", "member__name_en")
        ),
        "Note": list(get("Note").values_list("text_ja", "start_date")),
        "Display": [
            (d.name, d.token, [m.name_en for m in d.members.all()]) for d in get("Display").all()
        ],
        "Block.members": [
            (b.title_en, m.name_en) for b in get("Block").all() for m in b.members.all()
        ],
    }


def test_a_database_from_the_first_migration_upgrades_to_the_latest_without_loss():
    first, latest = first_and_latest()
    assert first == [(APP, "0001_initial")]
    try:
        migrate(first)
        old_apps = executor().loader.project_state(first).apps
        expected = fill_the_family(old_apps)
        migrate(latest)
        new_apps = executor().loader.project_state(latest).apps
        assert read_the_family(new_apps) == expected
        # The garbage calendar's fields (0004) start as a chore always was:
        # no holiday list, not garbage, moves never onto a Sunday.
        chores = new_apps.get_model(APP, "Chore").objects
        assert list(
            chores.values_list("holiday_exceptions", "is_garbage", "no_collection_days")
        ) == [([], False, 1 << 6)]
    finally:
        migrate(latest)


def test_every_migration_of_the_app_can_be_reversed():
    _, latest = first_and_latest()
    try:
        migrate([(APP, None)])
        assert not any(key[0] == APP for key in executor().loader.applied_migrations)
    finally:
        migrate(latest)
    assert executor().migration_plan(latest) == []
