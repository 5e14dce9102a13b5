"""`?at=`: a preview's moment; refused on the page, fallen back from on the poll."""

import logging

import pytest
from django.test import RequestFactory

from schedule.wall import moments
from tests.conftest import TOKYO


def test_a_moment_is_read_on_the_households_clock():
    moment = moments.moment_from("2026-11-24T17:05")
    assert (moment.tzinfo, moment.hour, moment.minute) == (TOKYO, 17, 5)


@pytest.mark.parametrize("raw", ["garbage", "2026-11-24", "1999-01-01T10:00", "2026-11-24T25:00"])
def test_the_page_refuses_a_malformed_moment(raw):
    request = RequestFactory().get("/d/x/", {"at": raw})
    with pytest.raises(ValueError):
        moments.requested(request)


def test_the_poll_falls_back_to_now_and_says_so_in_the_log(caplog):
    request = RequestFactory().get("/d/x/panel", {"at": "garbage"})
    with caplog.at_level(logging.WARNING, logger="schedule.wall.moments"):
        at, moment = moments.requested(request, fall_back=True)
    assert at == ""
    assert moment.tzinfo == TOKYO
    assert "bad ?at=" in caplog.text
