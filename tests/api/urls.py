"""The tenant URLconf plus views that fail on purpose, for the error and outage tests."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from twinproject.urls import handler400, handler403, handler404, handler500
from twinproject.urls import urlpatterns as tenant_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unexpected bug")


def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server failed: No such file or directory")


class DatabaseGoneApi(APIView):
    def get(self, request: Request) -> Response:
        raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("test/crash", crash),
    path("admin/test/crash", crash),
    path("test/database-gone", database_gone),
    path("admin/test/database-gone", database_gone),
    path("test/database-gone-api", DatabaseGoneApi.as_view()),
    *tenant_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
