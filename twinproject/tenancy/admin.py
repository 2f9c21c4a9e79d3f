from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django_tenants.admin import TenantAdminMixin

from twinproject.owner_admin import in_tenant_schema
from twinproject.tenancy.models import Domain, Tenant


class OperatorOnlyAdmin(admin.ModelAdmin):
    """Tenants and domains are managed by the platform operator at the bare host only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not in_tenant_schema(request) and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(TenantAdminMixin, OperatorOnlyAdmin):
    list_display = ["name", "schema_name", "created_at"]
    search_fields = ["name", "schema_name"]
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(OperatorOnlyAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
