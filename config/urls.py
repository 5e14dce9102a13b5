from django.urls import include, path, register_converter

from schedule.announcements import views as announcements
from schedule.caregivers import views as caregivers
from schedule.common import converters
from schedule.site import views as site
from schedule.site.sites import admin_urls
from schedule.wall import views as wall

register_converter(converters.TokenConverter, "token")
register_converter(converters.DayConverter, "day")
register_converter(converters.IdConverter, "id")

urlpatterns = [
    path("", site.index, name="index"),
    path("d/<token:token>/", wall.wall_page, name="wall"),
    path("d/<token:token>/panel", wall.wall_panel, name="wall-panel"),
    path("d/<token:token>/now.json", wall.now_json, name="wall-now"),
    path(
        "d/<token:token>/chores/<id:chore_id>/<day:day>/done",
        wall.toggle_chore,
        name="wall-chore",
    ),
    path(
        "d/<token:token>/steps/<id:step_id>/<day:day>/done",
        wall.tick_step,
        name="wall-step",
    ),
    path(
        "d/<token:token>/bags/<id:member_id>/<day:day>/packed",
        wall.pack_bag,
        name="wall-bag",
    ),
    path(
        "d/<token:token>/announcements/<id:announcement_id>/dismiss",
        wall.dismiss_announcement,
        name="wall-dismiss",
    ),
    # Fully Kiosk Browser's battery, from the wall's script (README: the tablet's care).
    path("d/<token:token>/battery", wall.report_battery, name="wall-battery"),
    # Home Assistant's rest_command (README): a token of its own, made in the admin.
    path("api/announcements", announcements.announce_view, name="api-announce"),
    # A caregiver's read-only day: its own secret address, nothing else behind it.
    path("c/<token:token>/", caregivers.caregiver_page, name="caregiver"),
    path("ics/<token:token>.ics", site.feed, name="feed"),
    path("photos/<token:token>.jpg", site.member_photo, name="member-photo"),
    path("healthz", site.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Loaded when a parent first opens the admin (schedule/site/sites.py).
    admin_urls("admin/"),
]

# A database that fails answers 503 (the walls wait it out), anything else a
# friendly page in both languages; the traceback goes to the log either way.
handler500 = "schedule.site.views.server_error"
