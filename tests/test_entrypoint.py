"""docker/entrypoint.py outside the container: the secret key, the first start, the admin."""

import importlib.util
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password

# Each test starts processes of its own (make check leaves them out).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.py"


def load_entrypoint():
    spec = importlib.util.spec_from_file_location("hibi_entrypoint", ENTRYPOINT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


entrypoint = load_entrypoint()


def start(data_dir: Path, *command: str, **env: str) -> subprocess.CompletedProcess:
    """Run the entrypoint as the container would, with a clean environment and SQLite."""
    base = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "DATA_DIR": str(data_dir),
        "HOME": str(data_dir),
    }
    return subprocess.run(
        [sys.executable, str(ENTRYPOINT), *command],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def users(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        return db.execute("SELECT username, password FROM auth_user").fetchall()


def test_secret_key_is_generated_once_with_mode_600(tmp_path):
    key_file = tmp_path / "secret_key"
    first = entrypoint.ensure_secret_key(key_file)
    second = entrypoint.ensure_secret_key(key_file)
    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_several_processes_starting_at_once_agree_on_one_key(tmp_path):
    key_file = tmp_path / "secret_key"
    go = time.time() + 1.5
    racer = textwrap.dedent(
        f"""
        import importlib.util, time
        from pathlib import Path
        spec = importlib.util.spec_from_file_location("ep", {str(ENTRYPOINT)!r})
        ep = importlib.util.module_from_spec(spec); spec.loader.exec_module(ep)
        while time.time() < {go}:
            pass
        print(ep.ensure_secret_key(Path({str(key_file)!r})))
        """
    )
    racers = [
        subprocess.Popen([sys.executable, "-c", racer], stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = {racer.communicate(timeout=60)[0].strip() for racer in racers}
    assert all(racer.returncode == 0 for racer in racers)
    assert keys == {key_file.read_text().strip()}
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # No temporary file of a losing process is left behind.
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_an_empty_key_file_stops_the_start_with_a_message(tmp_path):
    (tmp_path / "secret_key").write_text("")
    result = start(tmp_path, "true")
    assert result.returncode == 1
    assert "secret_key is empty" in result.stderr


def test_a_given_secret_key_means_no_key_file(tmp_path):
    result = start(
        tmp_path,
        "python",
        "-c",
        "import os; print(os.environ.get('SECRET_KEY_FILE', 'none'))",
        SECRET_KEY="given-by-the-family",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
    assert not (tmp_path / "secret_key").exists()


def test_other_commands_get_the_key_but_no_migration(tmp_path):
    result = start(tmp_path, "python", "-c", "import os; print(os.environ['SECRET_KEY_FILE'])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "secret_key")
    assert not (tmp_path / "db.sqlite3").exists()


def test_first_server_start_migrates_creates_the_admin_and_loads_the_demo(tmp_path):
    # `gunicorn --version` stands in for the server: the entrypoint prepares
    # the database exactly as for the real command, then execs it.
    result = start(
        tmp_path,
        "gunicorn",
        "--version",
        ADMIN_USERNAME="parent",
        ADMIN_PASSWORD="first-password-42",
        HIBI_DEMO="1",
    )
    assert result.returncode == 0, result.stderr
    assert "gunicorn" in result.stdout.splitlines()[-1]
    [(username, password)] = users(tmp_path)
    assert username == "parent"
    assert check_password("first-password-42", password)
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM schedule_member").fetchone()[0] == 4


def test_the_worker_migrates_but_leaves_the_admin_and_demo_to_the_web_server(tmp_path):
    # `hibi_worker --check` stands in for the worker: it runs after the migration.
    result = start(
        tmp_path,
        "python",
        str(ROOT / "manage.py"),
        "hibi_worker",
        "--check",
        ADMIN_PASSWORD="first-password-42",
        HIBI_DEMO="1",
    )
    assert "worker never" in result.stderr  # the tables were there for the check
    assert users(tmp_path) == []
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM schedule_member").fetchone()[0] == 0
        assert (
            db.execute("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult").fetchone()[0] == 0
        )


def test_an_existing_admin_is_never_overwritten(tmp_path):
    start(tmp_path, "gunicorn", "--version", ADMIN_USERNAME="parent", ADMIN_PASSWORD="first-42x")
    before = users(tmp_path)
    result = start(
        tmp_path, "gunicorn", "--version", ADMIN_USERNAME="intruder", ADMIN_PASSWORD="second-42x"
    )
    assert result.returncode == 0, result.stderr
    assert "already exists" in result.stdout
    assert users(tmp_path) == before
    assert check_password("first-42x", before[0][1])


def test_an_unwritable_data_dir_stops_the_start_with_what_to_do(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = start(blocker / "data", "true")
    assert result.returncode == 1
    assert "cannot write to" in result.stderr
    assert f"chown -R {os.getuid()}" in result.stderr


def test_the_default_command_is_gunicorn_with_the_project_config():
    assert entrypoint.is_web_server(entrypoint.DEFAULT_COMMAND)
    assert entrypoint.DEFAULT_COMMAND[-1] == "config.wsgi"
    assert Path(entrypoint.DEFAULT_COMMAND[2]) == ROOT / "config" / "gunicorn.conf.py"
    assert not entrypoint.is_web_server(["python", "manage.py", "backup"])


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        ("hibi.example.home,localhost", "hibi.example.home"),
        (".example.home", "example.home"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_health_check_asks_with_a_host_name_the_server_accepts(monkeypatch, allowed, expected):
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker/healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    monkeypatch.setenv("ALLOWED_HOSTS", allowed)
    assert healthcheck.host_name() == expected
