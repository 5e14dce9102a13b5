"""The URL's own words: a wall's token, a day, an id. A path that does not fit is a 404.

A malformed token, a date that is no day of the years the wall knows, an id
beyond the database's 64-bit integers: each never reaches a view, and so
never the database.
"""

from __future__ import annotations

from datetime import date

# Dates the wall can show: `?at=` and chore days outside these years are a
# typo, and near date.min/max the loader's day ± 1 arithmetic would overflow.
YEARS = range(2000, 2101)
BIGGEST_ID = 2**63 - 1


class TokenConverter:
    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DayConverter:
    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)  # ValueError: not a day, so no match
        if day.year not in YEARS:
            raise ValueError(f"{value} is outside the years the wall shows")
        return day

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= BIGGEST_ID:
            raise ValueError(f"{value} is not an id the database can hold")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
