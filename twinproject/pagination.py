"""Limit/offset pagination that refuses out-of-range values instead of quietly adjusting them.

DRF's ``LimitOffsetPagination`` clips ``limit`` to ``max_limit`` and falls back
to the default for zero, negative or non-numeric values, so a client asking for
500 rows silently gets 200 and may believe it has them all. Here such a request
is a 400 in the error shape, naming the parameter and its range.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request


class ListPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
    _counted: QuerySet | None = None

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None, counted: QuerySet | None = None
    ) -> list | None:
        """One page of ``queryset``; ``counted``, when given, is the same rows without the page's extra
        columns, counted instead (a join that only adds columns still costs the count its time)."""
        self._counted = counted
        return super().paginate_queryset(queryset, request, view)

    def get_count(self, queryset: QuerySet) -> int:
        return super().get_count(self._counted if self._counted is not None else queryset)

    def get_limit(self, request: Request) -> int:
        return self._bounded(request, self.limit_query_param, self.default_limit, low=1, high=self.max_limit)

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, self.offset_query_param, 0, low=0, high=None)

    @staticmethod
    def _bounded(request: Request, name: str, default: int, *, low: int, high: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            allowed = f"an integer from {low} to {high}" if high is not None else f"an integer of at least {low}"
            raise ValidationError({name: [f"Must be {allowed}."]})
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Number of results per page (default {self.default_limit}, at most {self.max_limit}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "Index of the first result to return.",
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
