"""URLs served on the bare host: the platform operator's admin."""

from django.contrib import admin
from django.urls import path

from twinproject.login_throttle import ThrottledAdminLoginForm

# The same admin site as the tenants' (twinproject/urls.py); set here too for a process that serves only this host.
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
]

handler400 = "twinproject.errors.handler400"
handler403 = "twinproject.errors.handler403"
handler404 = "twinproject.errors.handler404"
handler500 = "twinproject.errors.handler500"
