"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The server loads the admin's pages when a parent first opens them
# (schedule/sites.py, HibiAdminConfig); HIBI_ADMIN_ON_FIRST_USE=0 loads them at start.
os.environ.setdefault("HIBI_ADMIN_ON_FIRST_USE", "1")

application = get_wsgi_application()
