"""Create the first admin user if there is none; never touch an existing one."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


def ensure_admin() -> tuple[str, str | None]:
    """(username, password) of the admin just created; (existing name, None) if a user
    exists already. A password not given as ADMIN_PASSWORD is made up here."""
    User = get_user_model()
    existing = User.objects.order_by("pk").first()
    if existing is not None:
        return existing.get_username(), None
    username = os.environ.get("ADMIN_USERNAME") or "admin"
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    User.objects.create_superuser(username=username, email="", password=password)
    return username, password


class Command(BaseCommand):
    help = "Create an admin from ADMIN_USERNAME/ADMIN_PASSWORD when no user exists yet."

    @transaction.atomic
    def handle(self, *args, **options):
        given = bool(os.environ.get("ADMIN_PASSWORD"))
        username, password = ensure_admin()
        if password is None:
            self.stdout.write("An admin user already exists; left as it is.")
            return
        self.stdout.write(self.style.SUCCESS(f"Created the admin user “{username}”."))
        if not given:
            # Printed once: it is not stored anywhere in clear text.
            self.stdout.write(f"Its password (shown only now): {password}")
