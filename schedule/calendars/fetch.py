"""Fetching a subscribed calendar from someone else's server, within hard limits.

That server may be slow, broken or hostile, and the worker that asks it also
sends the family's nudges. So a fetch gets one overall deadline (connecting,
the headers and every byte of the body together: a server that drips a byte a
second is cut off at the deadline, not when it pleases), CALENDAR_MAX_MB of
body (counted while it arrives, and again once gzip is undone, so that a small
gzip bomb cannot unpack into gigabytes), MAX_REDIRECTS redirects, and only
http:// and https:// on every hop (webcal:// is https:// by another name;
file:, ftp:, data: and the rest are refused, on a redirect too).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings

USER_AGENT = "Hibi family calendar (calendar subscription)"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


def printable(text: str) -> str:
    """Text from outside with control characters (NUL among them, which
    PostgreSQL refuses) turned into spaces."""
    return "".join(char if char.isprintable() else " " for char in text)


class SyncProblem(Exception):
    """Why a calendar could not be read: a code of models.PROBLEMS and a detail."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = printable(detail[:300])


class Deadline:
    """The moment one calendar's sync must be over, on the monotonic clock
    (a wall clock moved by NTP, or by a test, must not stretch or cut it)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.left() <= 0


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last fetch
    etag: str = ""
    last_modified: str = ""
    charset: str = ""  # as the server's Content-Type says, if it does


def fetch_url(url: str) -> str:
    """The address to fetch: webcal:// is https:// by another name."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in {"webcal", "webcals"}:
        scheme = "https"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def fetch(
    url: str,
    etag: str = "",
    last_modified: str = "",
    deadline: Deadline | None = None,
    *,
    max_bytes: int | None = None,
    accept: str = "text/calendar, */*;q=0.5",
    user_agent: str = USER_AGENT,
) -> Fetched:
    """GET the calendar within the deadline and the size limit; SyncProblem otherwise.

    The weather's documents come through here too (weather/sync.py), with a
    smaller `max_bytes` than a calendar's CALENDAR_MAX_MB and their own Accept.
    """
    deadline = deadline or Deadline(settings.CALENDAR_TIMEOUT_SECONDS)
    limit = max_bytes if max_bytes is not None else settings.CALENDAR_MAX_MB * 1024 * 1024
    headers = {"User-Agent": user_agent, "Accept": accept, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    address = fetch_url(url)
    with _Watchdog(deadline) as watchdog:
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                fetched, address = _ask(address, headers, watchdog, limit)
                if fetched is not None:
                    return (
                        fetched if fetched.body is not None else Fetched(None, etag, last_modified)
                    )
        except SyncProblem:
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # A reset connection, a malformed answer or address, a TLS failure;
            # or the watchdog's cut, which reads as any of these.
            if watchdog.fired or deadline.passed() or isinstance(exc, TimeoutError):
                raise SyncProblem("timeout", _seconds(deadline)) from None
            raise SyncProblem("network", str(exc) or type(exc).__name__) from None
    raise SyncProblem("redirects", str(MAX_REDIRECTS))


def _seconds(deadline: Deadline) -> str:
    return f"{deadline.seconds:g}"


def _ask(
    address: str, headers: dict, watchdog: _Watchdog, limit: int
) -> tuple[Fetched | None, str]:
    """One hop: the calendar (its body None when unchanged), or (None, where to go next)."""
    parts = urlsplit(address)
    if parts.scheme not in {"http", "https"}:
        raise SyncProblem("scheme", address)
    if not parts.hostname:
        raise SyncProblem("network", address)
    kind = _TlsConnection if parts.scheme == "https" else _Connection
    connection = kind(parts.hostname, parts.port, watchdog)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        status = response.status
        if status in REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise SyncProblem("http", str(status))
            return None, fetch_url(urljoin(address, location.strip()))
        if status == 304:
            return Fetched(None), address
        if status in {404, 410}:
            raise SyncProblem("not_found", str(status))
        if not 200 <= status < 300:
            raise SyncProblem("http", str(status))
        body = _read_body(response, connection, watchdog.deadline, limit)
        _type, _sep, params = (response.getheader("Content-Type") or "").partition(";")
        return Fetched(
            body,
            response.getheader("ETag", ""),
            response.getheader("Last-Modified", ""),
            _charset(params),
        ), address
    finally:
        connection.close()


def _charset(params: str) -> str:
    for param in params.split(";"):
        name, _eq, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"')[:40]
    return ""


def _read_body(
    response: http.client.HTTPResponse, connection: _Connection, deadline: Deadline, limit: int
) -> bytes:
    """The body, read a chunk at a time, each wait no longer than the time left."""
    too_big = SyncProblem("too_big", f"{round(limit / (1024 * 1024), 2):g}")
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_big  # said so up front: not a byte of it is read
    unpack = _unpacker(response.getheader("Content-Encoding") or "")
    chunks: list[bytes] = []
    received = size = 0
    while not response.isclosed():  # closed once the whole body is in
        left = deadline.left()
        if left <= 0:
            raise SyncProblem("timeout", _seconds(deadline))
        connection.wait_at_most(left)
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > limit:
            raise too_big
        if unpack is not None:
            chunk = _unpack(unpack, chunk, limit - size)
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    if connection.watchdog.fired:  # the cut reads as the end of the body
        raise SyncProblem("timeout", _seconds(deadline))
    if unpack is not None and not unpack.eof:
        raise SyncProblem("network", "the compressed calendar was cut short")
    return b"".join(chunks)


def _unpacker(encoding: str):
    """Only gzip is asked for; deflate is read too, as servers send it unasked."""
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return None
    if encoding in {"gzip", "x-gzip", "deflate"}:
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # 32: a gzip or a zlib header
    raise SyncProblem("not_calendar", f"Content-Encoding: {encoding}")


def _unpack(unpack, chunk: bytes, room: int) -> bytes:
    # Never more than one byte past the room left: what a gzip bomb would
    # unpack beyond it is never made, let alone kept.
    try:
        return unpack.decompress(chunk, room + 1)
    except zlib.error as exc:
        raise SyncProblem("not_calendar", f"gzip: {exc}") from None


class _Watchdog:
    """Cuts the connection at the deadline, whatever the reading waits for.

    A socket timeout bounds each wait, not their sum: http.client reads the
    status line, the headers and each chunk size in many small reads, and a
    server that sends one byte a second never lets one of them time out. A
    timer shuts the socket down instead, which ends any read at once.
    """

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.fired = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.timer = threading.Timer(max(0.0, deadline.left()), self.cut)
        self.timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def cut(self) -> None:
        with self.lock:
            self.fired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also under TLS: it wakes a blocked read
    # without touching the TLS state another thread is using.
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose socket the watchdog can cut."""

    def __init__(self, host: str, port: int | None, watchdog: _Watchdog) -> None:
        super().__init__(host, port, timeout=max(0.01, watchdog.deadline.left()))
        self.watchdog = watchdog

    def connect(self) -> None:
        # Name resolution is the system's: getaddrinfo takes no timeout.
        self.sock = socket.create_connection(
            (self.host, self.port), max(0.01, self.watchdog.deadline.left())
        )
        self.watchdog.watch(self.sock)
        self.reader = self.sock

    def wait_at_most(self, seconds: float) -> None:
        """The next read waits no longer than the time left (http.client may
        have let go of `sock` already when the server closes after the body)."""
        reader = getattr(self, "reader", None)
        if reader is not None and reader.fileno() != -1:
            reader.settimeout(max(0.01, seconds))


_tls: ssl.SSLContext | None = None


class _TlsConnection(_Connection):
    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        global _tls
        super().connect()
        if _tls is None:
            _tls = ssl.create_default_context()
        self.sock = _tls.wrap_socket(self.sock, server_hostname=self.host)
        self.reader = self.sock
