"""show_day, demo_family and ensure_admin as a parent or the Makefile runs them."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command

from schedule import models

pytestmark = pytest.mark.django_db


def show_day(*args) -> str:
    out = StringIO()
    call_command("show_day", *args, stdout=out)
    return out.getvalue()


def test_show_day_json_on_labour_thanksgiving(demo_display):
    data = json.loads(show_day("--date", "2026-11-23", "--at", "17:05", "--json", "--lang", "ja"))
    assert data["date"] == "2026-11-23"
    assert data["time"] == "2026-11-23T17:05:00+09:00"
    assert data["plan"]["name_ja"] == "休日"
    assert data["holiday"]["name_ja"] == "勤労感謝の日"
    current = [b for b in data["blocks"] if b["current"]]
    assert [b["title_ja"] for b in current] == ["お片付け"]
    assert data["current"] == current
    assert current[0]["start"] == "2026-11-23T17:00:00+09:00"
    assert current[0]["end"] == "2026-11-23T17:20:00+09:00"
    for key in ("start", "end", "title_ja", "title_en", "members", "current", "lane"):
        assert key in data["blocks"][0]
    burnable = next(c for c in data["chores"] if c["title_en"] == "Burnable trash")
    assert set(burnable) >= {"title_ja", "title_en", "due", "assignees", "done"}
    assert burnable["due"] == "2026-11-23T08:00:00+09:00"
    names = {m["id"]: m["name_ja"] for m in data["members"]}
    assert [names[i] for i in burnable["assignees"]] == ["パパ"]
    assert burnable["done"] is False
    assert [c["title_en"] for c in data["tomorrow_chores"]]
    assert data["notes"][0]["text_ja"]


def test_show_day_json_is_the_walls_now_json(client, demo_display):
    printed = json.loads(show_day("--date", "2026-11-23", "--at", "17:05", "--json"))
    served = client.get(f"/d/{demo_display.token}/now.json?at=2026-11-23T17:05").json()
    assert {key: served[key] for key in printed} == printed
    assert set(served) - set(printed) == {"display", "version"}


def test_show_day_table_in_english(demo_display):
    out = show_day("--date", "2026-11-24", "--at", "17:25", "--lang", "en")
    assert "Weekday" in out
    assert "> 17:20-17:30 [0] Roomba" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "is not a date"),
        (["--date", "tomorrow"], "is not a date"),
        (["--at", "25:00"], "is not a time"),
        (["--at", "noon"], "is not a time"),
        (["--lang", "fr"], "invalid choice"),
    ],
)
def test_show_day_bad_arguments_exit_2_with_a_message(args, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "show_day", *args],
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "DATA_DIR": "/tmp/hibi-test-show-day"},
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def snapshot() -> str:
    rows = []
    for model in (
        models.Member,
        models.Plan,
        models.Block,
        models.Chore,
        models.ChoreAssignee,
        models.Note,
        models.Display,
        models.Routine,
        models.RoutineStep,
        models.RoutineAssignment,
        models.StarRules,
        models.Reward,
    ):
        rows.extend(model.objects.order_by("pk"))
    return serializers.serialize("json", rows)


def test_demo_family_twice_leaves_the_same_data(demo_display):
    first = snapshot()
    call_command("demo_family", stdout=StringIO())
    assert snapshot() == first
    assert models.Member.objects.count() == 4
    assert models.Plan.objects.count() == 2
    assert models.Display.objects.get().language == "both"


def test_demo_family_reset_starts_over(demo_display):
    models.Member.objects.create(name_en="Visitor")
    call_command("demo_family", "--reset", stdout=StringIO())
    assert not models.Member.objects.filter(name_en="Visitor").exists()
    assert models.Member.objects.count() == 4


def test_demo_family_contains_the_evening_routine(demo_display):
    weekday = models.Plan.objects.get(name_en="Weekday")
    titles = list(weekday.blocks.order_by("start").values_list("title_ja", flat=True))
    for title in ("お片付け", "ルンバ", "お風呂", "夜ごはん", "おやすみ"):
        assert title in titles
    clean_up = weekday.blocks.get(title_ja="お片付け")
    assert clean_up.start.hour == 17 and clean_up.start.minute == 0
    assert weekday.blocks.get(title_ja="おやすみ").crosses_midnight
    assert models.Chore.objects.filter(rotate=True).count() == 1
    cans = models.Chore.objects.get(title_en="Cans, bottles & PET")
    assert "2FR,4FR" in cans.rrule


def test_demo_children_have_their_morning_and_bedtime_routines_and_two_rewards(demo_display):
    def routines(plan, block):
        uses = models.RoutineAssignment.objects.filter(
            block__plan__name_en=plan, block__title_ja=block
        ).order_by("member__order")
        return [
            (use.member.name_en, list(use.routine.steps.values_list("title_en", flat=True)))
            for use in uses
        ]

    weekday = routines("Weekday", "おでかけの準備")
    assert [name for name, _steps in weekday] == ["Haru", "Mio"]
    assert weekday[0][1] == ["Toilet", "Wash face", "Get dressed", "Brush teeth", "School bag"]
    assert weekday[1][1][-1] == "Daycare bag"  # みお's own version
    day_off = routines("Day off", "おはよう・着がえ")
    assert day_off == [(kid, ["Toilet", "Wash face", "Get dressed"]) for kid in ("Haru", "Mio")]
    bed = models.Block.objects.get(plan__name_en="Weekday", title_ja="寝る準備")
    clean_up = models.Block.objects.get(plan__name_en="Weekday", title_ja="お片付け")
    assert clean_up.start < bed.start  # the evening: clean-up → bath → ... → bed
    for plan in ("Weekday", "Day off"):
        evening = routines(plan, "寝る準備")
        assert [name for name, _steps in evening] == ["Haru", "Mio"]
        assert evening[0][1][:2] == ["Pajamas", "Brush teeth"]
    assert models.Routine.objects.count() == 4  # the bedtime routine serves both plans
    assert list(models.Reward.objects.values_list("price", flat=True)) == [5, 12]
    assert models.StarRules.load().enabled
    assert set(
        models.Member.objects.filter(collects_stars=True).values_list("name_en", flat=True)
    ) == {"Haru", "Mio"}


def test_ensure_admin_creates_one_and_never_overwrites(monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.setenv("ADMIN_USERNAME", "parent")
    monkeypatch.setenv("ADMIN_PASSWORD", "first-password-1")
    call_command("ensure_admin", stdout=StringIO())
    monkeypatch.setenv("ADMIN_PASSWORD", "second-password-2")
    call_command("ensure_admin", stdout=StringIO())
    user = get_user_model().objects.get()
    assert user.username == "parent"
    assert user.check_password("first-password-1")


def test_ensure_admin_prints_a_generated_password(monkeypatch):
    from django.contrib.auth import get_user_model

    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().rsplit(": ", 1)[1].strip()
    assert get_user_model().objects.get().check_password(password)
