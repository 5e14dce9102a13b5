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
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, models, transaction

from schedule import models as family
from schedule.common import household
from schedule.common.models import counted_once
from schedule.data.checks import ImportRefused, check_across_rows

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
# does not know) and a document without them reads as before. So were the
# times away, members' wake times, displays' OK-to-wake, caregiver links, and
# announcements with their tokens (only the tokens' digests: Home Assistant's
# token keeps working after an import, and the document holds no usable secret).
# Older documents read as they are: their rows take the new fields' defaults
# and the tables they lack stay empty.
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
     ("id", "name_ja", "name_en", "colour", "icon", "order", "collects_stars", "photo_key",
      "wake_at")),
    ("away_periods", family.AwayPeriod,
     ("id", "member", "first_day", "last_day", "rrule", "repeat_until")),
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
         "last_seen_at", "last_user_agent", "ok_to_wake", "timer_minutes", "spoken_cues",
         "battery_webhook_url", "battery_level", "battery_charging", "battery_alert"),
    ),
    ("display_members", family.Display.members.through, ("id", "display", "member")),
    (
        "caregiver_links",
        family.CaregiverLink,
        ("id", "name", "token", "starts_at", "ends_at", "language", "sections", "notes",
         "created_at", "revoked_at", "last_used_at"),
    ),
    ("caregiver_link_members", family.CaregiverLink.members.through,
     ("id", "caregiverlink", "member")),
    ("announcement_tokens", family.AnnouncementToken,
     ("id", "name", "digest", "hint", "created_at", "last_used_at", "revoked_at")),
    ("announcements", family.Announcement,
     ("id", "text_ja", "text_en", "icon", "starts_at", "ends_at", "chime", "token")),
    ("announcement_walls", family.Announcement.displays.through,
     ("id", "announcement", "display")),
    ("announcement_dismissals", family.AnnouncementDismissal,
     ("id", "announcement", "display", "at")),
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
    check_across_rows(rows)
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
    if hasattr(obj, "fill_derived"):  # a caregiver link's digest, made from its token
        obj.fill_derived()
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
