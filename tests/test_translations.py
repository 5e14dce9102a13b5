"""The Japanese catalogue is complete and in step with the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
SOURCES = ("config", "schedule", "templates")


def entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_the_catalogue_has_entries():
    assert len(entries(CATALOGUE)) > 100


def test_no_entry_is_left_untranslated():
    missing = [e.msgid for e in entries(CATALOGUE) if not e.translated() and "fuzzy" not in e.flags]
    assert missing == []


def test_no_entry_is_fuzzy():
    fuzzy = [e.msgid for e in entries(CATALOGUE) if "fuzzy" in e.flags]
    assert fuzzy == []


def test_plural_entries_have_every_form():
    for entry in entries(CATALOGUE):
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_string_in_the_source_is_in_the_catalogue(tmp_path):
    """Drift: extract the strings afresh from a copy of the source and compare."""
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin:/usr/local/bin", "DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(e.msgctxt, e.msgid) for e in entries(tmp_path / CATALOGUE.relative_to(ROOT))}
    committed = {(e.msgctxt, e.msgid) for e in entries(CATALOGUE)}
    assert sorted(fresh - committed, key=str) == [], "run makemessages and translate these"
    assert sorted(committed - fresh, key=str) == [], "stale entries: run makemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_the_catalogue_compiles_with_matching_placeholders():
    """msgfmt --check: every %(name)s of a message is in its translation too."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# Words our catalogue shares with Django's own and deliberately says differently:
# shorter, or in the form a family uses.
DJANGO_WORDS_WE_REPHRASE = {"Delete?", "now", "English"}


def test_shared_words_keep_djangos_meaning_in_the_admin():
    """Our catalogue wins over Django's, so a shared msgid (an icon called "Home")
    must not turn the admin's breadcrumb into something else."""
    import django

    ours = {(e.msgctxt, e.msgid): e.msgstr for e in entries(CATALOGUE) if not e.msgid_plural}
    django_root = Path(django.__file__).parent
    clashes = []
    for path in django_root.glob("**/locale/ja/LC_MESSAGES/django.po"):
        for entry in entries(path):
            key = (entry.msgctxt, entry.msgid)
            if entry.msgid in DJANGO_WORDS_WE_REPHRASE or key not in ours or not entry.msgstr:
                continue
            if ours[key] != entry.msgstr:
                clashes.append((entry.msgid, entry.msgstr, ours[key]))
    assert clashes == []


def test_the_admin_speaks_japanese_by_default(admin_client):
    assert "家族の予定を整える" in admin_client.get("/admin/").content.decode()
    plans = admin_client.get("/admin/schedule/plan/").content.decode()
    assert '<a href="/admin/">ホーム</a>' in plans
