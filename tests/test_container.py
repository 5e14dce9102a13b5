"""The real image with the real docker-compose.yml, as a family would run it.

Builds the image, starts the stack under a project name of its own, waits for
the health check, then uses it from outside: /healthz, the admin with the
bootstrap user, a display's wall, a restart, a backup inside, and the limits
the container runs under. `down -v` removes everything at the end.

Runs when CI=true or HIBI_CONTAINER_TESTS=1, with a Docker-compatible engine
reachable (here: `eval "$(../shared/tools/container-env up)"`). It writes the
image size, the idle memory and the time from `up` to healthy to
test-artifacts/container.json.
"""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENABLED = os.environ.get("CI") == "true" or os.environ.get("HIBI_CONTAINER_TESTS") == "1"
ADMIN = ("parent", "bootstrap-password-for-tests-42")

pytestmark = [
    pytest.mark.container,
    pytest.mark.skipif(
        not ENABLED,
        reason="builds and runs the Docker image: set HIBI_CONTAINER_TESTS=1 (CI=true does), "
        'with an engine up: eval "$(../shared/tools/container-env up)"',
    ),
]

METRICS: dict[str, object] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """One compose project of the repository's docker-compose.yml."""

    def __init__(self, folder: Path):
        self.project = f"hibi-test-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.override = folder / "test-override.yml"
        # Only what a family would put in .env; everything else is the real file.
        self.override.write_text(
            "services:\n"
            "  hibi:\n"
            "    environment:\n"
            f"      ADMIN_USERNAME: {ADMIN[0]}\n"
            f"      ADMIN_PASSWORD: {ADMIN[1]}\n"
            '      HIBI_DEMO: "1"\n'
            "      ALLOWED_HOSTS: localhost,127.0.0.1\n"
        )
        self.env = {**os.environ, "HIBI_PORT": str(self.port), "HIBI_IMAGE": "hibi:test"}
        self.base = f"http://127.0.0.1:{self.port}"

    def command(self, *args: str) -> list[str]:
        files = ["-f", "docker-compose.yml", "-f", str(self.override)]
        return ["docker", "compose", "-p", self.project, *files, *args]

    def compose(self, *args: str, check: bool = True, timeout: int = 600) -> str:
        result = subprocess.run(
            self.command(*args),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def exec(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command("exec", "-T", "hibi", *command),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def container(self, service: str = "hibi") -> str:
        return self.compose("ps", "-q", service).strip()

    def wait_healthy(self, timeout: float = 120, service: str = "hibi") -> float:
        """Seconds until Docker calls the service's container healthy."""
        started = time.monotonic()
        container = self.container(service)
        # Podman without systemd runs health checks only when asked to.
        podman = shutil.which("podman") if "podman" in os.environ.get("DOCKER_HOST", "") else None
        while time.monotonic() - started < timeout:
            if podman:
                subprocess.run(
                    [podman, "healthcheck", "run", container], capture_output=True, check=False
                )
            status = subprocess.run(
                ["docker", "inspect", "--format", "{{.State.Health.Status}}", container],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            if status == "healthy":
                return time.monotonic() - started
            time.sleep(0.5)
        logs = self.compose("logs", service, check=False)
        pytest.fail(f"not healthy after {timeout} s (last status {status!r}):\n{logs[-3000:]}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    try:
        subprocess.run(["docker", "info"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.fail(
            'No Docker engine answers. Start one first: eval "$(../shared/tools/container-env up)"'
        )
    stack = Stack(tmp_path_factory.mktemp("compose"))
    try:
        started = time.monotonic()
        stack.compose("build", "hibi", timeout=900)
        METRICS["build_seconds"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        stack.compose("up", "-d")
        METRICS["up_to_healthy_seconds"] = round(
            time.monotonic() - started + stack.wait_healthy(), 1
        )
        yield stack
    finally:
        stack.compose("down", "-v", "--remove-orphans", check=False)
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        (out / "container.json").write_text(json.dumps(METRICS, indent=2) + "\n")


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
    )


def get(browser, url: str, **headers: str):
    return browser.open(urllib.request.Request(url, headers=headers), timeout=30)


def log_in(stack: Stack):
    browser = opener()
    page = get(browser, f"{stack.base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = urllib.parse.urlencode(
        {
            "username": ADMIN[0],
            "password": ADMIN[1],
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    ).encode()
    request = urllib.request.Request(
        f"{stack.base}/admin/login/", data=form, headers={"Referer": f"{stack.base}/admin/login/"}
    )
    response = browser.open(request, timeout=30)
    return browser, response


def admin_page_is_open(browser, stack: Stack) -> bool:
    response = get(browser, f"{stack.base}/admin/")
    return response.geturl().endswith("/admin/") and response.status == 200


def test_health_endpoint_answers_ok_and_measures_the_image(stack):
    with get(opener(), f"{stack.base}/healthz") as response:
        assert response.status == 200
        health = json.load(response)
        assert health["status"] == "ok"
        assert set(health["worker"]) == {"state", "last_run"}  # information, never a failure
    size = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Size}}", "hibi:test"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    METRICS["image_mb"] = round(int(size) / 1e6)


def test_the_bootstrap_admin_can_log_in(stack):
    browser, response = log_in(stack)
    assert response.geturl().endswith("/admin/"), response.geturl()
    assert admin_page_is_open(browser, stack)


def test_the_wall_of_the_demo_display_loads_with_compressed_static_files(stack):
    logs = stack.compose("logs", "hibi")
    token = re.search(r"/d/([\w-]+)/", logs)[1]
    with get(opener(), f"{stack.base}/d/{token}/") as response:
        assert response.status == 200
        page = response.read().decode()
    assert "<html" in page
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"', page)
    assert assets, "the wall links no static file"
    with get(opener(), f"{stack.base}{assets[0]}", **{"Accept-Encoding": "br"}) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "br"
        assert "max-age" in response.headers["Cache-Control"]
    with pytest.raises(urllib.error.HTTPError) as error:
        get(opener(), f"{stack.base}/d/not-a-token/")
    assert error.value.code == 404


def test_a_restart_keeps_the_data_the_secret_key_and_the_admin_session(stack):
    key_before = stack.exec("cat", "/data/secret_key").stdout
    family_before = stack.exec("python", "manage.py", "export").stdout
    browser, _ = log_in(stack)
    stack.compose("restart", "hibi")
    METRICS["restart_to_healthy_seconds"] = round(stack.wait_healthy(), 1)
    assert stack.exec("cat", "/data/secret_key").stdout == key_before
    family_after = stack.exec("python", "manage.py", "export").stdout
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "exported_at"}  # noqa: E731
    assert strip(family_after) == strip(family_before)
    assert len(json.loads(family_after)["members"]) == 4
    # The session cookie is signed with the key: still logged in means the same key.
    assert admin_page_is_open(browser, stack)


def test_a_backup_runs_inside_the_running_container(stack):
    made = stack.exec("python", "manage.py", "backup").stdout
    path = made.split("Backed up to ", 1)[1].strip()
    assert path.startswith("/data/backups/hibi-")
    checked = stack.exec("python", "manage.py", "backup", "--check", path).stdout
    assert "members: 4" in checked


def test_the_server_runs_unprivileged_and_can_only_write_to_data(stack):
    assert stack.exec("id", "-u").stdout.strip() != "0"
    status = stack.exec("cat", "/proc/1/status").stdout
    uid = re.search(r"^Uid:\s+(\d+)", status, re.M)[1]
    assert uid != "0"
    assert "gunicorn" in stack.exec("cat", "/proc/1/cmdline").stdout
    for place in ("/app/probe", "/app/schedule/probe", "/probe", "/etc/probe", "/usr/local/probe"):
        assert stack.exec("touch", place, check=False).returncode != 0, f"{place} is writable"
    assert stack.exec("touch", "/data/probe").returncode == 0
    time.sleep(3)
    METRICS.update(idle_memory(stack))


def idle_memory(stack: Stack) -> dict[str, float]:
    rss = stack.exec("sh", "-c", "for p in /proc/[0-9]*; do grep -s VmRSS $p/status; done").stdout
    kilobytes = [int(n) for n in re.findall(r"VmRSS:\s+(\d+)", rss)]
    usage = (
        subprocess.run(
            ["docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", stack.container()],
            capture_output=True,
            text=True,
            check=False,
        )
        .stdout.split("/")[0]
        .strip()
    )
    return {"idle_rss_sum_mb": round(sum(kilobytes) / 1024, 1), "idle_cgroup_memory": usage}


# The calendar server and the phone's receiver run inside the worker's own
# container, on its 127.0.0.1: the worker reaches them as it would a server on
# the home network, and no traffic leaves the machine's loopback.
RECEIVER = """
import http.server
class Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open("/tmp/posts", "ab") as posts:
            posts.write(body + b"\\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def do_GET(self):
        body = open("/tmp/club.ics", "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", 18766), Answer).serve_forever()
"""

WORKER_SETUP = """
import datetime as dt
from django.utils import timezone
from schedule.nudges import tasks
from schedule.models import *
Chore.objects.create(title_ja="カン・ビン", title_en="Cans", time=dt.time(8),
    rrule="FREQ=DAILY", start_date=dt.date(2026, 1, 1))
NudgeTarget.objects.create(name="phone", apprise_url="json://127.0.0.1:18766/phone",
    evening_time=timezone.localtime().time().replace(second=0, microsecond=0),
    quiet_start=None, quiet_end=None)
calendar = CalendarSubscription.objects.create(name="club", url="http://127.0.0.1:18766/c.ics")
tasks.sync_calendar.enqueue(calendar.pk)
"""

CLUB = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Club//EN\r\nBEGIN:VEVENT\r\n"
    "UID:practice@club\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{day}T070000Z\r\n"
    "DTEND:{day}T080000Z\r\nSUMMARY:Club practice\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_the_worker_service_fetches_a_calendar_and_sends_a_nudge(stack):
    METRICS["worker_up_to_healthy_seconds"] = round(stack.wait_healthy(service="worker"), 1)
    club = CLUB.format(day=time.strftime("%Y%m%d", time.gmtime()))
    subprocess.run(
        stack.command("exec", "-T", "worker", "sh", "-c", "cat > /tmp/club.ics"),
        cwd=ROOT, env=stack.env, input=club, text=True, check=True, timeout=60,
    )  # fmt: skip
    stack.compose("exec", "-d", "worker", "python", "-c", RECEIVER)
    probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:18766/c.ics')"
    deadline = time.monotonic() + 60  # a hang guard
    while time.monotonic() < deadline:
        answered = subprocess.run(
            stack.command("exec", "-T", "worker", "python", "-c", probe),
            cwd=ROOT, env=stack.env, capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        if answered.returncode == 0:
            break
    stack.exec("python", "manage.py", "shell", "-c", WORKER_SETUP)

    def posts() -> list[dict]:
        found = subprocess.run(
            stack.command("exec", "-T", "worker", "cat", "/tmp/posts"),
            cwd=ROOT, env=stack.env, capture_output=True, text=True, check=False, timeout=60,
        ).stdout  # fmt: skip
        return [json.loads(line) for line in found.splitlines() if line.strip()]

    deadline = time.monotonic() + 120  # a hang guard
    while not posts() and time.monotonic() < deadline:
        time.sleep(2)
    [nudge] = posts()
    assert "カン・ビン" in nudge["message"]
    shown = (
        stack.exec(
            "python",
            "manage.py",
            "shell",
            "-c",
            "from schedule.models import *; s = CalendarSubscription.objects.get(); "
            "print(s.event_count, repr(s.error_code), Delivery.objects.get().status)",
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )  # fmt: skip (the shell first says what it imported)
    assert shown == ["1", "''", "sent"], stack.compose("logs", "worker", check=False)[-3000:]
    with get(opener(), f"{stack.base}/healthz") as response:
        assert json.load(response)["worker"]["state"] == "ok"


def test_down_removes_the_volume(stack):
    stack.compose("down", "-v")
    volumes = subprocess.run(
        ["docker", "volume", "ls", "--format", "{{.Name}}"], capture_output=True, text=True
    ).stdout
    assert stack.project not in volumes
