"""The background worker: its loop, its health check, and the real processes.

The fast tests drive `worker.enqueue_due()` and the tasks directly. The slow
ones start `manage.py hibi_worker` (the loop beside django-tasks-db's
db_worker) and `scripts/serve` (make run's web server and worker) as the
family runs them, against a database of their own and a local receiver.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schedule.models import Heartbeat
from schedule.nudges import tasks, worker

ROOT = Path(__file__).resolve().parent.parent


def queued() -> list[str]:
    return sorted(
        path.rsplit(".", 1)[1]
        for path in DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
    )


def test_the_loop_queues_each_periodic_task_once_per_period(db, settings):
    settings.WORKER_TICK_SECONDS = 10
    now = timezone.now()
    assert worker.enqueue_due(now) == ["send_due", "sync_calendars", "sync_weather", "prune"]
    assert worker.enqueue_due(now) == []
    assert worker.enqueue_due(now + timedelta(seconds=5)) == []
    assert queued() == ["prune", "send_due", "sync_calendars", "sync_weather"]
    # Still waiting in the queue: not queued a second time, however late.
    assert worker.enqueue_due(now + timedelta(seconds=30)) == []
    DBTaskResult.objects.all().delete()  # as if the worker had run them
    assert worker.enqueue_due(now + timedelta(seconds=40)) == ["send_due"]
    DBTaskResult.objects.all().delete()
    later = now + timedelta(minutes=15, seconds=1)
    assert worker.enqueue_due(later) == ["send_due", "sync_calendars"]
    DBTaskResult.objects.all().delete()
    # The weather every WEATHER_SYNC_MINUTES (20): its warnings decide the morning.
    weather = worker.enqueue_due(now + timedelta(minutes=20, seconds=1))
    assert weather == ["send_due", "sync_weather"]


def test_two_loops_by_mistake_still_queue_once(db):
    now = timezone.now()
    first = worker.enqueue_due(now)
    second = worker.enqueue_due(now)
    assert first and not second
    assert len(queued()) == 4


def test_the_minute_task_is_the_workers_sign_of_life(db):
    assert worker.state() == ("never", None)
    tasks.send_due.call()
    status, at = worker.state()
    assert status == "ok"
    assert timezone.now() - at < timedelta(minutes=1)


def test_the_workers_health_check_fails_when_it_never_ran_or_stopped(db, settings, capsys):
    with pytest.raises(CommandError, match="never"):
        call_command("hibi_worker", check=True)
    Heartbeat.beat("worker")
    call_command("hibi_worker", check=True)
    assert capsys.readouterr().out.startswith("ok: last ran ")
    Heartbeat.beat("worker", timezone.now() - timedelta(minutes=settings.WORKER_STALE_MINUTES + 1))
    with pytest.raises(CommandError, match="late"):
        call_command("hibi_worker", check=True)


def test_healthz_tells_when_the_worker_ran_but_stays_healthy_without_it(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "worker": {"state": "never", "last_run": None}}
    moment = timezone.now() - timedelta(hours=3)
    Heartbeat.beat("worker", moment)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"] == {"state": "late", "last_run": moment.isoformat()}


def test_the_admin_index_says_when_the_worker_last_ran(admin_client, db):
    page = admin_client.get("/admin/", headers={"accept-language": "en"}).content.decode()
    assert "It has not run yet" in page
    Heartbeat.beat("worker", timezone.now() - timedelta(minutes=3))
    page = admin_client.get("/admin/", headers={"accept-language": "ja"}).content.decode()
    assert "3分 前に動きました" in page


def test_prune_forgets_finished_tasks_after_a_day(db):
    old = tasks.send_due.enqueue()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=2)
    )
    fresh = tasks.send_due.enqueue()
    assert tasks.prune.call() == 1
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [fresh.id]


# --- The real processes --------------------------------------------------------------


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """A process of its own on SQLite in `data_dir`, whatever database the suite uses."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "worker-tests",
        "ALLOWED_HOSTS": "127.0.0.1",
        "WORKER_TICK_SECONDS": "1",
        "NUDGE_RETRY_SECONDS": "1",
        "NO_PROXY": "127.0.0.1",
        **extra,
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def wait_for(condition, what: str, seconds: float = 60):
    """A hang guard, not a timing assertion: how long it takes is not the point."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


SETUP = """
import datetime as dt
from django.utils import timezone
from schedule.nudges import tasks
from schedule.models import *
papa = Member.objects.create(name_ja="パパ", name_en="Dad")
chore = Chore.objects.create(title_ja="カン・ビン", title_en="Cans", time=dt.time(8),
    rrule="FREQ=DAILY", start_date=dt.date(2026, 1, 1))
ChoreAssignee.objects.create(chore=chore, member=papa)
now = timezone.localtime()
NudgeTarget.objects.create(name="phone", apprise_url="json://127.0.0.1:{port}/phone",
    evening_time=now.time().replace(second=0, microsecond=0), quiet_start=None, quiet_end=None)
calendar = CalendarSubscription.objects.create(name="club", url="{base}/club.ics")
tasks.sync_calendar.enqueue(calendar.pk)
"""


def read(data_dir: Path) -> dict:
    """The worker's database, read directly: cheaper than a Django process per look."""
    with closing(sqlite3.connect(data_dir / "db.sqlite3", timeout=10)) as db:
        return {
            "deliveries": db.execute("SELECT status, attempts FROM schedule_delivery").fetchall(),
            "events": [r[0] for r in db.execute("SELECT title FROM schedule_calendarevent")],
            "beat": db.execute(
                "SELECT at FROM schedule_heartbeat WHERE name = 'worker'"
            ).fetchone(),
        }


def club_calendar() -> bytes:
    """A club's calendar with an event today, whatever day the test runs."""
    today = timezone.localdate()
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Club//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:practice@club\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;TZID=Asia/Tokyo:{today:%Y%m%d}T160000\r\n"
        f"DTEND;TZID=Asia/Tokyo:{today:%Y%m%d}T170000\r\n"
        "SUMMARY:Club practice\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


class Worker:
    def __init__(self, env):
        self.env = env
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "hibi_worker"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        return self.process.returncode


@pytest.mark.slow
def test_the_worker_fetches_a_calendar_and_nudges_once_even_after_a_500_and_a_restart(
    tmp_path, local_server
):
    local_server.answers["/club.ics"] = [(200, {}, club_calendar())]
    local_server.answers["/phone"] = [(500, {}, b"busy"), (200, {}, b"{}")]
    env = environment(tmp_path)
    manage(env, "migrate", "-v0")
    port = local_server.httpd.server_address[1]
    manage(env, "shell", "-c", SETUP.format(port=port, base=local_server.url))
    process = Worker(env)
    process.start()
    try:
        wait_for(lambda: len(local_server.posts("/phone")) >= 2, "the nudge to be retried")
        wait_for(lambda: read(tmp_path)["deliveries"] == [("sent", 2)], "the nudge to be sent")
        wait_for(lambda: read(tmp_path)["events"] == ["Club practice"], "the calendar fetch")
        assert process.stop() == 0
        beat = read(tmp_path)["beat"]
        process.start()
        wait_for(lambda: read(tmp_path)["beat"] != beat, "the restarted worker to run")
        beat = read(tmp_path)["beat"]
        wait_for(lambda: read(tmp_path)["beat"] != beat, "a second run")
    finally:
        process.stop()
    assert len(local_server.posts("/phone")) == 2  # one refused, one sent; never again
    assert read(tmp_path)["deliveries"] == [("sent", 2)]


@pytest.mark.slow
def test_make_runs_server_and_worker_start_together_and_ctrl_c_stops_both(tmp_path):
    env = environment(tmp_path)
    manage(env, "migrate", "-v0")
    with socket_port() as port:
        pass
    serve = subprocess.Popen(
        ["bash", "scripts/serve"],
        cwd=ROOT,
        env={
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "VENV": str(Path(sys.executable).parent.parent),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    group = os.getpgid(serve.pid)
    try:

        def worker_ran():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    return json.load(r)["worker"]["state"] == "ok"
            except OSError:
                return False

        wait_for(worker_ran, "the server to answer and the worker to run")
        members = subprocess.run(
            ["ps", "-o", "args=", "-g", str(group)], capture_output=True, text=True, check=False
        ).stdout
        assert "hibi_worker" in members and "gunicorn" in members
        os.killpg(group, signal.SIGINT)  # Ctrl-C in the terminal
        assert serve.wait(timeout=60) is not None
    finally:
        if serve.poll() is None:
            os.killpg(group, signal.SIGKILL)
    assert "web server and worker stopped" in serve.stderr.read().decode()
    left = subprocess.run(
        ["ps", "-o", "pid=,stat=", "-g", str(group)], capture_output=True, text=True, check=False
    ).stdout.split("\n")
    assert [line for line in left if line.strip() and "Z" not in line.split()[-1]] == []


@pytest.mark.slow
def test_a_busy_port_ends_at_once_with_one_line_naming_the_next_port(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "VENV": sys.prefix}
        result = subprocess.run(
            ["bash", "scripts/serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 1
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert lines == [
        f"hibi: port {port} is already in use (another Hibi or server?); "
        f"try: PORT={port + 1} make run"
    ]


class socket_port:
    def __enter__(self) -> int:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc):
        self.socket.close()


def test_a_failed_task_is_logged_with_its_traceback_though_the_queue_is_quiet(caplog):
    from types import SimpleNamespace

    from django.tasks.base import TaskResultStatus

    from schedule.management.commands.hibi_worker import _log_failure

    failed = SimpleNamespace(
        status=TaskResultStatus.FAILED,
        task=tasks.sync_calendars,
        errors=[SimpleNamespace(traceback="Traceback ... OperationalError: disk I/O error")],
    )
    fine = SimpleNamespace(status=TaskResultStatus.SUCCESSFUL, task=tasks.send_due, errors=[])
    with caplog.at_level("ERROR", logger="schedule.nudges.worker"):
        _log_failure(None, task_result=fine)
        _log_failure(None, task_result=failed)
    assert [r.getMessage() for r in caplog.records] == [
        "Task sync_calendars failed:\nTraceback ... OperationalError: disk I/O error"
    ]
