from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from runtime.models import ChatKey, Conversation, KnowledgeSource, Message, ResponseAudit, RoutingDecisionRecord
from runtime.services import chat_key_issue, chat_key_revoke
from specs.selectors import twin_list
from twinproject.owner_admin import OwnerScopedAdmin, ReadOnlyOwnerAdmin


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


@admin.register(ChatKey)
class ChatKeyAdmin(OwnerScopedAdmin):
    owner_path = "twin__owner"
    list_display = ["prefix", "name", "twin", "created_by", "created_at", "revoked_at"]
    list_filter = ["revoked_at", "twin"]
    list_select_related = ["twin", "created_by"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]

    def get_fields(self, request: HttpRequest, obj: ChatKey | None = None) -> list[str]:
        if obj is None:
            return ["twin", "name"]
        return ["twin", "name", "prefix", "created_by", "created_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ChatKey | None = None) -> list[str]:
        return [] if obj is None else ["twin", "name", "prefix", "created_by", "created_at", "revoked_at"]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "twin" and not request.user.is_superuser:
            kwargs["queryset"] = twin_list(owner=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # The service makes the key; its secret is shown here once and never stored.
    def save_form(self, request: HttpRequest, form, change: bool) -> ChatKey:
        if change:
            return form.instance
        chat_key, key = chat_key_issue(
            twin=form.cleaned_data["twin"], actor=request.user, name=form.cleaned_data["name"]
        )
        self.message_user(
            request,
            f"The chat key for {chat_key.twin} is {key} — copy it now: it is shown only this once.",
            messages.WARNING,
        )
        return chat_key

    def save_model(self, request: HttpRequest, obj: ChatKey, form, change: bool) -> None:
        """Saved by ``save_form`` through the service."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """A chat key has no related rows to save."""

    @admin.action(description="Revoke the selected chat keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked = [chat_key_revoke(chat_key=key) for key in queryset if key.revoked_at is None]
        self.message_user(request, f"Revoked {len(revoked)} chat key(s).", messages.SUCCESS)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyOwnerAdmin):
    owner_path = "twin__owner"
    list_display = ["created_at", "twin", "interaction_context", "visitor_id", "turns_count", "updated_at"]
    list_filter = ["interaction_context", "twin"]
    list_select_related = ["twin"]
    search_fields = ["visitor_id", "messages__content"]
    fields = ["twin", "interaction_context", "visitor_id", "chat_key", "created_by", "created_at", "turns"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    @admin.display(description="Messages", ordering="message_count")
    def turns_count(self, obj: Conversation) -> int:
        return obj.message_count

    # Every turn's lineage: the message, its routing decision, the reply, its audit and any review item.
    @admin.display(description="Turns")
    def turns(self, obj: Conversation) -> str:
        messages_ = (
            Message.objects.filter(conversation=obj)
            .select_related("routing_decision", "audit", "review_item", "routing_decision__spec_version")
            .order_by("sequence")
        )
        return render_to_string("admin/runtime/conversation/turns.html", {"messages": messages_})


@admin.register(RoutingDecisionRecord)
class RoutingDecisionRecordAdmin(ReadOnlyOwnerAdmin):
    owner_path = "message__conversation__twin__owner"
    list_display = ["created_at", "action", "chosen_workflow", "confidence", "rule", "conversation"]
    list_filter = ["action", "chosen_workflow"]
    list_select_related = ["message__conversation__twin"]
    search_fields = ["message__content"]
    fields = [
        "conversation",
        "message_content",
        "spec_version",
        "intent",
        "confidence",
        "required_inputs_missing",
        "chosen_workflow",
        "output_schema",
        "action",
        "clarifying_questions",
        "explanation",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="Rule")
    def rule(self, obj: RoutingDecisionRecord) -> str:
        return (obj.explanation or {}).get("rule", "")

    @admin.display(description="Conversation")
    def conversation(self, obj: RoutingDecisionRecord):
        url = reverse("admin:runtime_conversation_change", args=[obj.message.conversation_id])
        return format_html('<a href="{}">{}</a>', url, obj.message.conversation)

    @admin.display(description="Message")
    def message_content(self, obj: RoutingDecisionRecord) -> str:
        return obj.message.content


@admin.register(ResponseAudit)
class ResponseAuditAdmin(ReadOnlyOwnerAdmin):
    owner_path = "message__conversation__twin__owner"
    list_display = ["created_at", "action", "workflow_intent", "confidence", "realizer_backend", "fallback"]
    list_filter = ["action", "realizer_backend"]
    list_select_related = ["message__conversation__twin"]
    fields = [
        "message",
        "routing_decision",
        "spec_version",
        "intent_label",
        "workflow_intent",
        "action",
        "confidence",
        "citations",
        "sources_used",
        "refusal_reason",
        "escalation_reason",
        "retrieval_summary",
        "artifacts_used",
        "realizer_backend",
        "realizer_fallback_reason",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="Fell back", boolean=True)
    def fallback(self, obj: ResponseAudit) -> bool:
        return bool(obj.realizer_fallback_reason)
