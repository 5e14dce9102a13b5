"""Hibi's gunicorn worker: gthread, except that a connection gets a thread only
once its request line and headers have all arrived.

Stock gthread hands a connection to a thread as soon as its first bytes
arrive, and the thread then blocks until the headers are complete. A few
connections that send their headers a byte at a time (a "slowloris", or just
a phone on bad Wi-Fi) hold every thread, and the tablets' polls and
`/healthz` wait behind them. Here the worker's main loop, which waits on all
sockets at once anyway, collects the headers itself; a thread is only busy
while Django works. A connection that has not sent its whole header block
within GUNICORN_HEADER_TIMEOUT seconds (default 10) gets 408 and is closed, so
slow connections cannot pile up without end either.

TLS and cleartext HTTP/2 go the stock way: their first bytes are not an HTTP/1
header block. Hibi's gunicorn speaks plain HTTP/1 (a reverse proxy does TLS).
A slowly sent *body* still holds a thread while Django reads it; Hibi's
largest body is a plan's form of a few KB, which arrives with the headers.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import time

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker


def _header_timeout() -> float:
    raw = os.environ.get("GUNICORN_HEADER_TIMEOUT", "10")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"GUNICORN_HEADER_TIMEOUT={raw!r} must be a number of seconds above 0.")
    return seconds


HEADER_TIMEOUT = _header_timeout()
# Hibi's requests carry a few hundred bytes of headers (two or three cookies);
# a header block this large is refused instead of being held in memory.
MAX_HEADER_BYTES = 64 * 1024
END_OF_HEADERS = b"\r\n\r\n"


class HeadersFirstWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Connections still sending their headers, oldest (first deadline) first.
        self.reading_headers: dict = {}

    def enqueue_req(self, conn):
        """Every way a request reaches a thread (a new connection, a kept-alive
        one becoming readable, a pipelined request) passes here."""
        if getattr(conn, "headers_in", False) or not self._reads_headers_itself(conn):
            conn.headers_in = False  # the next request on this connection waits again
            super().enqueue_req(conn)
            return
        conn.header_bytes = bytearray()
        if conn.parser is not None:  # a pipelined request already read ahead
            conn.header_bytes += conn.parser.unreader.take_buffered()
            if END_OF_HEADERS in conn.header_bytes:
                self._hand_to_thread(conn)
                return
        conn.header_deadline = time.monotonic() + HEADER_TIMEOUT
        conn.sock.setblocking(False)
        self.reading_headers[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, lambda _sock: self._read(conn))

    def _reads_headers_itself(self, conn) -> bool:
        return not (
            self.cfg.is_ssl
            or conn.is_http2
            or negotiation.prior_knowledge_allowed(self.cfg, conn.client)
        )

    def _read(self, conn) -> None:
        try:
            data = conn.sock.recv(8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
            return
        # Only the new bytes and the three before them can complete the marker.
        search_from = max(0, len(conn.header_bytes) - 3)
        conn.header_bytes += data
        if conn.header_bytes.find(END_OF_HEADERS, search_from) >= 0:
            self._stop_reading(conn)
            self._hand_to_thread(conn)
        elif len(conn.header_bytes) > MAX_HEADER_BYTES:
            self._refuse(conn, "431 Request Header Fields Too Large")

    def _hand_to_thread(self, conn) -> None:
        conn.init()  # the parser (once per connection); the socket blocks again
        conn.parser.unreader.unread(bytes(conn.header_bytes))
        conn.header_bytes = bytearray()
        conn.data_ready = True  # gthread must not wait for more data first
        conn.headers_in = True
        self.enqueue_req(conn)

    def _stop_reading(self, conn) -> None:
        del self.reading_headers[conn]
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)

    def _refuse(self, conn, status: str) -> None:
        self._stop_reading(conn)
        self.nr_conns -= 1
        with contextlib.suppress(OSError):
            conn.sock.send(
                f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".encode()
            )
        conn.close()

    def murder_pending(self):
        # The main loop calls this at least once a second.
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.reading_headers):
            if conn.header_deadline > now:
                break
            self._refuse(conn, "408 Request Timeout")
