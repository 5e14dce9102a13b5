"""The settings helpers refuse bad values loudly."""

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import settings as hibi

# Each test starts processes of its own (make check leaves them out).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_env_bool_refuses_nonsense(monkeypatch, raw):
    monkeypatch.setenv("HIBI_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="HIBI_FLAG"):
        hibi.env_bool("HIBI_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("HIBI_FLAG", raw)
    assert hibi.env_bool("HIBI_FLAG", not expected) is expected


def test_env_int_refuses_text_and_too_small(monkeypatch):
    monkeypatch.setenv("HIBI_N", "ten")
    with pytest.raises(ImproperlyConfigured):
        hibi.env_int("HIBI_N", 1)
    monkeypatch.setenv("HIBI_N", "0")
    with pytest.raises(ImproperlyConfigured):
        hibi.env_int("HIBI_N", 1, minimum=1)


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("TZ_TEST", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="time zone"):
        hibi.env_time_zone("TZ_TEST", "Asia/Tokyo")


@pytest.mark.parametrize(("raw", "code"), [("JP", "JP"), ("jp", "JP"), ("US", "US"), ("UK", "UK")])
def test_known_countries_and_their_aliases_are_accepted(monkeypatch, raw, code):
    monkeypatch.setenv("COUNTRY_TEST", raw)
    assert hibi.env_country("COUNTRY_TEST", "JP") == code


def test_unknown_country_is_refused(monkeypatch):
    monkeypatch.setenv("COUNTRY_TEST", "XX")
    with pytest.raises(ImproperlyConfigured, match="country"):
        hibi.env_country("COUNTRY_TEST", "JP")


def test_defaults_are_tokyo_and_japanese():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.HOLIDAY_COUNTRY == "JP"


def fresh_settings(code: str, data_dir, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new process with only the given environment (no DATABASE_URL)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PATH": "/usr/bin:/bin",
            "DATA_DIR": str(data_dir),
            **env,
        },
        check=False,
    )


def test_without_database_url_the_database_is_sqlite_in_wal_mode(tmp_path):
    # A fresh process, so this holds even while the suite runs on PostgreSQL.
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = fresh_settings(code, tmp_path, SECRET_KEY="test-only")
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "db.sqlite3")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=NORMAL" in options["init_command"]


def test_production_start_without_a_secret_key_fails_loudly(tmp_path):
    result = fresh_settings("from django.conf import settings; settings.DEBUG", tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
