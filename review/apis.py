"""The owner's review queue in the API: list, detail, resolve, claim, release and answer-and-teach."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.apis import LearningInputRecordOutput
from review.models import ReviewItem
from review.selectors import (
    STATUS_ALL,
    ReviewItemContext,
    review_item_context,
    review_item_get,
    review_item_list,
    review_item_rows,
)
from review.services import (
    review_item_answer_and_teach,
    review_item_claim,
    review_item_release,
    review_item_resolve,
)
from runtime.apis import CitationOutput, RoutingDecisionOutput
from runtime.models import Message, ResponseAudit, RoutingDecisionRecord
from specs.selectors import twin_get
from twinproject.openapi import list_parameters, paginated
from twinproject.pagination import ListPagination

_STATUS_FILTERS = [*ReviewItem.Status.values, STATUS_ALL]
_CLOSING = [ReviewItem.Status.RESOLVED, ReviewItem.Status.DISMISSED]


# Named components: inline, drf-spectacular would merge these with other models' `status` enums under one name.
@extend_schema_field({"type": "string", "enum": ReviewItem.Status.values}, component_name="ReviewItemStatus")
class ReviewItemStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ReviewItem.Priority.values}, component_name="ReviewItemPriority")
class ReviewItemPriorityField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ReviewItem.Reason.values}, component_name="ReviewItemReason")
class ReviewItemReasonField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": _CLOSING}, component_name="ReviewItemClosingStatus")
class ClosingStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=_CLOSING, **kwargs)


class ListedOrRelatedField(serializers.CharField):
    """A related value that the queue's list query reads as ``annotation``; an item read otherwise follows ``path``."""

    def __init__(self, *, annotation: str, path: str, **kwargs) -> None:
        self.annotation, self.path = annotation, path.split(".")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, item: ReviewItem) -> str | None:
        if self.annotation in item.__dict__:
            return item.__dict__[self.annotation]
        value = item
        for name in self.path:
            value = getattr(value, name)
            if value is None:
                return None
        return value


class ReviewItemOutput(serializers.Serializer):
    # Declared field by field: the queue's pages serialize many items, and a ModelSerializer rebuilds its fields
    # from the model on every use.
    id = serializers.UUIDField(read_only=True)
    twin_id = serializers.UUIDField(read_only=True)
    conversation_id = serializers.UUIDField(read_only=True)
    message_id = serializers.UUIDField(read_only=True)
    routing_decision_id = serializers.UUIDField(read_only=True, allow_null=True)
    reason = ReviewItemReasonField(read_only=True)
    priority = ReviewItemPriorityField(read_only=True)
    status = ReviewItemStatusField(read_only=True)
    message = ListedOrRelatedField(
        annotation="message_content", path="message.content", help_text="The visitor's message."
    )
    payload = serializers.JSONField(read_only=True, help_text="The turn as it was queued: message, reply, rule...")
    review_note = serializers.CharField(read_only=True)
    claimed_by = ListedOrRelatedField(annotation="claimed_by_username", path="claimed_by.username", allow_null=True)
    claimed_until = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_by = ListedOrRelatedField(annotation="resolved_by_username", path="resolved_by.username", allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TranscriptMessageOutput(serializers.ModelSerializer):
    is_turn = serializers.SerializerMethodField(help_text="Whether this is the queued turn's own message.")

    class Meta:
        model = Message
        fields = ["id", "sequence", "role", "content", "is_owner_answer", "is_turn", "created_at"]

    def get_is_turn(self, message: Message) -> bool:
        return message.pk == self.context.get("turn_message_id")


class ReviewDecisionOutput(RoutingDecisionOutput):
    rule = serializers.CharField(source="explanation.rule", default="", help_text="The routing rule that fired.")
    reason = serializers.CharField(source="explanation.reason", default="", help_text="Why it fired.")
    explanation = serializers.JSONField(help_text="The rule, its reason and the signals the router saw.")
    persona_spec_version = serializers.CharField(source="spec_version.version", default=None, allow_null=True)


class ReviewAuditOutput(serializers.ModelSerializer):
    citations = CitationOutput(many=True)
    sources_used = serializers.ListField(child=serializers.CharField())
    artifacts_used = serializers.ListField(child=serializers.CharField())
    retrieval_summary = serializers.JSONField()

    class Meta:
        model = ResponseAudit
        fields = [
            "id",
            "action",
            "intent_label",
            "workflow_intent",
            "confidence",
            "citations",
            "sources_used",
            "refusal_reason",
            "escalation_reason",
            "retrieval_summary",
            "artifacts_used",
            "realizer_backend",
            "realizer_fallback_reason",
        ]


class ReviewItemDetailOutput(ReviewItemOutput):
    transcript = serializers.SerializerMethodField(
        help_text="The conversation around the turn, oldest first, with any answer of the owner's to it."
    )
    routing_decision = serializers.SerializerMethodField(help_text="The turn's routing decision, or null.")
    audit = serializers.SerializerMethodField(help_text="The audit of the twin's reply to the turn, or null.")

    def _review(self) -> ReviewItemContext:
        return self.context["review"]

    @extend_schema_field(TranscriptMessageOutput(many=True))
    def get_transcript(self, item: ReviewItem) -> list:
        context = {"turn_message_id": item.message_id}
        return TranscriptMessageOutput(self._review().transcript, many=True, context=context).data

    @extend_schema_field(ReviewDecisionOutput(allow_null=True))
    def get_routing_decision(self, item: ReviewItem) -> dict | None:
        decision: RoutingDecisionRecord | None = self._review().routing_decision
        return ReviewDecisionOutput(decision).data if decision is not None else None

    @extend_schema_field(ReviewAuditOutput(allow_null=True))
    def get_audit(self, item: ReviewItem) -> dict | None:
        audit = self._review().audit
        return ReviewAuditOutput(audit).data if audit is not None else None


class OwnerAnswerOutput(serializers.ModelSerializer):
    structured_output = serializers.JSONField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "sequence", "role", "content", "structured_output", "is_owner_answer", "created_at"]


class AnswerAndTeachOutput(serializers.Serializer):
    item = ReviewItemOutput(help_text="The item, now resolved.")
    learning_input = LearningInputRecordOutput(help_text="The pending add_faq_answer learning input.")
    owner_answer = OwnerAnswerOutput(help_text="The answer as it now appears in the conversation.")


def _item(request: Request, twin_id: UUID, item_id: UUID) -> ReviewItem:
    """One item of one of the caller's twins; anything else is a 404."""
    return review_item_get(twin=twin_get(owner=request.user, twin_id=twin_id), item_id=item_id)


def _parameter(name: str, description: str, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, location=OpenApiParameter.QUERY, required=False, description=description, **kwargs)


_LIST_PARAMETERS = [
    _parameter("status", "Items in this status; `all` for every status (default `pending`).", enum=_STATUS_FILTERS),
    _parameter("priority", "Only items of this priority.", enum=ReviewItem.Priority.values),
    _parameter("reason", "Only items queued for this reason.", enum=ReviewItem.Reason.values),
    _parameter("created_after", "Only items queued at or after this time (ISO 8601).", type=OpenApiTypes.DATETIME),
    _parameter("created_before", "Only items queued before this time (ISO 8601).", type=OpenApiTypes.DATETIME),
]
_QUEUE_DOC = "The owner's review queue: escalated, refused, low-confidence and clarification-loop turns of a twin."


class ReviewQueueListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=_STATUS_FILTERS, default=ReviewItem.Status.PENDING)
        priority = serializers.ChoiceField(choices=ReviewItem.Priority.values, required=False)
        reason = serializers.ChoiceField(choices=ReviewItem.Reason.values, required=False)
        created_after = serializers.DateTimeField(required=False)
        created_before = serializers.DateTimeField(required=False)

    @extend_schema(
        summary="The twin's review queue: highest priority first, then oldest first",
        description=_QUEUE_DOC,
        parameters=[*_LIST_PARAMETERS, *list_parameters()],
        responses=paginated(ReviewItemOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = ListPagination()
        items = review_item_list(twin=twin, **filters.validated_data)
        page = paginator.paginate_queryset(review_item_rows(items), request, view=self, counted=items)
        return paginator.get_paginated_response(ReviewItemOutput(page, many=True).data)


class ReviewItemDetailApi(APIView):
    @extend_schema(
        summary="One review item with the conversation around the turn, its routing decision and its audit",
        responses=ReviewItemDetailOutput,
    )
    def get(self, request: Request, twin_id: UUID, item_id: UUID) -> Response:
        item = _item(request, twin_id, item_id)
        context = {"review": review_item_context(item=item)}
        return Response(ReviewItemDetailOutput(item, context=context).data)


class ReviewItemResolveApi(APIView):
    @extend_schema_serializer(component_name="ReviewItemResolveInput")
    class InputSerializer(serializers.Serializer):
        status = ClosingStatusField()
        review_note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    @extend_schema(
        summary="Resolve or dismiss a pending item",
        description="409 (`review_item_not_pending`) when the item is no longer pending, also when another "
        "reviewer closed it a moment earlier; 409 (`review_item_claimed`) while another reviewer holds its claim. "
        "Nothing changes then.",
        request=InputSerializer,
        responses=ReviewItemOutput,
    )
    def post(self, request: Request, twin_id: UUID, item_id: UUID) -> Response:
        item = _item(request, twin_id, item_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = review_item_resolve(item=item, actor=request.user, **data.validated_data)
        return Response(ReviewItemOutput(item).data)


class ReviewItemClaimApi(APIView):
    @extend_schema(
        summary="Claim a pending item for `REVIEW_CLAIM_SECONDS` (900) so other reviewers leave it to you",
        description="Claiming it again extends the claim; 409 (`review_item_claimed`) while another reviewer "
        "holds it, 409 (`review_item_not_pending`) once it is closed.",
        request=None,
        responses=ReviewItemOutput,
    )
    def post(self, request: Request, twin_id: UUID, item_id: UUID) -> Response:
        item = review_item_claim(item=_item(request, twin_id, item_id), actor=request.user)
        return Response(ReviewItemOutput(item).data)


class ReviewItemReleaseApi(APIView):
    @extend_schema(
        summary="Release your claim on an item",
        description="An unclaimed item (or an expired claim) stays as it is; another reviewer's claim is a 409.",
        request=None,
        responses=ReviewItemOutput,
    )
    def post(self, request: Request, twin_id: UUID, item_id: UUID) -> Response:
        item = review_item_release(item=_item(request, twin_id, item_id), actor=request.user)
        return Response(ReviewItemOutput(item).data)


class ReviewItemAnswerAndTeachApi(APIView):
    @extend_schema_serializer(component_name="ReviewItemAnswerInput")
    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=4000, help_text="The right answer, in the owner's words.")
        review_note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    @extend_schema(
        summary="Answer the visitor and teach the twin: resolves the item, appends the answer to the conversation "
        "and makes an add_faq_answer learning input",
        description="All in one transaction. The answer appears in the conversation as a twin message with "
        "`is_owner_answer: true`; the learning input (the visitor's message as the question, this answer) "
        "waits to be applied. The same 409s as resolve.",
        request=InputSerializer,
        responses=AnswerAndTeachOutput,
    )
    def post(self, request: Request, twin_id: UUID, item_id: UUID) -> Response:
        item = _item(request, twin_id, item_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = review_item_answer_and_teach(item=item, actor=request.user, **data.validated_data)
        body = {"item": done.item, "learning_input": done.learning_input, "owner_answer": done.owner_answer}
        return Response(AnswerAndTeachOutput(body).data)
