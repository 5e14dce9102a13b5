"""The family's plans as one JSON document, portable between databases and versions.

The document is Hibi's own format, not a database dump: a `format` name, a
`version` number and one list of plain rows per kind of thing (members, plans,
blocks, chores, ...), each row naming its fields explicitly and pointing at
others by id. SQLite and PostgreSQL read and write it the same way; a later
Hibi that changes a model raises `VERSION` and teaches `_upgrade()` to read
the older documents, and an older Hibi refuses a newer document rather than
guess. Importing an export gives back exactly what was exported, ids and the
walls' secret tokens included, so the tablets keep working.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, models, transaction

from schedule import models as family
from schedule.common import collection, household, validation
from schedule.common.models import counted_once

FORMAT = "hibi-family"
# 2: calendars, feeds, phones for nudges and what was sent; blocks' nudges and
# webhooks, chores' overdue nudges; closures, chores' own word on them,
# cancelled collections, and the chores' holiday lists, garbage flag and
# no-collection days.
# 3: routines, their ticks, star rules, rewards and the star ledger; members'
# collects_stars and displays' show_stars.
# Later in 3: members' photos (the small JPEG, base64) and their keys, and
# whether a title's reading was typed by hand: only added, so the number
# stays (an older Hibi refuses such a document anyway, naming the fields it
# does not know) and a document without them reads as before.
# 4: tonight and tomorrow (issue 29): the menu, the weather's place and the
# call-off rules, the bags and their rain rule, the sleeps until; phones'
# evening_bags. The weather's reports are not exported (like calendars'
# events): the worker fetches them again.
# Older documents are brought up to this one by _upgrade(), a version at a time.
VERSION = 4

# Parents before children, so rows can be inserted in this order. Each entry:
# the document's key, the model, and the fields written for it (foreign keys
# by their field name, holding the id).
# fmt: off
TABLES: list[tuple[str, type[models.Model], tuple[str, ...]]] = [
    ("members", family.Member,
     ("id", "name_ja", "name_en", "colour", "icon", "order", "collects_stars", "photo_key")),
    ("member_photos", family.MemberPhoto, ("id", "member", "key", "content_type", "image")),
    ("icon_colours", family.IconColour, ("id", "icon", "colour")),
    (
        "plans",
        family.Plan,
        ("id", "name_ja", "name_en", "weekdays", "on_holidays", "valid_from", "valid_until",
         "priority"),
    ),
    ("plan_overrides", family.PlanOverride, ("id", "date", "plan", "reason")),
    (
        "blocks",
        family.Block,
        ("id", "plan", "start", "end", "title_ja", "title_reading", "title_en", "icon", "colour",
         "nudge_minutes_before", "webhook_url", "title_reading_by_hand"),
    ),
    ("block_members", family.Block.members.through, ("id", "block", "member")),
    (
        "closures",
        family.Closure,
        ("id", "name_ja", "name_en", "start_date", "end_date", "yearly", "action", "shift_days",
         "move_to"),
    ),
    (
        "chores",
        family.Chore,
        ("id", "title_ja", "title_reading", "title_en", "icon", "time", "time_kind", "rotate",
         "rrule", "start_date", "extra_dates", "exception_dates", "holiday_policy",
         "nudge_when_overdue", "holiday_exceptions", "is_garbage", "no_collection_days",
         "title_reading_by_hand"),
    ),
    ("chore_assignees", family.ChoreAssignee, ("id", "chore", "member", "order")),
    (
        "chore_closures",
        family.ChoreClosure,
        ("id", "chore", "closure", "action", "shift_days", "move_to"),
    ),
    (
        "displays",
        family.Display,
        ("id", "name", "token", "language", "theme", "night_start", "night_end",
         "may_complete_chores", "show_stars", "show_readings", "cue_minutes", "chime",
         "last_seen_at", "last_user_agent"),
    ),
    ("display_members", family.Display.members.through, ("id", "display", "member")),
    ("chores_done", family.ChoreDone, ("id", "chore", "date", "member", "display", "done_at")),
    (
        "chore_cancellations",
        family.ChoreCancellation,
        ("id", "chore", "date", "reason", "cancelled_at"),
    ),
    ("notes", family.Note, ("id", "text_ja", "text_en", "icon", "start_date", "end_date")),
    # Without ETag and events: the first fetch after an import reads each calendar whole.
    (
        "calendar_subscriptions",
        family.CalendarSubscription,
        ("id", "name", "url", "member", "enabled", "last_sync_at", "last_success_at",
         "event_count", "error_code", "error_detail"),
    ),
    ("calendar_feeds", family.CalendarFeed, ("id", "name", "member", "token")),
    (
        "nudge_targets",
        family.NudgeTarget,
        ("id", "name", "member", "apprise_url", "enabled", "language", "evening_chores",
         "evening_bags", "evening_time", "block_starts", "overdue_chores", "quiet_start",
         "quiet_end"),
    ),
    (
        "deliveries",
        family.Delivery,
        ("id", "kind", "channel", "occurrence", "target", "block", "title", "body", "due_at",
         "status", "attempts", "next_try_at", "sent_at", "error_code", "error_detail"),
    ),
    (
        "routines",
        family.Routine,
        ("id", "title_ja", "title_reading", "title_en", "icon", "stars", "title_reading_by_hand"),
    ),
    (
        "routine_steps",
        family.RoutineStep,
        ("id", "routine", "order", "icon", "title_ja", "title_reading", "title_en", "minutes",
         "title_reading_by_hand"),
    ),
    ("routine_uses", family.RoutineAssignment, ("id", "block", "member", "routine")),
    (
        "steps_done",
        family.StepDone,
        ("id", "step", "member", "date", "display", "done_at", "what_ja", "what_en"),
    ),
    ("star_rules", family.StarRules, ("id", "enabled", "per_routine", "per_chore")),
    (
        "rewards",
        family.Reward,
        ("id", "title_ja", "title_reading", "title_en", "icon", "price", "title_reading_by_hand"),
    ),
    (
        "star_ledger",
        family.StarEntry,
        ("id", "member", "date", "amount", "kind", "what_ja", "what_en", "routine", "chore",
         "reward", "corrects", "created_at"),
    ),
    ("meals", family.Meal,
     ("id", "kind", "weekday", "date", "title_ja", "title_reading", "title_en", "icon",
      "title_reading_by_hand")),
    # Without the worker's ETags and problems: the first fetch after an import is whole.
    ("weather_places", family.WeatherPlace,
     ("id", "enabled", "provider", "office", "area", "city", "point", "latitude", "longitude")),
    ("call_off_rules", family.CallOffRule,
     ("id", "block", "member", "warnings", "decide_at", "nudge", "enabled")),
    ("bag_rules", family.BagRules, ("id", "rain_from")),
    ("bag_items", family.BagItem,
     ("id", "member", "title_ja", "title_reading", "title_en", "icon", "weekdays", "on_date",
      "event_word", "title_reading_by_hand")),
    ("countdowns", family.Countdown,
     ("id", "title_ja", "title_reading", "title_en", "icon", "date", "yearly", "member",
      "subscription", "event_uid", "show_days_before", "title_reading_by_hand")),
]
# fmt: on
# What each version added, for _upgrade(): the tables an older document lacks.
ADDED_IN = {
    4: ("meals", "weather_places", "call_off_rules", "bag_rules", "bag_items", "countdowns")
}  # fmt: skip


class ImportRefused(Exception):
    """A document that cannot be imported as it is; the message says why."""


def export_family() -> dict[str, Any]:
    """Everything the family planned, read in one consistent snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for all the tables, even while the admin writes.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # On SQLite the transaction itself takes the write lock (IMMEDIATE), so
        # no writer can slip in between two tables.
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": household.now().isoformat(),
        }
        for key, model, fields in TABLES:
            document[key] = [
                _row(obj, model, fields) for obj in model._default_manager.order_by("pk")
            ]
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def has_family() -> bool:
    return any(model._default_manager.exists() for _key, model, _fields in TABLES)


def import_family(document: Any, replace: bool = False) -> dict[str, int]:
    """Load an exported document; refuse rather than half-load. Returns rows per kind.

    Every row passes the same checks as a parent's save in the admin: its
    model's full validation (the repeat rule, icons, the wall's token, dates in
    order), no NUL characters, and the rules across rows (validation.py),
    before the first row is written. A refusal names the row, as in
    "chores[3].rrule".
    """
    document = _upgrade(document)
    rows = {key: _rows(document, key, fields) for key, _model, fields in TABLES}
    _check_across_rows(rows)
    counts = {}
    try:
        # The whole family replaced: the walls redraw once, from the new plans.
        with transaction.atomic(), counted_once():
            if has_family():
                if not replace:
                    raise ImportRefused(
                        "This database already has a family; import into an empty one, "
                        "or replace it on purpose (--replace)."
                    )
                for _key, model, _fields in reversed(TABLES):
                    model._default_manager.all().delete()
            # Table by table, parents first: a row's links are checked against
            # the rows already written in this transaction.
            for key, model, fields in TABLES:
                objects = [_object(model, fields, row, key, n) for n, row in enumerate(rows[key])]
                _check_own_links(model, objects, key)
                model._default_manager.bulk_create(objects)
                counts[key] = len(objects)
            _reset_sequences()
    except (IntegrityError, DatabaseError) as exc:
        raise ImportRefused(f"The document does not fit together: {exc}") from None
    return counts


def _check_caps(rows: list[dict[str, Any]], parent: str, what: str, cap: int) -> None:
    counts = Counter(row.get(parent) for row in rows)
    for parent_id, count in counts.items():
        if count > cap:
            raise ImportRefused(
                f"The {parent} with id {parent_id} has {count} {what}; at most {cap}."
            )


def _check_across_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    """The rules that need several rows, on the document before anything is written."""
    _check_caps(rows["blocks"], "plan", "blocks", validation.MAX_BLOCKS_PER_PLAN)
    _check_caps(rows["plan_overrides"], "plan", "date overrides", validation.MAX_OVERRIDES_PER_PLAN)
    _check_caps(rows["chore_assignees"], "chore", "people taking turns", validation.MAX_TURN_TAKERS)
    _check_routines(rows)
    if len(rows["closures"]) > validation.MAX_CLOSURES:
        raise ImportRefused(f"{len(rows['closures'])} closures; at most {validation.MAX_CLOSURES}.")
    _check_substitutes(rows)
    assignees: dict[Any, int] = {}
    for row in rows["chore_assignees"]:
        assignees[row.get("chore")] = assignees.get(row.get("chore"), 0) + 1
    for n, chore in enumerate(rows["chores"]):
        if not validation.turns_have_people(
            bool(chore.get("rotate")), assignees.get(chore["id"], 0)
        ):
            raise ImportRefused(f"chores[{n}] takes turns, but nobody is assigned to it.")

    members: dict[Any, set[Any]] = {}
    for row in rows["block_members"]:
        members.setdefault(row.get("block"), set()).add(row.get("member"))
    by_plan: dict[Any, list[tuple[int, validation.BlockSpan]]] = {}
    for n, block in enumerate(rows["blocks"]):
        try:
            start = family.Block._meta.get_field("start").to_python(block.get("start"))
            end = family.Block._meta.get_field("end").to_python(block.get("end"))
        except ValidationError:
            continue  # the row's own check names the bad time
        if start is None or end is None:
            continue
        span = validation.BlockSpan(start, end, frozenset(members.get(block["id"], ())))
        by_plan.setdefault(block.get("plan"), []).append((n, span))
    for spans in by_plan.values():
        for later, earlier, _shared in validation.overlaps([span for _n, span in spans]):
            raise ImportRefused(
                f"blocks[{spans[later][0]}] overlaps blocks[{spans[earlier][0]}] "
                "for the same family member in the same plan."
            )


def _check_routines(rows: dict[str, list[dict[str, Any]]]) -> None:
    """A routine's steps, and where it is used, as the admin's routine page checks them."""
    steps = Counter(row.get("routine") for row in rows["routine_steps"])
    for n, row in enumerate(rows["routines"]):
        problem = validation.steps_problem(steps.get(row["id"], 0))
        if problem == validation.EMPTY:
            raise ImportRefused(f"routines[{n}] has no steps; a routine needs at least one.")
        if problem == validation.TOO_MANY:
            raise ImportRefused(
                f"routines[{n}] has {steps[row['id']]} steps; "
                f"at most {validation.MAX_STEPS_PER_ROUTINE}."
            )
    plan_of = {block["id"]: block.get("plan") for block in rows["blocks"]}
    in_block: dict[Any, set[Any]] = {}
    for row in rows["block_members"]:
        in_block.setdefault(row.get("block"), set()).add(row.get("member"))
    uses = []
    for n, use in enumerate(rows["routine_uses"]):
        ids = [use.get("block"), use.get("member"), use.get("routine")]
        ids.append(plan_of.get(ids[0]))
        numbers = [value for value in ids if isinstance(value, int)]
        if len(numbers) != len(ids):
            continue  # the row's own check names the bad id
        block, member, routine, plan = numbers
        if not validation.member_fits_block(frozenset(in_block.get(block, ())), member):
            raise ImportRefused(
                f"routine_uses[{n}]: member {member!r} is not in block {block!r}, "
                "so the routine there is for nobody."
            )
        uses.append(validation.RoutineUse(plan, block, member, routine))
    for later, earlier, why in validation.routine_clashes(uses):
        if why == validation.SAME_BLOCK:
            detail = "gives the same member a second routine in one block"
        else:
            detail = "gives the same member the same routine twice in one plan"
        raise ImportRefused(f"routine_uses[{later}] {detail} (see routine_uses[{earlier}]).")


def _check_substitutes(rows: dict[str, list[dict[str, Any]]]) -> None:
    """A substitute date inside another closure would never be due (validation.closed_on)."""
    closures = {}
    for row in rows["closures"]:
        try:
            start = dt.date.fromisoformat(str(row.get("start_date")))
            end = dt.date.fromisoformat(str(row.get("end_date")))
        except ValueError:
            continue  # the row's own check names the bad date
        yearly = bool(row.get("yearly", True))
        closures[row.get("id")] = collection.Closure(0, "", "", start, end, yearly)
    substitutes = [("closures", n, row) for n, row in enumerate(rows["closures"])]
    substitutes += [("chore_closures", n, row) for n, row in enumerate(rows["chore_closures"])]
    for key, n, row in substitutes:
        if row.get("action") != "date" or not row.get("move_to"):
            continue
        try:
            day = dt.date.fromisoformat(str(row["move_to"]))
        except ValueError:
            continue
        own = row.get("id") if key == "closures" else row.get("closure")
        others = [closure for id_, closure in closures.items() if id_ != own]
        if validation.closed_on(day, others) is not None:
            raise ImportRefused(f"{key}[{n}].move_to: {day} is inside another closure.")


def _upgrade(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f'This is not a Hibi export (no "format": "{FORMAT}").')
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise ImportRefused(f"Unknown export version {version!r}.")
    if version > VERSION:
        raise ImportRefused(
            f"This export was made by a newer Hibi (format version {version}); "
            f"this one reads up to version {VERSION}. Upgrade Hibi first."
        )
    # One version at a time. Versions 2 and 3 only added tables and fields,
    # whose defaults fill in; 4 is said out loud: its tables, empty (an older
    # Hibi had no menu, no bags), and every phone's evening nudge with the bags
    # in it, as a phone added now has. A later change that renames or
    # reshapes converts older documents here too.
    document = dict(document)
    for step in range(version + 1, VERSION + 1):
        for key in ADDED_IN.get(step, ()):
            document.setdefault(key, [])
        targets = document.get("nudge_targets")
        if step == 4 and isinstance(targets, list):
            document["nudge_targets"] = [
                {**row, "evening_bags": True} if isinstance(row, dict) else row for row in targets
            ]
        document["version"] = step
    return document


def _rows(document: dict[str, Any], key: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = document.get(key, [])
    if not isinstance(rows, list):
        raise ImportRefused(f'"{key}" should be a list of rows.')
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ImportRefused(f"{key}[{n}] should be an object.")
        unknown = set(row) - set(fields)
        if unknown:
            raise ImportRefused(f"{key}[{n}] has fields this Hibi does not know: {sorted(unknown)}")
        if "id" not in row:
            raise ImportRefused(f"{key}[{n}] has no id.")
    return rows


def _row(obj: models.Model, model: type[models.Model], fields: tuple[str, ...]) -> dict:
    row = {}
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        value = field.value_from_object(obj)
        if isinstance(value, bytes | memoryview):  # a photo: JSON carries it as base64
            value = base64.b64encode(bytes(value)).decode("ascii")
        elif isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat()
        elif isinstance(value, dt.date | dt.time):
            value = value.isoformat()
        elif isinstance(value, Decimal):  # a latitude: exact, as JSON's floats are not
            value = str(value)
        row[name] = value
    return row


# Ids are 64-bit integers in both databases; a larger one fails at the insert.
BIGGEST_ID = 2**63 - 1


def _object(model, fields, row, key, n) -> models.Model:
    values = {}
    for name in fields:
        if name not in row:
            continue  # a field left out takes the model's default
        field = model._meta.get_field(name)
        _refuse_nul(row[name], f"{key}[{n}].{name}")
        try:
            if field.is_relation or name == "id":
                values[field.attname] = _id(row[name], nullable=field.null)
            else:
                values[name] = field.to_python(row[name])
        except (ValidationError, TypeError, ValueError) as exc:
            detail = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
            raise ImportRefused(f"{key}[{n}].{name}: {detail}") from None
    obj = model(**values)
    # A row pointing at a row of its own table (a star taken back) is checked
    # once the whole table is read (_check_own_links): its rows go in at once.
    own = [f.name for f in _own_links(model)]
    try:
        # What the admin checks on save: every field, then the model's own
        # rules. Uniqueness is left to the database, inside the transaction.
        obj.full_clean(exclude=own, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
        raise ImportRefused(f"{key}[{n}]: {problems}") from None
    return obj


def _own_links(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.fields if f.is_relation and f.related_model is model]


def _check_own_links(model: type[models.Model], objects: list[models.Model], key: str) -> None:
    ids = {obj.pk for obj in objects}
    for field in _own_links(model):
        for n, obj in enumerate(objects):
            linked = getattr(obj, field.attname)
            if linked is not None and linked not in ids:
                raise ImportRefused(f"{key}[{n}].{field.name}: no row {linked} in {key}.")


def _id(value: Any, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= BIGGEST_ID:
        raise ValueError(f"{value!r} is not an id (a whole number from 1 to {BIGGEST_ID})")
    return value


def _refuse_nul(value: Any, where: str) -> None:
    """No NUL characters: SQLite keeps them, PostgreSQL refuses them, so an export
    that has one could never move to PostgreSQL (the admin's forms refuse them too)."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        raise ImportRefused(f"{where}: contains a NUL character.")


def _reset_sequences() -> None:
    # Rows came with their ids; PostgreSQL's id counters must move past them.
    statements = connection.ops.sequence_reset_sql(no_style(), [m for _k, m, _f in TABLES])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
