"""/healthz and its probes: 200 only when a wall and a parent would be served.

The faults themselves (a held lock, a full or read-only disk, a damaged or
deleted file, PostgreSQL gone) are played on a real SQLite file in
test_faults.py; these check each probe's answer here.
"""

from django.db import OperationalError, connection

from schedule.models import Heartbeat, Revision
from schedule.site import health


def test_healthz_is_200_with_the_database(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")


def test_healthz_is_503_when_the_database_is_gone(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("unable to open database file")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "unable to open database file" in response.json()["problems"]["read"]
    assert response["Retry-After"] == "30"


def test_healthz_writes_a_heartbeat_but_does_not_redraw_the_walls(client, db):
    revision = Revision.current()
    assert client.get("/healthz").status_code == 200
    assert Heartbeat.objects.get(name="healthz").at is not None
    assert Revision.current() == revision


def test_healthz_is_503_when_the_data_dir_is_short_of_space(client, db, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "MB free" in response.json()["problems"]["disk"]


def test_healthz_is_503_when_the_data_dir_takes_no_file(client, db, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "missing"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "not writable" in response.json()["problems"]["data_dir"]


def test_a_probe_of_a_swapped_database_file_names_the_file(db, monkeypatch, tmp_path):
    swapped = tmp_path / "db.sqlite3"
    swapped.write_bytes(b"")
    monkeypatch.setattr(health, "sqlite_path", lambda: swapped)
    connection.ensure_connection()
    connection.hibi_inode = swapped.stat().st_ino + 1  # the server opened another file
    problem = health.database_file_problem()
    assert problem is not None and "was replaced" in problem.reason
    swapped.unlink()
    problem = health.database_file_problem()
    assert problem is not None and "is gone" in problem.reason


def test_the_write_probe_leaves_sqlites_lock_wait_as_it_was(db):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
    assert health.write_problem() is None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == before


def test_healthz_names_no_calendar_while_every_one_is_read(client, db):
    from schedule.models import CalendarSubscription

    school = CalendarSubscription.objects.create(name="School", url="https://example.com/s.ics")
    assert "calendars" not in client.get("/healthz").json()
    CalendarSubscription.objects.filter(pk=school.pk).update(error_code="too_big", error_detail="5")
    assert client.get("/healthz").json()["calendars"] == {
        "state": "problems",
        "problems": [
            {
                "id": school.pk,
                "problem": "too_big",
                "message": {"ja": "大きすぎます（5 MB を超えています）。",
                            "en": "It is too big (more than 5 MB)."},
                "last_success_at": None,
            }
        ],
    }  # fmt: skip
