from django.contrib import admin
from django.urls import include, path

from schedule import views

urlpatterns = [
    path("", views.index, name="index"),
    path("d/<str:token>/", views.wall, name="wall"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
