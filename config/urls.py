from django.urls import include, path, register_converter

from schedule import views
from schedule.common import converters
from schedule.site.sites import admin_urls

register_converter(converters.TokenConverter, "token")
register_converter(converters.DayConverter, "day")
register_converter(converters.IdConverter, "id")

urlpatterns = [
    path("", views.index, name="index"),
    path("d/<token:token>/", views.wall_page, name="wall"),
    path("d/<token:token>/panel", views.wall_panel, name="wall-panel"),
    path("d/<token:token>/now.json", views.now_json, name="wall-now"),
    path(
        "d/<token:token>/chores/<id:chore_id>/<day:day>/done",
        views.toggle_chore,
        name="wall-chore",
    ),
    path(
        "d/<token:token>/steps/<id:step_id>/<day:day>/done",
        views.tick_step,
        name="wall-step",
    ),
    path("ics/<token:token>.ics", views.feed, name="feed"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Loaded when a parent first opens the admin (schedule/sites.py).
    admin_urls("admin/"),
]

# A database that fails answers 503 (the walls wait it out), anything else a
# friendly page in both languages; the traceback goes to the log either way.
handler500 = "schedule.views.server_error"
