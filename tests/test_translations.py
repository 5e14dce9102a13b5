"""The Japanese catalogue is complete and in step with the source, the words
Django and django-axes leave in English are in Japanese too, and no page of
the Japanese admin shows an English word."""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
# Japanese for what Django and django-axes show but have not translated yet.
OVERRIDES = ROOT / "locale" / "overrides" / "ja" / "LC_MESSAGES"
EVERY_CATALOGUE = [CATALOGUE, OVERRIDES / "django.po", OVERRIDES / "djangojs.po"]
SOURCES = ("config", "schedule", "templates")


def entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def test_the_catalogue_has_entries():
    assert len(entries(CATALOGUE)) > 100


@pytest.mark.parametrize("path", EVERY_CATALOGUE, ids=lambda path: path.name)
def test_no_entry_is_left_untranslated(path):
    missing = [e.msgid for e in entries(path) if not e.translated() and "fuzzy" not in e.flags]
    assert missing == []


@pytest.mark.parametrize("path", EVERY_CATALOGUE, ids=lambda path: path.name)
def test_no_entry_is_fuzzy(path):
    fuzzy = [e.msgid for e in entries(path) if "fuzzy" in e.flags]
    assert fuzzy == []


@pytest.mark.parametrize("path", EVERY_CATALOGUE, ids=lambda path: path.name)
def test_plural_entries_have_every_form(path):
    for entry in entries(path):
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


@pytest.mark.slow  # runs msgfmt
@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
@pytest.mark.parametrize("path", EVERY_CATALOGUE, ids=lambda path: path.name)
def test_the_catalogue_compiles_with_matching_placeholders(path):
    """msgfmt --check: every %(name)s of a message is in its translation too."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
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


# --- What Django and django-axes leave in English ------------------------------------


def _translated(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {
        (e.msgctxt, e.msgid) for e in entries(path) if e.translated() and "fuzzy" not in e.flags
    }


def _django_catalogues() -> list[tuple[Path, Path]]:
    """(English source, Japanese) catalogues of Django itself and of each installed contrib app."""
    import django
    from django.apps import apps

    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if app.name.startswith("django.")
    ]
    found = []
    for root in roots:
        for source in sorted((root / "en" / "LC_MESSAGES").glob("*.po")):
            found.append((source, root / "ja" / "LC_MESSAGES" / source.name))
    return found


def test_every_word_django_leaves_in_english_is_in_the_overrides():
    """A Django upgrade that brings new words fails here until they are translated."""
    ours = {
        "django.po": _translated(OVERRIDES / "django.po") | _translated(CATALOGUE),
        "djangojs.po": _translated(OVERRIDES / "djangojs.po"),
    }
    missing = []
    for source, japanese in _django_catalogues():
        wanted = {(e.msgctxt, e.msgid) for e in entries(source)}
        missing += sorted(wanted - _translated(japanese) - ours[source.name], key=str)
    assert missing == [], "translate these in locale/overrides/ja/LC_MESSAGES"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_word_of_django_axes_is_in_the_overrides(tmp_path):
    """django-axes has no Japanese: its words are read afresh from its source."""
    import axes

    shutil.copytree(
        Path(axes.__file__).parent, tmp_path / "axes", ignore=shutil.ignore_patterns("locale")
    )
    (tmp_path / "axes" / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ja", "-v0"],
        cwd=tmp_path / "axes",
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    wanted = {
        (e.msgctxt, e.msgid)
        for e in entries(tmp_path / "axes" / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    }
    assert len(wanted) > 20
    assert sorted(wanted - _translated(OVERRIDES / "django.po"), key=str) == []


# --- No English on a Japanese admin page ------------------------------------------------

# Names that are the same in a Japanese sentence: products, formats, the app itself,
# keys on a keyboard (Django's own help text names them).
ALLOWED_WORDS = {
    "Hibi", "QR", "URL", "ICS", "iCal", "Apprise", "RRULE", "RFC", "CSV", "JSON", "IP",
    "HTTP", "GET", "POST", "Webhook", "Google", "iPhone", "iPad", "Android", "Fire",
    "Home", "Assistant", "TimeTree", "LDAP", "Control", "Command", "Mac", "Wi-Fi", "sha", "LINE",
    "Open-Meteo", "Fully", "Kiosk", "Browser",
}  # fmt: skip
# Element whose text is not the page's language: code, and text marked as English on purpose.
NOT_PROSE = {"script", "style", "template", "code", "kbd", "samp", "pre"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class VisibleText(HTMLParser):
    """The text a parent reads: text nodes, placeholders and button labels, outside
    code, hidden elements and elements marked lang="en"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def skipping(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        skip = (
            self.skipping()
            or tag in NOT_PROSE
            or "hidden" in values
            or "hidden" in values.get("class", "").split()
            or "display:none" in values.get("style", "").replace(" ", "")
            or values.get("lang", "").startswith("en")
        )
        if not skip:
            if values.get("placeholder"):
                self.texts.append(values["placeholder"])
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.texts.append(values.get("value", ""))
        if tag not in VOID:
            self.open.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.texts.append(data.strip())


def english_words(html: str, allowed: set[str]) -> list[str]:
    """ASCII words of the visible text, leaving out addresses, code-like tokens
    (a digit, "/", "=", "_" or "@" in them) and the allowed names."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for token in re.split(r"[\s、。・，,;()（）「」『』“”\"'|]+", text):
            if re.search(r"[0-9/=_@<>*]|\.\w", token):
                continue
            for word in re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]", token):
                if word not in allowed:
                    found.append(word)
    return found


def family_words() -> set[str]:
    """The family's own English (a display called "Living room", a user "parent"):
    data, not words of the admin."""
    from django.apps import apps
    from django.contrib.auth.models import User
    from django.db import models

    words: set[str] = set()
    for model in apps.get_app_config("schedule").get_models():
        fields = [
            f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            for value in row:
                words |= set(re.findall(r"[A-Za-z]+", str(value or "")))
    for user in User.objects.all():
        words |= set(re.findall(r"[A-Za-z]+", f"{user.username} {user.email}"))
    return words


def admin_pages() -> list[str]:
    """Every page of the admin, with a real row for each change page."""
    from tests.test_urls import every_pattern, paths_of

    skipped = ("admin/logout/", "admin/jsi18n/", "admin/autocomplete/", "admin/r/")
    pages = []
    for route, _pattern in every_pattern():
        if route.startswith("admin/") and not route.startswith(skipped):
            pages += paths_of(route)
    return pages


@pytest.fixture
def every_row(db):
    from datetime import date

    from django.contrib.auth.models import User

    from schedule.data.demo import load_demo_family
    from tests.test_admin import one_of_each

    load_demo_family(date(2026, 11, 23))
    parent = User.objects.create_superuser("parent", "parent@example.com", "a-long-password")
    one_of_each(parent)
    return parent


def test_no_page_of_the_japanese_admin_shows_an_english_word(every_row):
    from django.test import Client

    client = Client(headers={"accept-language": "ja"})
    client.force_login(every_row)
    allowed = ALLOWED_WORDS | family_words()
    seen, found = 0, {}
    for path in admin_pages():
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        for word in english_words(response.content.decode(), allowed):
            found.setdefault(word, path)
    signed_out = Client(headers={"accept-language": "ja"}).get("/admin/login/")
    for word in english_words(signed_out.content.decode(), allowed):
        found.setdefault(word, "/admin/login/")
    assert seen > 60
    assert found == {}, "\n".join(f"{word}: {path}" for word, path in sorted(found.items()))


def test_the_scan_finds_english_where_there_is_some():
    html = (
        '<p>家事を追加</p><p>Add chore</p><code>FREQ=WEEKLY</code><span lang="en">English</span>'
        '<div class="hidden">Loaded version</div><input type="submit" value="Save">'
        '<textarea placeholder="e.g. 2026-12-31"></textarea><p>Hibi の QR コード</p>'
    )
    assert english_words(html, ALLOWED_WORDS) == ["Add", "chore", "Save"]
