"""Nothing of the family's day reaches a stranger: every URL pattern of
config/urls.py (the admin's included), asked without a login and with wrong
tokens, answers without a name, a block, a chore or a note of the family."""

import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from schedule.data.demo import CHORES, DAY_OFF_BLOCKS, MEMBERS, WEEKDAY_BLOCKS, load_demo_family
from schedule.models import (
    Announcement,
    Block,
    CalendarFeed,
    CalendarSubscription,
    Chore,
    ChoreDone,
    Display,
    Member,
    Note,
    NudgeTarget,
    Plan,
    RoutineStep,
)

pytestmark = pytest.mark.django_db

WRONG_TOKEN = "not-the-walls-token-0123456789ab"


def family_texts() -> set[str]:
    """What a stranger must never read: the demo family's names, its plans'
    blocks, its chores, its note and its tablet, in both languages."""
    texts = {name for _key, ja, en, _colour, _icon in MEMBERS for name in (ja, en)}
    for blocks in (WEEKDAY_BLOCKS, DAY_OFF_BLOCKS):
        texts |= {title for row in blocks for title in row[2:4]}
    texts |= {title for row in CHORES for title in row[:2]}
    for note in Note.objects.all():
        texts |= {note.text_ja, note.text_en}
    texts |= {plan.name_ja for plan in Plan.objects.all()} | {p.name_en for p in Plan.objects.all()}
    texts |= set(Display.objects.values_list("name", flat=True))
    texts |= {"学校の行事", "School events", "Dad's phone"}
    return {text for text in texts if text}


def leaks(body: str, texts: set[str]) -> list[str]:
    """Family texts in a body: Japanese anywhere, English as whole words
    ("Work" may not hide in "Network", nor "Mom" in "Moment")."""
    found = []
    for text in texts:
        if text.isascii():
            if re.search(rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])", body):
                found.append(text)
        elif text in body:
            found.append(text)
    return found


def every_pattern(patterns=None, prefix="") -> list[tuple[str, URLPattern]]:
    patterns = get_resolver().url_patterns if patterns is None else patterns
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += every_pattern(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def first_pk(route: str) -> str:
    """The id of a real row for an admin route such as admin/schedule/plan/<…>/change/."""
    parts = route.split("/")
    if len(parts) > 3 and parts[0] == "admin":
        try:
            model = apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return "1"
        pk = model._default_manager.values_list("pk", flat=True).first()
        return str(pk) if pk is not None else "1"
    return "1"


def paths_of(route: str) -> list[str]:
    """Concrete paths for a route: real ids, wrong tokens, every app of the app list."""
    if route.startswith("admin/^"):  # the app list: one path per app
        labels = re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|")
        return [f"/admin/{label}/" for label in labels]
    if route.endswith("(?P<url>.*)$"):  # the admin's catch-all
        return ["/admin/no-such-page/", "/admin/schedule/"]
    note = Note.objects.first()
    samples = {
        "token": WRONG_TOKEN,
        "chore_id": str(Chore.objects.first().pk),
        "step_id": str(RoutineStep.objects.first().pk),
        "member_id": str(Member.objects.first().pk),
        "announcement_id": str(Announcement.objects.first().pk),
        "day": date(2026, 11, 24).isoformat(),
        "object_id": first_pk(route),
        "content_type_id": str(ContentType.objects.get_for_model(Note).pk),
        "id": str(User.objects.first().pk),
        # A plan's block, on the page of that plan.
        "block_id": str(
            Block.objects.filter(plan_id=first_pk(route)).values_list("pk", flat=True).first()
        ),
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], route)
    if "<" in path or "(?" in path:
        raise AssertionError(f"no sample for the route {route!r}: add one to paths_of()")
    if route.startswith("admin/r/"):
        path = path.replace(f"/{first_pk(route)}/", f"/{note.pk}/")
    return ["/" + path]


@pytest.fixture
def family(db, parent_and_rows):
    return family_texts()


@pytest.fixture
def parent_and_rows(db):
    load_demo_family(date(2026, 11, 23))
    parent = User.objects.create_superuser("parent", "parent@example.com", "a-long-password")
    weekday = Plan.objects.get(name_ja="平日")
    weekday.overrides.create(date=date(2026, 12, 5), reason="学校の行事")
    ChoreDone.objects.create(chore=Chore.objects.first(), date=date(2026, 11, 23))
    CalendarFeed.objects.create(name="School events")
    CalendarSubscription.objects.create(name="学校の行事", url="https://example.com/s.ics")
    NudgeTarget.objects.create(name="Dad's phone", apprise_url="json://127.0.0.1:9/")
    return parent


def test_the_walk_covers_the_wall_the_feeds_the_health_check_and_the_admin(family):
    routes = {route for route, _pattern in every_pattern()}
    for expected in ("d/<token:token>/", "ics/<token:token>.ics", "healthz", "i18n/setlang/"):
        assert expected in routes
    assert any(route.startswith("admin/schedule/plan/") for route in routes)
    assert len(routes) > 100


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_url_shows_the_family_to_a_stranger(family, method):
    stranger = Client()
    answered = {}
    for route, _pattern in every_pattern():
        for path in paths_of(route):
            response = getattr(stranger, method)(path)
            assert response.status_code != 500, path
            body = b"".join(response) if response.streaming else response.content
            found = leaks(body.decode("utf-8", "replace"), family)
            assert found == [], f"{method.upper()} {path} ({response.status_code}) shows {found}"
            answered[path] = response.status_code
    # The doors: the sign-in page and the health check open, everything else shut.
    assert answered["/admin/login/"] == 200
    assert answered["/healthz"] == (200 if method == "get" else 405)
    assert answered[f"/d/{WRONG_TOKEN}/"] in {404, 405}
    assert answered[f"/ics/{WRONG_TOKEN}.ics"] in {404, 405}
    plan = first_pk("admin/schedule/plan/<path:object_id>/change/")
    assert answered[f"/admin/schedule/plan/{plan}/change/"] == 302
    assert ChoreDone.objects.count() == 1  # nothing ticked either


def test_the_walk_would_notice_a_leak(family, client, parent_and_rows):
    """The same check on a page that does show the family (the admin, signed in)."""
    client.force_login(parent_and_rows)
    body = client.get("/admin/").content.decode()
    assert leaks(body, family)


def test_a_display_s_real_token_still_opens_its_wall(family, client):
    display = Display.objects.get()
    assert client.get(display.get_absolute_url()).status_code == 200
