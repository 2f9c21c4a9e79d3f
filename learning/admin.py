"""Learning inputs in the owner's admin: pending first, each with a preview of the draft it would make,
applied or rejected behind a confirmation page; and the regression cases applied fixes leave behind."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from learning.models import LearningInput, RegressionCase
from learning.payloads import learning_payload_check
from learning.selectors import learning_input_draft_preview, learning_input_pending_first, regression_cases_export
from learning.services import learning_input_apply, learning_input_create, learning_input_reject
from specs.models import PersonaSpec
from specs.selectors import twin_list
from twinproject.errors import DomainError
from twinproject.owner_admin import OwnerScopedAdmin, ReadOnlyOwnerAdmin

TEMPLATES = "admin/learning/learninginput"


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _link(url_name: str, obj: Any, text: Any) -> str:
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[obj.pk]), text)


class PayloadField(forms.JSONField):
    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, InvalidJSONInput) else _pretty(value)


class LearningInputForm(forms.ModelForm):
    """The add form: it checks what ``learning_input_create`` checks, so errors land on the fields."""

    payload = PayloadField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "style": "font-family: monospace"}),
        help_text='The type\'s payload as JSON, e.g. {"forbidden_topics": ["crypto"]} for a guardrail rule '
        "(schemas: learning/schemas/).",
    )

    class Meta:
        model = LearningInput
        fields = ["twin", "input_type", "payload", "base_version", "review_note"]
        help_texts = {"base_version": "Leave empty to apply it to the twin's active version at the time."}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        twin, base = data.get("twin"), data.get("base_version")
        if twin is not None and base is not None and base.twin_id != twin.pk:
            self.add_error("base_version", "Pick a version of the same twin.")
        if "input_type" in data and "payload" in data:
            try:
                data["payload"] = learning_payload_check(data["input_type"], data["payload"])
            except DomainError as exc:
                found = [f"{key}: {message}" for key, messages_ in exc.fields.items() for message in messages_]
                self.add_error("payload", found or [exc.message])
        return data


class NoteForm(forms.Form):
    review_note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why you reject it; kept on the input.",
    )


class ApplyNoteForm(NoteForm):
    review_note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Optional; kept on the input (replacing its note).",
    )


@admin.register(LearningInput)
class LearningInputAdmin(OwnerScopedAdmin):
    owner_path = "twin__owner"
    form = LearningInputForm
    change_form_template = f"{TEMPLATES}/change_form.html"
    list_display = ["input_type", "summary", "twin", "status", "base", "applied", "created_at"]
    list_display_links = ["input_type", "summary"]
    list_filter = ["status", "input_type", ("twin", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["twin", "base_version", "applied_version"]
    search_fields = ["payload", "review_note"]
    actions = ["apply_selected", "reject_selected"]
    _shown = [
        "twin",
        "input_type",
        "status",
        "payload_pretty",
        "base",
        "applied",
        "review_note",
        "created_by",
        "decided_by",
        "decided_at",
        "source",
        "regression",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Annotated before the admin orders by the annotation (ModelAdmin.get_queryset would order first).
        queryset = learning_input_pending_first(self.model._default_manager.get_queryset())
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.owner_path: request.user})

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["pending_rank", "-created_at", "id"]

    # Inputs are made through the add form; after that they change only by apply and reject.
    def has_change_permission(self, request: HttpRequest, obj: LearningInput | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: LearningInput | None = None) -> list[str]:
        return self._shown if obj is not None else ["twin", "input_type", "payload", "base_version", "review_note"]

    def get_readonly_fields(self, request: HttpRequest, obj: LearningInput | None = None) -> list[str]:
        return self._shown if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if not request.user.is_superuser and db_field.name == "twin":
            kwargs["queryset"] = twin_list(owner=request.user)
        if not request.user.is_superuser and db_field.name == "base_version":
            kwargs["queryset"] = PersonaSpec.objects.filter(twin__owner=request.user).select_related("twin")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="What")
    def summary(self, obj: LearningInput) -> str:
        payload = obj.payload or {}
        text = payload.get("question") or payload.get("criterion")
        if not text:
            parts = []
            for key, value in payload.items():
                if key != "allow_persona_fundamental_change":
                    shown = ", ".join(map(str, value)) if isinstance(value, list) else json.dumps(value)[:60]
                    parts.append(f"{key}: {shown.strip(chr(34))}")
            text = "; ".join(parts)
        text = str(text)
        return text if len(text) <= 90 else text[:89] + "…"

    @admin.display(description="Payload")
    def payload_pretty(self, obj: LearningInput) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', _pretty(obj.payload))

    @admin.display(description="Base version")
    def base(self, obj: LearningInput) -> str:
        if obj.base_version_id is None:
            return "the active version"
        return _link("admin:specs_personaspec_change", obj.base_version, obj.base_version.version)

    @admin.display(description="Applied as")
    def applied(self, obj: LearningInput) -> str:
        if obj.applied_version_id is None:
            return "—"
        version = obj.applied_version
        return _link("admin:specs_personaspec_change", version, f"{version.version} ({version.status})")

    @admin.display(description="From")
    def source(self, obj: LearningInput) -> str:
        if obj.source_review_item_id is not None:
            return _link("admin:review_reviewitem_change", obj.source_review_item, "the review item")
        if obj.source_conversation_id is not None:
            return _link("admin:runtime_conversation_change", obj.source_conversation, obj.source_conversation)
        return "—"

    @admin.display(description="Regression case")
    def regression(self, obj: LearningInput) -> str:
        case = RegressionCase.objects.filter(learning_input=obj).first()
        if case is None:
            return "—"
        return _link("admin:learning_regressioncase_change", case, f"{case.case_id}: {case.expected_action}")

    # The services save; the form above has already checked what they check.
    def save_form(self, request: HttpRequest, form: LearningInputForm, change: bool) -> LearningInput:
        data = form.cleaned_data
        return learning_input_create(
            twin=data["twin"],
            input_type=data["input_type"],
            payload=data["payload"],
            actor=request.user,
            base_version=data.get("base_version"),
            review_note=data.get("review_note", ""),
        )

    def save_model(self, request: HttpRequest, obj: LearningInput, form, change: bool) -> None:
        """Saved by ``save_form`` through the service."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """A learning input has no many-to-many fields or inlines to save."""

    # --- the preview, apply and reject -----------------------------------------------------

    def preview_context(self, learning_input: LearningInput) -> dict[str, Any]:
        """The draft applying the input would make, as a diff against its base (specs' diff table)."""
        if not learning_input.is_pending:
            return {}
        preview = learning_input_draft_preview(learning_input)
        base = preview.base
        if preview.error is not None:
            return {"preview_error": preview.error, "diff_base": base}
        rows = [
            {
                **change,
                "before": _pretty(change["before"]) if change["op"] != "added" else "",
                "after": _pretty(change["after"]) if change["op"] != "removed" else "",
            }
            for change in preview.changes
        ]
        label = base.version if base is not None else "none"
        return {
            "diff_base": base,
            "diff_rows": rows,
            "diff_version": None,
            "diff_heading": f"The draft applying it would make, against version {label}",
            "diff_before_label": "Base",
            "diff_after_label": "The new draft",
            "diff_same_text": "The draft would be the same as its base: the spec already has this.",
        }

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        found = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {}), **(self.preview_context(found) if found is not None else {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/apply/", view(self.apply_view), name=f"{name}_apply"),
            path("<path:object_id>/reject/", view(self.reject_view), name=f"{name}_reject"),
            *super().get_urls(),
        ]

    def _input_or_404(self, request: HttpRequest, object_id: str) -> LearningInput:
        found = self.get_object(request, unquote(object_id))
        if found is None or not self._allowed(request):
            raise Http404("No such learning input.")
        return found

    def _change_url(self, learning_input: LearningInput) -> str:
        return reverse("admin:learning_learninginput_change", args=[learning_input.pk])

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, f"{TEMPLATES}/{template}", context)

    def apply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The confirmation page (GET) with the draft's preview, then the apply itself (POST)."""
        found = self._input_or_404(request, object_id)
        form = ApplyNoteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                done = learning_input_apply(learning_input=found, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(self._change_url(found))
            draft_url = reverse("admin:specs_personaspec_change", args=[done.version.pk])
            self.message_user(
                request,
                format_html(
                    'Applied: <a href="{}">draft {}</a> of {} is ready; open it to publish it.',
                    draft_url,
                    done.version.version,
                    done.version.twin,
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(found))
        return self._page(
            request,
            "confirm_apply.html",
            f"Apply this {found.get_input_type_display().lower()} input?",
            original=found,
            form=form,
            cancel_url=self._change_url(found),
            **self.preview_context(found),
        )

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The confirmation page that takes the note (GET), then the rejection (POST)."""
        found = self._input_or_404(request, object_id)
        form = NoteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                learning_input_reject(learning_input=found, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, "Rejected; the note is kept on the input.", messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(found))
        return self._page(
            request,
            "confirm_reject.html",
            f"Reject this {found.get_input_type_display().lower()} input?",
            original=found,
            form=form,
            cancel_url=self._change_url(found),
        )

    def _confirm_redirect(self, request: HttpRequest, queryset: QuerySet, step: str) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one learning input.", messages.WARNING)
            return None
        return redirect(reverse(f"admin:learning_learninginput_{step}", args=[queryset.get().pk]))

    @admin.action(description="Apply the selected input…")
    def apply_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_redirect(request, queryset, "apply")

    @admin.action(description="Reject the selected input…")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_redirect(request, queryset, "reject")


@admin.register(RegressionCase)
class RegressionCaseAdmin(ReadOnlyOwnerAdmin):
    """The turns applied fixes must keep getting right; written only by ``learning_input_apply``."""

    owner_path = "twin__owner"
    change_list_template = "admin/learning/regressioncase/change_list.html"
    list_display = ["case", "twin", "expected_action", "expected_intent", "requires_citations", "query", "created_at"]
    list_filter = ["expected_action", ("twin", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["twin"]
    search_fields = ["query"]
    fields = [
        "twin",
        "learning_input_link",
        "query",
        "history",
        "pinned_context",
        "interaction_context",
        "expected_intent",
        "expected_action",
        "requires_citations",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="Case")
    def case(self, obj: RegressionCase) -> str:
        return obj.case_id

    @admin.display(description="Learning input")
    def learning_input_link(self, obj: RegressionCase) -> str:
        return _link("admin:learning_learninginput_change", obj.learning_input, obj.learning_input)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        twins = twin_list(owner=request.user) if self._allowed(request) else []
        return super().changelist_view(request, {**(extra_context or {}), "export_twins": twins})

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/<uuid:twin_id>/", export, name=f"{name}_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest, twin_id) -> HttpResponse:
        """The twin's regression cases as an eval file (``run_eval --cases FILE``), downloaded."""
        twin = twin_list(owner=request.user).filter(pk=twin_id).first() if self._allowed(request) else None
        if twin is None:
            raise Http404("No such twin.")
        try:
            body = regression_cases_export(twin=twin)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:learning_regressioncase_changelist"))
        response = JsonResponse(body, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="regression-cases-{twin.slug}.json"'
        return response
