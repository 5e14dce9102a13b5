"""A family that starts with nothing of the demo's: what every household in
Japan has anyway, the New Year closure of the garbage collection and the
public holidays, so its first garbage chore is already right at 年末年始."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from schedule.chores.garbage.models import Closure
from schedule.common import recurrence
from schedule.common.models import Revision

# Most wards collect nothing from 12/29 to 1/3 and simply skip those days;
# a family whose city moves them changes it on the closure's page.
NEW_YEAR = {
    "name_en": "New Year holidays",
    "yearly": True,
    "action": Closure.Action.DROP,
    "shift_days": 7,
    "move_to": None,
}


@transaction.atomic
def standard_closures(today: date) -> list[Closure]:
    """年末年始, 12/29–1/3 every year, unless the family has its own 年末年始 already
    (the demo's, or one they changed): that one stays as it is."""
    found = Closure.objects.filter(name_ja="年末年始").first()
    if found is not None:
        return [found]
    closure = Closure(
        name_ja="年末年始",
        start_date=date(today.year, 12, 29),
        end_date=date(today.year + 1, 1, 3),
        **NEW_YEAR,
    )
    closure.full_clean()
    closure.save()
    Revision.bump()
    return [closure]


def holiday_table(today: date) -> int:
    """The public holidays of HOLIDAY_COUNTRY, computed once into DATA_DIR now, so
    the first page a parent opens does not wait for them; how many fall this year."""
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
    return len(calendar.named(range(today.year, today.year + 1)))
