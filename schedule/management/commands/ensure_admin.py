"""Create the first admin user if there is none; never touch an existing one."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create an admin from ADMIN_USERNAME/ADMIN_PASSWORD when no user exists yet."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("An admin user already exists; left as it is.")
            return
        username = os.environ.get("ADMIN_USERNAME") or "admin"
        password = os.environ.get("ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Created the admin user “{username}”."))
        if generated:
            # Printed once: it is not stored anywhere in clear text.
            self.stdout.write(f"Its password (shown only now): {password}")
