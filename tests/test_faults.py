"""The server on a bad day: a held lock, a read-only or full disk, a damaged or deleted
database file, PostgreSQL gone. The wall and the admin answer 503 (never 500) in
seconds, the wall's reads go on where they can, and /healthz tells the truth.

Each case runs the real app in a fresh process against a SQLite file of its
own (the suite's test database lives in memory and cannot be damaged), drives
it with Django's test client, and reports status and time per request. The
figures of the last run go to test-artifacts/faults.json.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
WRITE_TIMEOUT = 1  # seconds; the server's DB_WRITE_TIMEOUT for these runs

pytestmark = [pytest.mark.slow]

# Runs inside the server's process: plays the requests a wall, a tablet's tap,
# Home Assistant, a parent and Docker's health check make, times each one.
PROBE = textwrap.dedent(
    """
    import json, os, sys, time, types
    # The settings serve static files without collectstatic's manifest under
    # pytest, as the suite's own tests do.
    sys.modules.setdefault("pytest", types.ModuleType("pytest"))
    import django
    django.setup()
    from django.test import Client

    from django.conf import settings

    steps = json.loads(sys.argv[1])
    token, chore_id, chore_day, plan_id, session_key = json.loads(sys.argv[2])
    client = Client(raise_request_exception=False)
    parent = Client(raise_request_exception=False)
    parent.cookies[settings.SESSION_COOKIE_NAME] = session_key  # logged in before the fault
    requests = {
        "page": lambda: client.get(f"/d/{token}/"),
        "poll": lambda: client.get(f"/d/{token}/panel", {"v": "stale"}),
        "now.json": lambda: client.get(f"/d/{token}/now.json"),
        "tick": lambda: client.post(
            f"/d/{token}/chores/{chore_id}/{chore_day}/done", {"done": "1"},
            headers={"HX-Request": "true"}),
        "admin index": lambda: parent.get("/admin/"),
        "admin save": lambda: parent.post(f"/admin/schedule/plan/{plan_id}/change/", {}),
        "healthz": lambda: client.get("/healthz"),
    }
    results = []
    for step in steps:
        if step == "delete the database file":
            os.unlink(os.environ["DATA_DIR"] + "/db.sqlite3")
            continue
        if step == "fill the disk":
            with open(os.environ["DATA_DIR"] + "/filler", "wb") as out:
                try:
                    while True:
                        out.write(bytes(65536))
                        out.flush()
                except OSError:
                    pass
            continue
        started = time.monotonic()
        response = requests[step]()
        results.append({
            "request": step,
            "status": response.status_code,
            "seconds": round(time.monotonic() - started, 3),
            "retry_after": response.get("Retry-After"),
            "body": response.content.decode(errors="replace")[:4000],
        })
    print(json.dumps(results))
    """
)

SETUP = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from datetime import date
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from schedule.data.demo import load_demo_family
    from schedule.models import Chore, Plan
    display = load_demo_family(date.today())
    admin = User.objects.create_superuser("admin", password="not-a-real-password-1")
    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    chore = Chore.objects.get(title_ja="ルンバのスイッチ")  # daily: due today
    print(json.dumps([display.token, chore.pk, date.today().isoformat(),
                      Plan.objects.first().pk, session.session_key]))
    """
)

ALL = ["page", "poll", "now.json", "tick", "admin index", "admin save", "healthz"]
RESULTS: dict[str, list[dict]] = {}


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "test-only-" + "x" * 50,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "testserver",
        "DB_WRITE_TIMEOUT": str(WRITE_TIMEOUT),
        "LOG_LEVEL": "CRITICAL",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def run(script: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def family(data_dir: Path) -> tuple[dict[str, str], list]:
    """A migrated database with the demo family and an admin, in `data_dir`."""
    env = server_env(data_dir)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True
    )
    ids = json.loads(run(SETUP, env))
    return env, ids


def probe(case: str, env: dict[str, str], ids: list, steps: list[str]) -> dict[str, dict]:
    answers = json.loads(run(PROBE, env, json.dumps(steps), json.dumps(ids)))
    RESULTS[case] = [{k: v for k, v in a.items() if k != "body"} for a in answers]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "faults.json").write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False))
    return {answer["request"]: answer for answer in answers}


def assert_no_500(answers: dict[str, dict]) -> None:
    assert [a for a in answers.values() if a["status"] >= 500 and a["status"] != 503] == []
    for answer in answers.values():
        # A few seconds at most: the write timeout, plus SQLite's own back-off.
        assert answer["seconds"] < WRITE_TIMEOUT + 4, answer


def assert_unavailable(answer: dict) -> None:
    assert answer["status"] == 503, answer
    assert answer["retry_after"] == "30"


def can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe_dir = Path("/tmp") / f"hibi-mount-probe-{os.getpid()}"
    probe_dir.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe_dir)],
            capture_output=True,
            check=False,
        ).returncode
        if ok == 0:
            subprocess.run(["umount", str(probe_dir)], check=True)
        return ok == 0
    finally:
        probe_dir.rmdir()


@contextmanager
def small_disk(path: Path, size: str):
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def sqlite_only():
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("a SQLite file's faults; the PostgreSQL case runs in every pass")


# --- the cases ----------------------------------------------------------------------


def test_a_held_write_lock_gives_503s_in_seconds_and_the_wall_still_reads(tmp_path):
    sqlite_only()
    env, ids = family(tmp_path)
    holder = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        answers = probe("write lock held", env, ids, ALL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_no_500(answers)
    assert answers["page"]["status"] == 200  # its heartbeat is skipped, not fatal
    assert answers["poll"]["status"] == 200
    assert answers["now.json"]["status"] == 200
    assert answers["admin index"]["status"] == 200
    assert_unavailable(answers["tick"])
    assert_unavailable(answers["admin save"])
    assert_unavailable(answers["healthz"])
    assert "cannot be written" in answers["healthz"]["body"]
    assert "データを読み書きできません" in answers["admin save"]["body"]  # the parent's language


def test_a_damaged_chores_table_gives_503s_and_healthz_says_so(tmp_path):
    sqlite_only()
    env, ids = family(tmp_path)
    db_path = tmp_path / "db.sqlite3"
    with sqlite3.connect(db_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'schedule_chore'"
        ).fetchone()
    db.close()
    with db_path.open("r+b") as file:  # scribble over the chores table's first page
        file.seek((root - 1) * page_size)
        file.write(b"\x5a" * page_size)
    answers = probe("damaged chores table", env, ids, ALL)
    assert_no_500(answers)
    for request in ("page", "poll", "now.json", "admin index", "healthz"):
        assert_unavailable(answers[request])
    assert '"status": 503' in answers["now.json"]["body"]
    assert "cannot be read" in answers["healthz"]["body"]


def test_a_database_file_deleted_under_the_server_refuses_writes_instead_of_losing_them(tmp_path):
    sqlite_only()
    env, ids = family(tmp_path)
    steps = ["poll", "delete the database file", "poll", "tick", "admin save", "healthz"]
    answers = probe("database file deleted while running", env, ids, steps)
    assert_no_500(answers)
    assert answers["poll"]["status"] == 200  # reads of the file still open are harmless
    assert_unavailable(answers["tick"])  # a tick would be confirmed and then lost
    assert_unavailable(answers["admin save"])
    assert_unavailable(answers["healthz"])


def test_a_server_started_without_its_database_file_gives_503s(tmp_path):
    sqlite_only()
    env, ids = family(tmp_path)
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    answers = probe("database file missing at start", env, ids, ALL)
    assert_no_500(answers)
    for request in ALL:
        assert_unavailable(answers[request])


@pytest.mark.skipif(not can_mount(), reason="needs root to mount a small tmpfs")
def test_a_full_disk_gives_503s_for_writes_and_the_wall_still_reads(tmp_path):
    sqlite_only()
    with small_disk(tmp_path / "disk", "4m") as disk:
        env, ids = family(disk)
        # The server is running (its database open) when the disk fills up.
        answers = probe("disk full", env, ids, ["poll", "fill the disk", *ALL])
    assert_no_500(answers)
    assert answers["poll"]["status"] == 200
    assert_unavailable(answers["tick"])
    assert_unavailable(answers["healthz"])


@pytest.mark.skipif(not can_mount(), reason="needs root to mount a read-only tmpfs")
def test_a_read_only_data_dir_gives_503s_not_500s(tmp_path):
    sqlite_only()
    with small_disk(tmp_path / "disk", "8m") as disk:
        env, ids = family(disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        answers = probe("read-only data dir", env, ids, ALL)
    assert_no_500(answers)
    assert_unavailable(answers["tick"])
    assert_unavailable(answers["healthz"])


def test_postgresql_gone_gives_503s_in_seconds(tmp_path):
    # A port nothing listens on: the server is stopped, or the network is down.
    env = server_env(tmp_path, DATABASE_URL="postgres://hibi:hibi@127.0.0.1:9/hibi")
    ids = ["a" * 32, 1, "2026-11-24", 1, "no-session"]
    answers = probe("PostgreSQL stopped", env, ids, ["page", "poll", "now.json", "healthz"])
    assert_no_500(answers)
    for request in ("page", "poll", "now.json", "healthz"):
        assert_unavailable(answers[request])
    assert '"status": 503' in answers["now.json"]["body"]


TAPPER = textwrap.dedent(
    """
    import json, sys, types
    sys.modules.setdefault("pytest", types.ModuleType("pytest"))
    import django
    django.setup()
    from django.test import Client

    token, chore_id, day, taps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    client = Client(raise_request_exception=False)
    url = f"/d/{token}/chores/{chore_id}/{day}/done"
    statuses = [
        client.post(url, {"done": "1" if n % 2 == 0 else "0"}, headers={"HX-Request": "true"})
        .status_code
        for n in range(taps)
    ]
    print(json.dumps(statuses))
    """
)


def test_three_tablets_ticking_and_unticking_at_once_never_fail(tmp_path):
    sqlite_only()
    env, (token, chore_id, day, _plan, _session) = family(tmp_path)
    env = {**env, "DB_WRITE_TIMEOUT": "10"}  # contention, not a fault: let writers wait
    tablets = [
        subprocess.Popen(
            [sys.executable, "-c", TAPPER, token, str(chore_id), day, "150"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    statuses = [
        json.loads(tablet.communicate(timeout=300)[0].splitlines()[-1]) for tablet in tablets
    ]
    RESULTS["three tablets, 450 taps"] = [
        {
            "request": "tick/untick",
            "status": status,
            "count": sum(s == status for t in statuses for s in t),
        }
        for status in sorted({s for t in statuses for s in t})
    ]
    (ARTIFACTS / "faults.json").write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False))
    assert {s for t in statuses for s in t} == {200}
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        rows = db.execute(
            "SELECT COUNT(*) FROM schedule_choredone WHERE chore_id = ? AND date = ?",
            [chore_id, day],
        ).fetchone()[0]
    db.close()
    assert rows in (0, 1)  # each tablet's last tap was an untick; no duplicate ever
