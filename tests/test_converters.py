"""The URL's own words: a token, a day, an id; anything else names nothing (404)."""

from datetime import date

import pytest

from schedule.common.converters import BIGGEST_ID, DayConverter, IdConverter


@pytest.mark.parametrize("raw", ["2026-13-01", "2026-02-30", "1999-12-31", "2101-01-01"])
def test_a_day_that_is_no_day_of_the_walls_years_is_refused(raw):
    with pytest.raises(ValueError):
        DayConverter().to_python(raw)


def test_a_day_reads_and_writes_back_the_same():
    converter = DayConverter()
    assert converter.to_python("2026-11-24") == date(2026, 11, 24)
    assert converter.to_url(date(2026, 11, 24)) == "2026-11-24"


@pytest.mark.parametrize("raw", ["0", str(BIGGEST_ID + 1), "9" * 19])
def test_an_id_the_database_cannot_hold_is_refused(raw):
    with pytest.raises(ValueError):
        IdConverter().to_python(raw)


def test_the_biggest_id_is_fine():
    assert IdConverter().to_python(str(BIGGEST_ID)) == BIGGEST_ID
