"""The operator's pages in the parent's language: users and groups with their
permissions named in words, not in the English that Django stores for them, and
the few words of Django and django-axes that cannot be translated where they are.

Django writes each permission's name once, in English ("Can add chore"), when
the tables are made; the pickers on a user's and a group's page would print
that in a Japanese admin. Here each default permission is named from the
model's (translated) name and the action instead. The task queue has no page
in this admin, so its permissions grant nothing and are not offered.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission, User
from django.db.models import QuerySet
from django.forms import ModelMultipleChoiceField
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
    "view": _("Can view"),
}
WITHOUT_A_PAGE = ["django_tasks_database"]  # django-tasks-db's app label


def permission_label(permission: Permission) -> str:
    """A permission as "Family schedule | Chore | Can add", in the active language."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    app = model._meta.app_config.verbose_name
    return f"{app} | {capfirst(model._meta.verbose_name)} | {ACTIONS[action]}"


def offered(permissions: QuerySet[Permission]) -> QuerySet[Permission]:
    return permissions.select_related("content_type").exclude(
        content_type__app_label__in=WITHOUT_A_PAGE
    )


class PermissionsInWords:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name in {"permissions", "user_permissions"}:
            field.queryset = offered(field.queryset)
            field.label_from_instance = permission_label
        return field


class UserForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's form sets the permissions' choices again, all of them.
        if chosen := self.fields.get("user_permissions"):
            assert isinstance(chosen, ModelMultipleChoiceField) and chosen.queryset is not None
            chosen.queryset = offered(chosen.queryset)


class PasswordForm(AdminPasswordChangeForm):
    # Django's warning under "password-based authentication" is English only (6.1).
    usable_password_help_text = format_lazy(  # type: ignore[assignment]
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class HibiUserAdmin(PermissionsInWords, UserAdmin):
    form = UserForm
    change_password_form = PasswordForm


class HibiGroupAdmin(PermissionsInWords, GroupAdmin):
    pass


class SignInAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("State"))
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)


for model, model_admin in (
    (User, HibiUserAdmin),
    (Group, HibiGroupAdmin),
    (AccessAttempt, SignInAttemptAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
