from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from specs.models import Twin
from specs.selectors import twin_get, twin_list
from twinproject.openapi import list_parameters, paginated


class TwinOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Twin
        fields = ["id", "name", "slug", "status", "owner", "created_at", "updated_at"]


class TwinPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


@extend_schema(
    summary="The owner's twins",
    parameters=list_parameters(),
    responses=paginated(TwinOutput),
)
class TwinListApi(APIView):
    def get(self, request: Request) -> Response:
        paginator = TwinPagination()
        page = paginator.paginate_queryset(twin_list(owner=request.user), request, view=self)
        return paginator.get_paginated_response(TwinOutput(page, many=True).data)


@extend_schema(summary="One of the owner's twins", responses=TwinOutput)
class TwinDetailApi(APIView):
    def get(self, request: Request, twin_id: UUID) -> Response:
        return Response(TwinOutput(twin_get(owner=request.user, twin_id=twin_id)).data)
