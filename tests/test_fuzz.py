"""Garbage in every field, never a 5xx and never a hang.

Hypothesis fills every admin page's form (every registered model, add and
change, inline rows and their management forms included) with what a clumsy
parent or an attacker might send: text with NUL and 100,000 characters,
numbers past 64 bits, dates in year 1 and 9999 or no date at all, times that
do not exist, repeat rules that never end. After each save that goes through,
the wall is asked too, since what a parent saves is what the tablet draws.
Then the wall's own addresses get the same treatment. Every request must
answer below 500 and within 2 seconds (a hang detector, not a benchmark).

The examples are derandomized, so every run sends the same requests. The
number sent is written to test-artifacts/fuzz.json.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedule.models import (
    Chore,
    ChoreCancellation,
    ChoreDone,
    Closure,
    IconColour,
    Member,
    Note,
    Plan,
    Reward,
    RoutineStep,
    StarEntry,
    StarRules,
    StepDone,
)
from tests.pages import form_of

# Minutes of hypothesis examples: make check leaves them to make test.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# A hang, not a slow answer: the suite runs beside browsers and PostgreSQL on
# a busy CI machine, where a Django admin POST has taken 3.4 s. bench/ measures speed.
SLOWEST_ALLOWED = 10.0  # seconds
ARTIFACT = Path(__file__).resolve().parent.parent / "test-artifacts" / "fuzz.json"
TRIED: Counter = Counter()
SLOWEST: list[tuple[float, str]] = []  # the five slowest requests

# An admin example posts to every page once, so ten of them are some 220
# posts; the wall's requests are cheap, so it gets many more examples.
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
MANY = settings(FUZZ, max_examples=80)

# --- What goes into the fields -------------------------------------------------------

NASTY_WORDS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "%(name)s %s {{ x }}",
    "../../etc/passwd",
    "null",
    "\u202e\u200b",
    "ＡＢＣ１２３",
    "😀" * 3,
]
huge_text = st.builds(
    lambda char, size: char * size, st.sampled_from("aあ\x00"), st.integers(1_000, 100_000)
)
# In a URL, nothing huge: gunicorn refuses a request line over 4 KB before Django sees it.
short_text = st.one_of(st.sampled_from(NASTY_WORDS), st.text(max_size=40))
text = st.one_of(short_text, huge_text)
numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["-1", "0", "1", "2", "12", "13", "31", "32", "9998", "9999", "10000"]),
    st.sampled_from(["32767", "32768", "65536", str(2**31), str(2**63 - 1)]),
)
dates = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(
        [
            *("0001-01-01", "9999-12-31", "1969-12-31", "2101-01-01", "2026-02-30"),
            *("2026-13-01", "2026/11/23", "23.11.2026", "yesterday", "２０２６-１１-２３"),
            "2026-11-23T10:00",
        ]
    ),
)
date_lists = st.lists(dates, max_size=5).map("\n".join) | st.sampled_from(
    ["\n".join(f"2026-01-{day:02d}" for day in range(1, 32)) * 15]  # far more than 366 dates
)
times = st.one_of(
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:60", "-1:00", "7", "07:00:00.5", "25:99", "12:00 PM", "午後3時"]),
)
RULE_PARTS = [
    "FREQ=DAILY",
    "FREQ=WEEKLY",
    "FREQ=MONTHLY",
    "FREQ=YEARLY",
    "FREQ=HOURLY",
    "FREQ=MINUTELY",
    "FREQ=SECONDLY",
    "INTERVAL=0",
    "INTERVAL=-1",
    "INTERVAL=999999999999",
    "BYHOUR=",
    "BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
    "BYMINUTE=0,30",
    "BYSECOND=0,1,2,3,4,5,6,7",
    "COUNT=",
    "COUNT=0",
    "COUNT=999999999",
    "UNTIL=00010101",
    "UNTIL=99991231T235959Z",
    "BYDAY=MO,TH",
    "BYDAY=XX",
    "BYDAY=53MO",
    "BYDAY=-1SU",
    "BYMONTHDAY=31",
    "BYMONTHDAY=0",
    "BYMONTH=2",
    "BYWEEKNO=-53",
    "BYYEARDAY=366",
    "BYSETPOS=-1",
    "WKST=SU",
    "DTSTART=19700101",
    "RRULE:FREQ=DAILY",
    "=",
    "",
]
rules = st.one_of(
    st.lists(st.sampled_from(RULE_PARTS), max_size=5).map(";".join),
    st.sampled_from(
        [
            "FREQ=DAILY;INTERVAL=0",
            "FREQ=WEEKLY;INTERVAL=0;BYDAY=MO",
            "FREQ=MONTHLY;INTERVAL=-1",
            "FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE=0,15,30,45;BYSECOND=0,1,2,3,4,5,6,7",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        ]
    ),
)
form_counts = st.one_of(
    st.sampled_from(["0", "1", "2", "-1", "101", "1000", "999999999", str(2**64), "", "abc"]),
    st.integers(-3, 150).map(str),
)


TIME_FIELDS = {"start", "end", "time", "night_start", "night_end"}


def strategy_for(name: str, kind: str, options: list[str], anything=text):
    """Values a field might get: its own sort of nonsense, or anything at all."""
    field = name.rsplit("-", 1)[-1]
    if field in {"TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"}:
        own = form_counts
    elif field == "rrule":
        own = rules
    elif field in {"extra_dates", "exception_dates"}:
        own = date_lists
    elif kind == "date" or "date" in field or field.startswith("valid_") or field.endswith("_0"):
        own = dates
    elif kind == "time" or field in TIME_FIELDS or field.endswith("_1"):  # _1: a split time
        own = times
    elif kind == "number" or field in {"id", "priority", "order", "interval", "plan", "chore"}:
        own = numbers
    elif options:
        own = st.sampled_from(options) | numbers
    else:
        own = anything
    return st.one_of(own, anything)


# --- Requests ------------------------------------------------------------------------


def timed(what: str, call):
    """The response and how long it took; a slow one is sent once more, and the
    quicker time counts: a hang is slow both times, a busy test machine seldom is."""
    started = time.monotonic()
    response = call()
    seconds = time.monotonic() - started
    TRIED[what] += 1
    if seconds >= SLOWEST_ALLOWED and response.status_code < 500:
        started = time.monotonic()
        response = call()
        seconds = min(seconds, time.monotonic() - started)
        TRIED[what] += 1
    request = response.wsgi_request
    SLOWEST.append((round(seconds, 3), f"{request.method} {request.get_full_path()}"[:300]))
    SLOWEST[:] = sorted(SLOWEST, reverse=True)[:5]
    return response, seconds


def assert_answered(response, seconds: float, request: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {request}"
    assert seconds < SLOWEST_ALLOWED, f"{seconds:.1f} s for {request}"


@pytest.fixture(scope="module", autouse=True)
def _write_the_figures():
    yield
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(
        json.dumps(
            {
                "requests": sum(TRIED.values()),
                "by_kind": dict(TRIED),
                "slowest": SLOWEST,
            },
            indent=2,
        )
        + "\n"
    )


@pytest.fixture
def family(demo_display, settings):
    """The demo family, one row of every other registered model, and a parent signed in."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # The real hasher takes a third of a second per password, on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    parent = User.objects.create_superuser("parent", "parent@example.com", "a-long-password")
    chore = Chore.objects.order_by("pk").first()
    step = RoutineStep.objects.select_related("routine").order_by("pk").first()
    kid = Member.objects.filter(collects_stars=True).order_by("pk").first()
    visit = {"user_agent": "Silk/90", "ip_address": "192.0.2.7", "username": "grandma"}
    visit |= {"http_accept": "text/html", "path_info": "/admin/login/"}
    rows = {
        "auth.User": User.objects.create_user("grandma", "grandma@example.com", "knitting-42"),
        "auth.Group": Group.objects.create(name="親"),
        "axes.AccessAttempt": AccessAttempt.objects.create(
            **visit, get_data="", post_data="", failures_since_start=1
        ),
        "axes.AccessLog": AccessLog.objects.create(**visit),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(**visit),
        "schedule.Plan": Plan.objects.order_by("pk").first(),
        "schedule.Chore": chore,
        "schedule.Display": demo_display,
        "schedule.Member": Member.objects.order_by("pk").first(),
        "schedule.Note": Note.objects.order_by("pk").first(),
        "schedule.ChoreDone": ChoreDone.objects.create(chore=chore, date=date.today()),
        "schedule.IconColour": IconColour.objects.create(icon="tidy", colour="#228844"),
        "schedule.Routine": step.routine,
        "schedule.StepDone": StepDone.objects.create(step=step, member=kid, date=date.today()),
        "schedule.StarRules": StarRules.load(),
        "schedule.Reward": Reward.objects.order_by("pk").first(),
        "schedule.StarEntry": StarEntry.objects.create(
            member=kid, date=date.today(), amount=2, kind=StarEntry.Kind.PARENT
        ),
        "schedule.Closure": Closure.objects.order_by("pk").first(),
        "schedule.ChoreCancellation": ChoreCancellation.objects.create(
            chore=chore, date=date.today()
        ),
        **beyond_the_wall(),
        **tonight_and_tomorrow(),
        **around_the_wall(),
    }
    client = Client(headers={"accept-language": "ja"})
    client.force_login(parent)
    return client, rows, demo_display, {}


def around_the_wall() -> dict:
    """The demo family's rows of issue 30: a time away, a caregiver link, an
    announcement, and a token for Home Assistant."""
    from schedule.models import Announcement, AnnouncementToken, AwayPeriod, CaregiverLink

    token = AnnouncementToken.objects.order_by("pk").first()
    if token is None:
        token = AnnouncementToken.objects.create(name="Home Assistant", digest="0" * 64)
    return {
        "schedule.AwayPeriod": AwayPeriod.objects.order_by("pk").first(),
        "schedule.CaregiverLink": CaregiverLink.objects.order_by("pk").first(),
        "schedule.Announcement": Announcement.objects.order_by("pk").first(),
        "schedule.AnnouncementToken": token,
    }


def tonight_and_tomorrow() -> dict:
    """The demo family's rows of issue 29: menu, weather, bags, sleeps."""
    from schedule.models import BagItem, BagRules, CallOffRule, Countdown, Meal, WeatherPlace

    return {
        "schedule.Meal": Meal.objects.order_by("pk").first(),
        "schedule.BagItem": BagItem.objects.order_by("pk").first(),
        "schedule.BagRules": BagRules.objects.get(),
        "schedule.Countdown": Countdown.objects.order_by("pk").first(),
        "schedule.CallOffRule": CallOffRule.objects.order_by("pk").first(),
        "schedule.WeatherPlace": WeatherPlace.objects.get(),
    }


def beyond_the_wall() -> dict:
    """A row of each model for calendars, feeds, phones and the sent log."""
    from django.utils import timezone

    from schedule.models import CalendarFeed, CalendarSubscription, Delivery, NudgeTarget

    phone = NudgeTarget.objects.create(name="phone", apprise_url="json://127.0.0.1:9/")
    return {
        "schedule.CalendarSubscription": CalendarSubscription.objects.create(
            name="School", url="https://example.com/school.ics"
        ),
        "schedule.CalendarFeed": CalendarFeed.objects.create(name="Family"),
        "schedule.NudgeTarget": phone,
        "schedule.Delivery": Delivery.objects.create(
            kind="nudge",
            channel="target:1",
            occurrence="evening:2026-11-24",
            due_at=timezone.now(),
            target=phone,
            title="あしたの あさ",
        ),
    }


def registered_pages():
    models = sorted(admin.site._registry, key=lambda model: model._meta.label)
    return [(model._meta.label, kind) for model in models for kind in ("add", "change")]


def admin_url(label: str, kind: str, rows: dict) -> str:
    app, model = label.lower().split(".")
    args = [rows[label].pk] if kind == "change" else []
    return reverse(f"admin:{app}_{model}_{kind}", args=args)


def fuzzed_post(data, fields: dict[str, dict]) -> dict[str, list[str]]:
    """The page's own values, some of them swapped for nonsense, some left out."""
    post: dict[str, list[str]] = {}
    rows = data.draw(st.integers(0, 3), label="rows per empty inline")
    for name, field in fields.items():
        names = [name]
        if "__prefix__" in name:  # an inline's empty row: fill in a few of them
            names = [name.replace("__prefix__", str(index)) for index in range(rows)]
        for each in names:
            choice = data.draw(st.sampled_from(["keep", "fuzz", "drop"]), label=each)
            if choice == "drop":
                continue
            if choice == "keep":
                kept = field["values"] or field["options"][:1]
                if kept:
                    post[each] = kept
                continue
            strategy = strategy_for(each, field["kind"], field["options"])
            post[each] = data.draw(st.lists(strategy, min_size=1, max_size=3), label=each)
    return post


@FUZZ
@given(data=st.data())
def test_no_admin_form_post_answers_5xx_or_hangs(family, data):
    """Each example posts once to every registered model's add and change page."""
    client, rows, display, forms_seen = family
    wall_url = reverse("wall", args=[display.token])
    for label, kind in registered_pages():
        url = admin_url(label, kind, rows)
        if url not in forms_seen:
            page = client.get(url)
            assert page.status_code in (200, 403), url  # 403: axes' logs are read-only
            forms_seen[url] = form_of(page.content.decode()) if page.status_code == 200 else {}
        post = fuzzed_post(data, forms_seen[url]) if forms_seen[url] else {"name": ["x"]}
        response, seconds = timed("admin post", lambda u=url, p=post: client.post(u, p))
        assert_answered(response, seconds, f"POST {url} {post!r:.3000}")
        if response.status_code == 302:  # saved: the wall must still draw the family's day
            for moment in ("", "?at=2026-11-23T17:05"):
                wall, seconds = timed(
                    "wall after a save", lambda m=moment: Client().get(wall_url + m)
                )
                assert_answered(
                    wall, seconds, f"GET {wall_url}{moment} after POST {url} {post!r:.3000}"
                )


LIST_PARAMS = [
    "q",
    "o",
    "p",
    "all",
    "e",
    "_changelist_filters",
    "chore__id__exact",
    "is_staff__exact",
    "groups__id__exact",
]


DRILL = ("year", "month", "day")
# Mostly the edges of the calendar, where the trouble is.
calendar_edges = st.sampled_from(["1", "2", "0", "-1", "12", "13", "31", "32", "9998", "9999"])
drill_down_parts = st.one_of(calendar_edges, calendar_edges, calendar_edges, numbers, short_text)


@FUZZ
@given(data=st.data())
def test_no_admin_list_answers_5xx_or_hangs(family, data):
    """Each example asks every model's list with odd filters, and posts an action to it."""
    client, rows, _display, _forms = family
    for label in sorted(rows):
        app, model = label.lower().split(".")
        url = reverse(f"admin:{app}_{model}_changelist")
        queries = [
            data.draw(
                st.dictionaries(
                    st.sampled_from(LIST_PARAMS), numbers | short_text | dates, max_size=4
                )
            )
        ]
        if field := admin.site._registry[rows[label]._meta.model].date_hierarchy:
            drilled = data.draw(st.lists(drill_down_parts, min_size=1, max_size=3))
            parts = zip(DRILL, drilled, strict=False)
            queries.append({f"{field}__{part}": value for part, value in parts})
        for query in queries:
            request = f"{url}?{urlencode(query)}"
            response, seconds = timed("admin list", lambda r=request: client.get(r))
            assert_answered(response, seconds, f"GET {request}")
        rows_ticked = numbers | text | st.just(str(rows[label].pk))
        actions = st.sampled_from(["delete_selected", "duplicate", "regenerate_tokens", "x"])
        post = {
            "action": data.draw(actions),
            "_selected_action": data.draw(st.lists(rows_ticked, max_size=3)),
            "index": "0",
        }
        response, seconds = timed("admin action", lambda u=url, p=post: client.post(u, p))
        assert_answered(response, seconds, f"POST {url} {post!r:.2000}")


REPEAT_FIELDS = [
    "repeat_mode",
    "weekdays",
    "week_interval",
    "month_weeks",
    "month_weekdays",
    "interval",
    "interval_unit",
    "rrule",
    "start_date",
    "extra_dates",
    "exception_dates",
    "holiday_policy",
    "holiday_exceptions",
    "no_collection_days",
    "is_garbage",
    "chore",
]


@MANY
@given(data=st.data())
def test_no_next_dates_preview_or_wall_preview_answers_5xx_or_hangs(family, data):
    client, rows, _display, _forms = family
    params = {
        name: data.draw(
            strategy_for(name, "text", [], short_text) | st.sampled_from(["raw", "weekly", "1"])
        )
        for name in data.draw(st.lists(st.sampled_from(REPEAT_FIELDS), unique=True))
    }
    url = reverse("admin:schedule_chore_next_dates")
    request = f"{url}?{urlencode(params)}"
    response, seconds = timed("next dates preview", lambda: client.get(request))
    assert_answered(response, seconds, f"GET {request}")
    preview = reverse("admin:schedule_plan_preview", args=[rows["schedule.Plan"].pk])
    params = {"display": data.draw(numbers), "date": data.draw(dates), "time": data.draw(times)}
    request = f"{preview}?{urlencode(params)}"
    response, seconds = timed("plan preview", lambda: client.get(request))
    assert_answered(response, seconds, f"GET {request}")


# --- The wall ------------------------------------------------------------------------

moments = st.one_of(
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(
        [
            *("", "0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00"),
            *("2026-11-23T24:00", "2026-11-23", "2026-11-23T17:05:00", "2026-11-23 17:05"),
            *("now", "%00"),
        ]
    ),
    short_text,
)
versions = st.one_of(st.text(max_size=20), st.sampled_from(["", "0", "-1", "a" * 2000, "\x00"]))
tokens = st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(["x", "a" * 2000, "%00"]))


def segment(value: str) -> str:
    return quote(value, safe="")


@MANY
@given(data=st.data())
def test_no_wall_request_answers_5xx_or_hangs(family, data):
    _client, _rows, display, _forms = family
    token = data.draw(st.one_of(st.just(display.token), tokens), label="token")
    htmx = data.draw(st.booleans(), label="htmx")
    client = Client(headers={"hx-request": "true"} if htmx else {})
    base = f"/d/{segment(token)}/"
    at = data.draw(moments, label="at")
    requests = [
        ("GET", base + "?" + urlencode({"at": at})),
        ("GET", base + "panel?" + urlencode({"v": data.draw(versions), "at": at})),
        ("GET", base + "now.json?" + urlencode({"at": at})),
    ]
    chore_ids = [str(pk) for pk in Chore.objects.values_list("pk", flat=True)]
    chore_id = data.draw(
        st.one_of(st.sampled_from(chore_ids), st.integers(0, 2**70).map(str)), label="chore"
    )
    day = data.draw(
        st.one_of(
            st.dates(date.today() - timedelta(days=3), date.today() + timedelta(days=3)).map(
                date.isoformat
            ),
            dates,
            st.text(min_size=1, max_size=20),
        ),
        label="day",
    )
    done = data.draw(st.one_of(st.sampled_from(["0", "1"]), text), label="done")
    toggle = f"{base}chores/{chore_id}/{segment(day)}/done?" + urlencode({"at": at})
    for method, url in requests:
        response, seconds = timed("wall", lambda u=url: client.get(u))
        assert_answered(response, seconds, f"{method} {url}")
    response, seconds = timed("chore tick", lambda: client.post(toggle, {"done": done}))
    assert_answered(response, seconds, f"POST {toggle} done={done!r}")
    step_ids = [str(pk) for pk in RoutineStep.objects.values_list("pk", flat=True)]
    step_id = data.draw(
        st.one_of(st.sampled_from(step_ids), st.integers(0, 2**70).map(str)), label="step"
    )
    member_ids = [str(pk) for pk in Member.objects.values_list("pk", flat=True)]
    member = data.draw(st.one_of(st.sampled_from(member_ids), numbers, text), label="member")
    form = {"done": done, "member": member} if data.draw(st.booleans()) else {"done": done}
    step_tick = f"{base}steps/{step_id}/{segment(day)}/done?" + urlencode({"at": at})
    response, seconds = timed("step tick", lambda: client.post(step_tick, form))
    assert_answered(response, seconds, f"POST {step_tick} {form!r:.300}")


@MANY
@given(data=st.data())
def test_no_call_off_or_calendar_import_answers_5xx_or_hangs(family, data):
    client, rows, _display, _forms = family
    cancel = reverse("admin:schedule_chore_cancel", args=[rows["schedule.Chore"].pk])
    post = {
        "date": data.draw(dates),
        "cancelled": data.draw(st.sampled_from(["0", "1", "", "2"]) | short_text),
        "reason": data.draw(short_text),
        "next": data.draw(st.sampled_from(["/admin/", "//evil.example/", "", "javascript:x"])),
    }
    response, seconds = timed("call off", lambda: client.post(cancel, post))
    assert_answered(response, seconds, f"POST {cancel} {post!r:.3000}")
    assert response.status_code == 302 and "evil" not in response["Location"]
    page = reverse("admin:schedule_chore_import")
    cells = st.text(alphabet='月火水木金土日0123456789:* ,"\n　２', max_size=30)
    text = "地名,センター,燃やすごみ,古紙\n" + "\n".join(
        data.draw(st.lists(cells, min_size=1, max_size=4), label="rows")
    )
    post = {
        "area_days_text": text,
        "center_text": data.draw(st.sampled_from(["", "名称,a,b\n東,2026/12/31,2027/1/4\n"])
                                 | short_text),
        "area": data.draw(short_text),
        "shown_area": data.draw(short_text),
        "step": data.draw(st.sampled_from(["preview", "create", "read", ""])),
        "kinds-TOTAL_FORMS": data.draw(numbers),
        "kinds-INITIAL_FORMS": data.draw(numbers),
    }  # fmt: skip
    response, seconds = timed("calendar import", lambda: client.post(page, post))
    assert_answered(response, seconds, f"POST {page} {post!r:.3000}")
