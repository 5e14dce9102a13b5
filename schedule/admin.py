"""Every room's admin pages, imported so that Django's admin finds them.

Each room registers its own models in its `admin.py` (plans/admin.py,
chores/admin.py, …); this module only brings them in, in the order of the
admin's index. The site itself, its front page and the sign-in are site/'s.
"""

from schedule.announcements import admin as announcements_admin  # noqa: F401
from schedule.bags import admin as bags_admin  # noqa: F401
from schedule.calendars import admin as calendars_admin  # noqa: F401
from schedule.caregivers import admin as caregivers_admin  # noqa: F401
from schedule.chores import admin as chores_admin  # noqa: F401
from schedule.chores.garbage import admin as garbage_admin  # noqa: F401
from schedule.countdowns import admin as countdowns_admin  # noqa: F401
from schedule.family import admin as family_admin  # noqa: F401
from schedule.meals import admin as meals_admin  # noqa: F401
from schedule.nudges import admin as nudges_admin  # noqa: F401
from schedule.plans import admin as plans_admin  # noqa: F401
from schedule.routines import admin as routines_admin  # noqa: F401
from schedule.site import operator_admin  # noqa: F401
from schedule.weather import admin as weather_admin  # noqa: F401
