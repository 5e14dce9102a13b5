from django.contrib import admin
from django.urls import include, path

from schedule import views

urlpatterns = [
    path("", views.index, name="index"),
    path("d/<str:token>/", views.wall_page, name="wall"),
    path("d/<str:token>/panel", views.wall_panel, name="wall-panel"),
    path("d/<str:token>/now.json", views.now_json, name="wall-now"),
    path(
        "d/<str:token>/chores/<int:chore_id>/<str:day>/done",
        views.toggle_chore,
        name="wall-chore",
    ),
    path("ics/<str:token>.ics", views.feed, name="feed"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# A database that fails answers 503 (the walls wait it out), anything else a
# friendly page in both languages; the traceback goes to the log either way.
handler500 = "schedule.views.server_error"
