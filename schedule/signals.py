"""Bump the wall's revision whenever something it shows is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models

WATCHED = (
    models.Member,
    models.IconColour,
    models.Plan,
    models.PlanOverride,
    models.Block,
    models.Chore,
    models.ChoreAssignee,
    models.ChoreDone,
    models.Closure,
    models.ChoreClosure,
    models.ChoreCancellation,
    models.Note,
    models.Display,
    models.Routine,
    models.RoutineStep,
    models.RoutineAssignment,
    models.StepDone,
    models.StarRules,
    models.Reward,
    models.StarEntry,
)


# What a tap on the wall writes: the walls redraw, the plans stay as they were.
TICKS = (models.ChoreDone, models.StepDone, models.StarEntry)


def bump(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the revision is bumped once by whoever loads
    models.Revision.bump(plans=sender not in TICKS)


def bump_on_m2m(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        models.Revision.bump()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"revision-del-{model.__name__}")
    for through in (models.Block.members.through, models.Display.members.through):
        m2m_changed.connect(bump_on_m2m, sender=through, dispatch_uid=f"revision-m2m-{through}")
