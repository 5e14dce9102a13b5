"""One cell of a 5374 area_days.csv: the days a kind of garbage is collected in an area.

The 5374 app (5374.jp) and the cities' copies of it write a cell as words
separated by spaces:

- ``月 木``: every Monday and Thursday;
- ``水2 水4``: the 2nd and 4th Wednesday of the month (the Nth such weekday);
- ``火2 金4:4 6 8 10 12 2``: the same, only in the months after the colon;
- ``水1:4 6 7 8 9 10 11 12 2 3; 水2:5 1``: parts separated by ``;``, each with
  its own months (the 1st Wednesday, but the 2nd in May and January);
- ``隔月20150112``: every other week from that day (隔週). The letter after 隔
  names the weekday; the app counts from the date alone, and so does Hibi;
- ``20270105 20270302``: on these dates;
- ``*1``: a note of the city's remarks.csv.

`read_cell()` turns a cell into a `Kind`: at most one RFC 5545 rule that holds
all year, the dates the file lists, and the rules that one rule cannot join
(another set of months, another fortnight), kept as `Seasonal` rules that
become dates for the years an import covers (`Kind.dates_between`). A word it
cannot read is left out and reported as a `Problem`: where, what the file
says, and why; the rest of the cell is kept. Pure: no ORM, no request, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from schedule.common import recurrence

WEEKDAY_WORDS = "月火水木金土日"  # 0 = Monday, as Python and Hibi count
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY = re.compile(r"^([月火水木金土日])([1-5])?$")
# 隔 + a letter + the first day (the app's test: ten letters starting with 隔).
_EVERY_OTHER = re.compile(r"^隔(.)(\d{8})$")
# A date some cities write as center.csv's are: 2027/1/5.
_SLASHED_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
# Marks some cities put between the words of a list (after NFKC, "，" is ",").
_SEPARATORS = str.maketrans({"・": " ", "、": " ", ",": " "})

# What a problem leaves out of the import.
ROW = "row"
PART = "part"
WORD = "word"
FILE = "file"


def normal(text: str) -> str:
    """Full-width digits, letters, colons and spaces as plain ones (水２ reads as 水2);
    a byte-order mark left inside a cell (two files pasted together) goes too."""
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip()


@dataclass(frozen=True)
class Reason:
    """Why something was left out, translated when shown: in the reader's language."""

    message: Any  # a lazy translation with %(name)s parameters
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        text = str(self.message)
        return text % dict(self.params) if self.params else text


def because(message: Any, **params: Any) -> Reason:
    return Reason(message, tuple(params.items()))


@dataclass(frozen=True)
class Problem:
    """A part of a file the import leaves out: where it is, what it says, and why."""

    file: str
    line: int | None
    column: int | None
    reason: Reason
    text: str = ""  # as written in the file
    area: str = ""  # the area of the row, if the row names one
    leaves_out: str = WORD

    @property
    def where(self) -> str:
        if self.line is not None and self.column is not None:
            return str(
                _("%(file)s, line %(line)d, column %(column)d")
                % {"file": self.file, "line": self.line, "column": self.column}
            )
        if self.line is not None:
            return str(_("%(file)s, line %(line)d") % {"file": self.file, "line": self.line})
        return self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def left_out(self) -> str:
        """What the import does without, in the reader's words."""
        return str(
            {
                ROW: _("The whole row is left out."),
                PART: _("This part of the cell is left out; the rest is read."),
                WORD: _("This word is left out; the rest of the cell is read."),
                FILE: _("The file is left out."),
            }[self.leaves_out]
        )


class CalendarError(ValueError):
    """A file that cannot be read as a 5374 calendar at all; says where and why."""

    def __init__(self, file: str, line: int | None, column: int | None, message: object) -> None:
        self.file, self.line, self.column, self.problem = file, line, column, message
        super().__init__(str(self))

    @classmethod
    def of(cls, problem: Problem) -> CalendarError:
        return cls(problem.file, problem.line, problem.column, problem.reason)

    def __str__(self) -> str:
        where = Problem(self.file, self.line, self.column, because("")).where
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Seasonal:
    """A rule of a cell that the kind's one rule cannot hold (other months, another
    fortnight); an import lists its dates for the years it covers."""

    rule: str
    start: date | None = None  # the first day of an every-other-week rule


@dataclass(frozen=True)
class Kind:
    """One kind of garbage in one area: when it is collected."""

    name: str  # the column's heading: 燃やすごみ
    rule: str  # FREQ=WEEKLY;BYDAY=MO,TH, or "" for dates only
    dates: tuple[date, ...]  # the dates the cell lists
    column: int
    text: str  # as written in the file
    notes: tuple[str, ...] = ()  # remarks.csv references: *1
    start: date | None = None  # the first day of an every-other-week rule
    seasonal: tuple[Seasonal, ...] = ()
    remarks: tuple[str, ...] = ()  # what remarks.csv and description.csv say of it

    def is_empty(self) -> bool:
        return not (self.rule or self.dates or self.seasonal)

    def first_day(self, year_start: date) -> date:
        """Where the kind's rule starts: an every-other-week rule on its own first day."""
        return self.start or year_start

    def dates_between(self, first: date, last: date) -> tuple[date, ...]:
        """The listed dates, and the seasonal rules' dates in [first, last]."""
        found = set(self.dates)
        for part in self.seasonal:
            rule = recurrence.parse_rule(part.rule, part.start or first)
            between = rule.between(_midnight(first), _midnight(last), inc=True)
            found.update(moment.date() for moment in between)
        return tuple(sorted(found))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


class Cell(NamedTuple):
    kind: Kind
    problems: list[Problem]
    warnings: list[str]


def read_cell(text: str, file: str, line: int, column: int, kind: str) -> Cell:
    """One cell as a Kind, with the words left out and anything worth a note."""
    problems: list[Problem] = []
    warnings: list[str] = []

    def leave_out(words: str, reason: Reason, what: str = WORD) -> None:
        problems.append(Problem(file, line, column, reason, words[:80], leaves_out=what))

    pieces: list[tuple[str, frozenset[int] | None]] = []  # (BYDAY code, its months)
    every_other: list[tuple[date, frozenset[int] | None]] = []
    dates: set[date] = set()
    notes: list[str] = []
    for part in normal(text).translate(_SEPARATORS).split(";"):
        words, colon, months_text = part.partition(":")
        if not part.strip():
            continue
        months: frozenset[int] | None = None
        if colon:
            read = _months(months_text)
            if isinstance(read, Reason):
                leave_out(part.strip(), read, PART)
                continue
            months = read
        weekly: list[str] = []
        nth: list[str] = []
        fortnights: list[date] = []
        last_is_nth = False
        for word in words.split():
            weekday = _WEEKDAY.match(word)
            if weekday:
                code = WEEKDAY_CODES[WEEKDAY_WORDS.index(weekday[1])]
                last_is_nth = weekday[2] is not None
                (nth if last_is_nth else weekly).append(f"{weekday[2] or ''}{code}")
            elif word.isdigit() or _SLASHED_DATE.match(word):
                day = _date_word(word, kind)
                if isinstance(day, Reason):
                    leave_out(word, day)
                else:
                    dates.add(day)
            elif word.startswith("隔"):
                first = _every_other(word, warnings, file, line)
                if isinstance(first, Reason):
                    leave_out(word, first)
                else:
                    fortnights.append(first)
            elif word.startswith("*"):
                notes.append(word)
            else:
                leave_out(word, _not_a_day(word, kind))
        if colon and not (weekly or nth or fortnights):
            leave_out(part.strip(), because(_("Months after “:” need weekdays before it.")), PART)
            continue
        # "月 木 日5:12": every Monday and Thursday, and the 5th Sunday of December.
        # The months bind to the words of the same form as the one before the colon
        # when a part mixes every-week days with Nth ones (one city writes its
        # year-end extra day so); otherwise to every word of the part, as the app does.
        weekly_months = None if (weekly and nth and last_is_nth) else months
        nth_months = None if (weekly and nth and not last_is_nth) else months
        pieces += [(code, weekly_months) for code in weekly]
        pieces += [(code, nth_months) for code in nth]
        every_other += [(first, months) for first in fortnights]
    rule, start, seasonal = _rules(pieces, every_other)
    found = Kind(
        kind, rule, tuple(sorted(dates)), column, text.strip(), tuple(notes), start, seasonal
    )
    return Cell(found, problems, warnings)


def _not_a_day(word: str, kind: str) -> Reason:
    return because(
        _(
            "“%(word)s” (%(kind)s) is not a collection day. Write a weekday "
            "such as 月, the Nth one such as 水2, or a date such as 20270105."
        ),
        word=word[:20],
        kind=kind,
    )


def _date_word(word: str, kind: str) -> date | Reason:
    """A word of digits: a date (20270105, or 2027/1/5), else why not."""
    slashed = _SLASHED_DATE.match(word)
    if slashed:
        return _date(*slashed.groups()) or because(
            _("“%(word)s” is not a date between 1970 and 2100; write it as 20270105."),
            word=word[:20],
        )
    if len(word) == 1 and word in "12345":
        return because(
            _(
                "“%(word)s” is a number without its weekday; write the weekday "
                "before it, such as 水%(word)s."
            ),
            word=word,
        )
    if 6 <= len(word) <= 10 and len(word) != 8:
        return because(
            _("“%(word)s” has %(count)d digits; a date has 8, such as 20270105."),
            word=word,
            count=len(word),
        )
    if len(word) != 8:
        return _not_a_day(word, kind)
    return _date(word[:4], word[4:6], word[6:]) or because(
        _("“%(word)s” is not a date between 1970 and 2100; write it as 20270105."),
        word=word[:20],
    )


def _date(year: str, month: str, day: str) -> date | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if recurrence.FIRST_DAY <= found <= recurrence.LAST_DAY else None


def _every_other(word: str, warnings: list[str], file: str, line: int) -> date | Reason:
    """隔月20150112: every other week from that day, on its weekday."""
    found = _EVERY_OTHER.match(word)
    first = _date(found[2][:4], found[2][4:6], found[2][6:]) if found else None
    if found is None or first is None:
        return because(
            _("“%(word)s”: every other week needs its first day, such as 隔月20270104."),
            word=word[:20],
        )
    named = found[1]
    if named in WEEKDAY_WORDS and WEEKDAY_WORDS.index(named) != first.weekday():
        warnings.append(
            str(
                _(
                    "%(file)s, line %(line)d: %(word)s names %(named)s but %(date)s is a "
                    "%(weekday)s; every other week from that date, as the 5374 app counts."
                )
                % {
                    "file": file,
                    "line": line,
                    "word": word,
                    "named": named,
                    "date": first.isoformat(),
                    "weekday": WEEKDAY_WORDS[first.weekday()],
                }
            )
        )
    return first


def _months(text: str) -> frozenset[int] | Reason:
    """``4 6 8``, also ``4月``, and a range ``4-9`` (``10~3`` runs over the new year)."""
    months: set[int] = set()
    for word in text.split():
        ends = [end.removesuffix("月") for end in re.split(r"[-~〜]", word, maxsplit=1)]
        if not all(end.isdigit() and 1 <= int(end) <= 12 for end in ends):
            return because(
                _("“%(word)s” after “:” is not a month; write months 1 to 12 with spaces."),
                word=word[:20],
            )
        first, last = int(ends[0]), int(ends[-1])
        months.update((first - 1 + step) % 12 + 1 for step in range((last - first) % 12 + 1))
    if not months:
        return because(_("Write the months after “:”, such as :4 6 8."))
    return frozenset(months)


def _rules(
    pieces: list[tuple[str, frozenset[int] | None]],
    every_other: list[tuple[date, frozenset[int] | None]],
) -> tuple[str, date | None, tuple[Seasonal, ...]]:
    """The one rule that holds all year, its start, and what it cannot hold."""
    groups: dict[frozenset[int] | None, list[str]] = {}
    for code, months in pieces:
        groups.setdefault(months, []).append(code)
    # Days every other week in the same weeks and months share one rule.
    in_step: dict[tuple[int, frozenset[int] | None], list[date]] = {}
    for first, months in every_other:
        in_step.setdefault((_fortnight(first), months), []).append(first)
    fortnights = tuple(
        Seasonal(_every_other_rule(firsts, months), min(firsts))
        for (_phase, months), firsts in in_step.items()
    )
    if None in groups:
        rule = _weekday_rule(groups.pop(None), None)
        others = tuple(Seasonal(_weekday_rule(codes, months)) for months, codes in groups.items())
        return rule, None, others + fortnights
    if len(groups) == 1 and not every_other:
        ((months, codes),) = groups.items()
        return _weekday_rule(codes, months), None, ()
    if not groups and len(fortnights) == 1:
        return fortnights[0].rule, fortnights[0].start, ()
    others = tuple(Seasonal(_weekday_rule(codes, months)) for months, codes in groups.items())
    return "", None, others + fortnights


def _weekday_rule(codes: list[str], months: frozenset[int] | None) -> str:
    byday = ",".join(dict.fromkeys(codes))
    if months is None and not any(code[0].isdigit() for code in codes):
        return f"FREQ=WEEKLY;BYDAY={byday}"
    # Within a month, a plain weekday is every one of them (RFC 5545).
    rule = f"FREQ=MONTHLY;BYDAY={byday}"
    if months:
        rule += ";BYMONTH=" + ",".join(str(month) for month in sorted(months))
    return rule


def _every_other_rule(firsts: list[date], months: frozenset[int] | None) -> str:
    byday = ",".join(dict.fromkeys(WEEKDAY_CODES[first.weekday()] for first in firsts))
    rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={byday}"
    if months:
        rule += ";BYMONTH=" + ",".join(str(month) for month in sorted(months))
    return rule


def _fortnight(day: date) -> int:
    """Which of two alternate weeks (from Monday) `day` falls in: 0 or 1."""
    return ((day.toordinal() - day.weekday()) // 7) % 2
