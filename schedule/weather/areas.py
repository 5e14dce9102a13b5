"""JMA's forecast areas, for the admin's choices and their checks.

jma_areas.json is made from JMA's area.json by scripts/jma_tables.py: forecast
offices (130000 東京都), their class10 areas (130010 東京地方: what the
forecast is given for) and the class20 areas (1310300 港区: the municipalities
warnings are issued for), each class20 with the class10 it belongs to. It is
read the first time the admin needs it, never by the wall or the worker.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("jma_areas.json")


@functools.cache
def table() -> dict[str, dict[str, list[str]]]:
    data: dict[str, Any] = json.loads(TABLE.read_text(encoding="utf-8"))
    return {key: data[key] for key in ("offices", "class10s", "class20s")}


def _name(row: list[str], lang: str) -> str:
    return (row[1] or row[0]) if lang == "en" else row[0]


def office_choices(lang: str) -> list[tuple[str, str]]:
    return [(code, f"{_name(row, lang)} ({code})") for code, row in table()["offices"].items()]


def area_choices(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The class10 areas grouped under their office."""
    offices = table()["offices"]
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, row in table()["class10s"].items():
        groups.setdefault(row[2], []).append((code, f"{_name(row, lang)} ({code})"))
    return [(_name(offices[office], lang), rows) for office, rows in groups.items()]


def city_choices(lang: str, office: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The municipalities grouped under their class10 area; only the office's, if given."""
    areas = table()["class10s"]
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, row in table()["class20s"].items():
        area = areas.get(row[2])
        if area is None or (office and area[2] != office):
            continue
        groups.setdefault(row[2], []).append((code, f"{_name(row, lang)} ({code})"))
    return [(_name(areas[area], lang), rows) for area, rows in groups.items()]


def office_of(area: str) -> str | None:
    row = table()["class10s"].get(area)
    return row[2] if row else None


def area_of(city: str) -> str | None:
    row = table()["class20s"].get(city)
    return row[2] if row else None


def name(code: str, lang: str = "ja") -> str:
    """Any area's name by its code (the code itself if the table has none)."""
    for kind in ("class20s", "class10s", "offices"):
        row = table()[kind].get(code)
        if row:
            return _name(row, lang)
    return code
