"""The screen a fetched calendar goes through before icalendar reads it: its
text decoded, cut down to what may reach the days kept, within its counts."""

from datetime import date

import pytest

from schedule.calendars.fetch import SyncProblem
from schedule.calendars.screen import decode, screen, split_line

FIRST, LAST = date(2026, 2, 28), date(2026, 3, 15)


def calendar(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]) + "\r\n"


def event(*lines: str) -> list[str]:
    return ["BEGIN:VEVENT", *lines, "END:VEVENT"]


def uids(text: str) -> list[str]:
    return [line[4:] for line in text.splitlines() if line.startswith("UID:")]


def test_a_japanese_school_calendar_in_shift_jis_is_read_as_japanese():
    body = calendar(*event("UID:a", "SUMMARY:運動会の練習")).encode("cp932")
    assert "SUMMARY:運動会の練習" in decode(body)


def test_a_stray_bad_byte_in_utf_8_stays_one_character_and_the_rest_is_kept():
    body = calendar(*event("UID:a", "SUMMARY:遠足 Pi\udcffano")).encode("utf-8", "surrogateescape")
    assert "SUMMARY:遠足 Pi\ufffdano" in decode(body)


def test_the_servers_charset_is_believed_when_the_bytes_agree():
    body = calendar(*event("UID:a", "SUMMARY:Crème")).encode("latin-1")
    assert "SUMMARY:Crème" in decode(body, "ISO-8859-1")
    utf_8 = calendar(*event("UID:a", "SUMMARY:遠足")).encode()
    assert "SUMMARY:遠足" in decode(utf_8, "no-such-charset")
    assert "SUMMARY:遠足" in decode(utf_8, "us-ascii")  # wrong: the bytes say otherwise


def test_a_byte_order_mark_is_not_part_of_the_calendar():
    assert decode(b"\xef\xbb\xbfBEGIN:VCALENDAR").startswith("BEGIN:VCALENDAR")


def test_a_content_line_splits_where_its_value_begins_even_with_quoted_colons():
    assert split_line('DTSTART;TZID="America/New_York:odd";X=1:20260301T100000') == (
        "DTSTART",
        'TZID="America/New_York:odd";X=1',
        "20260301T100000",
    )
    assert split_line("summary:A: B") == ("SUMMARY", "", "A: B")
    assert split_line('X;P="never closed:x') is None
    assert split_line("no colon at all") is None


def test_past_events_alarms_and_unread_properties_are_left_out():
    text = screen(
        calendar(
            *event("UID:past", "DTSTART:20150301T100000Z", "DTEND:20150301T110000Z"),
            *event(
                "UID:now",
                "DTSTART;VALUE=DATE:20260302",
                "DESCRIPTION:Bring water",
                "ATTENDEE:mailto:parent@example.com",
                "BEGIN:VALARM",
                "TRIGGER:-PT10M",
                "END:VALARM",
            ),
            *event("UID:weekly-since-2015", "DTSTART:20150301T100000Z", "RRULE:FREQ=WEEKLY"),
            *event("UID:later", "DTSTART:20270101T100000Z"),
            "BEGIN:VTODO",
            "UID:todo",
            "END:VTODO",
        ),
        FIRST,
        LAST,
    )
    assert uids(text) == ["now", "weekly-since-2015"]
    assert "DESCRIPTION" not in text and "ATTENDEE" not in text and "VALARM" not in text


def test_an_occurrence_moved_out_of_the_days_kept_still_takes_its_place_away():
    text = screen(
        calendar(
            *event("UID:moved-in", "RECURRENCE-ID:20250101T100000Z", "DTSTART:20260303T100000Z"),
            *event("UID:moved-out", "RECURRENCE-ID:20260303T100000Z", "DTSTART:20270101T100000Z"),
            *event("UID:moved-far", "RECURRENCE-ID:20250101T100000Z", "DTSTART:20270101T100000Z"),
        ),
        FIRST,
        LAST,
    )
    assert uids(text) == ["moved-in", "moved-out"]


def test_an_event_that_started_before_the_days_kept_and_lasts_into_them_is_kept():
    text = screen(
        calendar(
            *event("UID:camp", "DTSTART;VALUE=DATE:20260220", "DTEND;VALUE=DATE:20260302"),
            *event("UID:fortnight", "DTSTART:20260220T100000Z", "DURATION:P2W"),
            *event("UID:weekend", "DTSTART:20260220T100000Z", "DURATION:P2D"),
        ),
        FIRST,
        LAST,
    )
    assert uids(text) == ["camp", "fortnight"]


def test_an_event_whose_dates_nobody_can_read_is_left_out():
    text = screen(
        calendar(
            *event("UID:no-start", "SUMMARY:When?"),
            *event("UID:month-13", "DTSTART:20261301T100000Z"),
            *event("UID:words", "DTSTART:tomorrow"),
            *event("UID:bad-end", "DTSTART:20260302T100000Z", "DTEND:soon"),
        ),
        FIRST,
        LAST,
    )
    assert uids(text) == []


def test_long_text_is_cut_and_a_time_zone_with_a_rule_every_second_is_left_out():
    zone = ["BEGIN:VTIMEZONE", "TZID:Custom", "BEGIN:STANDARD", "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "RRULE:FREQ=SECONDLY", "END:STANDARD",
            "END:VTIMEZONE"]  # fmt: skip
    sane = [*zone[:6], "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", *zone[7:]]
    sane[1] = "TZID:Sane"
    text = screen(
        calendar(
            *zone, *sane, *event("UID:a", "DTSTART:20260302T100000Z", "SUMMARY:" + "x" * 5000)
        ),
        FIRST,
        LAST,
    )
    assert "TZID:Custom" not in text and "TZID:Sane" in text
    assert "SUMMARY:" + "x" * 1000 + "\r\n" in text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<html>Sign in</html>", "not_calendar"),
        ("", "not_calendar"),
        (calendar(*event("UID:a", "DTSTART:20260302", "EXDATE:" + ",".join(["20260303"] * 50_000))),
         "too_many_lines"),
        (calendar(*(line for i in range(3001) for line in event(f"UID:{i}", "DTSTART:20260302"))),
         "too_many_events"),
        (calendar(*(line for i in range(30_001) for line in event(f"UID:{i}", "DTSTART:20100302"))),
         "too_many_events"),
        (calendar(*(["X-PAD:1"] * 300_001)), "too_many_lines"),
    ],
    ids=["html", "empty", "exdate-flood", "3001-in-the-days-kept", "30001-in-the-file", "lines"],
)  # fmt: skip
def test_what_is_not_a_calendar_or_is_over_a_count_is_refused_with_its_limit(text, problem):
    with pytest.raises(SyncProblem) as refused:
        screen(text, FIRST, LAST)
    assert refused.value.code == problem


def test_each_part_of_a_rule_is_counted():
    rule = "RRULE:FREQ=DAILY" + ";X-PART=1" * 50_000
    with pytest.raises(SyncProblem) as refused:
        screen(calendar(*event("UID:a", "DTSTART:20260302T100000Z", rule)), FIRST, LAST)
    assert refused.value.code == "too_many_lines"
