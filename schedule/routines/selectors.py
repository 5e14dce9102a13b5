"""Routines and stars as the planner takes them (planner.RoutineData, Stars), in
one query each whatever their number: day/loading.py asks here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from schedule import models, planner

type Row = tuple[Any, ...]


def load_routines(ids: set[int]) -> dict[int, planner.RoutineData]:
    """These routines with their steps in order, in one query whatever their number."""
    steps: dict[int, list[planner.StepData]] = defaultdict(list)
    heads: dict[int, tuple[str, str, str, str, int | None]] = {}
    for (
        routine_id, routine_ja, routine_en, routine_reading, routine_icon, stars,
        pk, title_ja, title_en, reading, icon, minutes,
    ) in _steps(ids):  # fmt: skip
        heads[routine_id] = (routine_ja, routine_en, routine_reading, routine_icon, stars)
        steps[routine_id].append(planner.StepData(pk, title_ja, title_en, reading, icon, minutes))
    return {
        pk: planner.RoutineData(
            id=pk, title_ja=title_ja, title_en=title_en, reading=reading, icon=icon,
            steps=tuple(steps[pk]), stars=stars,
        )
        for pk, (title_ja, title_en, reading, icon, stars) in heads.items()
    }  # fmt: skip


def _steps(ids: Collection[int]) -> list[Row]:
    return list(
        models.RoutineStep.objects.filter(routine_id__in=ids)
        .order_by("routine_id", "order", "id")
        .values_list(
            "routine_id",
            "routine__title_ja",
            "routine__title_en",
            "routine__title_reading",
            "routine__icon",
            "routine__stars",
            "pk",
            "title_ja",
            "title_en",
            "title_reading",
            "icon",
            "minutes",
        )
    )


def load_stars() -> planner.Stars | None:
    """The star rules and rewards (with_ticks() adds the balances); None while the
    family collects no stars."""
    rules = _star_rules()
    if not rules:
        return None
    rewards = tuple(
        planner.RewardData(
            id=pk, title_ja=title_ja, title_en=title_en, reading=reading, icon=icon, price=price
        )
        for pk, title_ja, title_en, reading, icon, price in _rewards()
    )
    per_routine, per_chore = rules[0]
    return planner.Stars(per_routine, per_chore, rewards)


def _star_rules() -> list[Row]:
    return list(
        models.StarRules.objects.filter(pk=1, enabled=True).values_list("per_routine", "per_chore")
    )


def _rewards() -> list[Row]:
    return list(
        models.Reward.objects.order_by("price", "id").values_list(
            "pk", "title_ja", "title_en", "title_reading", "icon", "price"
        )
    )
