"""URLs served on a tenant's host (``acme.localhost``)."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Twin Runtime"
admin.site.site_title = "Twin Runtime"
admin.site.index_title = "Your twins"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("specs.urls")),
]
