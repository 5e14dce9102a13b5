"""Which blocks a warning calls off on a day, and why: "暴風警報 at 7:00 → no school".

A parent's rule (models.CallOffRule) names a block, a member or both, the
warnings that close it and the time it is decided at. The decision is taken
from the warnings in force at that time (selectors.warnings_at), so it holds
for the rest of the day whatever happens after: a warning lifted at 7:01
does not reopen the school, one issued at 7:01 does not close it. Before the
time, a rule whose warning is in force now is reported as not decided yet
("school is off if it is still in force at 7:00").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import translation
from django.utils.translation import gettext

from schedule import planner
from schedule.weather.models import CallOffRule, WeatherPlace
from schedule.weather.selectors import (
    KeptWarnings,
    WarningsNow,
    WarningView,
    load_warnings,
    warnings_from,
)


@dataclass(frozen=True)
class CalledOffBlock:
    block_id: int
    title_ja: str
    title_en: str
    reading: str
    start: time
    end: time
    member_ids: tuple[int, ...]  # whose part is off; () = everyone in the block
    icon: str = ""


@dataclass(frozen=True)
class CallOff:
    rule_id: int
    day: date
    decide_at: datetime
    decided: bool  # False: the time has not come, but the warning is in force now
    blocks: tuple[CalledOffBlock, ...]
    warnings: tuple[WarningView, ...]  # the rule's warnings that were (are) in force
    reason_ja: str
    reason_en: str
    nudge: bool


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _reason(
    warnings: tuple[WarningView, ...], decide_at: datetime, decided: bool
) -> tuple[str, str]:
    found = []
    for lang in ("ja", "en"):
        names = (
            "・".join(w.name_ja for w in warnings)
            if lang == "ja"
            else ", ".join(w.name_en for w in warnings)
        )
        values = {"warnings": names, "time": _clock(decide_at)}
        with translation.override(lang):
            if decided:
                found.append(gettext("Called off: %(warnings)s was in force at %(time)s.") % values)
            else:
                found.append(
                    gettext("Called off if %(warnings)s is still in force at %(time)s.") % values
                )
    return found[0], found[1]


@dataclass(frozen=True)
class Rule:
    """A call-off rule as plain data (models.CallOffRule)."""

    id: int
    block_id: int | None
    member_id: int | None
    codes: tuple[str, ...]
    decide_at: time
    nudge: bool


def load_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(rule.pk, rule.block_id, rule.member_id, rule.codes, rule.decide_at, rule.nudge)
        for rule in CallOffRule.objects.filter(enabled=True).order_by("decide_at", "id")
    )


def _blocks(rule: Rule, plan: planner.PlanData | None) -> tuple[CalledOffBlock, ...]:
    if plan is None:
        return ()
    if rule.block_id is not None:
        chosen = [b for b in plan.blocks if b.id == rule.block_id]
    else:  # the member's own blocks from the decision on
        chosen = [
            b for b in plan.blocks if rule.member_id in b.member_ids and b.start >= rule.decide_at
        ]
    whose = (rule.member_id,) if rule.member_id is not None and rule.block_id else ()
    return tuple(
        CalledOffBlock(b.id, b.title_ja, b.title_en, b.reading, b.start, b.end, whose, b.icon)
        for b in chosen
    )


def called_off_from(
    rules: tuple[Rule, ...],
    reports: tuple[KeptWarnings, ...],
    day: date,
    moment: datetime,
    family: planner.Household,
) -> tuple[CallOff, ...]:
    """The call-offs of `day` as they stand at `moment`: decided ones, and
    (before their time) the ones whose warning is in force now."""
    if not rules or not reports:
        return ()
    plan = planner.plan_for(family, day)
    found = []
    known: dict[datetime, WarningsNow] = {}
    for rule in rules:
        decide_at = planner.at(day, rule.decide_at, family.tz)
        decided = moment >= decide_at
        asked = decide_at if decided else moment
        if not decided and moment.astimezone(family.tz).date() != day:
            continue  # tomorrow's is not told from tonight's warnings
        if asked not in known:
            known[asked] = warnings_from(reports, asked)
        state = known[asked]
        if not state.known:
            continue
        matched = tuple(w for w in state.in_force if w.code in rule.codes)
        blocks = _blocks(rule, plan)
        if not matched or not blocks:
            continue
        reason_ja, reason_en = _reason(matched, decide_at, decided)
        found.append(
            CallOff(
                rule.id,
                day,
                decide_at,
                decided,
                blocks,
                matched,
                reason_ja,
                reason_en,
                rule.nudge,
            )
        )
    return tuple(found)


def called_off(
    day: date, moment: datetime, family: planner.Household | None = None
) -> tuple[CallOff, ...]:
    """called_off_from() the rules and reports read now."""
    rules = load_rules()
    if not rules:
        return ()
    reports = load_warnings(WeatherPlace.load())
    if not reports:
        return ()
    if family is None:
        from schedule.day.loading import load_household

        family = load_household(day)
    return called_off_from(rules, reports, day, moment, family)
