"""What the signals count: a change the walls show (each model's `shown`, through
common/models.count_change), and the version of the admin page a deleted row
was on (common/models.Versioned).

Saves, deletes and the members of a block or a display (many-to-many) come
here as signals; `update()`, `bulk_create()` and `bulk_update()` send none and
are counted by the models' CountedQuerySet. No list of models is kept: every
model of the app says what it is, and tests/test_revision.py walks them all.
"""

from django.apps import apps
from django.db.models import F, ManyToManyField
from django.db.models.signals import m2m_changed, post_delete, post_save

from schedule.common.models import Shown, count_change


def counted_save(sender, update_fields=None, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # loaddata: whoever loads counts the change once
    count_change(sender, update_fields)


def counted_delete(sender, **kwargs) -> None:
    count_change(sender)


def counted_members(sender, action: str, instance, model, **kwargs) -> None:
    """A block's or a display's people changed: counted as a change of the row
    they belong to (the one on either side that the walls show)."""
    if action in {"post_add", "post_remove", "post_clear"}:
        count_change(type(instance))


def count_on_owner(sender, instance, **kwargs) -> None:
    """A row of a plan's (a chore's, a routine's) page was deleted: the page's
    version moves on, so a page opened before it refuses to save over it.

    Deletes cascade from pages that know nothing of the row's owner (a member's
    takes its turns and routines along, a closure's its links to chores, a
    plan's page its blocks' routines), so it is counted here, for all of them.
    A row written some other way counts on its owner where it is written,
    once for the whole write (plans/services.change_block, use_plan_on).
    """
    field = sender._meta.get_field(sender.edited_with)
    owner_id = getattr(instance, field.attname)
    if owner_id is not None:
        field.related_model.objects.filter(pk=owner_id).update(version=F("version") + 1)


def connect() -> None:
    for model in apps.get_app_config("schedule").get_models():
        name = model.__name__
        if model.shown is not Shown.NOT:  # type: ignore[attr-defined]
            post_save.connect(counted_save, sender=model, dispatch_uid=f"revision-save-{name}")
            post_delete.connect(counted_delete, sender=model, dispatch_uid=f"revision-del-{name}")
            for field in model._meta.local_many_to_many:
                assert isinstance(field, ManyToManyField)
                through = field.remote_field.through
                if through is not None and through._meta.auto_created:
                    m2m_changed.connect(
                        counted_members, sender=through, dispatch_uid=f"revision-m2m-{through}"
                    )
        if hasattr(model, "edited_with"):
            post_delete.connect(count_on_owner, sender=model, dispatch_uid=f"version-del-{name}")
