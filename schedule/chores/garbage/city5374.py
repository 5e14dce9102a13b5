"""A city's garbage calendar in the 5374 format, read into plain values.

Dozens of Japanese cities publish their calendars for the 5374 app
(5374.jp, "ゴミナシ") as a few CSV files (docs/5374.md says what each holds):

- ``area_days.csv``: a first row naming the columns (地名, センター, then one
  column per kind of garbage), then one row per area: its name, its
  collection centre, and per kind the days it is collected
  (calendar5374_days.py reads one such cell).
- ``center.csv`` (optional): 名称, 休止開始日, 休止終了日 — the days a
  collection centre is closed (``2026/12/29``, ``2026/1/5``, ``20261229``),
  when the 5374 app moves its areas' collections a week later.
- ``remarks.csv`` and ``description.csv`` (optional): the notes a cell points
  at (``*1``), and a line of text per kind of garbage.

Each file may be UTF-8 (with or without a BOM) or Shift_JIS, with any line
ending. `read_city()` reads what it can, area by area: a row, a part of a
cell or a word it cannot read is left out and listed in `City.problems`
(file, line, column, what the file says there, and why), and the rest of the
city is kept. Only a file that is not a calendar at all (not text, no
columns, no area) raises `CalendarError`. `read_areas()` and
`read_closures()` are the strict readers: the first problem raises. Pure: no
ORM, no request, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.city5374_days import (
    PART,
    ROW,
    CalendarError,
    Kind,
    Problem,
    because,
    normal,
    read_cell,
)
from schedule.chores.garbage.city5374_files import (
    CentreClosure,
    Text,
    decode,
    read_centres,
    read_closures,
    read_descriptions,
    read_remarks,
    read_text,
    rows,
)
from schedule.common import collection, recurrence

# Re-exported: callers read a city from here.
__all__ = [
    "CalendarError",
    "CentreClosure",
    "Kind",
    "Problem",
    "Text",
    "decode",
    "read_closures",
    "read_text",
]

MAX_AREAS = 10_000
MAX_KINDS = 30
# Columns of area_days.csv that hold a city's notes on the area, not days.
NOTE_HEADINGS = ("備考", "注意", "メモ")


@dataclass(frozen=True)
class Area:
    name: str
    centre: str
    kinds: tuple[Kind, ...]
    line: int
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    notes: tuple[str, ...] = ()  # the row's 備考 column, if the city has one


@dataclass(frozen=True)
class City:
    areas: tuple[Area, ...]
    closures: tuple[CentreClosure, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    rows: int = field(default=0, compare=False)  # the area rows of area_days.csv

    def area(self, name: str) -> Area | None:
        wanted = normal(name)
        for area in self.areas:
            if normal(area.name) == wanted:
                return area
        return None

    def closures_of(self, area: Area) -> tuple[CentreClosure, ...]:
        """The closures of the area's collection centre.

        An area that names no centre, in a city whose center.csv names only
        one, follows that one: such cities leave the column empty.
        """
        if not area.centre:
            return self.closures if len(self.centres()) == 1 else ()
        return tuple(c for c in self.closures if _same_centre(c.centre, area.centre))

    def centres(self) -> set[str]:
        return {_centre_key(closure.centre) for closure in self.closures}

    def importable(self) -> tuple[Area, ...]:
        """The areas with at least one kind of garbage to make a chore of."""
        return tuple(area for area in self.areas if area.kinds)


def _centre_key(name: str) -> str:
    return re.sub(r"\s+", "", normal(name))


def _same_centre(first: str, second: str) -> bool:
    return _centre_key(first) == _centre_key(second)


# --- area_days.csv --------------------------------------------------------------------


@dataclass(frozen=True)
class AreaDays:
    areas: tuple[Area, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    rows: int


def read_area_days(text: str, file: str = "area_days.csv") -> AreaDays:
    """Every area that can be read; what cannot is in `problems`, never the whole file."""
    found_rows = rows(text, file)
    if not found_rows:
        raise CalendarError(file, None, None, _("The file is empty."))
    header_line, header = found_rows[0]
    # A heading broken over two lines in a spreadsheet is one name.
    names = [" ".join(normal(cell).split()) for cell in header]
    while names and not names[-1]:
        names.pop()  # blank headings at the end: a spreadsheet's padding
    problems: list[Problem] = []
    kinds, note_columns = _kind_columns(names, file, header_line, problems)
    if len(names) < 3 or not kinds:
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
    if not found_rows[1:]:
        raise CalendarError(file, None, None, _("The file names no area."))
    if len(found_rows) - 1 > MAX_AREAS:
        raise CalendarError(file, None, None, _("At most %(count)d areas.") % {"count": MAX_AREAS})
    areas: list[Area] = []
    seen: dict[str, int] = {}
    warnings: list[str] = []
    written: dict[int, int] = {}  # per column of a kind: its cells with words, read or not
    read_any: set[int] = set()
    for line, row in found_rows[1:]:
        name = normal(row[0])
        refusal = None
        if not name:
            refusal = because(_("The area has no name."))
        elif name in seen:
            refusal = because(
                _("The area “%(area)s” comes twice (first on line %(first)d)."),
                area=name[:40],
                first=seen[name],
            )
        if refusal is not None:
            text_of_row = ",".join(cell.strip() for cell in row).rstrip(",")
            problems.append(Problem(file, line, 1, refusal, text_of_row[:80], name, ROW))
            continue
        seen[name] = line
        area_problems = _stray_cells(row, names, file, line)
        found = []
        for index, kind in kinds:
            cell = row[index] if index < len(row) else ""
            if not cell.strip():
                continue  # not collected in this area
            written[index] = written.get(index, 0) + 1
            read = read_cell(cell, file, line, index + 1, kind)
            area_problems += [replace(problem, area=name) for problem in read.problems]
            warnings += read.warnings
            if read.kind.is_empty():
                only_notes = " ".join(read.kind.notes)
                if only_notes:
                    warnings.append(
                        str(
                            _("%(file)s, line %(line)d: %(kind)s has only notes (%(notes)s).")
                            % {"file": file, "line": line, "kind": kind, "notes": only_notes}
                        )
                    )
                continue
            read_any.add(index)
            found.append(read.kind)
        notes = tuple(normal(row[i]) for i in note_columns if i < len(row) and row[i].strip())
        problems += area_problems
        areas.append(Area(name, normal(row[1]) if len(row) > 1 else "", tuple(found), line,
                          tuple(area_problems), notes))  # fmt: skip
    if not areas:
        raise CalendarError.of(problems[0])
    refused = {p.column - 1 for p in problems if p.column is not None and p.line != header_line}
    dead = {i for i, count in written.items() if count > 1 and i not in read_any} & refused
    if dead:
        areas, problems = _without_columns(areas, problems, dead, file, header_line, names)
    return AreaDays(tuple(areas), tuple(problems), tuple(warnings), len(found_rows) - 1)


def _without_columns(
    areas: list[Area],
    problems: list[Problem],
    dead: set[int],
    file: str,
    line: int,
    names: list[str],
) -> tuple[list[Area], list[Problem]]:
    """A column none of whose cells reads as days (a code, a URL) is one problem, not
    one per row: its heading names something other than a kind of garbage."""
    summary = []
    for index in sorted(dead):
        first = next(p for p in problems if p.column == index + 1 and p.line != line)
        reason = because(
            _(
                "No cell of the column “%(kind)s” reads as collection days, such as "
                "“%(example)s” on line %(line)d: the column is left out."
            ),
            kind=names[index],
            example=first.text[:20],
            line=first.line,
        )
        summary.append(Problem(file, line, index + 1, reason, names[index], leaves_out=PART))

    def kept(problem: Problem) -> bool:
        return problem.column is None or problem.column - 1 not in dead or problem.line == line

    areas = [replace(area, problems=tuple(filter(kept, area.problems))) for area in areas]
    return areas, summary + [problem for problem in problems if kept(problem)]


def _kind_columns(
    names: list[str], file: str, line: int, problems: list[Problem]
) -> tuple[list[tuple[int, str]], list[int]]:
    """The columns of kinds of garbage (index, heading), and the columns of notes."""
    kinds: list[tuple[int, str]] = []
    notes = []
    first: dict[str, int] = {}
    for index, name in enumerate(names[2:], start=2):
        if not name:
            continue  # a column without a heading: its cells are left out, row by row
        if any(word in name for word in NOTE_HEADINGS):
            notes.append(index)
        elif name in first:
            reason = because(
                _("“%(kind)s” comes twice in the first row (first in column %(first)d)."),
                kind=name,
                first=first[name] + 1,
            )
            problems.append(Problem(file, line, index + 1, reason, name, leaves_out=PART))
        else:
            first[name] = index
            kinds.append((index, name))
    return kinds, notes


def _stray_cells(row: list[str], names: list[str], file: str, line: int) -> list[Problem]:
    """Cells under no heading: past the last one, or under a blank one."""
    found = []
    beyond = [cell.strip() for cell in row[len(names) :] if cell.strip()]
    if beyond:
        last = max(i for i, cell in enumerate(row) if cell.strip()) + 1
        reason = because(
            _("This row has %(found)d columns; the first row names %(wanted)d."),
            found=last,
            wanted=len(names),
        )
        found.append(Problem(file, line, len(names) + 1, reason, " ".join(beyond)[:80],
                             normal(row[0]), PART))  # fmt: skip
    for index in range(2, min(len(names), len(row))):
        if not names[index] and row[index].strip():
            reason = because(
                _("“%(text)s” is in a column the first row gives no name."),
                text=row[index].strip()[:20],
            )
            found.append(
                Problem(
                    file, line, index + 1, reason, row[index].strip()[:80], normal(row[0]), PART
                )
            )
    return found


def read_areas(text: str, file: str = "area_days.csv") -> tuple[tuple[Area, ...], list[str]]:
    """The areas, strictly: the first part that cannot be read raises CalendarError."""
    read = read_area_days(text, file)
    if read.problems:
        raise CalendarError.of(read.problems[0])
    return read.areas, list(read.warnings)


# --- The city ----------------------------------------------------------------------------


def read_city(area_days: str, center: str = "", remarks: str = "", description: str = "") -> City:
    """The files' text as one City; each file but area_days.csv may be empty or left out.

    What cannot be read is in `City.problems` and left out; the rest is kept.
    """
    read = read_area_days(area_days)
    closures, centre_problems = read_centres(center) if center.strip() else ((), ())
    warnings = list(read.warnings)
    remark_texts = read_remarks(remarks) if remarks.strip() else {}
    descriptions = read_descriptions(description) if description.strip() else {}
    areas = tuple(_with_remarks(area, remark_texts, descriptions, warnings) for area in read.areas)
    city = City(areas, closures, (), (*read.problems, *centre_problems), read.rows)
    return replace(city, warnings=(*warnings, *_centre_warnings(city)))


def _with_remarks(
    area: Area, remarks: dict[str, str], descriptions: dict[str, str], warnings: list[str]
) -> Area:
    """The area with each kind's remarks: its *1 notes' texts, and its description."""
    kinds = []
    for kind in area.kinds:
        texts = []
        for note in kind.notes:
            text = remarks.get(note.lstrip("*"))
            if text:
                texts.append(text)
            elif remarks:
                warnings.append(
                    str(
                        _("%(file)s, line %(line)d: %(note)s is not in remarks.csv.")
                        % {"file": "area_days.csv", "line": area.line, "note": note}
                    )
                )
        if kind.name in descriptions:
            texts.append(descriptions[kind.name])
        kinds.append(replace(kind, remarks=tuple(dict.fromkeys(texts))) if texts else kind)
    return replace(area, kinds=tuple(kinds))


def _centre_warnings(city: City) -> list[str]:
    """What the parent should know of the centres: one named nowhere, or one for all."""
    if not city.closures:
        return []
    warnings = []
    missing: dict[str, list[str]] = {}
    for area in city.areas:
        if area.centre and not city.closures_of(area):
            missing.setdefault(area.centre, []).append(area.name)
    for centre, names in missing.items():
        warnings.append(
            str(
                _("The centre “%(centre)s” of %(areas)s is not in center.csv.")
                % {"centre": centre, "areas": "、".join(names[:3]) + ("…" if names[3:] else "")}
            )
        )
    if any(not area.centre for area in city.areas) and len(city.centres()) == 1:
        warnings.append(
            str(
                _(
                    "Areas that name no centre follow the only one center.csv names, "
                    "“%(centre)s”: its closures move their collections."
                )
                % {"centre": city.closures[0].centre}
            )
        )
    return warnings


def guess_icon(kind: str) -> str:
    """A bundled icon for a kind of garbage, from the words cities use."""
    name = normal(kind)
    for words, icon in (
        (("燃やさない", "燃えない", "不燃", "粗大", "金属", "危険", "有害", "埋立"), "trash"),
        (("燃やす", "燃える", "燃やして", "可燃", "一般", "生ごみ"), "trash-burnable"),
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


def years_covered(today: date) -> tuple[date, date]:
    """The days an import lists the dates of a kind's seasonal rules for: this year
    and the next (a city publishes its calendar a year at a time)."""
    return date(today.year, 1, 1), date(min(today.year + 1, recurrence.LAST_DAY.year), 12, 31)


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
) -> recurrence.Recurrence | None:
    """The chore a kind of garbage becomes from `start` on, as the wall will see it;
    None if it has no date in the years an import covers."""
    _first, last = years_covered(start)
    dates = kind.dates_between(start, last)
    if not kind.rule and not dates:
        return None
    rules = collection.Rules(
        no_collection_days=NO_COLLECTION_DAYS,
        closures=collection.closure_rules(True, closures, {}),
    )
    return recurrence.Recurrence(
        rule=kind.rule,
        start=kind.first_day(start),
        extra_dates=dates,
        holiday_policy=policy,
        calendar=recurrence.holiday_calendar(country),
        rules=rules,
    )
