"""Template tags of Hibi's admin pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.text import capfirst

register = template.Library()


@register.inclusion_tag("admin/hibi/error_banner.html", takes_context=True)
def error_banner(context: dict[str, Any]) -> dict[str, Any]:
    """Each field in error, named and linked, for the banner at the top of a form:
    on a phone the field's own message may be a long scroll below."""
    items = []
    adminform = context.get("adminform")
    if adminform is not None:
        items += _field_errors(adminform.form, "")
    for inline in context.get("inline_admin_formsets") or ():
        formset = inline.formset
        name = capfirst(inline.opts.verbose_name_plural)
        if formset.non_form_errors():
            items.append(_item(name, f"{formset.prefix}-group", formset.non_form_errors()))
        for number, form in enumerate(formset.forms, start=1):
            if not form.errors:
                continue
            row = f"{capfirst(inline.opts.verbose_name)} {number}"
            if form.non_field_errors():
                items.append(_item(row, f"{formset.prefix}-{number - 1}", form.non_field_errors()))
            items += _field_errors(form, f"{row}: ")
    return {"items": items}


def _field_errors(form, prefix: str) -> list[dict[str, str]]:
    found = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None or field.widget.is_hidden:
            continue  # the form's own message under the banner says it
        found.append(_item(f"{prefix}{capfirst(field.label or name)}", form[name].auto_id, errors))
    return found


def _item(label: Any, anchor: str, errors: Any) -> dict[str, str]:
    return {"label": str(label), "anchor": anchor, "message": " ".join(str(e) for e in errors)}
