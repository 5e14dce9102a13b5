"""The admin site as the server loads it: the wall's worker leaves the admin's
pages (every ModelAdmin, its forms) until a parent first opens them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVER = """
import json, sys, types
from io import BytesIO

# The settings serve static files without collectstatic's manifest under
# pytest, as the suite's own tests do (a fresh clone has no manifest).
sys.modules.setdefault("pytest", types.ModuleType("pytest"))
from config.wsgi import application
from config.warmup import warm_up
from django.urls import reverse

from schedule.models import Display


def get(path):
    answer = {}
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "wsgi.input": BytesIO(), "wsgi.url_scheme": "http",
               "HTTP_ACCEPT_LANGUAGE": "ja"}
    b"".join(application(environ, lambda status, headers: answer.update(status=status)))
    return answer["status"]


warm_up(application)
token = Display.objects.first().token
walls = [get(f"/d/{token}/"), get(f"/d/{token}/panel"), get(f"/d/{token}/now.json")]
before = "schedule.admin" in sys.modules
sign_in = get("/admin/login/")
after = "schedule.admin" in sys.modules
print(json.dumps({"walls": walls, "before": before, "sign_in": sign_in, "after": after,
                  "index": reverse("admin:index"),
                  "chores": reverse("admin:schedule_chore_changelist")}))
"""


@pytest.mark.slow  # a server process
def test_the_server_loads_the_admin_when_a_parent_first_opens_it(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("HIBI_ADMIN")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="test-" + "x" * 50,
        DEBUG="0",
        ALLOWED_HOSTS="localhost",
        DATA_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    for command in (["migrate", "-v0"], ["demo_family"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", SERVER], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {
        "walls": ["200 OK", "200 OK", "200 OK"],
        "before": False,  # the wall's worker, warmed up, three wall requests: no admin
        "sign_in": "200 OK",
        "after": True,
        "index": "/admin/",
        "chores": "/admin/schedule/chore/",
    }
