"""A city's garbage calendar in the 5374 format, read into plain values.

Dozens of Japanese cities publish their calendars for the 5374 app
(5374.jp, "ゴミナシ") as two CSV files:

- ``area_days.csv``: a first row naming the columns (地名, センター, then one
  column per kind of garbage), then one row per area: its name, its
  collection centre, and per kind the days it is collected, as words
  separated by spaces: ``月 木`` (every Monday and Thursday), ``水2 水4``
  (the 2nd and 4th Wednesday of the month: the Nth such weekday), ``火2
  金4:4 6 8 10 12 2`` (only in the months after the colon), ``20270105
  20270302`` (on these dates), or ``*1`` (a note in the city's remarks.csv,
  which Hibi does not read).
- ``center.csv`` (optional): 名称, 休止開始日, 休止終了日 — the days a
  collection centre is closed (``2026/12/29``), when the 5374 app moves its
  areas' collections a week later.

`read_city()` turns the two files (UTF-8, with or without a BOM, or
Shift_JIS) into a `City`, or raises `CalendarError` naming the file, the line
and the column. Each kind of garbage becomes an RFC 5545 rule and a list of
dates, ready for a chore. Pure: no ORM, no request.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from schedule.common import collection, recurrence

# Far more than any city's file; a bigger upload is not a calendar.
MAX_BYTES = 2 * 1024 * 1024
MAX_AREAS = 10_000
MAX_KINDS = 30
WEEKDAY_WORDS = "月火水木金土日"  # 0 = Monday, as Python and Hibi count
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# One word of a day list: a weekday with an optional 1–5, or a date.
_WEEKDAY = re.compile(r"^([月火水木金土日])([1-5])?$")
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CENTRE_DATE = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$")


class CalendarError(ValueError):
    """A file that cannot be read as a 5374 calendar; says where and why."""

    def __init__(self, file: str, line: int | None, column: int | None, message: object) -> None:
        self.file, self.line, self.column, self.problem = file, line, column, message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is not None and self.column is not None:
            where = _("%(file)s, line %(line)d, column %(column)d") % {
                "file": self.file,
                "line": self.line,
                "column": self.column,
            }
        elif self.line is not None:
            where = _("%(file)s, line %(line)d") % {"file": self.file, "line": self.line}
        else:
            where = self.file
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Kind:
    """One kind of garbage in one area: when it is collected."""

    name: str  # the column's heading: 燃やすごみ
    rule: str  # FREQ=WEEKLY;BYDAY=MO,TH, or "" for dates only
    dates: tuple[date, ...]
    column: int
    text: str  # as written in the file
    notes: tuple[str, ...] = ()  # remarks.csv references, not read


@dataclass(frozen=True)
class Area:
    name: str
    centre: str
    kinds: tuple[Kind, ...]
    line: int


@dataclass(frozen=True)
class CentreClosure:
    centre: str
    start: date
    end: date
    line: int


@dataclass(frozen=True)
class City:
    areas: tuple[Area, ...]
    closures: tuple[CentreClosure, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def area(self, name: str) -> Area | None:
        wanted = _normal(name)
        for area in self.areas:
            if _normal(area.name) == wanted:
                return area
        return None

    def closures_of(self, area: Area) -> tuple[CentreClosure, ...]:
        """The closures of the area's collection centre."""
        if not area.centre:
            return ()
        return tuple(c for c in self.closures if _normal(c.centre) == _normal(area.centre))


def _normal(text: str) -> str:
    """Full-width digits, letters and spaces as plain ones, so 水２ reads as 水2."""
    return unicodedata.normalize("NFKC", text).strip()


def decode(data: bytes, file: str) -> str:
    """The file's text: UTF-8 (with or without a BOM) or Shift_JIS, as cities save them."""
    if len(data) > MAX_BYTES:
        raise CalendarError(
            file, None, None, _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Shift_JIS reads almost any bytes; UTF-16 (a spreadsheet's "Unicode
        # text") still gives itself away by its NULs.
        if "\x00" not in text:
            return text
    raise CalendarError(file, None, None, _("The file is neither UTF-8 nor Shift_JIS text."))


def _rows(text: str, file: str) -> list[tuple[int, list[str]]]:
    """The CSV rows with their line numbers, blank rows left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CalendarError(
            file, reader.line_num, None, _("This is not CSV: %(why)s") % {"why": exc}
        ) from None
    return rows


def read_days(text: str, file: str, line: int, column: int, kind: str) -> Kind:
    """One cell: the days a kind of garbage is collected, as a rule and dates."""
    words_part, colon, months_part = _normal(text).partition(":")
    weekdays: list[str] = []
    dates: list[date] = []
    notes: list[str] = []
    nth = False
    for word in words_part.replace("・", " ").split():
        weekday = _WEEKDAY.match(word)
        on_date = _DATE.match(word)
        if weekday:
            code = WEEKDAY_CODES[WEEKDAY_WORDS.index(weekday[1])]
            nth = nth or weekday[2] is not None
            weekdays.append(f"{weekday[2] or ''}{code}")
        elif on_date:
            dates.append(_date(on_date.groups(), word, file, line, column))
        elif word.startswith("*"):
            notes.append(word)
        else:
            raise CalendarError(
                file,
                line,
                column,
                _(
                    "“%(word)s” (%(kind)s) is not a collection day. Write a weekday "
                    "such as 月, the Nth one such as 水2, or a date such as 20270105."
                )
                % {"word": word[:20], "kind": kind},
            )
    months = _months(months_part, file, line, column) if colon else []
    if months and not weekdays:
        raise CalendarError(file, line, column, _("Months after “:” need weekdays before it."))
    rule = ""
    if weekdays:
        byday = ",".join(dict.fromkeys(weekdays))
        if nth or months:
            # Within a month, a plain weekday is every one of them (RFC 5545).
            rule = f"FREQ=MONTHLY;BYDAY={byday}"
            if months:
                rule += ";BYMONTH=" + ",".join(str(m) for m in sorted(set(months)))
        else:
            rule = f"FREQ=WEEKLY;BYDAY={byday}"
    return Kind(kind, rule, tuple(sorted(set(dates))), column, text.strip(), tuple(notes))


def _date(parts: tuple[str, ...], word: str, file: str, line: int, column: int) -> date:
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        day = None
    if day is None or not recurrence.FIRST_DAY <= day <= recurrence.LAST_DAY:
        raise CalendarError(
            file,
            line,
            column,
            _("“%(word)s” is not a date between 1970 and 2100; write it as 20270105.")
            % {"word": word[:20]},
        )
    return day


def _months(text: str, file: str, line: int, column: int) -> list[int]:
    months = []
    for word in text.split():
        if not word.isdigit() or not 1 <= int(word) <= 12:
            raise CalendarError(
                file,
                line,
                column,
                _("“%(word)s” after “:” is not a month; write months 1 to 12 with spaces.")
                % {"word": word[:20]},
            )
        months.append(int(word))
    if not months:
        raise CalendarError(file, line, column, _("Write the months after “:”, such as :4 6 8."))
    return months


def read_areas(text: str, file: str = "area_days.csv") -> tuple[tuple[Area, ...], list[str]]:
    rows = _rows(text, file)
    if not rows:
        raise CalendarError(file, None, None, _("The file is empty."))
    header_line, header = rows[0]
    kinds = [_normal(name) for name in header[2:]]
    if len(header) < 3 or not all(kinds):
        raise CalendarError(
            file,
            header_line,
            None,
            _(
                "The first row must name the columns: 地名 (area), センター (centre), "
                "then one column per kind of garbage."
            ),
        )
    if len(kinds) > MAX_KINDS:
        raise CalendarError(
            file, header_line, None, _("At most %(count)d kinds of garbage.") % {"count": MAX_KINDS}
        )
    if len(rows) - 1 > MAX_AREAS:
        raise CalendarError(file, None, None, _("At most %(count)d areas.") % {"count": MAX_AREAS})
    areas: list[Area] = []
    seen: dict[str, int] = {}
    warnings: list[str] = []
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise CalendarError(
                file,
                line,
                len(header) + 1,
                _("This row has %(found)d columns; the first row names %(wanted)d.")
                % {"found": len(row), "wanted": len(header)},
            )
        row = row + [""] * (len(header) - len(row))
        name = _normal(row[0])
        if not name:
            raise CalendarError(file, line, 1, _("The area has no name."))
        if name in seen:
            raise CalendarError(
                file,
                line,
                1,
                _("The area “%(area)s” comes twice (first on line %(first)d).")
                % {"area": name[:40], "first": seen[name]},
            )
        seen[name] = line
        found = []
        for index, kind in enumerate(kinds, start=3):
            cell = row[index - 1]
            if not cell.strip():
                continue  # not collected in this area
            read = read_days(cell, file, line, index, kind)
            if not read.rule and not read.dates:
                warnings.append(
                    str(
                        _("%(file)s, line %(line)d: %(kind)s has only notes (%(notes)s).")
                        % {"file": file, "line": line, "kind": kind, "notes": " ".join(read.notes)}
                    )
                )
                continue
            found.append(read)
        areas.append(Area(name, _normal(row[1]), tuple(found), line))
    if not areas:
        raise CalendarError(file, None, None, _("The file names no area."))
    return tuple(areas), warnings


def read_closures(text: str, file: str = "center.csv") -> tuple[CentreClosure, ...]:
    rows = _rows(text, file)
    closures = []
    for number, (line, row) in enumerate(rows):
        cells = [_normal(cell) for cell in row]
        if number == 0 and not _CENTRE_DATE.match(cells[1] if len(cells) > 1 else ""):
            continue  # the heading row: 名称,休止開始日,休止終了日
        if len(cells) < 3:
            raise CalendarError(
                file,
                line,
                len(cells) + 1,
                _("Give the centre, the first and the last day it is closed."),
            )
        start = _centre_date(cells[1], file, line, 2)
        end = _centre_date(cells[2], file, line, 3)
        if end < start:
            raise CalendarError(file, line, 3, _("The last day is before the first."))
        if (end - start).days + 1 > collection.MAX_CLOSURE_DAYS:
            raise CalendarError(
                file,
                line,
                3,
                _("A closure lasts at most %(days)d days.") % {"days": collection.MAX_CLOSURE_DAYS},
            )
        if not cells[0]:
            raise CalendarError(file, line, 1, _("The centre has no name."))
        closures.append(CentreClosure(cells[0], start, end, line))
    return tuple(closures)


def _centre_date(text: str, file: str, line: int, column: int) -> date:
    found = _CENTRE_DATE.match(text)
    if found:
        return _date(found.groups(), text, file, line, column)
    raise CalendarError(
        file,
        line,
        column,
        _("“%(text)s” is not a date; write it as 2026/12/29.") % {"text": text[:20]},
    )


def read_city(area_days: str, center: str = "") -> City:
    """Both files' text as one City (the centre file may be empty or left out)."""
    areas, warnings = read_areas(area_days)
    closures = read_closures(center) if center.strip() else ()
    centres = {_normal(c.centre) for c in closures}
    for area in areas:
        if closures and area.centre and _normal(area.centre) not in centres:
            warnings.append(
                str(
                    _("The centre “%(centre)s” of %(area)s is not in center.csv.")
                    % {"centre": area.centre, "area": area.name}
                )
            )
    return City(areas, closures, tuple(warnings))


def guess_icon(kind: str) -> str:
    """A bundled icon for a kind of garbage, from the words cities use."""
    name = _normal(kind)
    for words, icon in (
        (("燃やさない", "燃えない", "不燃", "粗大", "金属", "危険", "有害"), "trash"),
        (("燃やす", "燃える", "可燃", "一般", "生ごみ"), "trash-burnable"),
        (("プラ",), "recycle"),
        (("ペット", "PET", "ビン", "びん", "瓶", "カン", "かん", "缶", "資源"), "bottle"),
        (("紙", "新聞", "雑誌", "段ボール", "布", "衣類"), "paper"),
    ):
        if any(word in name for word in words):
            return icon
    return "trash"


# --- From a city's calendar to chores ------------------------------------------------

# Cities collect nothing on Sunday: a collection moved by a closure skips it.
NO_COLLECTION_DAYS = frozenset({6})


def closure_name(centre: str) -> tuple[str, str]:
    """The Japanese and English names of a centre's closure, as the import stores them."""
    return f"{centre}の休止期間", f"{centre} closed"


def centre_closures(city: City, area: Area) -> tuple[collection.Closure, ...]:
    """The area's centre closures as the 5374 app reads them: a week later.

    Not saved yet, so their ids are negative: they never meet a stored one.
    """
    found = []
    for index, closure in enumerate(city.closures_of(area), start=1):
        name_ja, name_en = closure_name(closure.centre)
        found.append(
            collection.Closure(
                -index, name_ja, name_en, closure.start, closure.end, False, collection.SHIFT, 7
            )
        )
    return tuple(found)


def kind_recurrence(
    kind: Kind,
    start: date,
    policy: str,
    closures: tuple[collection.Closure, ...],
    country: str,
) -> recurrence.Recurrence:
    """The chore a kind of garbage becomes, as the wall will see it (for the preview)."""
    rules = collection.Rules(
        no_collection_days=NO_COLLECTION_DAYS,
        closures=collection.closure_rules(True, closures, {}),
    )
    return recurrence.Recurrence(
        rule=kind.rule,
        start=start,
        extra_dates=kind.dates,
        holiday_policy=policy,
        calendar=recurrence.holiday_calendar(country),
        rules=rules,
    )
