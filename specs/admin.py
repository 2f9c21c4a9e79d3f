from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from specs.models import Twin
from twinproject.owner_admin import OwnerScopedAdmin


@admin.register(Twin)
class TwinAdmin(OwnerScopedAdmin):
    list_display = ["name", "slug", "status", "owner", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["id", "created_at", "updated_at"]

    def get_fields(self, request: HttpRequest, obj=None):
        fields = ["name", "slug", "status"]
        if request.user.is_superuser:
            fields.append("owner")
        return fields + self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Twin, form, change: bool) -> None:
        # An owner's new twin is theirs; only a tenant superuser picks another owner.
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)
