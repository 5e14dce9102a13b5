"""The panel cache: compressed once, sent as the tablet asks, bounded in bytes."""

import gzip
import os
import re
from datetime import date

import brotli
from django.urls import reverse

from schedule.wall import polling
from tests.conftest import tokyo

TABLET = {"HX-Request": "true", "Accept-Encoding": "gzip, deflate"}


def stale_poll(client, display, headers):
    url = reverse("wall-panel", args=[display.token]) + "?v=0.19700101.0"
    return client.get(url, headers=headers)


def test_a_changed_poll_is_kept_gzipped_and_sent_as_kept(client, demo_display, time_machine):
    time_machine.move_to(tokyo(date(2026, 11, 24), "10:10"), tick=False)
    first = stale_poll(client, demo_display, TABLET)
    second = stale_poll(client, demo_display, TABLET)
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert first.content == second.content  # the second is the kept bytes
    assert int(second["Content-Length"]) == len(second.content)
    assert "Accept-Encoding" in second["Vary"]
    html = gzip.decompress(second.content).decode()
    assert html.startswith('<div id="panel"')
    assert polling.panel_bytes() == len(second.content)


def test_a_panel_carries_the_pages_security_headers_rendered_or_kept(
    client, demo_display, time_machine
):
    time_machine.move_to(tokyo(date(2026, 11, 24), "10:10"), tick=False)
    page = client.get(reverse("wall", args=[demo_display.token]))
    rendered = stale_poll(client, demo_display, TABLET)
    kept = stale_poll(client, demo_display, TABLET)
    assert rendered.content == kept.content  # the second answer is the kept one
    without_nonce = re.sub(r" 'nonce-[^']+'", "", page["Content-Security-Policy"])
    assert "frame-ancestors 'none'" in without_nonce
    for panel in (rendered, kept):
        assert panel["Content-Security-Policy"] == without_nonce
        assert panel["X-Frame-Options"] == page["X-Frame-Options"] == "DENY"


def test_brotli_and_plain_clients_get_the_same_panel(client, demo_display, time_machine):
    time_machine.move_to(tokyo(date(2026, 11, 24), "10:10"), tick=False)
    gzipped = gzip.decompress(stale_poll(client, demo_display, TABLET).content)
    br = stale_poll(client, demo_display, {"HX-Request": "true", "Accept-Encoding": "br, gzip"})
    plain = stale_poll(client, demo_display, {"HX-Request": "true"})
    assert br["Content-Encoding"] == "br"
    assert brotli.decompress(br.content) == gzipped
    assert "Content-Encoding" not in plain
    assert plain.content == gzipped


def test_the_cache_is_bounded_in_bytes_and_drops_the_oldest(demo_display, settings):
    settings.WALL_PANEL_CACHE_KB = 8
    moment = tokyo(date(2026, 11, 24), "10:10")
    for n in range(40):  # ~1 KB gzipped each: random bytes do not compress
        polling.remember_panel(demo_display, f"v{n}", moment, os.urandom(1000))
    assert polling.panel_bytes() <= 8 * 1024
    assert polling.cached_panel(demo_display, "v39", moment) is not None
    assert polling.cached_panel(demo_display, "v0", moment) is None
    kept = sum(len(polling._panels[key].gzip) for key in polling._panels)
    assert kept == polling.panel_bytes()


def test_a_panel_bigger_than_the_whole_cache_is_not_kept(demo_display, settings):
    settings.WALL_PANEL_CACHE_KB = 1
    moment = tokyo(date(2026, 11, 24), "10:10")
    polling.remember_panel(demo_display, "v1", moment, os.urandom(2048))
    assert polling.cached_panel(demo_display, "v1", moment) is None
    assert polling.panel_bytes() == 0
