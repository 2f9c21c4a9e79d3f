from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from runtime.models import KnowledgeSource
from twinproject.owner_admin import OwnerScopedAdmin


@admin.register(KnowledgeSource)
class KnowledgeSourceAdmin(OwnerScopedAdmin):
    owner_path = "twin__owner"
    list_display = ["title", "twin", "kind", "approved", "updated_at"]
    list_filter = ["kind", "approved", "twin"]
    search_fields = ["title", "body"]
    fields = ["twin", "title", "body", "approved", "kind", "created_at", "updated_at"]
    readonly_fields = ["kind", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # FAQ rows mirror the active persona spec; they change only by publishing a spec.
        if obj is not None and obj.kind == KnowledgeSource.Kind.FAQ:
            return [*self.fields]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "twin" and not request.user.is_superuser:
            from specs.models import Twin

            kwargs["queryset"] = Twin.objects.filter(owner=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
