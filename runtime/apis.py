from __future__ import annotations

from uuid import UUID

from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from runtime.models import KnowledgeSource
from runtime.selectors import knowledge_list
from runtime.services import knowledge_document_create, knowledge_document_delete, knowledge_document_update
from specs.selectors import twin_get
from twinproject.errors import NotFoundError


class KnowledgeOutput(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeSource
        fields = ["id", "kind", "title", "body", "approved", "created_at", "updated_at"]


class KnowledgePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


def _document(twin, document_id: UUID) -> KnowledgeSource:
    document = knowledge_list(twin=twin, kind=KnowledgeSource.Kind.DOCUMENT).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError("No knowledge document with this id for this twin.")
    return document


class KnowledgeListApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        body = serializers.CharField(max_length=100_000)
        approved = serializers.BooleanField(default=True)

    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=KnowledgeSource.Kind.choices, required=False)

    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = KnowledgePagination()
        page = paginator.paginate_queryset(knowledge_list(twin=twin, **filters.validated_data), request, view=self)
        return paginator.get_paginated_response(KnowledgeOutput(page, many=True).data)

    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = knowledge_document_create(twin=twin, **data.validated_data)
        return Response(KnowledgeOutput(document).data, status=status.HTTP_201_CREATED)


class KnowledgeDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=300, required=False)
        body = serializers.CharField(max_length=100_000, required=False)
        approved = serializers.BooleanField(required=False)

    def get(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        return Response(KnowledgeOutput(_document(twin, document_id)).data)

    def patch(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = knowledge_document_update(document=_document(twin, document_id), **data.validated_data)
        return Response(KnowledgeOutput(document).data)

    def delete(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        knowledge_document_delete(document=_document(twin, document_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
