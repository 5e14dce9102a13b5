#!/usr/bin/env python3
"""The container's first process: get /data ready, then become the command.

1. A secret key: SECRET_KEY or SECRET_KEY_FILE from the environment if given,
   else one generated on the first start into DATA_DIR/secret_key (mode 600).
   The file appears whole or not at all, so two processes starting at once
   (the web server and the backup loop) end up with the same key.
2. For the web server only (the default command, gunicorn): migrate, create
   the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when there is no user
   yet (never touching an existing one), and load the demo family when
   HIBI_DEMO=1 and the database has no family.
   The background worker (`manage.py hibi_worker`) only migrates, under the
   same lock, so that it never starts on tables that are not there yet.
3. exec the command, so that it is PID 1 and `docker stop`'s SIGTERM reaches it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
DEFAULT_COMMAND = ["gunicorn", "--config", str(APP_DIR / "config/gunicorn.conf.py"), "config.wsgi"]


class StartRefused(Exception):
    """The container cannot start; the message tells the person what to change."""


def ensure_secret_key(path: Path) -> str:
    """The key in `path`, written there first (atomically, mode 600) if missing."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    # Write the whole key under a private temporary name, then link it into
    # place: link() fails if another process got there first, and nobody ever
    # sees a half-written file. The loser simply reads the winner's key.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 600
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    _fsync_dir(path.parent)
    return _read_key(path)


def _read_key(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise StartRefused(f"{path} is empty; delete it to have a new key generated.")
    return key


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as exc:
        raise StartRefused(
            f"Hibi cannot write to {data_dir} ({exc.strerror}) as user id {os.getuid()}. "
            f"For a folder of the host mounted there: chown -R {os.getuid()}:{os.getgid()} it."
        ) from None


def is_web_server(command: list[str]) -> bool:
    return Path(command[0]).name == "gunicorn"


def is_worker(command: list[str]) -> bool:
    return "hibi_worker" in command


def prepare_database(data_dir: Path, first_admin_and_demo: bool = True) -> None:
    """migrate, first admin, optional demo: once, even if two containers start together."""
    sys.path.insert(0, str(APP_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from config.settings import env_bool

    with (data_dir / ".start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("migrate", interactive=False, verbosity=1)
        if first_admin_and_demo:
            call_command("ensure_admin")
            if env_bool("HIBI_DEMO", False):
                call_command("demo_family", if_empty=True)
    if connections["default"].vendor == "postgresql" and not shutil.which("pg_dump"):
        print(
            "hibi: WARNING: backups of PostgreSQL need pg_dump, which this image lacks. "
            "Set POSTGRES_TOOLS=true in .env and run `docker compose up -d --build`.",
            file=sys.stderr,
        )
    connections.close_all()


def main(argv: list[str]) -> None:
    command = argv or DEFAULT_COMMAND
    data_dir = Path(os.environ.get("DATA_DIR", "/data"))
    try:
        check_writable(data_dir)
        if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
            key_file = data_dir / "secret_key"
            ensure_secret_key(key_file)
            os.environ["SECRET_KEY_FILE"] = str(key_file)
        if is_web_server(command):
            prepare_database(data_dir)
        elif is_worker(command):
            prepare_database(data_dir, first_admin_and_demo=False)
    except StartRefused as exc:
        print(f"hibi: {exc}", file=sys.stderr)
        sys.exit(1)
    sys.stdout.flush()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
