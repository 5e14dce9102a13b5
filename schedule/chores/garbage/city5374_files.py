"""The files of a 5374 data set as text, and the small ones read: center.csv,
remarks.csv, description.csv (calendar5374.py reads area_days.csv and puts
the city together).

Cities save these files as UTF-8 (with or without a BOM) or Shift_JIS, with
CR LF, LF or even CR alone at the ends of lines, and one city mixes encodings
within one data set: each file is read on its own (`read_text`). A row of
center.csv that cannot be read is left out and listed as a `Problem`. Pure:
no ORM, no request, no clock.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.city5374_days import ROW, CalendarError, Problem, because, normal
from schedule.common import collection, recurrence

# Far more than any city's file; a bigger upload is not a calendar.
MAX_BYTES = 2 * 1024 * 1024
_CENTRE_DATE = (
    re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# How many of a file's letters beyond ASCII may be unreadable for it to be read
# anyway: a Shift_JIS file read as UTF-8 damages nearly all of them, a UTF-8
# file with a stray byte one or two.
_DAMAGE_ALLOWED = 0.05
UTF8, UTF8_BOM, SHIFT_JIS = "UTF-8", "UTF-8 (BOM)", "Shift_JIS (CP932)"


@dataclass(frozen=True)
class Text:
    """A file's text, and how it was written: its encoding and line ending."""

    text: str
    encoding: str
    problems: tuple[Problem, ...] = ()

    @property
    def line_ending(self) -> str:
        if "\r\n" in self.text:
            return "CR LF"
        return "CR" if "\r" in self.text else "LF"


def decode(data: bytes, file: str) -> str:
    """The file's text: UTF-8 (with or without a BOM) or Shift_JIS, as cities save them."""
    return read_text(data, file).text


def read_text(data: bytes, file: str) -> Text:
    """The file's text and its encoding, found file by file.

    UTF-8 first: Shift_JIS reads almost any bytes, so a UTF-8 file with a stray
    byte would otherwise read as nonsense. Such a file is read as UTF-8 without
    the stray bytes (a problem says where); the words they were in are then
    left out as unreadable, not the file.
    """
    if len(data) > MAX_BYTES:
        raise CalendarError(
            file, None, None, _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}
        )
    utf8 = UTF8_BOM if data.startswith(b"\xef\xbb\xbf") else UTF8
    encodings = (("utf-8-sig", utf8), ("cp932", SHIFT_JIS))
    for encoding, name in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # UTF-16 (a spreadsheet's "Unicode text") gives itself away
            break
        if encoding == "cp932" and _damage(data.decode("utf-8-sig", "replace")) < _DAMAGE_ALLOWED:
            break  # UTF-8 with a stray byte or two, not Shift_JIS
        return Text(text, name)
    for encoding, name in encodings:
        text = data.decode(encoding, "replace")
        if "\x00" not in text and _damage(text) < _DAMAGE_ALLOWED:
            lines = [n for n, line in enumerate(text.splitlines(), 1) if "\ufffd" in line]
            reason = because(
                _(
                    "%(count)d letters are not %(encoding)s (on lines %(lines)s); "
                    "the words they are in are left out."
                ),
                count=text.count("\ufffd"),
                encoding=name,
                lines=", ".join(str(n) for n in lines[:10]),
            )
            return Text(text, name, (Problem(file, lines[0], None, reason),))
    raise CalendarError(file, None, None, _("The file is neither UTF-8 nor Shift_JIS text."))


def _damage(text: str) -> float:
    """The share of a text's letters beyond ASCII that could not be read."""
    wide = sum(1 for letter in text if letter > "\x7f")
    return text.count("\ufffd") / wide if wide else 0.0


def rows(text: str, file: str) -> list[tuple[int, list[str]]]:
    """The CSV rows with their line numbers, blank rows left out; any line ending."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                found.append((reader.line_num, row))
    except csv.Error as exc:
        raise CalendarError(
            file, reader.line_num, None, _("This is not CSV: %(why)s") % {"why": exc}
        ) from None
    return found


# --- center.csv ------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreClosure:
    centre: str
    start: date
    end: date
    line: int


def read_centres(
    text: str, file: str = "center.csv"
) -> tuple[tuple[CentreClosure, ...], tuple[Problem, ...]]:
    """Each centre's closures; a row that cannot be read is left out and listed."""
    closures = []
    problems = []
    for number, (line, row) in enumerate(rows(text, file)):
        cells = [normal(cell) for cell in row]
        if number == 0 and _centre_date(cells[1] if len(cells) > 1 else "") is None:
            continue  # the heading row: 名称,休止開始日,休止終了日
        start = _centre_date(cells[1]) if len(cells) > 1 else None
        end = _centre_date(cells[2]) if len(cells) > 2 else None
        column, reason = 0, None
        if len(cells) < 3 or not (cells[1] and cells[2]):
            column = min(len(cells), 2) + 1
            reason = because(_("Give the centre, the first and the last day it is closed."))
        elif start is None or end is None:
            column = 2 if start is None else 3
            reason = because(
                _("“%(text)s” is not a date; write it as 2026/12/29."),
                text=cells[column - 1][:20],
            )
        elif end < start:
            column, reason = 3, because(_("The last day is before the first."))
        elif (end - start).days + 1 > collection.MAX_CLOSURE_DAYS:
            column = 3
            reason = because(
                _("A closure lasts at most %(days)d days."), days=collection.MAX_CLOSURE_DAYS
            )
        elif not cells[0]:
            column, reason = 1, because(_("The centre has no name."))
        if reason is not None or start is None or end is None:
            assert reason is not None
            problems.append(Problem(file, line, column, reason, ",".join(cells)[:80], "", ROW))
            continue
        closures.append(CentreClosure(cells[0], start, end, line))
    return tuple(closures), tuple(problems)


def read_closures(text: str, file: str = "center.csv") -> tuple[CentreClosure, ...]:
    """The closures, strictly: the first row that cannot be read raises CalendarError."""
    closures, problems = read_centres(text, file)
    if problems:
        raise CalendarError.of(problems[0])
    return closures


def _centre_date(text: str) -> date | None:
    """2026/12/29, 2026/1/5, 2026-12-29, 2026年12月29日 or 20261229; a spreadsheet's
    time of day after it (2026/12/29 0:00) is no part of the date."""
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)
    for pattern in _CENTRE_DATE:
        found = pattern.match(text)
        if found:
            try:
                day = date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                return None
            return day if recurrence.FIRST_DAY <= day <= recurrence.LAST_DAY else None
    return None


# --- remarks.csv, description.csv ------------------------------------------------------


def read_remarks(text: str, file: str = "remarks.csv") -> dict[str, str]:
    """remarks.csv: ID, text — what a cell's ``*1`` points at."""
    remarks = {}
    for _line, row in rows(text, file):
        key = normal(row[0]).lstrip("*")
        words = " ".join(normal(cell) for cell in row[1:] if cell.strip())
        if key and words and key.upper() != "ID":
            remarks[key] = words
    return remarks


def read_descriptions(text: str, file: str = "description.csv") -> dict[str, str]:
    """description.csv: per kind (label), its sublabel and description, as plain text.

    The app shows the description as HTML; Hibi keeps the words only. Its
    other columns (styles, bgcolor) are the app's pictures and colours.
    """
    found_rows = rows(text, file)
    if not found_rows:
        return {}
    heading = [normal(cell).lower() for cell in found_rows[0][1]]
    columns = [heading.index(name) for name in ("sublabel", "description") if name in heading]
    body = found_rows[1:] if "label" in heading else found_rows
    found = {}
    for _line, row in body:
        texts = [normal(strip_tags(row[i])) for i in columns or (1, 2) if i < len(row)]
        texts = [words for words in texts if words]
        if texts and normal(row[0]):
            found[normal(row[0])] = " / ".join(texts)
    return found
