"""The browser tests' live server answers in turn (see conftest.py): on SQLite
its threads would otherwise share the test's one in-memory connection."""

import socketserver
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def test_the_live_server_answers_one_request_at_a_time_and_every_one(live_server, demo_display):
    assert not isinstance(live_server.thread.httpd, socketserver.ThreadingMixIn)

    def status(_n):
        with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=20) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(status, range(12))) == [200] * 12
