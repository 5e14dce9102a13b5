from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Registered before any query runs: integer `__in` that skips numbers out of range.
from schedule.common import lookups  # noqa: F401


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = _("Family schedule")

    def ready(self) -> None:
        from schedule.common import signals
        from schedule.site import health

        signals.connect()
        health.watch_the_database_file()
