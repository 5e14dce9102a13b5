"""The day as JSON: one shape for Home Assistant's now.json and `show_day --json`.

Ids link the parts (a block's `members`, a chore's `assignees`, a routine's
or a star count's `member`) to the `members` list; times are ISO 8601 with
the household's offset. Fields are only ever added, so a Home Assistant
sensor written against an older Hibi keeps working.
"""

from __future__ import annotations

from typing import Any

from schedule import planner
from schedule.common import collection


def block_json(b: planner.BlockView) -> dict[str, Any]:
    return {
        "id": b.block.id,
        "title_ja": b.block.title_ja,
        "title_en": b.block.title_en,
        "icon": b.block.icon,
        "start": b.start.isoformat(),
        "end": b.end.isoformat(),
        "minutes_left": b.minutes_left,
        "progress": round(b.progress, 4),
        "members": [m.id for m in b.members],
        "lane": b.lane,
        "current": b.current,
        "from_yesterday": b.from_yesterday,
        "event": b.event is not None,  # from a subscribed calendar, not the plan
    }


def closure_json(closure: collection.Closure, day: Any = None) -> dict[str, Any]:
    """A closure by name; with `day`, the stretch of it that holds that day."""
    found: dict[str, Any] = {
        "id": closure.id,
        "name_ja": closure.name_ja,
        "name_en": closure.name_en,
    }
    span = closure.span_around(day) if day is not None else None
    if span is not None:
        found.update(start=span.start.isoformat(), end=span.end.isoformat())
    return found


def fate_json(fate: collection.Fate) -> dict[str, Any]:
    """Why a collection is not on the day its rule names: a holiday or a closure."""
    return {
        "from": fate.raw.isoformat(),
        "to": fate.day.isoformat() if fate.day else None,
        "reason": fate.reason,
        "closure": closure_json(fate.closure) if fate.closure else None,
    }


def chore_json(c: planner.ChoreView) -> dict[str, Any]:
    return {
        "id": c.chore.id,
        "title_ja": c.chore.title_ja,
        "title_en": c.chore.title_en,
        "icon": c.chore.icon,
        "date": c.date.isoformat(),
        "due": c.due.isoformat() if c.due else None,
        "time_kind": c.chore.time_kind,
        "assignees": [m.id for m in c.assignees],
        "done": c.done,
        "cancelled": c.cancelled,
        "moved_from": [fate_json(fate) for fate in c.moved_from],
        "year_mark": c.year_mark or None,
    }


def step_json(s: planner.StepView) -> dict[str, Any]:
    return {
        "id": s.step.id,
        "number": s.number,
        "title_ja": s.step.title_ja,
        "title_en": s.step.title_en,
        "icon": s.step.icon,
        "minutes": s.step.minutes,
        "until": s.until.isoformat() if s.until else None,
    }


def routine_json(r: planner.RoutineView) -> dict[str, Any]:
    """A member's routine in a current block: where they are in it."""
    return {
        "member": r.member.id,
        "id": r.routine.id,
        "title_ja": r.routine.title_ja,
        "title_en": r.routine.title_en,
        "date": r.day.isoformat(),
        "steps": len(r.steps),
        "steps_done": r.done_count,
        "finished": r.finished,
        "step": step_json(r.current) if r.current else None,
    }


def stars_json(s: planner.StarView) -> dict[str, Any]:
    return {
        "member": s.member.id,
        "stars": s.balance,
        "next_reward": (
            {
                "id": s.goal.id,
                "title_ja": s.goal.title_ja,
                "title_en": s.goal.title_en,
                "price": s.goal.price,
                "progress": s.progress,
            }
            if s.goal
            else None
        ),
        "rewards_ready": [r.id for r in s.ready],
    }


def day_json(
    view: planner.DayView,
    members: tuple[planner.MemberData, ...],
    stars: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the wall shows at `view.moment`; `extra` (the display, the poll
    version) goes first. `stars=False` leaves the children's stars out, as a
    display with its stars turned off does."""
    current = [block_json(b) for b in view.current]
    upcoming = view.next_blocks[0] if view.next_blocks else None
    return {
        **extra,
        "time": view.moment.isoformat(),
        "date": view.date.isoformat(),
        "plan": (
            {"id": view.plan.id, "name_ja": view.plan.name_ja, "name_en": view.plan.name_en}
            if view.plan
            else None
        ),
        "holiday": (
            {"name_ja": view.holiday.name_ja, "name_en": view.holiday.name_en}
            if view.holiday
            else None
        ),
        "members": [{"id": m.id, "name_ja": m.name_ja, "name_en": m.name_en} for m in members],
        "blocks": [block_json(b) for b in view.blocks],
        "current": current,
        "minutes_left": min((b["minutes_left"] for b in current), default=None),
        "next": block_json(upcoming) if upcoming else None,
        "minutes_until_next": (
            int(-(-(upcoming.start.timestamp() - view.moment.timestamp()) // 60))
            if upcoming
            else None
        ),
        "chores": [chore_json(c) for c in view.chores],
        "chores_due": len(view.chores),
        "chores_done": sum(c.done for c in view.chores),
        "tomorrow_chores": [chore_json(c) for c in view.tomorrow_chores],
        "notes": [
            {
                "text_ja": n.text_ja,
                "text_en": n.text_en,
                "start": n.start.isoformat(),
                "end": n.end.isoformat(),
            }
            for n in view.notes
        ],
        "routines": [routine_json(r) for r in view.routines],
        "stars": [stars_json(s) for s in view.stars] if stars else [],
        "all_day": [
            {
                "title_ja": e.title_ja,
                "title_en": e.title_en,
                "first_day": e.first_day.isoformat() if e.first_day else None,
                "last_day": e.last_day.isoformat() if e.last_day else None,
                "member": e.member_id,
            }
            for e in view.all_day
        ],
        "closures": [closure_json(closure, view.date) for closure in view.closures],
        "moved_away": [
            {
                "id": gone.chore.id,
                "title_ja": gone.chore.title_ja,
                "title_en": gone.chore.title_en,
                **fate_json(gone.fate),
            }
            for gone in view.moved_away
        ],
        "year_marks": [
            {
                "id": mark.chore.id,
                "title_ja": mark.chore.title_ja,
                "title_en": mark.chore.title_en,
                "date": mark.date.isoformat(),
                "kind": mark.kind,
            }
            for mark in view.year_marks
        ],
    }
