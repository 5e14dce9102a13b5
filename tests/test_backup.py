"""Backups, restore, export and import: nothing the family planned gets lost.

The round trips run the real commands in separate processes against a
database of their own (a SQLite file, or a scratch PostgreSQL database when
the suite runs with DATABASE_URL), while another process keeps editing the
family, as the admin and the walls do on a running server.
"""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from schedule import models
from schedule.data import backup, portable

ROOT = Path(__file__).resolve().parent.parent
WRITER_PREFIX = "writer-"
BLOCKS_PER_WRITE = 3


# --- helpers: a database of our own, the real commands, a writer ---------------


@pytest.fixture
def scratch(tmp_path):
    """Make isolated databases and run manage.py against them."""
    made = []

    def new_env(name: str) -> dict[str, str]:
        data_dir = tmp_path / name
        data_dir.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test-only-" + "x" * 50,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        if connection.vendor == "postgresql":
            database = f"hibi_scratch_{uuid.uuid4().hex[:12]}"
            _server_sql(f'CREATE DATABASE "{database}"')
            made.append(database)
            env["DATABASE_URL"] = _url_for(database)
        return env

    yield new_env
    for database in made:
        _server_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _url_for(database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database}"))


def _server_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(_url_for("postgres"), autocommit=True) as server:
        server.execute(sql)


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def export(env: dict[str, str]) -> dict:
    document = json.loads(manage(env, "export").stdout)
    document.pop("exported_at")
    return document


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import django
    django.setup()
    from django.db import transaction
    from schedule.models import Block, Member, Plan
    progress, stop = Path(sys.argv[1]), Path(sys.argv[2])
    member = Member.objects.first()
    deadline = time.monotonic() + 60
    n = 0
    def report(done, started):
        # Whole or not at all: the test reads this file while it is replaced.
        (progress.parent / "progress.tmp").write_text(f"{done} {started}")
        (progress.parent / "progress.tmp").replace(progress)

    while not stop.exists() and time.monotonic() < deadline:
        n += 1
        report(n - 1, n)
        # One edit = a plan and its blocks, saved together, as the admin does.
        with transaction.atomic():
            plan = Plan.objects.create(name_en=f"writer-{n}", weekdays=0)
            for hour in range(3):
                block = Block.objects.create(
                    plan=plan, start=f"0{hour}:00", end=f"0{hour}:30", title_en=f"w{n}-{hour}"
                )
            block.members.add(member)
        report(n, n)
        time.sleep(0.01)
    """
)


class Writer:
    """Another process that keeps saving plans until told to stop."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.progress = folder / "progress"
        self.stop_file = folder / "stop"
        script = folder / "writer.py"
        script.write_text(WRITER)
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(self.progress), str(self.stop_file)],
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )

    def _progress(self) -> tuple[int, int]:
        try:
            done, started = self.progress.read_text().split()
        except FileNotFoundError:
            return 0, 0
        return int(done), int(started)

    def written(self) -> int:
        """Edits committed so far (the count a copy taken now has at least)."""
        return self._progress()[0]

    def started(self) -> int:
        """Edits begun so far (the count a copy taken before now has at most)."""
        return self._progress()[1]

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while self.written() < count:
            assert self.process.poll() is None, "the writer died"
            assert time.monotonic() < deadline, "the writer is too slow"
            time.sleep(0.02)

    def stop(self) -> int:
        self.stop_file.touch()
        assert self.process.wait(timeout=60) == 0
        return self.written()


def split_writes(document: dict) -> tuple[dict, list[int]]:
    """The document without the writer's plans, and which writes it held.

    Asserts that each write is there whole (a plan with all its blocks).
    """
    plans = {p["id"]: p for p in document["plans"] if p["name_en"].startswith(WRITER_PREFIX)}
    blocks = [b for b in document["blocks"] if b["plan"] in plans]
    block_ids = {b["id"] for b in blocks}
    for plan_id, plan in plans.items():
        assert len([b for b in blocks if b["plan"] == plan_id]) == BLOCKS_PER_WRITE, plan
    assert len([m for m in document["block_members"] if m["block"] in block_ids]) == len(plans)
    rest = dict(document)
    rest["plans"] = [p for p in document["plans"] if p["id"] not in plans]
    rest["blocks"] = [b for b in document["blocks"] if b["id"] not in block_ids]
    rest["block_members"] = [m for m in document["block_members"] if m["block"] not in block_ids]
    writes = sorted(int(p["name_en"].removeprefix(WRITER_PREFIX)) for p in plans.values())
    return rest, writes


def prepare_family(env: dict[str, str]) -> dict:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "demo_family")
    return export(env)


# --- round trips under writes ---------------------------------------------------


def test_backup_while_the_family_is_edited_restores_exactly_what_was_there(scratch, tmp_path):
    env = scratch("live")
    family = prepare_family(env)
    writer = Writer(env, tmp_path)
    writer.wait_for(5)
    before_backup = writer.written()
    made = manage(env, "backup").stdout
    backup_file = Path(made.split("Backed up to ", 1)[1].strip())
    at_backup = writer.started()
    writer.wait_for(at_backup + 5)
    total = writer.stop()

    result = manage(env, "restore", "--no-input", str(backup_file))
    assert "kept in" in result.stdout
    restored, writes = split_writes(export(env))
    # Exactly the family as it was, plus the edits saved before the copy, each whole.
    assert restored == family
    assert writes == list(range(1, len(writes) + 1))
    assert before_backup <= len(writes) <= at_backup < total

    # The database as it was before the restore is kept, with every edit.
    aside = next(Path(env["DATA_DIR"], "backups").glob("before-restore-*"))
    assert aside.suffix == backup_file.suffix
    assert backup.check(aside).counts["schedule_plan"] == len(family["plans"]) + total


def test_export_while_the_family_is_edited_imports_back_exactly(scratch, tmp_path):
    env = scratch("live")
    family = prepare_family(env)
    writer = Writer(env, tmp_path)
    writer.wait_for(5)
    exported = manage(env, "export").stdout
    writer.stop()
    document = json.loads(exported)
    rest, writes = split_writes(document)
    assert rest["members"] == family["members"]
    assert writes == list(range(1, len(writes) + 1))

    other = scratch("other")
    manage(other, "migrate", "--no-input", "-v0")
    export_file = tmp_path / "family.json"
    export_file.write_text(exported, encoding="utf-8")
    assert "Imported" in manage(other, "import", str(export_file)).stdout
    document.pop("exported_at")
    assert export(other) == document


FAMILY_DOES_THINGS = textwrap.dedent(
    """
    import django
    django.setup()
    from tests.test_backup import add_ticks_and_stars
    add_ticks_and_stars()
    """
)
FAMILY_UNDOES_THINGS = textwrap.dedent(
    """
    import django
    django.setup()
    from schedule.models import StarEntry, StepDone
    StarEntry.objects.filter(kind="parent").delete()
    StepDone.objects.all().delete()
    """
)


def run_python(env: dict[str, str], script: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_backup_restore_and_export_import_keep_routines_ticks_and_the_star_ledger(
    scratch, tmp_path
):
    env = scratch("live")
    prepare_family(env)
    run_python(env, FAMILY_DOES_THINGS)
    family = export(env)
    assert len(family["steps_done"]) == 6
    assert [row["amount"] for row in family["star_ledger"]] == [1, 5, -5, -1]
    copy = manage(env, "backup").stdout.split("Backed up to ", 1)[1].strip()
    run_python(env, FAMILY_UNDOES_THINGS)
    assert export(env) != family
    manage(env, "restore", "--no-input", copy)
    assert export(env) == family

    other = scratch("other")
    manage(other, "migrate", "--no-input", "-v0")
    export_file = tmp_path / "family.json"
    export_file.write_text(manage(env, "export").stdout, encoding="utf-8")
    manage(other, "import", str(export_file))
    assert export(other) == family


TONIGHT_CHANGES = textwrap.dedent(
    """
    import django
    django.setup()
    from schedule.models import BagItem, CallOffRule, Countdown, Meal
    Meal.objects.filter(weekday=0).update(title_ja="カレーうどん")
    BagItem.objects.all().delete()
    CallOffRule.objects.update(warnings=["02"])
    Countdown.objects.all().delete()
    """
)


def test_a_backup_and_its_restore_carry_tonight_and_tomorrow(scratch):
    """The menu, the weather's place and rules, the bags and the sleeps (issue 29)."""
    env = scratch("live")
    family = prepare_family(env)
    assert [len(family[key]) for key in ("meals", "bag_items", "countdowns")] == [8, 5, 3]
    copy = manage(env, "backup").stdout.split("Backed up to ", 1)[1].strip()
    run_python(env, TONIGHT_CHANGES)
    assert export(env) != family
    manage(env, "restore", "--no-input", copy)
    assert export(env) == family


def test_backups_are_timestamped_checked_and_only_the_newest_are_kept(scratch):
    env = scratch("live")
    prepare_family(env)
    env["BACKUP_KEEP"] = "2"
    made = [manage(env, "backup").stdout.split("Backed up to ")[1].strip() for _ in range(3)]
    backups = backup.regular_backups(Path(env["DATA_DIR"], "backups"))
    assert [str(p) for p in backups] == made[1:]
    assert all(backup.NAME_PATTERN.match(p.name) for p in backups)
    checked = manage(env, "backup", "--check", str(backups[-1])).stdout
    assert "members: 4" in checked

    skipped = manage(env, "backup", "--if-older-than", "23").stdout
    assert "recent enough" in skipped
    assert backup.regular_backups(Path(env["DATA_DIR"], "backups")) == backups


# --- what restore and check refuse ------------------------------------------------


def test_restore_without_a_yes_changes_nothing(scratch):
    env = scratch("live")
    family = prepare_family(env)
    copy = manage(env, "backup").stdout.split("Backed up to ", 1)[1].strip()
    manage(env, "demo_family", "--reset")
    changed = export(env)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "restore", copy],
        env=env,
        input="no\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "not confirmed" in result.stderr
    assert "members: 4" in result.stdout  # what the copy holds was shown first
    assert export(env) == changed != family
    assert not list(Path(env["DATA_DIR"], "backups").glob("before-restore-*"))


def sqlite_copy_of_demo(folder: Path, extra_migration: str | None = None) -> Path:
    """A SQLite file shaped like a Hibi database, built with the sqlite3 module."""
    path = folder / "hibi-20260101-000000.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER, app TEXT, name TEXT, applied TEXT)")
        db.execute("INSERT INTO django_migrations VALUES (1, 'schedule', '0001_initial', '')")
        if extra_migration:
            db.execute(
                "INSERT INTO django_migrations VALUES (2, 'schedule', ?, '')", [extra_migration]
            )
        for table in backup.FAMILY_TABLES:
            db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    db.close()
    return path


def test_check_reads_what_a_copy_holds(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    contents = backup.check(sqlite_copy_of_demo(tmp_path))
    assert ("schedule", "0001_initial") in contents.migrations
    assert contents.counts == dict.fromkeys(backup.FAMILY_TABLES, 0)


def test_restore_refuses_a_copy_from_a_newer_hibi(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    path = sqlite_copy_of_demo(tmp_path, extra_migration="0999_from_the_future")
    with pytest.raises(backup.BackupError, match="newer Hibi"):
        backup.refuse_unknown_migrations(backup.check(path))


def test_check_refuses_a_file_that_is_not_a_backup(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(backup.BackupError, match="neither a SQLite database nor a pg_dump"):
        backup.check(text)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE photos (id INTEGER)")
    db.close()
    with pytest.raises(backup.BackupError, match="not a Hibi database"):
        backup.check(other)


def test_check_refuses_a_damaged_copy(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    path = sqlite_copy_of_demo(tmp_path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # scribble over the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match=r"damaged|cannot be read|not a Hibi"):
        backup.check(path)


def test_restore_command_refuses_without_touching_anything(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    missing = tmp_path / "nothing-here.sqlite3"
    with pytest.raises(CommandError, match="Not restored"):
        call_command("restore", str(missing), "--no-input")
    assert not (tmp_path / "backups").exists()


def test_prune_keeps_the_newest_and_never_touches_other_files(tmp_path):
    names = [
        "hibi-20260101-120000.sqlite3",
        "hibi-20260102-120000.sqlite3",
        "hibi-20260102-120000-2.sqlite3",
        "hibi-20260102-120000-10.sqlite3",
        "hibi-20260103-120000.pgdump",
    ]
    for name in [*names, "before-restore-20260101-000000.sqlite3", "notes.txt"]:
        (tmp_path / name).write_text("")
    deleted = backup.prune(tmp_path, keep=2)
    assert [p.name for p in deleted] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[3:], "before-restore-20260101-000000.sqlite3", "notes.txt"]
    )


def test_the_next_backup_removes_what_a_killed_one_left_and_nothing_else(scratch):
    """A backup or a check killed half-way leaves a half-copy and a scratch
    folder with a copy of the whole database in it; the next backup clears
    them once they are old enough not to belong to a run still going."""
    env = scratch("live")
    prepare_family(env)
    folder = Path(env["DATA_DIR"], "backups")
    hour_ago = time.time() - 3600

    def left(relative: str, old: bool = True) -> Path:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"SQLite format 3\x00")
        if old:
            os.utime(path, (hour_ago, hour_ago))
            os.utime(path.parent, (hour_ago, hour_ago))
        return path

    left(".scratch-k1ll3d/check.sqlite3")
    left("tmpa1b2c3d4/check.sqlite3")  # an older Hibi's name for the same
    left(".hibi-20260101-120000.sqlite3.partial")
    running = left(".scratch-n0w/check.sqlite3", old=False)
    family = left("tmpphotos/beach.jpg")  # not a scratch folder: other files in it
    lookalike = left("tmpz9y8x7w6/notes.txt")
    made = Path(manage(env, "backup").stdout.split("Backed up to ", 1)[1].strip())
    kept = [made, running.parent, running, family.parent, family, lookalike.parent, lookalike]
    assert sorted(folder.rglob("*")) == sorted(kept)


# --- export/import in the process --------------------------------------------------


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_import_refuses_into_a_database_that_has_a_family(demo_display):
    document = portable.export_family()
    with pytest.raises(portable.ImportRefused, match="already has a family"):
        portable.import_family(document)


@pytestmark_db
def test_import_replace_gives_back_the_same_family_and_tokens(demo_display):
    document = portable.export_family()
    models.Member.objects.filter(order=0).delete()
    revision = models.Revision.current()
    portable.import_family(document, replace=True)
    again = portable.export_family()
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    assert models.Display.objects.get().token == demo_display.token
    assert models.Revision.current() > revision


def _overlap_two_blocks(document: dict) -> None:
    """Give a whole-family block the time of another block of the same plan."""
    blocks = document["blocks"]
    family_ids = {row["block"] for row in document["block_members"]}
    first = next(b for b in blocks if b["id"] not in family_ids)
    other = next(b for b in blocks if b["plan"] == first["plan"] and b["id"] != first["id"])
    other.update(start=first["start"], end=first["end"])


def _too_many_blocks(document: dict) -> None:
    """A plan of 101 one-minute blocks: more than the admin would ever save."""
    plan = document["plans"][0]["id"]
    first = max(b["id"] for b in document["blocks"]) + 1
    document["blocks"] += [
        {"id": first + n, "plan": plan, "start": f"{n // 60:02d}:{n % 60:02d}",
         "end": f"{n // 60:02d}:{n % 60 + 1:02d}" if n % 60 < 59 else f"{n // 60 + 1:02d}:00",
         "title_ja": f"b{n}", "title_en": "", "icon": "", "colour": ""}
        for n in range(101)
    ]  # fmt: skip


def _empty_routine(document: dict) -> None:
    routine = document["routines"][0]["id"]
    document["routine_steps"] = [s for s in document["routine_steps"] if s["routine"] != routine]
    document["steps_done"] = []


def _thirteen_steps(document: dict) -> None:
    routine = document["routines"][0]["id"]
    first = max(s["id"] for s in document["routine_steps"]) + 1
    document["routine_steps"] += [
        {"id": first + n, "routine": routine, "order": 10 + n, "icon": "star", "title_ja": f"s{n}"}
        for n in range(13 - sum(s["routine"] == routine for s in document["routine_steps"]))
    ]


def _routine_for_someone_not_in_the_block(document: dict) -> None:
    """はる's morning routine moved to the parents' work block."""
    work = next(b for b in document["blocks"] if b["title_ja"] == "お仕事")
    document["routine_uses"][0]["block"] = work["id"]


def _same_routine_twice_a_day(document: dict) -> None:
    use = document["routine_uses"][0]
    plan = next(b["plan"] for b in document["blocks"] if b["id"] == use["block"])
    tidy = next(b for b in document["blocks"] if b["plan"] == plan and b["title_ja"] == "お片付け")
    document["routine_uses"].append({**use, "id": 99999, "block": tidy["id"]})


def _second_routine_in_a_block(document: dict) -> None:
    use = document["routine_uses"][0]
    other = next(r["id"] for r in document["routines"] if r["id"] != use["routine"])
    document["routine_uses"].append({**use, "id": 99999, "routine": other})


def add_ticks_and_stars() -> None:
    """What the family does with the demo's routines: ticks, stars earned, a reward
    given, a star taken back, a parent's own row."""
    from datetime import date

    from schedule.routines import stars
    from schedule.wall import ticks

    haru = models.Member.objects.get(name_en="Haru")
    mio = models.Member.objects.get(name_en="Mio")
    day = date(2026, 11, 24)
    for step in models.RoutineStep.objects.filter(routine__title_en="Morning (Haru)"):
        ticks.tick_step(step, haru, day, done=True)
    first = models.RoutineStep.objects.get(routine__title_en="Morning (Mio)", order=1)
    ticks.tick_step(first, mio, day, done=True)
    models.StarEntry.objects.create(
        member=haru, date=day, amount=5, kind="parent", what_ja="おてつだい"
    )
    stars.give_reward(models.Reward.objects.get(price=5), haru, day)
    stars.take_back(models.StarEntry.objects.get(kind="routine"))


@pytestmark_db
def test_export_and_import_keep_routines_ticks_and_the_star_ledger(demo_display):
    add_ticks_and_stars()
    document = portable.export_family()
    assert len(document["steps_done"]) == 6
    assert [row["amount"] for row in document["star_ledger"]] == [1, 5, -5, -1]
    assert document["star_ledger"][3]["corrects"] == document["star_ledger"][0]["id"]
    totals = models.StarEntry.totals()
    models.StarEntry.objects.all().delete()
    models.StepDone.objects.all().delete()
    models.Routine.objects.all().delete()
    portable.import_family(document, replace=True)
    again = portable.export_family()
    for key in ("routines", "routine_steps", "routine_uses", "steps_done", "star_ledger",
                "rewards", "star_rules", "members", "displays"):  # fmt: skip
        assert again[key] == document[key], key
    assert models.StarEntry.totals() == totals
    assert models.StepDone.objects.filter(step__isnull=False).count() == 6


def _without_routines(document):
    """The document as a Hibi before routines and stars (format version 2 or older) wrote it."""
    for key in ("routines", "routine_steps", "routine_uses", "steps_done", "star_rules",
                "rewards", "star_ledger"):  # fmt: skip
        del document[key]
    for member in document["members"]:
        del member["collects_stars"]
    for display in document["displays"]:
        del display["show_stars"]


@pytestmark_db
def test_a_version_2_export_without_routines_still_imports(demo_display):
    document = portable.export_family()
    _without_routines(document)
    document["version"] = 2
    portable.import_family(document, replace=True)
    assert models.Closure.objects.get().name_ja == "年末年始"
    assert models.Chore.objects.get(title_en="Burnable trash").is_garbage
    assert not models.Routine.objects.exists()
    assert not models.Member.objects.filter(collects_stars=True).exists()
    assert models.Display.objects.get().show_stars


@pytestmark_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a Hibi export"),
        (lambda d: d.update(version=99), "newer Hibi"),
        (lambda d: d["members"][0].update(shoe_size=20), "does not know"),
        (lambda d: d["notes"][0].update(start_date="not a date"), r"notes\[0\]\.start_date"),
        (lambda d: d["members"][0].update(colour="red"), r"members\[0\]"),
        (lambda d: d["blocks"][0].update(plan=999999), "does not fit together|blocks"),
        (lambda d: d.update(plans="oops"), "should be a list"),
        # What the admin refuses, the import refuses too, naming the row.
        (lambda d: d["chores"][0].update(rrule="FREQ=SOMETIMES"), r"chores\[0\]: rrule"),
        (lambda d: d["chores"][0].update(rrule="FREQ=DAILY;INTERVAL=0"), r"chores\[0\]: rrule"),
        (lambda d: d["chores"][0].update(rrule="FREQ=DAILY;BYHOUR=1,2"), r"chores\[0\]: rrule"),
        (lambda d: d["chores"][0].update(start_date="1026-01-01"), r"chores\[0\]: start_date"),
        (lambda d: d["chores"][0].update(extra_dates=[1]), r"chores\[0\]: extra_dates"),
        (lambda d: d["chores"][0].update(extra_dates="2026-12-01"), r"chores\[0\]: extra_dates"),
        (lambda d: d["members"][0].update(icon="no-such-icon"), r"members\[0\]: icon"),
        (lambda d: d["blocks"][0].update(icon="../../x"), r"blocks\[0\]: icon"),
        (lambda d: d["displays"][0].update(token="a/b/c/d/e/f/g/h/i"), r"displays\[0\]: token"),
        (lambda d: d["members"][0].update(name_ja="は\x00る"), r"members\[0\]\.name_ja: .*NUL"),
        (lambda d: d["members"][0].update(id=2**63), r"members\[0\]\.id"),
        (lambda d: d["blocks"][0].update(plan="1"), r"blocks\[0\]\.plan"),
        (lambda d: d["blocks"][0].update(end=d["blocks"][0]["start"]), r"blocks\[0\]: end"),
        (lambda d: d["displays"][0].update(night_end=None), r"displays\[0\]: night_end"),
        (lambda d: d.update(chore_assignees=[]), r"chores\[\d+\] takes turns"),
        (_overlap_two_blocks, r"blocks\[\d+\] overlaps blocks\[\d+\]"),
        (_too_many_blocks, r"The plan with id \d+ has 1\d\d blocks; at most 100"),
        # Routines, their steps and uses, as the routine's admin page checks them.
        (_empty_routine, r"routines\[\d+\] has no steps"),
        (_thirteen_steps, r"routines\[\d+\] has 13 steps; at most 12"),
        (lambda d: d["routine_steps"][0].update(title_ja="", title_en=""), r"routine_steps\[0\]"),
        (lambda d: d["routine_steps"][0].update(icon=""), r"routine_steps\[0\]: icon"),
        (lambda d: d["routine_steps"][0].update(minutes=0), r"routine_steps\[0\]: minutes"),
        (_routine_for_someone_not_in_the_block, r"routine_uses\[\d+\]: member \d+ is not in"),
        (_same_routine_twice_a_day, r"routine_uses\[\d+\] .*same routine twice in one plan"),
        (_second_routine_in_a_block, r"routine_uses\[\d+\] .*second routine in one block"),
        (lambda d: d["star_ledger"][0].update(kind="bonus"), r"star_ledger\[0\]: kind"),
        (lambda d: d["star_ledger"][0].update(amount=0), "does not fit together"),
        (lambda d: d["star_rules"][0].update(id=2), "does not fit together"),
        (lambda d: d["rewards"][0].update(price=0), r"rewards\[0\]: price"),
        (lambda d: d["steps_done"][0].update(member=999999), r"steps_done\[0\]: member"),
        (lambda d: d["star_ledger"][-1].update(corrects=999), r"star_ledger\[3\]\.corrects"),
    ],
)
def test_import_refuses_a_broken_document_and_writes_nothing(demo_display, change, message):
    add_ticks_and_stars()
    document = portable.export_family()
    for _key, model, _fields in reversed(portable.TABLES):  # an empty database
        model._default_manager.all().delete()
    change(document)
    with pytest.raises(portable.ImportRefused, match=message):
        portable.import_family(document)
    assert not portable.has_family()


@pytestmark_db
def test_import_command_explains_bad_json(tmp_path):
    broken = tmp_path / "family.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import", str(broken))


# --- restore on a bad day -----------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="damaging the database file is a SQLite case",
)


def _damage(path: Path) -> None:
    """Scribble over everything after the header: the file stays, its pages are garbage."""
    data = bytearray(path.read_bytes())
    data[100:] = b"\xa5" * (len(data) - 100)
    path.write_bytes(bytes(data))


@sqlite_only
@pytest.mark.parametrize("harm", ["damaged", "missing", "not a database"])
def test_restore_puts_a_backup_back_over_a_broken_database(scratch, harm):
    env = scratch("live")
    family = prepare_family(env)
    copy = manage(env, "backup").stdout.split("Backed up to ", 1)[1].strip()
    live = Path(env["DATA_DIR"], "db.sqlite3")
    for side in ("db.sqlite3-wal", "db.sqlite3-shm"):
        Path(env["DATA_DIR"], side).unlink(missing_ok=True)
    if harm == "damaged":
        _damage(live)
    elif harm == "missing":
        live.unlink()
    else:
        live.write_text("a shopping list, not a database")
    harmed = live.read_bytes() if live.exists() else None

    result = manage(env, "restore", copy, "--no-input", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Restart Hibi" in result.stdout
    assert export(env) == family
    kept = list(Path(env["DATA_DIR"], "backups").glob("damaged-*.sqlite3"))
    if harmed is not None:
        assert [path.read_bytes() for path in kept] == [harmed]  # kept as it was, unchecked


@sqlite_only
def test_backup_and_export_of_an_unreadable_database_say_so_without_a_traceback(scratch):
    env = scratch("live")
    prepare_family(env)
    _damage(Path(env["DATA_DIR"], "db.sqlite3"))
    for side in ("db.sqlite3-wal", "db.sqlite3-shm"):
        Path(env["DATA_DIR"], side).unlink(missing_ok=True)
    for command, prefix in (("backup", "Not backed up"), ("export", "Not exported")):
        result = manage(env, command, check=False)
        assert result.returncode == 1
        assert prefix in result.stderr
        assert "Traceback" not in result.stderr


def test_import_into_a_folder_it_cannot_read_says_so_without_a_traceback(scratch, tmp_path):
    env = scratch("live")
    result = manage(env, "import", str(tmp_path / "nowhere.json"), check=False)
    assert result.returncode == 1
    assert "Cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_killed_half_way_leaves_nothing_the_next_run_keeps(scratch):
    env = scratch("live")
    prepare_family(env)
    backups = Path(env["DATA_DIR"], "backups")
    backups.mkdir()
    stale = backups / ".hibi-20260101-000000.sqlite3.partial"
    fresh = backups / ".hibi-20260101-000001.sqlite3.partial"
    stale.write_bytes(b"half a copy")
    fresh.write_bytes(b"a copy being written right now")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    manage(env, "backup")
    assert not stale.exists()
    assert fresh.exists()


# Calendars, feeds, phones and what was sent travel with the family ---------------------


def _beyond_the_wall() -> None:
    from datetime import UTC, datetime

    mio = models.Member.objects.get(name_en="Mio")
    block = models.Block.objects.filter(title_en="Clean up").first() or models.Block.objects.first()
    block.webhook_url = "http://homeassistant:8123/api/webhook/roomba"
    block.nudge_minutes_before = 10
    block.save()
    models.Chore.objects.filter(title_en="Burnable trash").update(nudge_when_overdue=True)
    models.CalendarSubscription.objects.create(
        name="Swimming", url="webcal://example.com/swim.ics", member=mio, error_code="timeout",
        error_detail="10",
    )  # fmt: skip
    models.CalendarFeed.objects.create(name="Family")
    target = models.NudgeTarget.objects.create(
        name="Dad's phone", apprise_url="ntfy://ntfy.sh/hibi-family-test", language="both"
    )
    models.Delivery.objects.create(
        kind="nudge", channel=f"target:{target.pk}", occurrence="evening:2026-11-24",
        target=target, title="あしたの あさ", body="カン", status="sent", attempts=1,
        due_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
        sent_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
    )  # fmt: skip


@pytestmark_db
def test_export_and_import_carry_calendars_feeds_phones_and_what_was_sent(demo_display, client):
    _beyond_the_wall()
    document = portable.export_family()
    for key in ("calendar_subscriptions", "calendar_feeds", "nudge_targets", "deliveries"):
        assert len(document[key]) == 1, key
    assert "etag" not in document["calendar_subscriptions"][0]
    token = document["calendar_feeds"][0]["token"]
    portable.import_family(document, replace=True)
    again = portable.export_family()
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    assert client.get(f"/ics/{token}.ics").status_code == 200
    assert models.Delivery.objects.get().target.name == "Dad's phone"


@pytestmark_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["nudge_targets"][0].update(apprise_url="nonsense"), r"nudge_targets\[0\]"),
        (
            lambda d: d["calendar_subscriptions"][0].update(url="file:///etc/passwd"),
            r"calendar_subscriptions\[0\]: url",
        ),
        (lambda d: d["blocks"][0].update(webhook_url="ftp://x/y"), r"blocks\[0\]: webhook_url"),
        (lambda d: d["calendar_feeds"][0].update(token="short"), r"calendar_feeds\[0\]: token"),
        (lambda d: d["deliveries"][0].update(status="lost"), r"deliveries\[0\]: status"),
    ],
)
def test_import_checks_the_new_rows_like_the_admin(demo_display, change, message):
    _beyond_the_wall()
    document = portable.export_family()
    change(document)
    with pytest.raises(portable.ImportRefused, match=message):
        portable.import_family(document, replace=True)
    assert models.NudgeTarget.objects.count() == 1  # nothing replaced


@pytestmark_db
def test_an_export_of_the_first_version_still_imports(demo_display):
    document = portable.export_family()
    document["version"] = 1
    _without_routines(document)
    for key in ("calendar_subscriptions", "calendar_feeds", "nudge_targets", "deliveries"):
        del document[key]
    for row in document["blocks"]:
        del row["nudge_minutes_before"], row["webhook_url"]
    portable.import_family(document, replace=True)
    assert models.Block.objects.filter(webhook_url="").count() == models.Block.objects.count()


@pytestmark_db
def test_show_day_json_has_calendars_feeds_phones_and_what_was_sent(demo_display):
    import io

    from django.core.management import call_command

    _beyond_the_wall()
    out = io.StringIO()
    call_command("show_day", "--date", "2026-11-23", "--json", "--lang", "en", stdout=out)
    shown = json.loads(out.getvalue())["beyond_the_wall"]
    assert shown["subscriptions"][0]["name"] == "Swimming"
    assert shown["subscriptions"][0]["problem"] == "It did not answer in time (10 seconds)."
    assert shown["feeds"][0]["path"].startswith("/ics/")
    assert shown["nudge_targets"][0]["name"] == "Dad's phone"
    assert [(d["occurrence"], d["status"]) for d in shown["sent"]] == [
        ("evening:2026-11-24", "sent")
    ]


@pytestmark_db
def test_closures_links_and_cancellations_round_trip_through_an_export(demo_display):
    burnable = models.Chore.objects.get(title_en="Burnable trash")
    new_year = models.Closure.objects.get(name_ja="年末年始")
    models.Closure.objects.create(
        name_ja="お盆", start_date=dt.date(2027, 8, 13), end_date=dt.date(2027, 8, 15),
        action="date", move_to=dt.date(2027, 8, 17),
    )  # fmt: skip
    models.ChoreClosure.objects.create(chore=burnable, closure=new_year, action="previous")
    models.ChoreCancellation.objects.create(
        chore=burnable, date=dt.date(2026, 11, 26), reason="台風"
    )
    models.Chore.objects.filter(pk=burnable.pk).update(
        holiday_exceptions=["海の日"], no_collection_days=0b1100000
    )
    document = portable.export_family()
    assert document["version"] == portable.VERSION
    assert {len(document[key]) for key in ("chore_closures", "chore_cancellations")} == {1}
    assert len(document["closures"]) == 2
    portable.import_family(document, replace=True)
    again = portable.export_family()
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    burnable.refresh_from_db()
    assert burnable.is_due_on(dt.date(2026, 12, 30))  # the link's "day before" came back


@pytestmark_db
def test_a_version_1_export_still_imports_with_the_new_fields_defaults(demo_display):
    document = portable.export_family()
    document["version"] = 1
    _without_routines(document)
    for key in ("closures", "chore_closures", "chore_cancellations"):
        del document[key]
    for row in document["chores"]:
        for field in ("holiday_exceptions", "is_garbage", "no_collection_days"):
            del row[field]
    portable.import_family(document, replace=True)
    chore = models.Chore.objects.get(title_en="Burnable trash")
    assert (chore.is_garbage, chore.no_collection_days, chore.holiday_exceptions) == (
        False,
        models.SUNDAY,
        [],
    )
    assert not models.Closure.objects.exists()


@pytestmark_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["closures"][0].update(end_date="2027-03-01"), r"closures\[0\]: end_date"),
        (lambda d: d["closures"][0].update(action="date"), r"closures\[0\]: move_to"),
        (lambda d: d["chores"][0].update(holiday_exceptions="海の日"), r"chores\[0\]"),
        (
            lambda d: d["chore_closures"].append(
                {"id": 1, "chore": d["chores"][0]["id"], "closure": d["closures"][0]["id"],
                 "action": "date", "move_to": "2027-01-02"}
            ),
            r"chore_closures\[0\]",
        ),
    ],
)  # fmt: skip
def test_import_refuses_a_closure_that_cannot_work(demo_display, change, message):
    document = portable.export_family()
    change(document)
    with pytest.raises(portable.ImportRefused, match=message):
        portable.import_family(document, replace=True)
    assert models.Closure.objects.get().name_ja == "年末年始"  # the family is untouched


# --- a running server after a restore ---------------------------------------------


@pytest.mark.slow  # a gunicorn of its own
def test_after_a_restore_a_running_servers_walls_show_the_restored_plans_and_the_next_edit(
    tmp_path,
):
    """The server keeps what it read of the plans by their revision; a restore
    brings back an older revision, so it must count past every number the
    server may have seen, or the parent's next edit finds an old copy kept."""
    from tests.oldengine.harness import WallServer

    server = WallServer(tmp_path / "data")
    server.prepare()
    rename = (
        "from schedule.models import Block\n"
        "for block in Block.objects.filter(title_en='Clean-up'):\n"
        "    block.title_ja = {!r}\n"
        "    block.save()\n"
    )

    def wall() -> str:
        with urllib.request.urlopen(server.wall_url("2026-11-24T17:05"), timeout=10) as page:
            return page.read().decode()

    server.start()
    try:
        assert "お片付け" in wall()  # the server has read the plans
        copy = server.manage("backup").split("Backed up to ", 1)[1].strip()
        server.shell(rename.format("かたづけA"))
        assert "かたづけA" in wall()
        server.manage("restore", "--no-input", copy)
        page = wall()
        assert "お片付け" in page and "かたづけA" not in page
        server.shell(rename.format("かたづけB"))  # the parent's next edit
        page = wall()
        assert "かたづけB" in page and "かたづけA" not in page
    finally:
        server.stop()


@pytestmark_db
def test_export_and_import_carry_times_away_caregiver_links_and_announcements(demo_display, client):
    """Issue 30's rows go wherever the family goes: the grandmother's link and Home
    Assistant's token keep working after an import (the token as its digest)."""
    token_row = models.AnnouncementToken(name="Home Assistant")
    secret = token_row.issue()
    token_row.save()
    said = models.Announcement.objects.get()
    said.displays.set([demo_display])
    models.AnnouncementDismissal.objects.create(announcement=said, display=demo_display)
    mio = models.Member.objects.get(name_en="Mio")
    mio.wake_at = dt.time(7, 15)
    mio.save()
    demo_display.ok_to_wake = True
    demo_display.save()
    link = models.CaregiverLink.objects.get()
    document = portable.export_family()
    assert secret not in json.dumps(document, ensure_ascii=False)
    new_tables = ["away_periods", "caregiver_links", "caregiver_link_members", "announcements"]
    new_tables += ["announcement_walls", "announcement_dismissals", "announcement_tokens"]
    for key in new_tables:
        assert document[key], key
    portable.import_family(document, replace=True)
    again = portable.export_family()
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }
    assert models.CaregiverLink.find(link.token) == link
    assert models.AnnouncementToken.find(secret).name == "Home Assistant"
    assert models.Member.objects.get(name_en="Mio").wake_at == dt.time(7, 15)
    assert models.Display.objects.get().ok_to_wake
    assert models.AwayPeriod.objects.get().member.name_en == "Mio"
