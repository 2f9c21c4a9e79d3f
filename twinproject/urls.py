"""URLs served on a tenant's host (``acme.localhost``)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from twinproject.login_throttle import ThrottledAdminLoginForm

admin.site.site_header = "Twin Runtime"
admin.site.site_title = "Twin Runtime"
admin.site.index_title = "Your twins"
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="openapi-docs"),
    path("", include("specs.urls")),
    path("", include("runtime.urls")),
    path("", include("review.urls")),
    path("", include("learning.urls")),
]

handler400 = "twinproject.errors.handler400"
handler403 = "twinproject.errors.handler403"
handler404 = "twinproject.errors.handler404"
handler500 = "twinproject.errors.handler500"
