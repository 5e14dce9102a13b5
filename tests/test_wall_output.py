"""The wall's HTML, byte for byte, at moments of the demo week.

The render is tuned for speed (loading, the view model, the panel cache); what
a tablet receives must not change with it. The files under
tests/fixtures/walls/ were rendered before that work and are compared whole.
After a change that is *meant* to change the wall, write them anew with
`HIBI_FREEZE_WALLS=1 .venv/bin/pytest tests/test_wall_output.py` and review
the diff like any other.

Only what differs from run to run is replaced before comparing: the display's
secret token, the CSRF token and the CSP nonce, the revision count in the
poll's version, the database ids in the
chore and step tick addresses and in a step tick's member, and the hash of the
wall's assets.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from schedule.models import Chore, ChoreDone, Display, Member

FIXTURES = Path(__file__).parent / "fixtures" / "walls"
FREEZE = os.environ.get("HIBI_FREEZE_WALLS") == "1"

MOMENTS = [
    "2026-11-23T06:45",  # 勤労感謝の日: the day-off plan, early
    "2026-11-23T17:05",  # clean-up time, tomorrow's chores shown
    "2026-11-24T02:30",  # inside the sleep block that began yesterday
    "2026-11-24T10:10",  # a weekday: work and school side by side
    "2026-11-24T22:10",  # night: the clock and the next morning
    "2026-11-25T07:55",
    "2026-11-27T18:40",
    "2026-11-28T12:00",  # Saturday
]


def _normalised(html: str, display: Display) -> str:
    html = html.replace(display.token, "TOKEN")
    html = re.sub(r"/(chores|steps|bags)/\d+/", r"/\1/ID/", html)
    html = re.sub(r'"thing": "(item|rain)-\d+"', r'"thing": "\1-ID"', html)
    html = re.sub(r'"member": "\d+"', '"member": "ID"', html)
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1CSRF", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1CSRF", html)
    html = re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', html)
    # How many changes the family's data went through: a count, not the wall.
    html = re.sub(r'(data-version="|"v": ")\d+\.', r"\1REV.", html)
    return re.sub(r'data-assets="[^"]+"', 'data-assets="ASSETS"', html)


def _compare(name: str, html: str) -> None:
    path = FIXTURES / f"{name}.html"
    if FREEZE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert path.exists(), f"{path} is missing: freeze it with HIBI_FREEZE_WALLS=1"
    expected = path.read_text(encoding="utf-8")
    assert html == expected, f"the wall's HTML changed: {path.name}"


def _panel(client, display: Display, at: str) -> str:
    url = reverse("wall-panel", args=[display.token]) + f"?at={at}"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return _normalised(response.content.decode(), display)


@pytest.mark.parametrize("at", MOMENTS)
def test_the_panel_of_the_demo_week_is_unchanged(client, demo_display, at):
    _compare(f"panel-both-{at.replace(':', '')}", _panel(client, demo_display, at))


@pytest.mark.parametrize("mode", [Display.Language.JA, Display.Language.EN])
@pytest.mark.parametrize("at", ["2026-11-23T17:05", "2026-11-24T10:10", "2026-11-24T22:10"])
def test_the_panel_in_one_language_is_unchanged(client, demo_display, mode, at):
    demo_display.language = mode
    demo_display.save()
    _compare(f"panel-{mode}-{at.replace(':', '')}", _panel(client, demo_display, at))


def test_a_kids_wall_with_a_chore_done_and_no_ticking_is_unchanged(client, demo_display):
    demo_display.members.set(Member.objects.filter(name_en__in=["Haru", "Mio"]))
    demo_display.may_complete_chores = False
    demo_display.save()
    for chore in Chore.objects.order_by("pk")[:2]:
        ChoreDone.objects.create(chore=chore, date=date(2026, 11, 24))
    _compare("panel-kids-20261124T1010", _panel(client, demo_display, "2026-11-24T10:10"))


@pytest.mark.parametrize("at", ["2026-11-23T17:05", "2026-11-24T22:10"])
def test_the_whole_page_is_unchanged(client, demo_display, at):
    response = client.get(reverse("wall", args=[demo_display.token]) + f"?at={at}")
    assert response.status_code == 200
    html = _normalised(response.content.decode(), demo_display)
    _compare(f"page-both-{at.replace(':', '')}", html)


def test_texts_with_markup_characters_are_escaped_as_before(client, demo_display):
    from schedule.models import Block, Note

    nasty = "<b>\"Tom\" & 'Jerry'</b>"
    Member.objects.filter(name_en="Haru").update(name_en=nasty, name_ja="<はる>")
    Block.objects.filter(title_en="Bath").update(title_en=nasty, title_ja="お風呂 & <歯>")
    Chore.objects.filter(pk=Chore.objects.order_by("pk")[0].pk).update(title_en=nasty)
    Note.objects.update(text_en=nasty, text_ja="'&'")
    _compare("panel-escaped-20261123T1705", _panel(client, demo_display, "2026-11-23T17:05"))
