from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = _("Family schedule")

    def ready(self) -> None:
        from . import health, signals

        signals.connect()
        health.watch_the_database_file()
