from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django_tenants.middleware.main import TenantMainMiddleware

from twinproject.errors import error_body
from twinproject.tenancy.lookup import tenant_for_host


class TenantFromHostMiddleware(TenantMainMiddleware):
    """Select the tenant (schema and RLS setting) from the request's host name."""

    def process_request(self, request: HttpRequest):
        connection.set_schema_to_public()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return JsonResponse(error_body("bad_host", "This host is not allowed."), status=400)
        tenant = tenant_for_host(hostname)
        if tenant is None:
            return JsonResponse(error_body("unknown_host", f"No tenant serves the host {hostname!r}."), status=404)
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        return None
