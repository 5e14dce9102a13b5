"""The admin's URL conf, imported the first time the admin is needed
(sites.admin_urls()): it registers every app's ModelAdmins first, as
Django's admin does at start (`admin.autodiscover()`, a no-op once done)."""

from django.contrib import admin

admin.autodiscover()

urlpatterns = admin.site.get_urls()
