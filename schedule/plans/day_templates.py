"""Days to start a new plan from, so that a parent adjusts a few times instead
of typing fifteen blocks on a phone: a typical Japanese school weekday, a
typical day off, or a copy of one of the family's own plans.

Each template's blocks are for the whole family (no members), so they never
overlap; the parent splits a block per person where their day differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from django.utils.translation import gettext_lazy as _

from schedule.plans.models import Plan


@dataclass(frozen=True)
class DayTemplate:
    key: str
    label: Any  # a lazy translation
    name_ja: str
    name_en: str
    weekdays: int
    on_holidays: bool
    priority: int
    blocks: tuple[tuple[str, str, str, str, str], ...]  # start, end, ja, en, icon


SCHOOL_WEEKDAY = DayTemplate(
    "school-weekday",
    _("A typical school weekday"),
    "平日",
    "Weekday",
    0b0011111,
    False,
    0,
    (
        ("06:30", "07:00", "起きる・着がえ", "Wake up & dress", "sun"),
        ("07:00", "07:30", "朝ごはん", "Breakfast", "breakfast"),
        ("07:30", "08:00", "歯みがき・おでかけの準備", "Teeth & get ready", "backpack"),
        ("08:00", "16:00", "学校・保育園・お仕事", "School, daycare & work", "school"),
        ("16:00", "17:00", "おやつ・あそび", "Snack & play", "play"),
        ("17:00", "17:30", "宿題", "Homework", "homework"),
        ("17:30", "17:50", "お片付け", "Clean-up", "tidy"),
        ("17:50", "18:30", "お風呂", "Bath", "bath"),
        ("18:30", "19:15", "夜ごはん", "Dinner", "dinner"),
        ("19:15", "20:15", "家族の時間", "Family time", "family"),
        ("20:15", "20:45", "寝る準備", "Get ready for bed", "toothbrush"),
        ("20:45", "06:30", "おやすみ", "Sleep", "moon"),
    ),
)
DAY_OFF = DayTemplate(
    "day-off",
    _("A typical day off"),
    "休日",
    "Day off",
    0b1100000,
    True,
    10,
    (
        ("07:00", "07:30", "起きる・着がえ", "Wake up & dress", "sun"),
        ("07:30", "08:30", "朝ごはん", "Breakfast", "breakfast"),
        ("08:30", "12:00", "おでかけ・公園", "Outing & park", "park"),
        ("12:00", "13:00", "昼ごはん", "Lunch", "lunch"),
        ("13:00", "15:00", "お昼寝・ゆっくり", "Nap & rest", "nap"),
        ("15:00", "17:00", "家族であそぶ", "Play together", "play"),
        ("17:00", "17:30", "お片付け", "Clean-up", "tidy"),
        ("17:30", "18:15", "お風呂", "Bath", "bath"),
        ("18:15", "19:00", "夜ごはん", "Dinner", "dinner"),
        ("19:00", "20:30", "家族の時間", "Family time", "family"),
        ("20:30", "21:00", "寝る準備", "Get ready for bed", "toothbrush"),
        ("21:00", "07:00", "おやすみ", "Sleep", "moon"),
    ),
)
TEMPLATES = {template.key: template for template in (SCHOOL_WEEKDAY, DAY_OFF)}
PLAN_PREFIX = "plan-"


def choices() -> list[tuple[str, Any]]:
    """What a new plan can start from: the templates, then a copy of each plan."""
    found: list[tuple[str, Any]] = [(t.key, t.label) for t in TEMPLATES.values()]
    for plan in Plan.objects.order_by("-priority", "id")[:10]:
        found.append((f"{PLAN_PREFIX}{plan.pk}", _("A copy of “%(plan)s”") % {"plan": plan}))
    return found


def plan_initial(key: str) -> dict[str, Any]:
    """The new plan's own fields from a template ({} for a copy: its name is new)."""
    template = TEMPLATES.get(key)
    if template is None:
        return {}
    return {
        "name_ja": template.name_ja,
        "name_en": template.name_en,
        "weekdays": template.weekdays,
        "on_holidays": template.on_holidays,
        "priority": template.priority,
    }


def block_rows(key: str) -> list[dict[str, Any]]:
    """The blocks' rows for the plan's page, as initial values of new rows.

    Each carries `prefilled`, which the page sends back: a row the parent left
    as it came is still a row to save (a formset skips new rows left unchanged).
    A copy keeps a reading typed by hand; one Hibi proposed is proposed again.
    """
    template = TEMPLATES.get(key)
    if template is not None:
        return [
            {
                "start": time.fromisoformat(start),
                "end": time.fromisoformat(end),
                "title_ja": ja,
                "title_en": en,
                "icon": icon,
                "prefilled": True,
            }
            for start, end, ja, en, icon in template.blocks
        ]
    number = key.removeprefix(PLAN_PREFIX)
    if not key.startswith(PLAN_PREFIX) or not (number.isascii() and number.isdigit()):
        return []
    if len(number) > 18:  # past the database's ids: no such plan
        return []
    plan = Plan.objects.filter(pk=int(number)).first()
    if plan is None:
        return []
    return [
        {
            "start": block.start,
            "end": block.end,
            "title_ja": block.title_ja,
            "title_en": block.title_en,
            "title_reading": block.title_reading if block.title_reading_by_hand else "",
            "icon": block.icon,
            "colour": block.colour,
            "members": [member.pk for member in block.members.all()],
            "nudge_minutes_before": block.nudge_minutes_before,
            "webhook_url": block.webhook_url,
            "prefilled": True,
        }
        for block in plan.blocks.order_by("start", "end", "id").prefetch_related("members")
    ]
