"""The pytest side of the old engines: a real server, a virtual screen, a driven engine.

- `WallServer`: gunicorn with config/gunicorn.conf.py in a subprocess, with its
  own DATA_DIR (SQLite, collected static files), migrated and with the demo
  family, writing its access log to a file the test reads; it can be stopped
  and started again on the same port.
- `Screen`: an Xvfb display of its own (QtWebEngine and QtWebKit draw on X).
- `Browser`: one engine of scripts/old_engines.py running driver_qt.py or
  driver_phantom.js, and the commands the tests send it.

Used by tests/test_oldengine.py and bench/tablet.py; nothing here asserts.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from scripts.old_engines import Engine
from tests.oldengine.clock import FastClock
from tests.oldengine.processes import family_of

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# The Monday the demo family is loaded on: its note ("Grandma visits on
# Saturday") runs to that Saturday, as the moments the tests show.
DEMO_DAY = "2026-11-23"
ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_group(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@dataclass(frozen=True)
class Access:
    method: str
    path: str
    status: int


class WallServer:
    """The wall as a family runs it: gunicorn, the real config, SQLite in DATA_DIR."""

    def __init__(self, data_dir: Path, poll_seconds: int = 2, **env: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "access.log"
        self.errors = data_dir / "gunicorn.log"
        self.token = ""
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO", "DATABASE_URL", "SECRET_KEY", "PYTEST"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.oldengine.settings",
            SECRET_KEY="old-engines-only-" + "k" * 40,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATA_DIR=str(data_dir),
            PYTHONPATH=str(ROOT),
            WALL_POLL_SECONDS=str(poll_seconds),
            WEB_CONCURRENCY="1",
            # Every poll in the access log: the tests count the 204s there.
            ACCESS_LOG_POLLS="1",
            **env,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Python run with the app set up, against the server's database: the ORM
        and its signals, as an admin's edit would run them."""
        return self.manage("shell", "--no-imports", "-c", code)

    def console(self) -> Console:
        """A shell that stays open: an edit in it costs milliseconds, not Django's start-up."""
        return Console(self)

    def set_clock(self, clock: FastClock) -> None:
        """The household clock from now on (the server restarts if it runs)."""
        running = self.process is not None
        self.stop()
        self.env.update(clock.env())
        if running:
            self.start()

    def prepare(self, demo_day: str = DEMO_DAY) -> None:
        """Migrate, collect the static files (HIBI_STATIC_ROOT if set), load the demo
        family as on `demo_day`: its note covers that week, whatever today is, so
        what the wall shows never depends on the day the tests run."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input", "-v0")
        self.manage("collectstatic", "--no-input", "-v0")
        shown = self.shell(
            "from datetime import date\n"
            "from schedule.data.demo import load_demo_family\n"
            f"print(load_demo_family(date.fromisoformat({demo_day!r})).get_absolute_url())"
        )
        self.token = re.search(r"/d/([\w-]+)/", shown).group(1)

    def copy_of(self, data_dir: Path) -> WallServer:
        """A server of its own on a copy of this one's prepared database: one
        prepare() for many servers, as Django's start-up and whitenoise's
        compression of every static file are the slow part of it."""
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.data_dir / "db.sqlite3", data_dir / "db.sqlite3")
        twin = WallServer(data_dir, poll_seconds=int(self.env["WALL_POLL_SECONDS"]))
        twin.env.update({k: v for k, v in self.env.items() if k != "DATA_DIR"})
        twin.token = self.token
        return twin

    def start(self) -> None:
        with self.errors.open("a") as errors:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--config",
                    "config/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--access-logfile",
                    str(self.log),
                    "config.wsgi",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=errors,
                stderr=errors,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{self.errors.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process)
            self.process = None

    close = stop

    def access(self) -> list[Access]:
        if not self.log.exists():
            return []
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if match := ACCESS.search(line):
                found.append(Access(match["method"], match["path"], int(match["status"])))
        return found

    def wall_url(self, at: str = "") -> str:
        return f"{self.url}/d/{self.token}/" + (f"?at={at}" if at else "")


class Console:
    """`manage.py shell` kept open on the server's database; each run() execs one
    piece of code in it and answers the value the code left in `result`."""

    LOOP = (
        "import json, sys, traceback\n"
        "for line in sys.stdin:\n"
        "    scope, answer = {}, {}\n"
        "    try:\n"
        "        exec(json.loads(line), scope)\n"
        "        answer['value'] = scope.get('result')\n"
        "    except Exception:\n"
        "        answer['error'] = traceback.format_exc()\n"
        "    sys.stdout.write(json.dumps(answer, default=str) + '\\n')\n"
        "    sys.stdout.flush()\n"
    )

    def __init__(self, server: WallServer):
        self.process = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "shell", "--no-imports", "-c", self.LOOP],
            cwd=ROOT,
            env=server.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )

    def run(self, code: str):
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the console exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer.get("value")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        stop_group(self.process)


class Screen:
    """An Xvfb display of its own; -displayfd picks a free number without races."""

    def __init__(self, width: int = 1280, height: int = 1280):
        read, write = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
             "-nolisten", "tcp", "-noreset"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def close(self) -> None:
        stop_group(self.process)


class Browser:
    """One old engine, driven through its driver's JSON commands."""

    def __init__(
        self,
        engine: Engine,
        screen: Screen,
        log: Path,
        chromium_flags: str = "",
        env: dict[str, str] | None = None,
    ):
        self.engine = engine
        env = dict(os.environ, DISPLAY=screen.display, PYTHONDONTWRITEBYTECODE="1", **(env or {}))
        for key in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
            env.pop(key, None)
        self.log = log.open("w")
        self.port = 0
        if engine.kind == "phantomjs":
            self.port = free_port()
            command = [str(engine.phantomjs), str(HERE / "driver_phantom.js"), str(self.port)]
            env.pop("QT_QPA_PLATFORM", None)
            env.update(OPENSSL_CONF="/dev/null")  # its OpenSSL 1.0 cannot read the system file
            stdin = subprocess.DEVNULL
        else:
            command = [engine.python, str(HERE / "driver_qt.py"), engine.kind]
            # As root, Chromium's sandbox cannot start; the page is our own.
            env.update(
                QTWEBENGINE_DISABLE_SANDBOX="1",
                QTWEBENGINE_CHROMIUM_FLAGS=" ".join(
                    ["--no-sandbox", "--disable-background-networking", chromium_flags]
                ),
                XDG_RUNTIME_DIR=str(log.parent),
            )
            stdin = subprocess.PIPE
        self.process = subprocess.Popen(
            command,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._line(90)
        if not ready.get("ready"):
            raise RuntimeError(f"{engine.name} did not start: {ready}")

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("{"):
                self.lines.put(line)
        self.lines.put("")

    def _line(self, timeout: float) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"{self.engine.name} gave no answer in {timeout} s") from None
        if not line:
            raise RuntimeError(f"{self.engine.name} exited; see {self.log.name}")
        return json.loads(line)

    def send(self, timeout: float = 60, **command) -> dict:
        if self.engine.kind == "phantomjs":
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/",
                data=json.dumps(command).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
        else:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
            answer = self._line(timeout)
        if "error" in answer:
            raise RuntimeError(f"{self.engine.name}: {answer['error']}")
        return answer

    # What the tests ask for -------------------------------------------------------

    def open(self, url: str, width: int = 1024, height: int = 600) -> bool:
        return self.send(do="open", url=url, width=width, height=height)["ok"]

    def js(self, body: str):
        """Run a function body in the page; its return value, through JSON."""
        return self.send(do="js", body=body)["value"]

    def value(self, expression: str):
        return self.js(f"return ({expression});")

    def wait_for(self, expression: str, timeout: float = 10, every: float = 0.2):
        """The expression's value once it is truthy; None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.value(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(every)

    def advance(self, milliseconds: int) -> None:
        """Move the page's clock forward (see prelude.js)."""
        self.js(f"window.__hibiShift += {int(milliseconds)}; return true;")

    def shot(self, path: Path, box: list[int] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.send(do="shot", path=str(path), **({"box": box} if box else {}))

    def resize(self, width: int, height: int) -> None:
        self.send(do="resize", width=width, height=height)

    def tap(self, x: float, y: float) -> None:
        """A tap at a point of the page (CSS pixels), through the window system (driver_qt.py)."""
        self.send(do="tap", x=x, y=y)

    def pids(self) -> list[int]:
        """The engine's processes: the driver and what it started (QtWebEngine's
        renderer, zygote, GPU process; QtWebKit runs in the driver itself)."""
        return family_of(self.process.pid)

    def console(self) -> list[dict]:
        return self.send(do="console")["value"]

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send(do="quit", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        stop_group(self.process)
        self.log.close()
