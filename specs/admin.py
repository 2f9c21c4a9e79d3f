from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import OuterRef, QuerySet, Subquery
from django.forms.fields import InvalidJSONInput
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from specs.diff import spec_diff
from specs.models import PersonaSpec, PersonaSpecEvent, Twin
from specs.schema import persona_spec_errors
from specs.selectors import persona_spec_active, persona_spec_list, twin_list
from specs.semver import semver_parse
from specs.services import (
    spec_version_create_draft,
    spec_version_publish,
    spec_version_rollback,
    spec_version_update_draft,
)
from twinproject.errors import DomainError
from twinproject.owner_admin import OwnerScopedAdmin, ReadOnlyOwnerAdmin


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


@admin.register(Twin)
class TwinAdmin(OwnerScopedAdmin):
    list_display = ["name", "slug", "status", "active_version", "owner", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["id", "created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        active = PersonaSpec.objects.filter(twin=OuterRef("pk"), status=PersonaSpec.Status.ACTIVE).values("version")
        return super().get_queryset(request).annotate(active_version=Subquery(active[:1]))

    @admin.display(description="Active spec")
    def active_version(self, obj: Twin) -> str:
        return obj.active_version or "—"

    def get_fields(self, request: HttpRequest, obj=None):
        fields = ["name", "slug", "status"]
        if request.user.is_superuser:
            fields.append("owner")
        return fields + self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [*self.readonly_fields, "persona_spec_versions"] if obj is not None else self.readonly_fields

    # A read-only table rather than an inline formset: versions change only through
    # drafts, publish and rollback, and the twin's own form stays a plain form.
    @admin.display(description="Persona spec versions")
    def persona_spec_versions(self, obj: Twin) -> str:
        return render_to_string(
            "admin/specs/twin/persona_spec_versions.html", {"twin": obj, "versions": persona_spec_list(twin=obj)}
        )

    def save_model(self, request: HttpRequest, obj: Twin, form, change: bool) -> None:
        # An owner's new twin is theirs; only a tenant superuser picks another owner.
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return _pretty(value)


class PersonaSpecForm(forms.ModelForm):
    """Checks everything the services check, so the admin shows errors on the fields instead of failing."""

    version = forms.CharField(required=False, max_length=32, help_text="Leave blank for the next patch number.")
    spec = PrettyJSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"}),
        help_text="The persona spec JSON (schema: specs/schemas/persona_spec.schema.json). "
        "Leave it empty on a new draft to copy the version it is based on.",
    )

    class Meta:
        model = PersonaSpec
        fields = ["twin", "version", "based_on", "spec", "notes"]
        labels = {"based_on": "Copy from"}

    def clean_version(self) -> str:
        version = self.cleaned_data.get("version", "")
        if version:
            try:
                semver_parse(version)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return version

    def clean_spec(self) -> Any:
        spec = self.cleaned_data.get("spec")
        if spec is None:
            return None
        errors = persona_spec_errors(spec)
        if errors:
            raise forms.ValidationError([f"{path}: {message}" for path, found in errors.items() for message in found])
        return spec

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        twin, based_on = data.get("twin"), data.get("based_on")
        if twin is not None and based_on is not None and based_on.twin_id != twin.pk:
            self.add_error("based_on", "Pick a version of the same twin.")
        if "spec" in data and data["spec"] is None:
            data["spec"] = copy.deepcopy(based_on.spec) if based_on is not None else {}
        return data


_EDITABLE_ON_ADD = ["twin", "version", "based_on", "spec", "notes"]
_HISTORY = ["twin", "version", "status", "source", "based_on", "created_by", "created_at", "updated_at", "published_at"]
_TRANSITIONS = {
    "publish": {"service": spec_version_publish, "verb": "Publish", "done": "is now the active version"},
    "rollback": {"service": spec_version_rollback, "verb": "Roll back to", "done": "is active again (rollback)"},
}


@admin.register(PersonaSpec)
class PersonaSpecAdmin(OwnerScopedAdmin):
    owner_path = "twin__owner"
    form = PersonaSpecForm
    change_form_template = "admin/specs/personaspec/change_form.html"
    list_display = ["version", "twin", "status", "source", "created_by", "published_at", "updated_at"]
    list_filter = ["status", "source"]
    list_select_related = ["twin", "created_by"]
    search_fields = ["version", "twin__name", "notes"]
    actions = ["publish_selected", "rollback_selected"]

    # Only drafts change; active and archived versions open as read-only pages.
    def has_change_permission(self, request: HttpRequest, obj: PersonaSpec | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def get_fields(self, request: HttpRequest, obj: PersonaSpec | None = None) -> list[str]:
        if obj is None:
            return _EDITABLE_ON_ADD
        return [*_HISTORY, "spec" if obj.is_draft else "spec_pretty", "notes"]

    def get_readonly_fields(self, request: HttpRequest, obj: PersonaSpec | None = None) -> list[str]:
        if obj is None:
            return []
        return [*_HISTORY, "spec_pretty"] + ([] if obj.is_draft else ["spec", "notes"])

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if not request.user.is_superuser and db_field.name == "twin":
            kwargs["queryset"] = twin_list(owner=request.user)
        if not request.user.is_superuser and db_field.name == "based_on":
            kwargs["queryset"] = PersonaSpec.objects.filter(twin__owner=request.user).select_related("twin")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Spec")
    def spec_pretty(self, obj: PersonaSpec) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', _pretty(obj.spec))

    # The services save; the form above has already checked what they check.
    def save_form(self, request: HttpRequest, form: PersonaSpecForm, change: bool) -> PersonaSpec:
        data = form.cleaned_data
        if change:
            return spec_version_update_draft(version=form.instance, spec=data["spec"], notes=data["notes"])
        return spec_version_create_draft(
            twin=data["twin"],
            actor=request.user,
            spec=data["spec"],
            copy_from=data["based_on"],
            version=data["version"] or None,
            notes=data["notes"],
        )

    def save_model(self, request: HttpRequest, obj: PersonaSpec, form, change: bool) -> None:
        """Saved by ``save_form`` through the services."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """A version has no many-to-many fields or inlines to save."""

    def diff_context(self, version: PersonaSpec) -> dict[str, Any]:
        base = persona_spec_active(version.twin)
        changes = spec_diff(base.spec if base is not None else {}, version.spec)
        rows = [
            {
                **change,
                "before": _pretty(change["before"]) if change["op"] != "added" else "",
                "after": _pretty(change["after"]) if change["op"] != "removed" else "",
            }
            for change in changes
        ]
        return {"diff_base": base, "diff_rows": rows, "diff_version": version}

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        version = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {}), **(self.diff_context(version) if version is not None else {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/<str:transition>/confirm/",
                self.admin_site.admin_view(self.transition_view),
                name=f"{name}_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponse:
        """The confirmation page of a publish or rollback (GET) and the change itself (POST)."""
        version = self.get_object(request, unquote(object_id))
        if transition not in _TRANSITIONS or version is None or not self.has_change_permission(request):
            raise Http404("No such version or action.")
        step = _TRANSITIONS[transition]
        change_url = reverse("admin:specs_personaspec_change", args=[version.pk])
        if request.method == "POST":
            try:
                step["service"](version=version, actor=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{version.twin} {version.version} {step['done']}.", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            **self.diff_context(version),
            "opts": self.opts,
            "original": version,
            "title": f"{step['verb']} {version.twin} {version.version}?",
            "verb": step["verb"],
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/specs/personaspec/confirm_transition.html", context)

    def _confirm_redirect(self, request: HttpRequest, queryset: QuerySet, transition: str) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.WARNING)
            return None
        url = reverse("admin:specs_personaspec_transition", args=[queryset.get().pk, transition])
        return redirect(url)

    @admin.action(description="Publish the selected version…")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_redirect(request, queryset, "publish")

    @admin.action(description="Roll back to the selected version…")
    def rollback_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_redirect(request, queryset, "rollback")


@admin.register(PersonaSpecEvent)
class PersonaSpecEventAdmin(ReadOnlyOwnerAdmin):
    """The publish and rollback history; written only by the services."""

    owner_path = "twin__owner"
    list_display = ["created_at", "twin", "kind", "from_version", "to_version", "actor"]
    list_filter = ["kind"]
    list_select_related = ["twin", "from_version", "to_version", "actor"]
    fields = list_display
