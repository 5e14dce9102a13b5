"""Copies of the whole database: consistent backups, their checks, pruning and restore.

SQLite is copied with its online backup API, which gives a consistent
snapshot while the wall and the admin keep reading and writing; PostgreSQL is
copied with `pg_dump` in its custom format. Every copy is written under a
temporary name, checked, and only then renamed into place, so a half-written
file never looks like a backup. Restore refuses any file it cannot fully
account for and keeps the current database aside before it changes anything.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader

from schedule.common import household

SQLITE_SUFFIX = ".sqlite3"
POSTGRES_SUFFIX = ".pgdump"
# hibi-20261123-170500.sqlite3: sorts by time, and prune() only ever touches these.
NAME_PATTERN = re.compile(r"^hibi-(\d{8}-\d{6})(?:-(\d+))?\.(?:sqlite3|pgdump)$")
# The family's tables; a copy without them is not a Hibi database.
FAMILY_TABLES = ("schedule_member", "schedule_plan", "schedule_block", "schedule_display")


class BackupError(Exception):
    """A backup or restore that must not go on; the message tells the person why."""


@dataclass(frozen=True)
class Contents:
    """What a checked copy holds: enough to ask "is this the one I want?"."""

    migrations: frozenset[tuple[str, str]]
    counts: dict[str, int]

    def summary(self) -> str:
        return ", ".join(
            f"{table.removeprefix('schedule_')}s: {count}" for table, count in self.counts.items()
        )


def uses_sqlite() -> bool:
    return connection.vendor == "sqlite"


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


# A `.partial` file older than this was left by a backup that was killed
# half-way (a younger one may belong to a backup running right now).
STALE_PARTIAL_AGE = timedelta(minutes=10)


def create(directory: Path | None = None, keep: int | None = None, label: str = "") -> Path:
    """Write a checked, timestamped copy of the database and prune old ones."""
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(directory)
    suffix = SQLITE_SUFFIX if uses_sqlite() else POSTGRES_SUFFIX
    target = _free_name(directory, label, suffix)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if uses_sqlite():
            connection.ensure_connection()
            _sqlite_backup(connection.connection, partial)
        else:
            _pg_dump(partial)
        try:
            check(partial)
        except BackupError as exc:
            raise BackupError(
                f"The copy of the database failed its check, so it was not kept: {exc}"
            ) from None
        _fsync(partial)
        os.replace(partial, target)
        _fsync(directory)
    finally:
        partial.unlink(missing_ok=True)
    if keep is not None:
        prune(directory, keep)
    return target


# The private folders a check or a PostgreSQL restore works in, inside the
# backups folder (so a full /tmp cannot fail them): named so that the next
# backup can tell the ones a killed run left behind from the family's files.
SCRATCH_PREFIX = ".scratch-"
# Older Hibis named them as tempfile does, with only these files inside.
LEGACY_SCRATCH = re.compile(r"tmp[\w]{8}")
SCRATCH_FILES = frozenset({"check.sqlite3", "check.sqlite3-journal", "restore.sql"})


def remove_stale_partials(directory: Path) -> list[Path]:
    """Delete the hidden half-copies and scratch folders that a killed backup,
    check or restore left behind (a younger one may be in use right now)."""
    removed = []
    for path in directory.glob(".*.partial"):
        with contextlib.suppress(OSError):
            if not is_recent(path, STALE_PARTIAL_AGE):
                path.unlink()
                removed.append(path)
    for path in directory.iterdir() if directory.is_dir() else ():
        with contextlib.suppress(OSError):
            if _is_scratch(path) and not is_recent(path, STALE_PARTIAL_AGE):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _is_scratch(path: Path) -> bool:
    if not path.is_dir() or path.is_symlink():
        return False
    if path.name.startswith(SCRATCH_PREFIX):
        return True
    return bool(LEGACY_SCRATCH.fullmatch(path.name)) and all(
        inner.name in SCRATCH_FILES for inner in path.iterdir()
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` regular backups; anything else is left alone."""
    backups = regular_backups(directory)
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink()
    return doomed


def newest(directory: Path | None = None) -> Path | None:
    backups = regular_backups(directory or backup_dir())
    return backups[-1] if backups else None


def regular_backups(directory: Path) -> list[Path]:
    """The backups `create()` wrote into `directory`, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if match := NAME_PATTERN.match(path.name):
            found.append(((match[1], int(match[2] or 1)), path))
    return [path for _key, path in sorted(found)]


def is_recent(path: Path, age: timedelta) -> bool:
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return household.now() - modified < age


def check(path: Path) -> Contents:
    """Prove a copy is readable and whole; raise BackupError saying what is wrong."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if _looks_like_sqlite(path):
        return _check_sqlite(path)
    if _looks_like_pg_dump(path):
        return _check_pg_dump(path)
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump file.")


def check_restorable(path: Path) -> Contents:
    """Everything restore() needs to be sure of, before anything is touched."""
    contents = check(path)
    refuse_unknown_migrations(contents)
    if uses_sqlite() != _looks_like_sqlite(path):
        here = "SQLite" if uses_sqlite() else "PostgreSQL"
        raise BackupError(
            f"{path.name} comes from another kind of database than this server's ({here}); "
            "use export and import to move between SQLite and PostgreSQL."
        )
    return contents


@dataclass(frozen=True)
class Restored:
    """What restore() did: where the old database went, and whether it was whole."""

    aside: Path
    contents: Contents
    damaged: bool = False


def restore(path: Path) -> Restored:
    """Replace the database with the copy at `path`, after keeping the current one aside.

    The current database is copied and checked like any backup. When it cannot
    be (damaged, missing, not a database at all: the bad day restore exists
    for), its SQLite files are kept aside as they are, `damaged-*.sqlite3`,
    and the copy takes the file's place; a server still running on the old
    file must then be restarted, which /healthz says. The caller runs migrate
    afterwards, for a copy made by an older Hibi.
    """
    contents = check_restorable(path)
    if uses_sqlite():
        try:
            aside = create(backup_dir(), label="before-restore")
        except (BackupError, sqlite3.Error, DatabaseError, OSError):
            aside = keep_damaged_aside()
            _sqlite_replace_file(path)
            return Restored(aside, contents, damaged=True)
        _sqlite_restore(path)
        return Restored(aside, contents)
    aside = create(backup_dir(), label="before-restore")
    connection.close()
    _pg_restore(path)
    return Restored(aside, contents)


def refuse_unknown_migrations(contents: Contents) -> None:
    """Refuse a copy made by a newer Hibi: this code could not know what its data means."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    installed = {config.label for config in _app_configs()}
    unknown = sorted(
        f"{app}.{name}"
        for app, name in contents.migrations
        if app in installed and (app, name) not in known
    )
    if unknown:
        raise BackupError(
            "This copy was made by a newer Hibi (it has the migrations "
            f"{', '.join(unknown)}). Upgrade Hibi first, then restore it."
        )
    if ("schedule", "0001_initial") not in contents.migrations:
        raise BackupError("This copy has no family schedule in it; it is not a Hibi database.")


def _app_configs():
    from django.apps import apps

    return apps.get_app_configs()


def _free_name(directory: Path, label: str, suffix: str) -> Path:
    stamp = household.now().strftime("%Y%m%d-%H%M%S")
    base = f"hibi-{stamp}" if not label else f"{label}-{stamp}"
    candidate = directory / f"{base}{suffix}"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = directory / f"{base}-{counter}{suffix}"
    return candidate


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- SQLite --------------------------------------------------------------------


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


@contextlib.contextmanager
def _sqlite(path: Path, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    options: Any = settings.DATABASES["default"].get("OPTIONS") or {}
    timeout = float(options.get("timeout", 20))
    if read_only:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    else:
        db = sqlite3.connect(path, timeout=timeout)
    try:
        yield db
    finally:
        db.close()


def _sqlite_backup(source: sqlite3.Connection, target: Path) -> None:
    with _sqlite(target) as copy:
        # One step (pages=-1) holds a read snapshot for the whole copy, so the
        # result is consistent; in WAL mode writers carry on meanwhile.
        source.backup(copy, pages=-1)
        # A backup is one self-contained file, not a WAL database with side files.
        copy.execute("PRAGMA journal_mode=DELETE")


def _check_sqlite(path: Path) -> Contents:
    # Check a private copy: the file given may be a live WAL database, and
    # opening it read-only could still need its side files.
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=_scratch_dir()) as scratch:
        copy = Path(scratch) / "check.sqlite3"
        try:
            with _sqlite(path) as original:
                _sqlite_backup(original, copy)
            with _sqlite(copy, read_only=True) as db:
                problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
                if problems != ["ok"]:
                    raise BackupError(f"{path.name} is damaged: {'; '.join(problems[:5])}")
                if db.execute("PRAGMA foreign_key_check").fetchone():
                    raise BackupError(f"{path.name} has rows that point at missing rows.")
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
                if "django_migrations" not in tables or not set(FAMILY_TABLES) <= tables:
                    raise BackupError(f"{path.name} is a SQLite file but not a Hibi database.")
                migrations = frozenset(db.execute("SELECT app, name FROM django_migrations"))
                counts = {
                    table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                    for table in FAMILY_TABLES
                }
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path.name} cannot be read as a database: {exc}") from None
    return Contents(migrations=migrations, counts=counts)


def live_database() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def keep_damaged_aside() -> Path:
    """Copy the database's files byte for byte, unchecked, into the backups folder."""
    connection.close()
    live = live_database()
    directory = backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = _free_name(directory, "damaged", SQLITE_SUFFIX)
    for suffix in ("", "-wal", "-shm"):
        source = live.with_name(live.name + suffix)
        if source.exists():
            shutil.copy2(source, target.with_name(target.name + suffix))
    return target


def _sqlite_replace_file(source: Path) -> None:
    """Put a checked copy in place of the database file, side files and all.

    Written next to the database first and renamed over it, so a crash leaves
    either the old file or the whole copy. Used only when the old file cannot
    be opened as a database, so nothing can be copied into it page by page.
    """
    connection.close()
    live = live_database()
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.with_name(f".{live.name}.restore.partial")
    staged.unlink(missing_ok=True)
    try:
        with _sqlite(source) as copy, _sqlite(staged) as target:
            copy.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
        _fsync(staged)
        for suffix in ("-wal", "-shm"):
            live.with_name(live.name + suffix).unlink(missing_ok=True)
        os.replace(staged, live)
        _fsync(live.parent)
    finally:
        staged.unlink(missing_ok=True)


def _sqlite_restore(source: Path) -> None:
    # Copying pages into the live database through SQLite (not replacing its
    # file) is one transaction: the server's open connections see either the
    # old or the new database, never a mix, and a crash half-way leaves the old.
    connection.ensure_connection()
    with _sqlite(source) as copy:
        copy.backup(connection.connection, pages=-1)


def _scratch_dir() -> Path:
    directory = backup_dir()
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        return directory
    return Path(tempfile.gettempdir())


# --- PostgreSQL ----------------------------------------------------------------


def _looks_like_pg_dump(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(5) == b"PGDMP"


def _pg_env() -> tuple[dict[str, str], str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env, str(db["NAME"])


def _pg_tool(name: str, *args: str, stdout=None) -> subprocess.CompletedProcess:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed. It comes with PostgreSQL's client tools; "
            "with Docker, set POSTGRES_TOOLS=true in .env and run `docker compose up -d --build`."
        )
    env, _ = _pg_env()
    result = subprocess.run(
        [tool, *args],
        env=env,
        stdout=stdout or subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{name} failed: {message}")
    return result


def _pg_dump(target: Path) -> None:
    _, name = _pg_env()
    _pg_tool(
        "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", name
    )


def _check_pg_dump(path: Path) -> Contents:
    listing = _pg_tool("pg_restore", "--list", str(path)).stdout.decode()
    tables = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    if "django_migrations" not in tables or not set(FAMILY_TABLES) <= tables:
        raise BackupError(f"{path.name} is a pg_dump file but not of a Hibi database.")
    data = _pg_tool(
        "pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(path)
    ).stdout.decode()
    migrations = set()
    counts = dict.fromkeys(FAMILY_TABLES, 0)
    in_copy = False
    for line in data.splitlines():
        if line.startswith("COPY "):
            in_copy = True
        elif line == "\\.":
            in_copy = False
        elif in_copy:
            _id, app, name, *_rest = line.split("\t")
            migrations.add((app, name))
    for table in FAMILY_TABLES:
        rows = _pg_tool("pg_restore", "--data-only", f"--table={table}", "--file=-", str(path))
        text = rows.stdout.decode()
        body = (
            text.split("FROM stdin;\n", 1)[1].split("\n\\.", 1)[0] if "FROM stdin;" in text else ""
        )
        counts[table] = len([line for line in body.splitlines() if line])
    return Contents(migrations=frozenset(migrations), counts=counts)


def _pg_restore(path: Path) -> None:
    # The dump becomes one SQL script run in a single transaction after the
    # schema is emptied: either the whole copy is in place or nothing changed.
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=_scratch_dir()) as scratch:
        script = Path(scratch) / "restore.sql"
        _pg_tool("pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(path))
        _, name = _pg_env()
        _pg_tool(
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            "--command=DROP SCHEMA public CASCADE",
            "--command=CREATE SCHEMA public",
            f"--file={script}",
            f"--dbname={name}",
            stdout=subprocess.DEVNULL,
        )
