"""The admin pages of rows two parents may edit at once: each change page carries
the version it was opened with, and forms.VersionedForm refuses it once older."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import forms


class VersionedAdmin(admin.ModelAdmin):
    """Puts the row's version on its change page, for forms.VersionedForm's check.

    A page that lays out its own fieldsets passes them through
    `with_loaded_version`: a version that is not on the page is never sent
    back, and the check, which a page without it (an add page) skips, has
    nothing to compare. Plans, displays and closures were saved over so.
    """

    form = forms.VersionedForm

    def get_fieldsets(self, request, obj=None):
        return self.with_loaded_version(super().get_fieldsets(request, obj), obj)

    @staticmethod
    def with_loaded_version(fieldsets, obj) -> list:
        """`fieldsets` with the hidden version in the first, on a change page."""
        if obj is None or "loaded_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "loaded_version"]}), *rest]

    def get_changelist_form(self, request, **kwargs):
        # A list that edits its rows (the members' order) counts each save on the
        # row's version and sends back the version each row was listed with.
        return super().get_changelist_form(request, **{"form": forms.VersionedForm, **kwargs})

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        # Django checks a list's rows before the transaction it saves them in:
        # the check must hold its lock until they are saved.
        with transaction.atomic():
            return super().changelist_view(request, extra_context)

    def get_deleted_objects(self, objs, request):
        """What a delete takes with it, without the hidden rows that tie a block or a
        display to its members ("Block_members object (1)" says nothing to a parent)."""
        deleted, counts, permissions, protected = super().get_deleted_objects(objs, request)
        links = [m._meta for m in django_apps.get_models(include_auto_created=True)]
        links = [meta for meta in links if meta.auto_created]
        prefixes = tuple(f"{capfirst(meta.verbose_name)}: " for meta in links)
        plurals = {str(meta.verbose_name_plural) for meta in links}
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _without(deleted, prefixes), counts, permissions, protected


def _without(nested: list, prefixes: tuple[str, ...]) -> list:
    kept: list = []
    for item in nested:
        if isinstance(item, list):
            if inner := _without(item, prefixes):
                kept.append(inner)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class RowsAsOpened(BaseInlineFormSet):
    """An inline's rows drawn again as the page sent them, each beside its own saved
    row, and a row deleted since the page was opened said to be gone.

    Django's admin draws the i-th row sent beside the i-th row saved now: once
    another parent had deleted a row, every later row was drawn beside the next
    one's original, and the last row, with what this parent typed in it, was not
    drawn at all. The page is refused anyway (the owner's version moved on when
    the row went, models.Versioned), and the parent must see what they sent.
    """

    def get_queryset(self):
        saved = super().get_queryset()
        if not self.is_bound or "forms" not in self.__dict__:
            return saved  # the forms are being built from it
        rows = {row.pk: row for row in saved}
        return [rows.get(form.instance.pk) for form in self.initial_forms]

    def clean(self) -> None:
        # First: the inline's own checks may refuse the whole formset by raising.
        for form in self.initial_forms:
            if form.instance._state.adding:  # its row was not found
                form.add_error(
                    None,
                    ValidationError(
                        _("Someone else deleted this row while you were editing the page."),
                        code="gone",
                    ),
                )
        super().clean()
