from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.models import LearningInput, RegressionCase
from learning.selectors import (
    STATUS_ALL,
    learning_input_draft_preview,
    learning_input_get,
    learning_input_list,
    learning_source_message_get,
    learning_source_review_item_get,
    regression_cases_export,
)
from learning.services import learning_input_apply, learning_input_create, learning_input_reject
from specs.apis import PersonaSpecDetailOutput, SpecChangeOutput
from specs.errors import PersonaSpecNotFoundError
from specs.models import PersonaSpec, Twin
from specs.selectors import persona_spec_get, twin_get
from twinproject.errors import DomainError
from twinproject.openapi import list_parameters, paginated
from twinproject.pagination import ListPagination

_STATUS_FILTERS = [*LearningInput.Status.values, STATUS_ALL]
_PAYLOADS_DOC = (
    "Payloads per `input_type` (JSON Schemas in `learning/schemas/`): "
    "`add_faq_answer` {question, answer, template?}; "
    "`add_adjust_rubric_rule` {criterion, weight?, description?}; "
    "`add_workflow_step_template` {workflow? (default answer), step?, template?, required_inputs?, output_schema?, "
    "examples?, description?, input_descriptions?}; "
    "`add_guardrail_refusal_rule` {forbidden_topics?, refusal_templates?, confidentiality_rules?, conflict_rules?, "
    "uncertainty_rule?, escalation_rule?} (at least one); "
    "`add_style_preference` {tone_sliders?, phrasing_preferences?, do_not_say?, brevity_default?, structure_default?, "
    "disagreement_style?, identity_voice?, allow_persona_fundamental_change?}. "
    "A payload that does not fit is a 400 with `fields` naming each key (`payload.question`); a style preference "
    "that touches `identity_voice` without `allow_persona_fundamental_change: true` is a 400 "
    "(`persona_fundamental_change_refused`)."
)


# Named components: inline, drf-spectacular would merge these with other models' enums under one name.
@extend_schema_field({"type": "string", "enum": LearningInput.Status.values}, component_name="LearningInputStatus")
class LearningInputStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": LearningInput.InputType.values}, component_name="LearningInputType")
class LearningInputTypeField(serializers.CharField):
    pass


class LearningInputRecordOutput(serializers.ModelSerializer):
    twin_id = serializers.UUIDField(read_only=True)
    input_type = LearningInputTypeField(read_only=True)
    status = LearningInputStatusField(read_only=True)
    payload = serializers.JSONField(read_only=True)
    base_version = serializers.CharField(
        source="base_version.version",
        read_only=True,
        allow_null=True,
        help_text="The version it applies to; null: the twin's active version when it is applied.",
    )
    applied_version = serializers.CharField(
        source="applied_version.version", read_only=True, allow_null=True, help_text="The draft applying it made."
    )
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)
    source_conversation_id = serializers.UUIDField(read_only=True, allow_null=True)
    source_message_id = serializers.UUIDField(read_only=True, allow_null=True)
    source_review_item_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = LearningInput
        fields = [
            "id",
            "twin_id",
            "input_type",
            "status",
            "payload",
            "base_version",
            "applied_version",
            "review_note",
            "created_by",
            "decided_by",
            "decided_at",
            "source_conversation_id",
            "source_message_id",
            "source_review_item_id",
            "created_at",
            "updated_at",
        ]


class PreviewErrorOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class LearningInputPreviewOutput(serializers.Serializer):
    base_version = serializers.CharField(allow_null=True, help_text="The version it would apply to; null: none yet.")
    changes = SpecChangeOutput(many=True, help_text="What the draft would change against the base version.")
    error = PreviewErrorOutput(allow_null=True, help_text="Why applying it now would be refused, or null.")


class LearningInputDetailOutput(LearningInputRecordOutput):
    preview = serializers.SerializerMethodField(
        help_text="For a pending input: the draft applying it would make, as changes against its base; else null."
    )

    class Meta(LearningInputRecordOutput.Meta):
        fields = [*LearningInputRecordOutput.Meta.fields, "preview"]

    @extend_schema_field(LearningInputPreviewOutput(allow_null=True))
    def get_preview(self, learning_input: LearningInput) -> dict[str, Any] | None:
        if not learning_input.is_pending:
            return None
        return LearningInputPreviewOutput(learning_input_preview_of(learning_input)).data


def learning_input_preview_of(learning_input: LearningInput) -> dict[str, Any]:
    preview = learning_input_draft_preview(learning_input)
    error = preview.error
    return {
        "base_version": preview.base.version if preview.base is not None else None,
        "changes": preview.changes,
        "error": {"code": error.code, "message": error.message, "fields": error.fields} if error else None,
    }


class RegressionCaseOutput(serializers.ModelSerializer):
    case_id = serializers.CharField(read_only=True, help_text="Its id in the exported eval file.")
    learning_input_id = serializers.UUIDField(read_only=True)
    source_message_id = serializers.UUIDField(read_only=True, allow_null=True)
    history = serializers.JSONField(read_only=True)
    pinned_context = serializers.JSONField(read_only=True)

    class Meta:
        model = RegressionCase
        fields = [
            "id",
            "case_id",
            "learning_input_id",
            "source_message_id",
            "query",
            "history",
            "pinned_context",
            "interaction_context",
            "expected_intent",
            "expected_action",
            "requires_citations",
            "created_at",
        ]


class LearningInputAppliedOutput(serializers.Serializer):
    learning_input = LearningInputRecordOutput(help_text="The input, now applied.")
    version = PersonaSpecDetailOutput(help_text="The new draft version; publish it to put it live.")
    regression_case = RegressionCaseOutput(
        allow_null=True, help_text="The fixed turn, added to the twin's regression cases; null when none."
    )


def _twin(request: Request, twin_id: UUID) -> Twin:
    return twin_get(owner=request.user, twin_id=twin_id)


def _input(request: Request, twin_id: UUID, learning_input_id: UUID) -> LearningInput:
    """One input of one of the caller's twins; anything else is a 404."""
    return learning_input_get(twin=_twin(request, twin_id), learning_input_id=learning_input_id)


def _version_of(twin: Twin, label: str | None, field: str) -> PersonaSpec | None:
    if label is None:
        return None
    try:
        return persona_spec_get(twin=twin, version=label)
    except PersonaSpecNotFoundError as exc:
        raise DomainError(exc.message, fields={field: [exc.message]}) from None


class LearningInputListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=_STATUS_FILTERS, default=LearningInput.Status.PENDING)
        input_type = serializers.ChoiceField(choices=LearningInput.InputType.values, required=False)

    @extend_schema_serializer(component_name="LearningInputCreateInput")
    class InputSerializer(serializers.Serializer):
        input_type = serializers.ChoiceField(choices=LearningInput.InputType.values)
        payload = serializers.JSONField(help_text="The type's payload; see the description.")
        base_version = serializers.CharField(
            required=False, max_length=32, help_text="A version of this twin to apply it to (default: the active one)."
        )
        review_note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
        source_review_item_id = serializers.UUIDField(
            required=False, help_text="The review item this fixes; its turn becomes a regression case when applied."
        )
        source_message_id = serializers.UUIDField(
            required=False, help_text="The visitor's message this fixes (a user message of this twin's conversations)."
        )

    @extend_schema(
        summary="The twin's learning inputs, newest first",
        parameters=[
            OpenApiParameter(
                "status",
                location=OpenApiParameter.QUERY,
                required=False,
                enum=_STATUS_FILTERS,
                description="Inputs in this status; `all` for every status, pending first (default `pending`).",
            ),
            OpenApiParameter(
                "input_type",
                location=OpenApiParameter.QUERY,
                required=False,
                enum=LearningInput.InputType.values,
                description="Only inputs of this type.",
            ),
            *list_parameters(),
        ],
        responses=paginated(LearningInputRecordOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = _twin(request, twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = ListPagination()
        page = paginator.paginate_queryset(learning_input_list(twin=twin, **filters.validated_data), request, self)
        return paginator.get_paginated_response(LearningInputRecordOutput(page, many=True).data)

    @extend_schema(
        summary="Teach the twin: a pending learning input, to apply (a new draft version) or reject later",
        description=_PAYLOADS_DOC,
        request=InputSerializer,
        responses={201: LearningInputDetailOutput},
    )
    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = _twin(request, twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        review_item = learning_source_review_item_get(twin=twin, item_id=given.get("source_review_item_id"))
        message = learning_source_message_get(twin=twin, message_id=given.get("source_message_id"))
        made = learning_input_create(
            twin=twin,
            input_type=given["input_type"],
            payload=given["payload"],
            actor=request.user,
            base_version=_version_of(twin, given.get("base_version"), "base_version"),
            review_note=given["review_note"],
            source_conversation=message.conversation if message is not None else None,
            source_message=message,
            source_review_item=review_item,
        )
        return Response(LearningInputDetailOutput(made).data, status=status.HTTP_201_CREATED)


class LearningInputDetailApi(APIView):
    @extend_schema(
        summary="One learning input; a pending one with a preview of the draft applying it would make",
        responses=LearningInputDetailOutput,
    )
    def get(self, request: Request, twin_id: UUID, learning_input_id: UUID) -> Response:
        return Response(LearningInputDetailOutput(_input(request, twin_id, learning_input_id)).data)


class LearningInputApplyApi(APIView):
    @extend_schema_serializer(component_name="LearningInputApplyInput")
    class InputSerializer(serializers.Serializer):
        review_note = serializers.CharField(
            required=False, allow_blank=True, max_length=4000, default="", help_text="Replaces the input's note."
        )

    @extend_schema(
        summary="Apply a pending input: a new draft persona spec version (the next patch number)",
        description="The draft is the input's base version (or the active one) with the input's effect, checked "
        "against the persona spec schema (400 with `fields` when it would not fit). An input that came from a "
        "conversation also adds that turn to the twin's regression cases. 409 (`learning_input_not_pending`) when "
        "the input is already applied or rejected, also when another apply won a race. Nothing is written on an "
        "error. Publish the draft (`POST .../persona-specs/{version}/publish`) to put it live.",
        request=InputSerializer,
        responses=LearningInputAppliedOutput,
    )
    def post(self, request: Request, twin_id: UUID, learning_input_id: UUID) -> Response:
        found = _input(request, twin_id, learning_input_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = learning_input_apply(learning_input=found, actor=request.user, **data.validated_data)
        body = {"learning_input": done.learning_input, "version": done.version, "regression_case": done.regression_case}
        return Response(LearningInputAppliedOutput(body).data)


class LearningInputRejectApi(APIView):
    @extend_schema_serializer(component_name="LearningInputRejectInput")
    class InputSerializer(serializers.Serializer):
        review_note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    @extend_schema(
        summary="Reject a pending input, with a note",
        description="409 (`learning_input_not_pending`) when it is already applied or rejected.",
        request=InputSerializer,
        responses=LearningInputRecordOutput,
    )
    def post(self, request: Request, twin_id: UUID, learning_input_id: UUID) -> Response:
        found = _input(request, twin_id, learning_input_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = learning_input_reject(learning_input=found, actor=request.user, **data.validated_data)
        return Response(LearningInputRecordOutput(rejected).data)


class EvalKnowledgeOutput(serializers.Serializer):
    title = serializers.CharField()
    text = serializers.CharField()


class EvalTwinOutput(serializers.Serializer):
    name = serializers.CharField()
    persona_spec_version = serializers.CharField()
    persona_spec = serializers.JSONField(help_text="The spec JSON of that version.")
    knowledge = EvalKnowledgeOutput(many=True, help_text="The twin's approved documents.")


class EvalTurnOutput(serializers.Serializer):
    role = serializers.CharField()
    content = serializers.CharField()


class EvalCaseOutput(serializers.Serializer):
    id = serializers.CharField()
    query = serializers.CharField()
    expected_intent = serializers.CharField()
    expected_action = serializers.ChoiceField(choices=["answer", "clarify", "refuse", "escalate"])
    requires_citations = serializers.BooleanField()
    interaction_context = serializers.CharField()
    history = EvalTurnOutput(many=True)
    pinned_context = serializers.DictField(child=serializers.CharField())
    learning_input = serializers.UUIDField(help_text="The learning input whose fix this case keeps.")


class RegressionExportOutput(serializers.Serializer):
    twin = EvalTwinOutput()
    cases = EvalCaseOutput(many=True)


class RegressionCaseExportApi(APIView):
    class FilterSerializer(serializers.Serializer):
        version = serializers.CharField(required=False, max_length=32)

    @extend_schema(
        summary="The twin's regression cases as an eval file, for `manage.py run_eval --cases FILE`",
        description="DESIGN.md's eval format: the twin (its active persona spec, or `?version=`, and its approved "
        "documents) and one case per fixed turn. Run it against a draft before publishing it to see whether the "
        "draft breaks an earlier fix. 404 when the twin has no active version and none is named.",
        parameters=[
            OpenApiParameter(
                "version",
                location=OpenApiParameter.QUERY,
                required=False,
                description="The persona spec version to export with the cases (default: the active one).",
            )
        ],
        responses=RegressionExportOutput,
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = _twin(request, twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        version = _version_of(twin, filters.validated_data.get("version"), "version")
        return Response(RegressionExportOutput(regression_cases_export(twin=twin, version=version)).data)
