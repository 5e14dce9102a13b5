"""A fetched calendar's text, checked and cut down before any library reads it.

icalendar keeps each line as objects (about half a kilobyte a line), so a
5 MB feed of tiny events, or of one EXDATE with 300,000 dates, would cost
hundreds of megabytes and tens of seconds; and it expands a VTIMEZONE's own
repeat rules while it reads them. The text is therefore read here first, in
one cheap pass: only what can reach the days kept goes on (events that
repeat or that touch those days, and sane time zones), within a count of
events and of lines and values; a feed over a limit is refused with the
limit it hit. Whether a repeat rule can be followed is judged once parsed
(calendar_repeats.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings

from schedule.calendars.fetch import SyncProblem

# Lines after unfolding: far above a real 5 MB feed (Google's average 40 bytes).
MAX_LINES = 300_000
# Events in the whole file, the past included: 10 times the events kept.
FILE_EVENTS_PER_KEPT = 10
# Lines, parameters and list values of what is handed on, per event kept.
PARTS_PER_EVENT = 15
# Days around the window an event is kept for: time zones move a date by one.
MARGIN = 2
# Time zones: a VTIMEZONE's own rules are expanded by icalendar when it is read
# (up to 2038, or to its COUNT or UNTIL), so only yearly rules of sane size pass.
MAX_ZONES = 20
MAX_ZONE_LINES = 2000  # a zone with all its history since 1900 has a few hundred
# Parts nested deeper than this are only counted: nothing anyone reads is there,
# and a stack of 100,000 names would make each END a long search.
MAX_DEPTH = 8
ZONE_RULE_KEYS = frozenset({"FREQ", "INTERVAL", "UNTIL", "COUNT", "BYMONTH", "BYDAY",
                            "BYMONTHDAY", "WKST"})  # fmt: skip
# The properties anything reads (calendars.py, recurring-ical-events,
# x-wr-timezone, icalendar's time zones). The rest (descriptions, attendees,
# attachments, alternative HTML) never reaches the wall and is not handed on.
READ = {
    "VCALENDAR": frozenset({"VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-TIMEZONE"}),
    "VEVENT": frozenset({"UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "STATUS", "RRULE",
                         "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID", "SEQUENCE"}),
    "VTIMEZONE": frozenset({"TZID", "DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME", "RRULE",
                            "RDATE"}),
}  # fmt: skip
# Values that are lists (a rule's parts too): each item costs icalendar an object.
LIST_PROPERTIES = frozenset({"EXDATE", "RDATE", "RRULE", "EXRULE"})
# Any other value is cut to this: the wall shows 200 characters of a title.
MAX_TEXT = 1000
REPEATS = frozenset({"RRULE", "RDATE", "EXRULE"})

_FOLD = re.compile(r"\r?\n[ \t]")
_EVENT_BEGINS = re.compile(r"^BEGIN:VEVENT\r?$", re.MULTILINE | re.IGNORECASE)
_DATE_VALUE = re.compile(r"\d{8}(T\d{6}Z?)?")
_DURATION = re.compile(r"[+-]?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:\d+M)?(?:\d+S)?)?")


def decode(body: bytes, charset: str = "") -> str:
    """The calendar's text. UTF-8 by the standard; some Japanese school systems
    still write Shift_JIS (CP932), which is read as such rather than as
    replacement characters; a stray bad byte in UTF-8 stays one character."""
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # the header was wrong: judge by the bytes
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    replaced = body.decode("utf-8", errors="replace")
    if replaced.count("\ufffd") > 2:
        try:
            return body.decode("cp932")
        except UnicodeDecodeError:
            pass
    return replaced


def screen(text: str, first: date, last: date) -> str:
    """The calendar cut down to what may show between `first` and `last`;
    SyncProblem when it is not a calendar or is over a limit."""
    most = settings.CALENDAR_MAX_EVENTS
    text = _FOLD.sub("", text)
    if len(_EVENT_BEGINS.findall(text)) > most * FILE_EVENTS_PER_KEPT:
        raise SyncProblem("too_many_events", str(most * FILE_EVENTS_PER_KEPT))
    if text.count("\n") > MAX_LINES:
        raise SyncProblem("too_many_lines", str(MAX_LINES))
    reader = _Reader(first - timedelta(days=MARGIN), last + timedelta(days=MARGIN))
    for line in _lines(text):
        reader.read(line)
    if not reader.calendars:
        raise SyncProblem("not_calendar", "no BEGIN:VCALENDAR")
    if reader.events > most:
        raise SyncProblem("too_many_events", str(most))
    if reader.parts > most * PARTS_PER_EVENT:
        raise SyncProblem("too_many_lines", str(most * PARTS_PER_EVENT))
    return "\r\n".join(reader.kept) + "\r\n"


def _lines(text: str):
    """One line at a time: a list of them all would cost more than the text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        yield text[start : end - 1 if text[end - 1 : end] == "\r" else end]
        start = end + 1


class _Reader:
    """Walks the lines once, keeping a calendar's own lines, the events that may
    reach the window and the sane time zones; nested parts nobody shows
    (alarms, and whatever is nested deeper) are left out, however deep."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
        self.kept: list[str] = []
        self.stack: list[str] = []
        self.block: list[str] = []  # the event or time zone being read
        self.zone_ok = True
        self.deeper = 0  # parts begun below MAX_DEPTH and not yet ended
        self.calendars = self.events = self.zones = self.parts = 0

    def read(self, line: str) -> None:
        head = line[:6].upper()
        if head == "BEGIN:":
            self._begin(line[6:].strip().upper())
        elif head.startswith("END:"):
            self._end(line[4:].strip().upper())
        else:
            self._property(line)

    def _begin(self, name: str) -> None:
        depth = len(self.stack)
        if depth >= MAX_DEPTH or self.deeper:
            self.deeper += 1
            self.zone_ok = False  # if it is in a time zone: nonsense
            return
        self.stack.append(name)
        if depth == 0 and name == "VCALENDAR":
            self.calendars += 1
            self.kept.append("BEGIN:VCALENDAR")
        elif depth == 1 and name in {"VEVENT", "VTIMEZONE"}:
            self.block, self.zone_ok = [f"BEGIN:{name}"], True
        elif self._in("VTIMEZONE"):
            if depth == 2 and name in {"STANDARD", "DAYLIGHT"}:
                self.block.append(f"BEGIN:{name}")
            else:
                self.zone_ok = False  # nested nonsense: icalendar would walk it all

    def _end(self, name: str) -> None:
        if self.deeper:
            self.deeper -= 1
            return
        if name not in self.stack:
            return  # an END without its BEGIN: nothing to close
        while self.stack and self.stack[-1] != name:
            self.stack.pop()
        depth = len(self.stack) - 1
        self.stack.pop()
        if depth == 0 and name == "VCALENDAR":
            self.kept.append("END:VCALENDAR")
        elif depth == 1 and name == "VEVENT":
            self._close_event()
        elif depth == 1 and name == "VTIMEZONE":
            if self.zone_ok and self.zones < MAX_ZONES:
                self.zones += 1
                self._keep([*self.block, "END:VTIMEZONE"], "VTIMEZONE")
        elif depth == 2 and self._in("VTIMEZONE") and name in {"STANDARD", "DAYLIGHT"}:
            self.block.append(f"END:{name}")

    def _in(self, name: str) -> bool:
        return len(self.stack) >= 2 and self.stack[1] == name

    def _property(self, line: str) -> None:
        depth = len(self.stack)
        if depth == 1 and self.stack[0] == "VCALENDAR":
            self._keep([line], "VCALENDAR")
        elif depth == 2 and self.stack[1] == "VEVENT":
            self.block.append(line)
        elif 2 <= depth <= 3 and self._in("VTIMEZONE") and self.zone_ok:
            if depth == 3 and line[:6].upper() == "RRULE:" and not _sane_zone_rule(line[6:]):
                self.zone_ok = False
            if len(self.block) >= MAX_ZONE_LINES:
                self.zone_ok = False
            self.block.append(line)

    def _close_event(self) -> None:
        properties: dict[str, tuple[str, str]] = {}
        for line in self.block[1:]:
            split = split_line(line)
            if split is not None:
                properties.setdefault(split[0], (split[1], split[2]))
        if _reaches(properties, self.first, self.last):
            self.events += 1
            self._keep([*self.block, "END:VEVENT"], "VEVENT")

    def _keep(self, lines: list[str], part: str) -> None:
        for line in lines:
            if line[:6].upper() == "BEGIN:" or line[:4].upper() == "END:":
                self.kept.append(line)
                continue
            split = split_line(line)
            if split is None or split[0] not in READ[part]:
                continue
            name, params, value = split
            if name in LIST_PROPERTIES:
                self.parts += value.count(",") + value.count(";")
            elif len(value) > MAX_TEXT:
                line = line[: len(line) - len(value) + MAX_TEXT]
            self.parts += 1 + params.count(";")
            self.kept.append(line)


def split_line(line: str) -> tuple[str, str, str] | None:
    """(NAME, parameters, value) of a content line; a quoted parameter value
    may hold ':' and ';'. Linear in the line, however it is quoted."""
    colon = line.find(":")
    quote = line.find('"')
    while quote != -1 and colon != -1 and quote < colon:
        close = line.find('"', quote + 1)
        if close == -1:
            return None
        if colon < close:
            colon = line.find(":", close + 1)
        quote = line.find('"', close + 1)
    if colon == -1:
        return None
    name, _sep, params = line[:colon].partition(";")
    return name.strip().upper(), params, line[colon + 1 :]


def _reaches(properties: dict[str, tuple[str, str]], first: date, last: date) -> bool:
    """Whether an event may show between `first` and `last`: one that repeats
    (its rules are judged once parsed), or one whose own dates touch them. An
    event without a readable DTSTART shows nowhere and is left out; so is one
    with a DTEND nobody can read."""
    start = _day(properties.get("DTSTART"))
    if start is None:
        return False
    if REPEATS & properties.keys():
        return True
    if "DTEND" in properties:
        end = _day(properties["DTEND"])
        if end is None:
            return False
    elif "DURATION" in properties:
        end = _after(start, properties["DURATION"][1])
    else:
        end = start
    if "RECURRENCE-ID" in properties:
        params, _value = properties["RECURRENCE-ID"]
        moved_from = _day(properties["RECURRENCE-ID"])
        if moved_from is None:
            return False
        # Left out, a moved occurrence would show again where it was moved from.
        if "THISANDFUTURE" in params.upper() or first <= moved_from <= last:
            return True
    return start <= last and end >= first


def _day(property: tuple[str, str] | None) -> date | None:
    if property is None:
        return None
    value = property[1].strip()
    return _date(value[:8]) if _DATE_VALUE.fullmatch(value) else None


def _date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _after(start: date, duration: str) -> date:
    found = _DURATION.fullmatch(duration.strip().upper())
    if found is None:
        return date.max  # unknown: kept if it starts in time
    weeks, days, hours = (int(part or 0) for part in found.groups())
    try:
        return start + timedelta(weeks=weeks, days=days + hours // 24 + 1)
    except OverflowError:
        return date.max


def _sane_zone_rule(rule: str) -> bool:
    """A time zone's rule that icalendar can expand in a few thousand steps."""
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";"))
    lists = {key: len(value.split(",")) for key, value in parts.items()}
    count = parts.get("COUNT", "0")
    until = parts.get("UNTIL", "")
    return (
        parts.keys() <= ZONE_RULE_KEYS
        and parts.get("FREQ") == "YEARLY"
        and parts.get("INTERVAL", "1").isdigit()
        and int(parts.get("INTERVAL", "1")) >= 1
        and count.isdigit()
        and int(count) <= 1000
        and (not until or (until[:4].isdigit() and int(until[:4]) <= 2200))
        and lists.get("BYMONTH", 1) * max(lists.get("BYDAY", 1), lists.get("BYMONTHDAY", 1)) <= 31
    )
