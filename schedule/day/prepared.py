"""Queries whose SQL the ORM writes once per process.

Loading the household for the wall is some twenty small queries. On the demo
family the ORM spent longer writing each one's SQL (about half a millisecond:
resolving lookups, joins, ordering) than SQLite spent running it (a tenth of
that), and a parent's every edit makes the wall load them all again.

`Prepared(build)` keeps what the ORM wrote. `build(*values)` is an ordinary
`values_list()` QuerySet of the query's values (days, moments, ids, lists of
ids). It is called once per database and per length of each list, with
stand-in values; the SQL it writes is kept with where each value goes, and
the converters the ORM would apply to the rows (SQLite's dates are text).
Later calls only put the new values in and run it.

    plans_in = Prepared(lambda ids: Plan.objects.filter(pk__in=ids).values_list("pk", "name_ja"))
    rows = plans_in({1, 2})  # [(1, "へいじつ"), (2, "やすみ")]

A value the ORM does not pass through as a parameter (in a function of it, or
compared to a field of another type) is not found among the parameters, and
the first call says so rather than run the wrong query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

type Row = tuple[Any, ...]
# A value's place in the parameters: (which value, which item of a list or None).
type Slot = tuple[int, int | None]


@dataclass(frozen=True)
class _Written:
    sql: str
    # Per parameter: a slot to fill in, or the constant the ORM put there.
    params: tuple[tuple[bool, Any], ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]
    empty: bool = False  # an empty list makes the whole query match nothing


class Prepared:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self._build = build
        self._written: dict[tuple[object, ...], _Written] = {}
        self._lock = threading.Lock()

    def __call__(self, *values: object) -> list[Row]:
        """The rows of the query for these values, as values_list() gives them."""
        values = tuple(tuple(sorted(set(v))) if _is_list(v) else v for v in values)  # type: ignore[call-overload]
        shape = (
            connection.vendor,
            connection.alias,
            *(len(v) if _is_list(v) else -1 for v in values),  # type: ignore[arg-type]
        )
        written = self._written.get(shape)
        if written is None:
            written = self._write(values)
            with self._lock:
                if len(self._written) >= 64:  # lists of ever new lengths
                    self._written.clear()
                self._written[shape] = written
        if written.empty:
            return []
        params: list[Any] = [
            _adapt(_value(values, param)) if is_slot else param for is_slot, param in written.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(written.sql, params)
            rows = cursor.fetchall()
        if not written.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            fields = list(row)
            for pos, convs, expression in written.converters:
                value = fields[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                fields[pos] = value
            converted.append(tuple(fields))
        return converted

    def _write(self, values: tuple[object, ...]) -> _Written:
        stand_ins = tuple(_stand_in(index, value) for index, value in enumerate(values))
        slots: dict[object, Slot] = {}
        for index, stand_in in enumerate(stand_ins):
            if isinstance(stand_in, tuple):
                for item, each in enumerate(stand_in):
                    slots[_adapt(each)] = (index, item)
            else:
                slots[_adapt(stand_in)] = (index, None)
        compiler = self._build(*stand_ins).query.get_compiler(connection=connection)
        # The stand-ins are told apart from the ORM's own constants (a limit,
        # a boolean) by their values, as the database is given them.
        try:
            sql, orm_params = compiler.as_sql()
        except EmptyResultSet:
            return _Written("", (), (), empty=True)
        params = []
        found = set()
        for param in orm_params:
            slot = slots.get(param) if _hashable(param) else None
            if slot is None:
                params.append((False, param))
            else:
                params.append((True, slot))
                found.add(slot)
        missing = set(slots.values()) - found
        if missing:
            raise ValueError(f"values {sorted(missing)} are not parameters of: {sql}")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = tuple(
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        )
        return _Written(sql, tuple(params), converters)


def _is_list(value: object) -> bool:
    return isinstance(value, Collection) and not isinstance(value, str | bytes)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _stand_in(index: int, value: object) -> object:
    """A value of the same kind as `value` that no query of the family's holds:
    days and moments a thousand years ago, negative ids."""
    if _is_list(value):
        return tuple(-(1_000_000 * (index + 1) + item) for item in range(len(value)))  # type: ignore[arg-type]
    if isinstance(value, datetime):
        return datetime(1000 + index, 1, 1, tzinfo=UTC)
    if isinstance(value, date):
        return date(1000 + index, 1, 1)
    if isinstance(value, int) and not isinstance(value, bool):
        return -1_000_000 * (index + 1)
    raise TypeError(f"no stand-in for {value!r}: give days, moments, ids or lists of ids")


def _adapt(value: object) -> object:
    """`value` as the ORM passes it to this database, for a field of its type."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _value(values: tuple[object, ...], slot: Slot) -> object:
    index, item = slot
    value = values[index]
    if item is None:
        return value
    return value[item]  # type: ignore[index]
