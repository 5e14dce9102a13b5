"""Bump the wall's revision whenever something it shows is saved or deleted, and
the version of the admin page a deleted row was on (models.Versioned)."""

from django.apps import apps
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from schedule import models

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
    # Tonight and tomorrow (issue 29): the menu, the bags, the sleeps, the
    # call-off rules and the weather's place all show on the wall. The
    # weather's reports (WeatherReport) are written by the worker, which
    # counts a change itself (weather/sync.py) only when what the wall shows
    # changed: each fetch that finds the same report is not one.
    models.Meal,
    models.BagItem,
    models.BagRules,
    models.Countdown,
    models.CallOffRule,
    models.WeatherPlace,
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


def count_on_owner(sender, instance, **kwargs) -> None:
    """A row of a plan's (a chore's, a routine's) page was deleted: the page's
    version moves on, so a page opened before it refuses to save over it.

    Deletes cascade from pages that know nothing of the row's owner (a member's
    takes its turns and routines along, a closure's its links to chores, a
    plan's page its blocks' routines), so it is counted here, for all of them.
    A row written some other way counts on its owner where it is written,
    once for the whole write (services.change_block, services.use_plan_on).
    """
    field = sender._meta.get_field(sender.edited_with)
    owner_id = getattr(instance, field.attname)
    if owner_id is not None:
        field.related_model.objects.filter(pk=owner_id).update(version=F("version") + 1)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"revision-del-{model.__name__}")
    for through in (models.Block.members.through, models.Display.members.through):
        m2m_changed.connect(bump_on_m2m, sender=through, dispatch_uid=f"revision-m2m-{through}")
    for row in apps.get_app_config("schedule").get_models():
        if hasattr(row, "edited_with"):
            post_delete.connect(
                count_on_owner, sender=row, dispatch_uid=f"version-del-{row.__name__}"
            )
