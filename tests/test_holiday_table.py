"""The holiday table: the holidays package's answers, without the package in the server."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from schedule.common import holiday_table

ROOT = Path(__file__).resolve().parent.parent


def test_the_table_has_the_packages_names_in_both_languages():
    import holidays

    table = holiday_table.compute("JP")
    japanese = holidays.country_holidays("JP", language="ja", years=range(2024, 2028))
    english = holidays.country_holidays("JP", language="en_US", years=range(2024, 2028))
    in_those_years = {day: names for day, names in table.items() if 2024 <= day.year < 2028}
    assert in_those_years == {day: (japanese[day], english[day]) for day in japanese}
    assert table[date(2026, 11, 23)] == ("勤労感謝の日", "Labor Thanksgiving Day")


def test_the_table_spans_the_years_a_chore_can_have():
    years = {day.year for day in holiday_table.compute("JP")}
    assert min(years) == 1970 and max(years) >= 2099  # as far as the package knows


@pytest.mark.slow  # a Python process of its own
def test_the_table_is_kept_in_the_data_directory_for_the_next_start(tmp_path):
    first = holiday_table.load("JP", tmp_path)
    kept = list((tmp_path / "cache").glob("holidays-JP-*.json"))
    assert len(kept) == 1
    kept[0].write_text('[["2026-01-02", "kept", "kept"]]')
    assert holiday_table.load("JP", tmp_path) == {date(2026, 1, 2): ("kept", "kept")}
    assert first[date(2026, 1, 1)][0] == "元日"


def test_an_unknown_country_is_refused():
    with pytest.raises(ValueError, match="XX"):
        holiday_table.load("XX")


@pytest.mark.slow  # a Python process of its own
def test_the_codes_are_read_without_importing_the_package():
    codes = subprocess.run(
        [sys.executable, "-c", "import sys; "
         "from schedule.common.holiday_table import country_codes; "
         "codes = country_codes(); print(codes['JP'], codes['JPN'], 'US' in codes,"
         "any(m.startswith('holidays') for m in sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert codes.stdout.split() == [
        "('japan',",
        "'Japan')",
        "('japan',",
        "'Japan')",
        "True",
        "False",
    ]


@pytest.mark.slow  # a Python process of its own
def test_a_server_process_answers_holidays_without_the_holidays_package(tmp_path):
    """The package costs ~20 MB per process: only the child that builds the table loads it."""
    out = subprocess.run(
        [sys.executable, "-c", "import sys, django; django.setup();"
         "from datetime import date; from schedule.common import recurrence;"
         "print(recurrence.holiday_calendar('JP').name(date(2026, 11, 23), 'en'));"
         "print(any(m.startswith('holidays') for m in sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
             "SECRET_KEY": "test", "DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert out.stdout.splitlines() == ["Labor Thanksgiving Day", "False"]


@pytest.mark.slow  # a Python process of its own
def test_the_table_keeps_each_pair_of_names_once(tmp_path):
    table = holiday_table.load("JP", tmp_path)
    new_years_days = [names for day, names in table.items() if (day.month, day.day) == (1, 1)]
    assert len(new_years_days) > 100
    assert all(names is new_years_days[0] for names in new_years_days)
