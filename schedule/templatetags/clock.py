"""The household clock's rate for the wall's script: a test server's clock may run
fast (schedule/common/household.py), and the page must run as fast as the server."""

from __future__ import annotations

from django import template

from schedule.common import household

register = template.Library()


@register.simple_tag
def clock_rate() -> int:
    return household.clock_rate()
