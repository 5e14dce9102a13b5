"""The admin pages of rows two parents may edit at once: each change page carries
the version it was opened with, and forms.VersionedForm refuses it once older."""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BoundField, Select
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from schedule.common import forms, icons


def icon_picture(icon: str, name: str) -> str:
    """An icon in its activity's colour, for a list of rows (a meal, a bag item)."""
    return render_to_string(
        "admin/hibi/member_picture.html",
        {
            "colour": icons.activity_colour(icon),
            "icon": icon if icons.is_icon(icon) else "",
            "name": name,
        },
    )


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


def _percent(value: float) -> str:
    # Formatted here: the template would localise a float's decimal separator.
    return f"{value:.3f}"


class RowsAsPosted(BaseInlineFormSet):
    """A bound formset that builds forms only for the rows a page really sent.

    Django believes the management form's TOTAL_FORMS (up to `absolute_max`);
    a forged count alone then builds and redraws that many empty forms. Here
    it builds none more than were posted, and is still refused as too many.
    """

    def total_form_count(self) -> int:
        total = super().total_form_count()
        if not self.is_bound:
            return total
        marker = f"{self.prefix}-"
        last = -1
        for key in self.data:
            index, dash, _name = key.removeprefix(marker).partition("-")
            if key.startswith(marker) and dash and index.isascii() and index.isdigit():
                last = max(last, int(index))
        return min(total, last + 1)


def _sent_untouched(field: BoundField) -> Any:
    """What a browser sends for a field of a pattern row nobody touched, where
    that is not its initial value: a list that shows none of its choices as
    chosen (a step's icon has no blank one) sends its first choice."""
    widget = field.field.widget
    if not isinstance(widget, Select) or widget.allow_multiple_selected:
        return None
    groups = widget.optgroups(field.html_name, widget.format_value(field.initial))
    options = [option for _group, choices, _index in groups for option in choices]
    if not options or any(option["selected"] for option in options):
        return None
    return str(options[0]["value"])


class PatternRowKept(BaseInlineFormSet):
    """Refuses a save that carries what a parent typed into an inline's pattern row.

    Each inline's page holds a hidden pattern row, its fields named
    `<prefix>-__prefix__-…`, which "add another" copies into a numbered row. A
    formset reads numbered rows only, so whatever is typed into the pattern
    itself would be dropped while the page said "added": a page once showed
    the pattern (issue 24). Should one ever show it again, what was typed there
    becomes a new numbered row and the save is refused, so the parent sees the
    row, checks it and saves again.
    """

    typed_into_pattern = _(
        "A row here was typed into the pattern that new rows are copied from, so it "
        "was not saved. It is now a new row at the end: check it and save again."
    )
    moved_row = _("Not saved yet: check this row and save again.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pattern_row: int | None = None
        if self.is_bound and self._typed_into_pattern():
            self.pattern_row = max(0, self.total_form_count())  # a forged count may be -1
            self.data = self._pattern_as_row(self.pattern_row)
            # Both were read from the data as posted (`add_fields` counts the rows).
            for cached in ("management_form", "forms"):
                self.__dict__.pop(cached, None)

    def _typed_into_pattern(self) -> bool:
        pattern = self.add_prefix("__prefix__")
        if not any(key.startswith(f"{pattern}-") for key in self.data):
            return False
        form = self.form(
            **self.get_form_kwargs(None),
            data=self.data,
            files=self.files,
            auto_id=self.auto_id,
            prefix=pattern,
            empty_permitted=True,
            use_required_attribute=False,
        )
        self.add_fields(form, None)
        for name in form.changed_data:
            field = form[name]
            if field.field.widget.value_omitted_from_data(self.data, self.files, field.html_name):
                continue  # not posted at all: nobody typed it
            if field.data in field.field.empty_values:
                continue  # a default wiped is nothing typed
            if field.data != _sent_untouched(field):
                return True
        return False

    def _pattern_as_row(self, index: int) -> MultiValueDict | dict[str, Any]:
        """The posted data with the pattern's values as row `index`, one row more."""
        pattern, row = f"{self.add_prefix('__prefix__')}-", f"{self.add_prefix(index)}-"
        moving = [key for key in self.data if key.startswith(pattern)]
        data: MultiValueDict | dict[str, Any]
        if isinstance(self.data, MultiValueDict):  # request.POST: keep every ticked box
            data = self.data.copy()
            for key in moving:
                data.setlist(row + key.removeprefix(pattern), data.getlist(key))
                del data[key]
        else:
            data = dict(self.data)
            for key in moving:
                data[row + key.removeprefix(pattern)] = data.pop(key)
        data[self.add_prefix("TOTAL_FORMS")] = str(index + 1)
        return data

    def clean(self) -> None:
        if self.pattern_row is None:
            super().clean()
            return
        refused = ValidationError(self.typed_into_pattern, code="typed_into_pattern")
        try:
            super().clean()  # the row's other problems, to fix in the same go
        except ValidationError as also:
            refused = ValidationError([refused, also])
        if self.pattern_row < len(self.forms):
            self.forms[self.pattern_row].add_error(None, self.moved_row)
        raise refused


class CappedInline(admin.TabularInline):
    """An inline of at most `max_num` rows, whatever the page posts.

    Django builds one form per row the management form claims, up to 2,000 by
    default: a forged TOTAL_FORMS=999999999 made one request take seconds.
    More rows than `max_num` are refused with `too_many`, and no form is built
    for a row that was not posted. Nothing typed into the page's pattern row is
    dropped either (PatternRowKept), and a page refused is drawn again with every
    row it sent, one another parent deleted too (RowsAsOpened).
    """

    too_many = ngettext_lazy("At most %(num)d row.", "At most %(num)d rows.", "num")

    def get_formset(self, request, obj=None, **kwargs):
        capped = type(
            self.formset.__name__,
            (PatternRowKept, RowsAsPosted, RowsAsOpened, self.formset),
            {"default_error_messages": {"too_many_forms": self.too_many}},
        )
        kwargs = {"formset": capped, "validate_max": True, "absolute_max": self.max_num, **kwargs}
        return super().get_formset(request, obj, **kwargs)


class WithoutRelatedLinks(admin.options.InlineModelAdmin):
    """Members and blocks are edited on their own pages; three small links per
    row's choice crowd a phone. (The admin wraps the widget in its links after
    formfield_for_foreignkey, so they are switched off on the wrapper.)"""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return field
