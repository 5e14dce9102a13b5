"""show_day, demo_family and ensure_admin as a parent or the Makefile runs them."""

import json
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import serializers
from django.core.management import CommandError, call_command

from schedule import models
from tests.conftest import DEMO_DAY, tokyo

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
    assert set(printed.pop("beyond_the_wall")) == {
        "subscriptions",
        "feeds",
        "nudge_targets",
        "sent",
    }
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
    # The demo's week is laid out around the day it is loaded: the command runs
    # on the fixture's day, whatever day the suite runs on.
    first = snapshot()
    with time_machine.travel(tokyo(DEMO_DAY, "09:00"), tick=False):
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


# --- The demo's New Year closure, as show_day tells it ---------------------------------


def test_show_day_on_new_years_eve_shows_the_closure_and_where_the_collection_went(
    demo_display,
):
    data = json.loads(show_day("--date", "2026-12-31", "--json"))
    (closure,) = data["closures"]
    assert (closure["name_ja"], closure["start"], closure["end"]) == (
        "年末年始",
        "2026-12-31",
        "2027-01-04",
    )
    assert not any(c["title_en"] == "Burnable trash" for c in data["chores"])
    (burnable,) = [gone for gone in data["moved_away"] if gone["title_en"] == "Burnable trash"]
    assert (burnable["from"], burnable["to"], burnable["reason"]) == (
        "2026-12-31",
        "2027-01-07",
        "closure",
    )


def test_show_day_a_week_after_new_year_shows_the_collection_moved_seven_days(demo_display):
    data = json.loads(show_day("--date", "2027-01-08", "--json"))
    paper = next(c for c in data["chores"] if c["title_en"] == "Paper & cloth")
    (moved,) = paper["moved_from"]
    assert (moved["from"], moved["to"], moved["closure"]["name_ja"]) == (
        "2027-01-01",
        "2027-01-08",
        "年末年始",
    )
    table = show_day("--date", "2027-01-08", "--lang", "ja")
    assert "古紙・古布 by 08:00 パパ (moved from 01-01: 年末年始)" in table


def test_show_day_says_a_cancelled_collection_is_off(demo_display):
    burnable = models.Chore.objects.get(title_en="Burnable trash")
    models.ChoreCancellation.objects.create(chore=burnable, date="2026-11-26")
    data = json.loads(show_day("--date", "2026-11-26", "--json"))
    assert next(c for c in data["chores"] if c["id"] == burnable.pk)["cancelled"] is True
    assert "燃やすごみ by 08:00 パパ (cancelled)" in show_day(
        "--date", "2026-11-26", "--lang", "ja"
    )


# --- import_garbage_calendar --------------------------------------------------------------

AREA_DAYS = (
    "地名,センター,燃やすごみ,燃やさないごみ,古紙\nみどり町,東センター,月 木,水2 水4,金1 金3\n"
)
CENTER = "名称,休止開始日,休止終了日\n東センター,2026/12/31,2027/1/4\n"


@pytest.fixture
def calendar_files(tmp_path):
    area_days = tmp_path / "area_days.csv"
    area_days.write_bytes(AREA_DAYS.encode("shift_jis"))
    center = tmp_path / "center.csv"
    center.write_text(CENTER, encoding="utf-8")
    return area_days, center


def import_calendar(*args) -> str:
    out = StringIO()
    call_command("import_garbage_calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_garbage_calendar_creates_the_areas_chores_and_its_centres_closure(
    calendar_files, time_machine
):
    # The imported rules start on the day of the import.
    time_machine.move_to(tokyo(DEMO_DAY, "09:00"), tick=False)
    area_days, center = calendar_files
    out = import_calendar(str(area_days), "--center", str(center), "--area", "みどり町")
    assert "燃やさないごみ [水2 水4] FREQ=MONTHLY;BYDAY=2WE,4WE" in out
    assert "Created 3 chores" in out
    burnable = models.Chore.objects.get(title_ja="燃やすごみ")
    assert (burnable.rrule, burnable.is_garbage, burnable.icon) == (
        "FREQ=WEEKLY;BYDAY=MO,TH",
        True,
        "trash-burnable",
    )
    closure = models.Closure.objects.get()
    assert (closure.start_date.isoformat(), closure.yearly, closure.shift_days) == (
        "2026-12-31",
        False,
        7,
    )
    paper = models.Chore.objects.get(title_ja="古紙")
    assert paper.is_due_on(date(2027, 1, 8)) and not paper.is_due_on(date(2027, 1, 1))


def test_import_garbage_calendar_twice_brings_the_chores_up_to_date_not_doubled(
    calendar_files,
):
    area_days, center = calendar_files
    import_calendar(str(area_days), "--center", str(center), "--area", "みどり町")
    out = import_calendar(str(area_days), "--center", str(center), "--area", "みどり町")
    assert "Created 0 chores, updated 3, added 0 closures." in out
    assert models.Chore.objects.count() == 3 and models.Closure.objects.count() == 1


def test_import_garbage_calendar_dry_run_shows_the_dates_and_creates_nothing(calendar_files):
    area_days, _center = calendar_files
    out = import_calendar(str(area_days), "--area", "みどり町", "--dry-run")
    assert "燃やすごみ [月 木]" in out
    assert not models.Chore.objects.exists()


def test_import_garbage_calendar_refuses_a_bad_row_naming_line_and_column(tmp_path):
    broken = tmp_path / "area_days.csv"
    broken.write_text(AREA_DAYS + "さくら町,西センター,月 毎週,水1,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"area_days.csv, line 3, column 3: “毎週”"):
        import_calendar(str(broken), "--area", "みどり町")
    assert not models.Chore.objects.exists() and not models.Closure.objects.exists()


def test_import_garbage_calendar_names_the_areas_when_the_area_is_unknown(calendar_files):
    area_days, _center = calendar_files
    with pytest.raises(CommandError, match="Areas: みどり町"):
        import_calendar(str(area_days), "--area", "どこか")


CITIES = Path(__file__).parent / "fixtures" / "5374"


def import_with_notes(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_garbage_calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def unwrapped(text: str) -> str:
    """The command's lines run again as one, as they were before a phone's width folded them."""
    return " ".join(text.split())


def test_import_garbage_calendar_reads_a_citys_folder_and_says_how_each_file_was_read(
    time_machine,
):
    time_machine.move_to(tokyo(DEMO_DAY, "09:00"), tick=False)
    out, _notes = import_with_notes(
        str(CITIES / "ayabe"), "--area", "奥上林地区（古屋以外）", "--dry-run"
    )
    assert "area_days.csv: UTF-8 (BOM), CR LF" in out
    assert "167 areas in area_days.csv; 167 can be imported; 0 parts left out." in unwrapped(out)
    assert "燃やして処理するごみ [月 木 日5:12] FREQ=WEEKLY;BYDAY=MO,TH" in out
    assert "燃やさないで処理するごみ [水1:4 6 7 8 9 10 11 12 2 3; 水2:5 1] -" in out
    assert "and 24 dates listed for 2026–2027" in unwrapped(out)
    assert not models.Chore.objects.exists()


def test_import_garbage_calendar_output_fits_a_phones_terminal(time_machine):
    time_machine.move_to(tokyo(DEMO_DAY, "09:00"), tick=False)
    out, notes = import_with_notes(str(CITIES / "kameoka"), "--area", "旭町", "--dry-run")
    assert "target.csv" not in out  # what goes in which bag: not a calendar
    assert "follow the only one center.csv names, “桜塚クリーンセンターー”" in unwrapped(notes)
    # Lines a phone's terminal shows whole; the city's own words run as long as they are.
    assert all(len(line) <= 44 for line in out.splitlines() if "[" not in line)


def test_import_garbage_calendar_creates_month_limited_kinds_as_the_dates_of_two_years(
    time_machine,
):
    time_machine.move_to(tokyo(DEMO_DAY, "09:00"), tick=False)
    out, _notes = import_with_notes(str(CITIES / "ayabe"), "--area", "奥上林地区（古屋以外）")
    assert "Created 5 chores, updated 0, added 1 closures." in out
    unburnable = models.Chore.objects.get(title_ja="燃やさないで処理するごみ")
    assert (unburnable.rrule, unburnable.start_date) == ("", date(2026, 1, 1))
    assert len(unburnable.extra_dates) == 24
    assert unburnable.extra_dates[:2] == ["2026-01-14", "2026-02-04"]
    assert unburnable.is_due_on(date(2027, 5, 12)) and not unburnable.is_due_on(date(2027, 5, 5))
    burnable = models.Chore.objects.get(title_ja="燃やして処理するごみ")
    assert burnable.rrule == "FREQ=WEEKLY;BYDAY=MO,TH" and burnable.extra_dates == []
    closure = models.Closure.objects.get()
    assert (closure.name_ja, closure.start_date) == (
        "(月・木コース):クリーンセンターAの休止期間",
        date(2025, 12, 30),
    )


def test_import_garbage_calendar_creates_an_area_despite_a_bad_row_elsewhere_when_told(
    tmp_path,
):
    broken = tmp_path / "area_days.csv"
    broken.write_text(AREA_DAYS + "さくら町,西センター,月 毎週,水1,\n", encoding="utf-8")
    out, notes = import_with_notes(str(broken), "--area", "みどり町", "--skip-unreadable")
    assert "1 parts left out." in unwrapped(out) and "Created 3 chores" in out
    assert "left out: area_days.csv, line 3, column 3: “毎週” (燃やすごみ)" in unwrapped(notes)
    assert "This word is left out; the rest of the cell is read." in unwrapped(notes)


# --- make run's set-up ----------------------------------------------------------------------


def first_run(settings, tmp_path, monkeypatch, lan="192.168.1.23") -> str:
    from schedule.management.commands import first_run as command

    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(command, "lan_address", lambda: lan)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("first_run", "--port", "8123", stdout=out)
    return out.getvalue()


def summary_of(output: str) -> list[str]:
    from schedule.management.commands.first_run import RULE

    lines = output.splitlines()
    assert lines[-1] == RULE, "the set-up ends with the summary block"
    start = len(lines) - 1 - lines[::-1][1:].index(RULE) - 1
    return lines[start + 1 : -1]


def test_first_run_ends_with_one_block_of_the_admin_the_password_and_the_walls(
    settings, tmp_path, monkeypatch
):
    output = first_run(settings, tmp_path, monkeypatch)
    assert "Collecting static files" in output
    block = "\n".join(summary_of(output))
    assert "Admin:     http://192.168.1.23:8123/admin/" in block
    assert "http://localhost:8123/admin/  (on this machine)" in block
    assert "Password:  " in block and "shown only now" in block
    living = models.Display.objects.get(name__contains="Living room")
    lan_wall = f"http://192.168.1.23:8123{living.get_absolute_url()}"
    assert lan_wall in block and f"http://localhost:8123{living.get_absolute_url()}" in block
    assert (tmp_path / "static" / "admin-hibi" / "admin.css").exists()


def test_a_second_first_run_keeps_the_family_and_says_the_password_was_set_before(
    settings, tmp_path, monkeypatch
):
    first_run(settings, tmp_path, monkeypatch)
    models.Display.objects.create(name="Aこども部屋")  # first by name, added second
    again = "\n".join(summary_of(first_run(settings, tmp_path, monkeypatch)))
    assert "shown only now" not in again and "an earlier run" in again
    assert models.Member.objects.count() == 4
    assert again.index("Living room") < again.index("Aこども部屋")


def test_without_a_network_the_summary_says_tablets_cannot_reach_it(
    settings, tmp_path, monkeypatch
):
    block = "\n".join(summary_of(first_run(settings, tmp_path, monkeypatch, lan=None)))
    assert "Admin:     http://localhost:8123/admin/" in block
    assert "tablets cannot reach this machine" in block


def test_the_lan_address_is_never_the_loopback():
    from schedule.management.commands.first_run import lan_address

    address = lan_address()
    assert address is None or not address.startswith("127.")
