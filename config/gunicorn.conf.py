"""gunicorn settings for Hibi: small threaded workers that restart cleanly.

Every value can be changed from the environment without editing this file.
"""

import contextlib
import ctypes
import gc
import itertools
import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# gthread, but headers are collected by the worker's main loop, so connections
# that send them slowly hold no thread (see config/workers.py; the deadline is
# GUNICORN_HEADER_TIMEOUT seconds).
worker_class = "config.workers.HeadersFirstWorker"
# One worker: its threads serve over a thousand tablets polling every 15 s at
# under half a core (make bench), and every further worker is another whole
# copy of Django in a Raspberry Pi's memory.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The heartbeat file lives in RAM: on an SD card or a slow NAS disk a
# blocked write would make the arbiter think the worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Nothing talks to gunicorn's control socket here; it would be one more
# writable file and one more way in.
control_socket_disable = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Shorter than `docker stop`'s 10 s, so workers finish their requests and
# exit before the container is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "8"))
keepalive = 5
# Drop a connection's request if the queue is long rather than serve it minutes late.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "64"))
# Behind a reverse proxy, trust its X-Forwarded-* headers (comma-separated IPs).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# Unchanged wall polls (204) are counted per wall, not logged one by one,
# unless ACCESS_LOG_POLLS=1 (config/access_log.py).
logger_class = "config.access_log.QuietPollsLogger"
# %({x-forwarded-for}i)s shows the client behind a proxy; %(h)s is the proxy itself.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 50


def _one_malloc_arena() -> None:
    """glibc gives each thread that allocates its own malloc arena, and each keeps
    what it freed: the worker's 4 threads cost some 2.5 MB more than one arena
    (make bench, whole-server PSS). Python allocates under its lock anyway, so
    one arena costs no waiting. Set here, in the master before any thread or
    fork, so every worker inherits it; MALLOC_ARENA_MAX in the environment wins."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    # Not glibc (musl, macOS): nothing to tune.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 1)  # M_ARENA_MAX


_one_malloc_arena()

# Every this many requests the worker hands the heap memory it has freed back
# to the system (glibc's malloc_trim). A trim took 0.05-4 ms (once 15 ms) in
# make bench's memory run: under 0.05 ms a request, against an unchanged
# poll's 0.9 ms of CPU.
TRIM_EVERY = 100
_served = itertools.count(1)


def _malloc_trim():
    """glibc returns freed heap to the system only from the heap's very top; a
    render's garbage in the middle stays the worker's (some 2.4 MB after
    make bench's 10,000 requests). malloc_trim gives back every free page.
    None on musl or macOS, which have no such call."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def pre_fork(server, worker):
    """What the master has in memory is shared with the worker it forks until
    either writes to it; frozen, the worker's garbage collector leaves those
    objects alone instead of writing to each (about 2 MB less in all)."""
    gc.freeze()


def post_request(worker, req, environ, resp):
    """Runs in the request's thread once its answer is sent; next() on a count
    is atomic, so the threads need no lock to share it."""
    if _trim is not None and next(_served) % TRIM_EVERY == 0:
        _trim(0)


def post_worker_init(worker):
    """Render a wall once before the worker takes traffic (config/warmup.py)."""
    from config.warmup import warm_up

    warm_up(worker.wsgi)
