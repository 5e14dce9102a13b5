"""The announcements' door for home automations: `POST /api/announcements` with a
token of its own (README: Home Assistant's rest_command).

The token is the only way in: no session, no cookie, so no CSRF to check.
Every answer is JSON, every refusal says why: 401 for an unknown or revoked
token, 429 with Retry-After past the token's rate (rate.py), 400 for input
that cannot be an announcement, 201 with what was made.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from schedule.announcements import rate, services
from schedule.announcements.models import (
    DEFAULT_MINUTES,
    LONGEST_MINUTES,
    PRESET_KEYS,
    TEXT_LENGTH,
    AnnouncementToken,
    preset,
)
from schedule.calendars.selectors import guess_lang
from schedule.common import household, icons
from schedule.family.models import Display

log = logging.getLogger(__name__)

# A rest_command's payload is a few hundred bytes.
LARGEST_BODY = 4096


class Refused(ValueError):
    """Input that cannot be an announcement; the message says why, in English
    (the reader is whoever writes the automation, reading its log)."""


@dataclass
class Asked:
    """The announcement a request asks for, checked."""

    text_ja: str = ""
    text_en: str = ""
    icon: str = ""
    minutes: int = DEFAULT_MINUTES
    walls: list[Display] = field(default_factory=list)
    chime: bool = False


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _bearer(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
def announce_view(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "Send the announcement with POST.", Allow="POST")
    token = AnnouncementToken.find(_bearer(request))
    if token is None:
        return _error(
            401,
            "Send a token made in Hibi's admin as 'Authorization: Bearer <token>'; "
            "this one is unknown or was revoked.",
            WWW_Authenticate='Bearer realm="hibi"',
        )
    wait = rate.tokens.take(token.pk)
    if wait:
        message = f"At most {rate.PER_MINUTE} announcements a minute; try again in {wait} s."
        return _error(429, message, Retry_After=str(wait))
    now = household.now()
    token.note_used(now)
    try:
        asked = parse_request(request)
    except Refused as refused:
        log.info("Refused an announcement from token %s: %s", token.pk, refused)
        return _error(400, str(refused))
    made = services.announce(
        text_ja=asked.text_ja,
        text_en=asked.text_en,
        icon=asked.icon,
        minutes=asked.minutes,
        displays=asked.walls,
        chime=asked.chime,
        token=token,
        now=now,
    )
    return JsonResponse(
        {
            "id": made.pk,
            "text_ja": made.text_ja,
            "text_en": made.text_en,
            "until": made.ends_at.isoformat(),
            "walls": [wall.name for wall in asked.walls] or "all",
        },
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


def parse_request(request: HttpRequest) -> Asked:
    """The announcement a request asks for: a JSON object (or a form) with `text`
    (or `text_ja`/`text_en`, or a `preset`), and optionally `icon`, `minutes`,
    `walls` (names or ids) and `chime`."""
    if len(request.body) > LARGEST_BODY:
        raise Refused(f"The body is larger than {LARGEST_BODY} bytes.")
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused("The body is not JSON.") from None
        if not isinstance(body, dict):
            raise Refused('Send a JSON object, such as {"text": "ごはん できたよ!"}.')
    else:
        body = {key: request.POST.get(key) for key in request.POST}
    unknown = set(body) - {"text", "lang", "text_ja", "text_en", "preset", "icon", "minutes",
                           "walls", "chime"}  # fmt: skip
    if unknown:
        raise Refused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    asked = Asked()
    _texts(body, asked)
    if "icon" in body and body["icon"] not in (None, ""):
        if not isinstance(body["icon"], str) or not icons.is_icon(body["icon"]):
            raise Refused("'icon' is not one of Hibi's icons (see the admin's picker).")
        asked.icon = body["icon"]
    asked.minutes = _minutes(body.get("minutes"))
    asked.walls = _walls(body.get("walls"))
    asked.chime = _flag(body.get("chime"), "chime")
    return asked


def _texts(body: dict[str, Any], asked: Asked) -> None:
    if body.get("preset") not in (None, ""):
        found = preset(str(body["preset"]))
        if found is None:
            raise Refused(f"'preset' is one of: {', '.join(PRESET_KEYS)}.")
        asked.text_ja, asked.text_en, asked.icon = found
    for name in ("text", "text_ja", "text_en"):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise Refused(f"'{name}' must be text.")
        value = " ".join(value.split())  # one line on the wall
        if "\x00" in value:
            raise Refused(f"'{name}' has a NUL character.")
        if len(value) > TEXT_LENGTH:
            raise Refused(f"'{name}' is longer than {TEXT_LENGTH} characters.")
        if name == "text":
            lang = body.get("lang") or guess_lang(value)
            if lang not in ("ja", "en"):
                raise Refused("'lang' is 'ja' or 'en'.")
            name = f"text_{lang}"
        if value:
            setattr(asked, name, value)
    if not asked.text_ja and not asked.text_en:
        raise Refused("Say something: 'text' (or 'text_ja', 'text_en', 'preset') is empty.")


def _minutes(value: Any) -> int:
    if value in (None, ""):
        return DEFAULT_MINUTES
    if isinstance(value, bool):
        raise Refused("'minutes' is a whole number.")
    try:
        minutes = int(value)
    except (TypeError, ValueError, OverflowError):  # "ten", NaN, Infinity
        raise Refused("'minutes' is a whole number.") from None
    if minutes != value and str(minutes) != str(value).strip():
        raise Refused("'minutes' is a whole number.")
    if not 1 <= minutes <= LONGEST_MINUTES:
        raise Refused(f"'minutes' is from 1 to {LONGEST_MINUTES}.")
    return minutes


def _walls(value: Any) -> list[Display]:
    """The walls named (by name or id); none: every wall."""
    if value in (None, "", "all"):
        return []
    names = [value] if isinstance(value, str | int) and not isinstance(value, bool) else value
    if not isinstance(names, list) or not all(
        isinstance(n, str | int) and not isinstance(n, bool) for n in names
    ):
        raise Refused("'walls' is a list of the walls' names (or ids), or 'all'.")
    if len(names) > 50:
        raise Refused("'walls' names at most 50 walls.")
    known = list(Display.objects.all())
    found: list[Display] = []
    for name in names:
        match = [d for d in known if d.name == str(name) or str(d.pk) == str(name)]
        if not match:
            raise Refused(f"No wall is called {str(name)[:60]!r}.")
        found += [d for d in match if d not in found]
    return found


def _flag(value: Any, name: str) -> bool:
    if value in (None, "", False, "false", "0", 0, "off", "no"):
        return False
    if value in (True, "true", "1", 1, "on", "yes"):
        return True
    raise Refused(f"'{name}' is true or false.")
