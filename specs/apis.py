from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from specs.diff import spec_diff
from specs.errors import PersonaSpecNotFoundError, PersonaSpecVersionInvalidError
from specs.models import PersonaSpec, PersonaSpecEvent, Twin
from specs.selectors import (
    persona_spec_active_get,
    persona_spec_diff_base,
    persona_spec_event_list,
    persona_spec_get,
    persona_spec_list,
    twin_get,
    twin_list,
)
from specs.services import (
    spec_version_create_draft,
    spec_version_publish,
    spec_version_rollback,
    spec_version_update_draft,
)
from specs.twin_spec import twin_spec_of_version
from twinproject.openapi import list_parameters, paginated
from twinproject.pagination import ListPagination


class TwinOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Twin
        fields = ["id", "name", "slug", "status", "owner", "created_at", "updated_at"]


@extend_schema(
    summary="The owner's twins",
    parameters=list_parameters(),
    responses=paginated(TwinOutput),
)
class TwinListApi(APIView):
    def get(self, request: Request) -> Response:
        paginator = ListPagination()
        page = paginator.paginate_queryset(twin_list(owner=request.user), request, view=self)
        return paginator.get_paginated_response(TwinOutput(page, many=True).data)


@extend_schema(summary="One of the owner's twins", responses=TwinOutput)
class TwinDetailApi(APIView):
    def get(self, request: Request, twin_id: UUID) -> Response:
        return Response(TwinOutput(twin_get(owner=request.user, twin_id=twin_id)).data)


# A named component: inline, drf-spectacular would merge it with Twin's own `status` enum under one name.
@extend_schema_field({"type": "string", "enum": PersonaSpec.Status.values}, component_name="PersonaSpecStatus")
class PersonaSpecStatusField(serializers.CharField):
    pass


class PersonaSpecOutput(serializers.ModelSerializer):
    status = PersonaSpecStatusField(read_only=True)
    twin_id = serializers.UUIDField(read_only=True)
    based_on = serializers.CharField(source="based_on.version", read_only=True, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = PersonaSpec
        fields = [
            "id",
            "twin_id",
            "version",
            "status",
            "source",
            "notes",
            "based_on",
            "created_by",
            "created_at",
            "updated_at",
            "published_at",
        ]


class PersonaSpecDetailOutput(PersonaSpecOutput):
    class Meta(PersonaSpecOutput.Meta):
        fields = [*PersonaSpecOutput.Meta.fields, "spec"]


class PersonaSpecEventOutput(serializers.ModelSerializer):
    from_version = serializers.CharField(source="from_version.version", read_only=True, allow_null=True)
    to_version = serializers.CharField(source="to_version.version", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True)

    class Meta:
        model = PersonaSpecEvent
        fields = ["id", "kind", "from_version", "to_version", "actor", "created_at"]


class SpecChangeOutput(serializers.Serializer):
    path = serializers.CharField(help_text="Dotted path in the spec, e.g. `interaction_style.tone_sliders.directness`.")
    op = serializers.ChoiceField(choices=["added", "removed", "changed"])
    before = serializers.JSONField(
        allow_null=True, help_text="The value in the version compared against; null if added."
    )
    after = serializers.JSONField(allow_null=True, help_text="The value in this version; null if removed.")


class SpecDiffOutput(serializers.Serializer):
    version = serializers.CharField()
    against = serializers.CharField(allow_null=True, help_text="The version compared against; null: no active version.")
    changes = SpecChangeOutput(many=True)


class TwinSpecActiveOutput(serializers.Serializer):
    active = serializers.BooleanField()
    source_persona_spec_version = serializers.CharField()
    twin_spec = serializers.JSONField(
        help_text="persona, decision_system, workflows, guardrails, faq and metadata; see specs/twin_spec.py."
    )


_VERSION_STATUS = OpenApiParameter(
    name="status",
    location=OpenApiParameter.QUERY,
    required=False,
    enum=["all", *PersonaSpec.Status.values],
    description="Only versions in this status (default all).",
)
_AGAINST = OpenApiParameter(
    name="against",
    location=OpenApiParameter.QUERY,
    required=False,
    description="`active` (the default) or a version such as 1.2.3.",
)


def _copy_source(*, twin: Twin, version: str | None) -> PersonaSpec | None:
    if version is None:
        return None
    try:
        return persona_spec_get(twin=twin, version=version)
    except PersonaSpecNotFoundError as exc:
        raise PersonaSpecVersionInvalidError(exc.message, fields={"copy_from": [exc.message]}) from None


class PersonaSpecListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["all", *PersonaSpec.Status.values], default="all")

    class InputSerializer(serializers.Serializer):
        spec = serializers.JSONField(required=False, help_text="The spec JSON; omitted: a copy of `copy_from`, or {}.")
        notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
        version = serializers.CharField(required=False, max_length=32, help_text="Default: the next patch number.")
        copy_from = serializers.CharField(required=False, max_length=32, help_text="A version of this twin to copy.")

    @extend_schema(
        summary="The twin's persona spec versions, highest version first",
        parameters=[_VERSION_STATUS, *list_parameters()],
        responses=paginated(PersonaSpecOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data["status"]
        versions = persona_spec_list(twin=twin, status=None if wanted == "all" else wanted)
        paginator = ListPagination()
        page = paginator.paginate_queryset(versions, request, view=self)
        return paginator.get_paginated_response(PersonaSpecOutput(page, many=True).data)

    @extend_schema(summary="Create a draft version", request=InputSerializer, responses={201: PersonaSpecDetailOutput})
    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy_from = _copy_source(twin=twin, version=data.validated_data.pop("copy_from", None))
        draft = spec_version_create_draft(twin=twin, actor=request.user, copy_from=copy_from, **data.validated_data)
        return Response(PersonaSpecDetailOutput(draft).data, status=status.HTTP_201_CREATED)


class PersonaSpecDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        spec = serializers.JSONField(required=False)
        notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    @extend_schema(summary="One persona spec version with its spec", responses=PersonaSpecDetailOutput)
    def get(self, request: Request, twin_id: UUID, version: str) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        return Response(PersonaSpecDetailOutput(persona_spec_get(twin=twin, version=version)).data)

    @extend_schema(
        summary="Edit a draft (active and archived versions are immutable: 409)",
        request=InputSerializer,
        responses=PersonaSpecDetailOutput,
    )
    def patch(self, request: Request, twin_id: UUID, version: str) -> Response:
        found = persona_spec_get(twin=twin_get(owner=request.user, twin_id=twin_id), version=version)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = spec_version_update_draft(version=found, **data.validated_data)
        return Response(PersonaSpecDetailOutput(draft).data)


class PersonaSpecPublishApi(APIView):
    @extend_schema(
        summary="Publish a version; the active one is archived. Publishing an archived version is a rollback.",
        request=None,
        responses=PersonaSpecDetailOutput,
    )
    def post(self, request: Request, twin_id: UUID, version: str) -> Response:
        found = persona_spec_get(twin=twin_get(owner=request.user, twin_id=twin_id), version=version)
        return Response(PersonaSpecDetailOutput(spec_version_publish(version=found, actor=request.user)).data)


class PersonaSpecRollbackApi(APIView):
    @extend_schema(
        summary="Roll back: publish an earlier (archived) version again",
        request=None,
        responses=PersonaSpecDetailOutput,
    )
    def post(self, request: Request, twin_id: UUID, version: str) -> Response:
        found = persona_spec_get(twin=twin_get(owner=request.user, twin_id=twin_id), version=version)
        return Response(PersonaSpecDetailOutput(spec_version_rollback(version=found, actor=request.user)).data)


class PersonaSpecDiffApi(APIView):
    class FilterSerializer(serializers.Serializer):
        against = serializers.CharField(default="active", max_length=32)

    @extend_schema(
        summary="What changes from another version (the active one by default) to this one",
        parameters=[_AGAINST],
        responses=SpecDiffOutput,
    )
    def get(self, request: Request, twin_id: UUID, version: str) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        found = persona_spec_get(twin=twin, version=version)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        base = persona_spec_diff_base(twin=twin, against=filters.validated_data["against"])
        changes = spec_diff(base.spec if base is not None else {}, found.spec)
        body = {"version": found.version, "against": base.version if base else None, "changes": changes}
        return Response(SpecDiffOutput(body).data)


class PersonaSpecEventListApi(APIView):
    @extend_schema(
        summary="The twin's publish and rollback history, newest first",
        parameters=list_parameters(),
        responses=paginated(PersonaSpecEventOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        events = persona_spec_event_list(twin=twin_get(owner=request.user, twin_id=twin_id))
        paginator = ListPagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(PersonaSpecEventOutput(page, many=True).data)


class TwinSpecActiveApi(APIView):
    @extend_schema(
        summary="The normalized Twin Spec of the active persona spec version (404 when none is active)",
        responses=TwinSpecActiveOutput,
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        active = persona_spec_active_get(twin=twin_get(owner=request.user, twin_id=twin_id))
        body = {
            "active": True,
            "source_persona_spec_version": active.version,
            "twin_spec": twin_spec_of_version(version=active),
        }
        return Response(TwinSpecActiveOutput(body).data)
