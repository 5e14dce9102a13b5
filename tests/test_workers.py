"""The real gunicorn, with config/gunicorn.conf.py: connections that send their
headers slowly must not starve the wall, and are closed after their deadline."""

import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.test_deploy import production_env

# It runs the real gunicorn (make check leaves it out).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SLOW_CONNECTIONS = 16  # twice the default 2 workers x 4 threads
HEADER_TIMEOUT = 6  # seconds; the default is 10, shortened to keep the test quick
PROMPT = 5.0  # seconds: generous, to catch starvation, not to measure speed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROMPT + 5)
    try:
        connection.request("GET", "/healthz")
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    port = free_port()
    env = production_env(
        data,
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        PYTHONPATH=str(ROOT),
    )  # SQLite in a folder of its own, even while the suite runs on PostgreSQL
    migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
    subprocess.run(migrate, env=env, cwd=ROOT, check=True, capture_output=True)
    command = [str(GUNICORN), "--config", "config/gunicorn.conf.py", "config.wsgi"]
    log = data / "gunicorn.log"  # a file, not a pipe nobody reads while the tests run
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if healthz(port)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


class SlowClients:
    """Connections that send a request's headers one byte every 0.2 s."""

    def __init__(self, port: int, count: int):
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.sockets.append(sock)
        self.opened = time.monotonic()
        self.stop = threading.Event()
        self.cut_off: dict[int, float] = {}  # socket index -> seconds after opening
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self):
        while not self.stop.wait(0.2):
            for index, sock in enumerate(self.sockets):
                if index in self.cut_off:
                    continue
                try:
                    sock.send(b"X")
                except OSError:
                    self.cut_off[index] = time.monotonic() - self.opened

    def close(self):
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_slow_header_senders_do_not_starve_the_health_check(server):
    slow = SlowClients(server, SLOW_CONNECTIONS)
    try:
        time.sleep(1)  # every slow connection is now being read, byte by byte
        checks = [healthz(server) for _ in range(5)]
        assert [status for status, _seconds in checks] == [200] * 5
        assert max(seconds for _status, seconds in checks) < PROMPT, checks
        # Answered while every slow connection was still open, not thanks to its deadline.
        assert not slow.cut_off
        assert time.monotonic() - slow.opened < HEADER_TIMEOUT
    finally:
        slow.close()


def test_a_connection_that_never_finishes_its_headers_gets_408_after_the_deadline(server):
    slow = SlowClients(server, 2)
    try:
        answers = []
        for sock in slow.sockets:
            sock.settimeout(HEADER_TIMEOUT + 5)
            answers.append(sock.recv(100))
        waited = time.monotonic() - slow.opened
    finally:
        slow.close()
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers
    assert HEADER_TIMEOUT - 0.5 < waited < HEADER_TIMEOUT + 3
    assert healthz(server)[0] == 200


def test_kept_alive_and_pipelined_requests_are_still_answered(server):
    with socket.create_connection(("127.0.0.1", server), timeout=PROMPT) as sock:
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.sendall(request)
        first = sock.recv(4096)
        sock.sendall(request * 2)  # two at once, on the kept-alive connection
        rest = b""
        while rest.count(b"HTTP/1.1 200") < 2:
            chunk = sock.recv(4096)
            assert chunk, rest
            rest += chunk
    assert first.startswith(b"HTTP/1.1 200")
