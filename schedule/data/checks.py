"""The rules of an imported family document that need several rows, checked on the
document before anything is written, as the admin's pages check them.

A row's own fields are checked by its model (portable.py); here are the caps
(blocks per plan, turn-takers per chore, closures), overlapping blocks, a
routine's steps and uses, and substitute dates inside another closure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError

from schedule import models as family
from schedule.common import collection, validation


class ImportRefused(Exception):
    """A document that cannot be imported as it is; the message says why."""


def _check_caps(rows: list[dict[str, Any]], parent: str, what: str, cap: int) -> None:
    counts = Counter(row.get(parent) for row in rows)
    for parent_id, count in counts.items():
        if count > cap:
            raise ImportRefused(
                f"The {parent} with id {parent_id} has {count} {what}; at most {cap}."
            )


def check_across_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
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
