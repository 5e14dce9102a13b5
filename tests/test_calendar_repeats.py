"""Repeat rules checked before they are followed (schedule/calendar_repeats.py).

The checks must change nothing a family sees: ordinary calendars, written at
random from the rules Google, iCloud and Outlook write (long ago or lately,
in zones with and without daylight saving time, with COUNT, UNTIL, EXDATE and
moved occurrences), give the same events through the screen, the checks and
the moved-forward starts as through recurring-ical-events alone. The hostile
rules themselves are in tests/test_hostile_feeds.py.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedule.calendars import subscriptions as calendars
from schedule.calendars.fetch import Deadline, SyncProblem

TOKYO = ZoneInfo("Asia/Tokyo")
FIRST, LAST = date(2026, 2, 28), date(2026, 3, 15)  # Los Angeles moves its clocks on 8 March
RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;BYDAY=MO,WE",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "FREQ=WEEKLY",
    "FREQ=MONTHLY;BYMONTHDAY=1,15",
    "FREQ=MONTHLY;BYDAY=2SA",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;INTERVAL=5",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY",
    "FREQ=YEARLY;INTERVAL=3",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=1SU",
    "FREQ=HOURLY;INTERVAL=7",
    "FREQ=DAILY;BYHOUR=8,17",
]
ZONES = ["TZID=Asia/Tokyo", "TZID=America/Los_Angeles", "TZID=Europe/Berlin", "Z", ""]


def library_alone(body: bytes, first: date = FIRST, last: date = LAST) -> list[tuple]:
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(body))
    start = datetime.combine(first, time(0))
    occurrences = recurring_ical_events.of(calendar).between(
        start, datetime.combine(last + timedelta(days=1), time(0))
    )
    return sorted({e.key for e in (calendars._event(c, TOKYO) for c in occurrences) if e}, key=repr)


def through_the_checks(body: bytes, first: date = FIRST, last: date = LAST) -> list[tuple]:
    return sorted({e.key for e in calendars.parse(body, first, last, TOKYO)}, key=repr)


def some_day(chance: random.Random) -> date:
    """Mostly lately, sometimes long ago; now and then the 29th, 30th or 31st."""
    year = chance.choice([1990, 1996, 2005, 2019, 2023, 2025, 2026, 2026, 2027])
    month = chance.randint(1, 12)
    wanted = chance.choice([29, 30, 31]) if chance.random() < 0.2 else chance.randint(1, 28)
    while True:
        try:
            return date(year, month, wanted)
        except ValueError:
            wanted -= 1


def ordinary_calendar(seed: int, events: int = 40) -> bytes:
    chance = random.Random(seed)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//random//EN"]
    if chance.random() < 0.3:
        lines.append("X-WR-TIMEZONE:Europe/Berlin")
    for i in range(events):
        all_day = chance.random() < 0.3
        day = some_day(chance)
        zone = "VALUE=DATE" if all_day else chance.choice(ZONES)
        hour = chance.randint(0, 22)
        value = day.strftime("%Y%m%d") + (
            "" if all_day else f"T{hour:02d}{chance.choice([0, 30]):02d}00"
        )

        def prop(name: str, value: str, zone: str = zone) -> str:
            if zone == "Z":
                return f"{name}:{value}Z"
            return f"{name};{zone}:{value}" if zone else f"{name}:{value}"

        event = ["BEGIN:VEVENT", f"UID:u{i}", prop("DTSTART", value), f"SUMMARY:e{i}"]
        if chance.random() < 0.7:
            if all_day:
                end = day + timedelta(days=chance.randint(1, 4))
                event.append(prop("DTEND", end.strftime("%Y%m%d")))
            else:
                event.append(
                    prop("DTEND", f"{value[:9]}{hour + chance.randint(0, 1):02d}{value[11:]}")
                )
        repeats = chance.random() < 0.6
        if repeats:
            rule = chance.choice(RULES)
            if all_day and ("HOURLY" in rule or "BYHOUR" in rule):
                rule = "FREQ=WEEKLY"
            ending = chance.random()
            if ending < 0.2:
                rule += f";COUNT={chance.choice([3, 10, 100, 1000, 10**6])}"
            elif ending < 0.4:
                until = chance.choice(["20240101", "20260305", "20260310", "20300101"])
                rule += f";UNTIL={until}" + ("" if all_day else "T000000Z")
            event.append(f"RRULE:{rule}")
            if chance.random() < 0.3:
                event.append(prop("EXDATE", value))
        lines += [*event, "END:VEVENT"]
        if repeats and chance.random() < 0.2:
            # The first one moved a day on; a daily one also moved out of 3 March.
            later = (day + timedelta(days=1)).strftime("%Y%m%d") + value[8:]
            lines += [
                "BEGIN:VEVENT",
                f"UID:u{i}",
                prop("RECURRENCE-ID", value),
                prop("DTSTART", later),
                "SUMMARY:moved",
                "END:VEVENT",
            ]
            if rule.split(";")[0] == "FREQ=DAILY":
                at = value[8:]
                lines += [
                    "BEGIN:VEVENT",
                    f"UID:u{i}",
                    prop("RECURRENCE-ID", f"20260303{at}"),
                    prop("DTSTART", f"20260304{at}"),
                    "SUMMARY:moved",
                    "END:VEVENT",
                ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("seed", range(40))
def test_the_checks_change_nothing_an_ordinary_calendar_shows(seed):
    body = ordinary_calendar(seed)
    assert through_the_checks(body) == library_alone(body)


def one(*lines: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Repeats\r\n"
        + "".join(f"{line}\r\n" for line in lines)
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("long_ago", "lately", "first"),
    [
        (("DTSTART:00010101T100000Z", "RRULE:FREQ=DAILY"),
         ("DTSTART:20260101T100000Z", "RRULE:FREQ=DAILY"), FIRST),
        # 17,750,775 hours, a multiple of 5, from the first start to the second.
        (("DTSTART;TZID=America/Los_Angeles:00010101T090000", "RRULE:FREQ=HOURLY;INTERVAL=5"),
         ("DTSTART;TZID=America/Los_Angeles:20260101T000000", "RRULE:FREQ=HOURLY;INTERVAL=5"),
         FIRST),
        (("DTSTART;VALUE=DATE:00040229", "RRULE:FREQ=YEARLY"),
         ("DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY"), date(2028, 2, 20)),
        # Every 5th month from March of the year 1 comes to March 2026.
        (("DTSTART:00010310T100000Z", "RRULE:FREQ=MONTHLY;INTERVAL=5;COUNT=1000000000"),
         ("DTSTART:20251010T100000Z", "RRULE:FREQ=MONTHLY;INTERVAL=5"), FIRST),
    ],
    ids=["daily", "hourly-over-a-dst-change", "29-february", "every-5th-month"],
)  # fmt: skip
def test_a_rule_since_the_year_1_gives_the_days_it_gives_from_a_recent_start(
    long_ago, lately, first
):
    last = first + (LAST - FIRST)
    shown = library_alone(one(*lately), first, last)
    assert shown  # it does show in those days
    assert through_the_checks(one(*long_ago), first, last) == shown


def test_a_rule_counted_from_long_ago_ends_where_it_ends():
    ended = one("DTSTART:19900101T100000Z", "RRULE:FREQ=DAILY;COUNT=10")
    assert through_the_checks(ended) == [] == library_alone(ended)
    running = one("DTSTART:20260226T100000Z", "RRULE:FREQ=DAILY;COUNT=5")
    assert len(through_the_checks(running)) == 3 == len(library_alone(running))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=FORTNIGHTLY",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYWEEKNO=1;BYMONTH=7",
        "FREQ=YEARLY;BYYEARDAY=1;BYMONTH=6",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        "FREQ=HOURLY;BYSETPOS=1",
        "FREQ=DAILY;BYHOUR=25",
    ],
)
def test_a_rule_that_cannot_work_is_refused_with_the_event_and_its_rule(rule):
    with pytest.raises(SyncProblem) as refused:
        calendars.parse(one("DTSTART:20260101T100000Z", f"RRULE:{rule}"), FIRST, LAST, TOKYO)
    assert refused.value.code == "bad_repeat"
    assert refused.value.detail.startswith("Repeats (FREQ=")


def test_reading_stops_at_the_deadline():
    body = one("DTSTART:20200101T100000Z", "RRULE:FREQ=DAILY")
    with pytest.raises(SyncProblem) as refused:
        calendars.parse(body, FIRST, LAST, TOKYO, Deadline(0))
    assert (refused.value.code, refused.value.detail) == ("too_slow", "0")
