from __future__ import annotations

import re
from uuid import UUID

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet

from runtime.grounding import Source
from runtime.models import KnowledgeSource
from runtime.normalize import fold
from runtime.text import content_tokens
from specs.models import Twin

_SAFE_TERM = re.compile(r"^[a-z0-9]+$")
_MAX_TERMS = 24


def knowledge_list(*, twin: Twin, kind: str | None = None) -> QuerySet[KnowledgeSource]:
    queryset = KnowledgeSource.objects.filter(twin=twin)
    return queryset.filter(kind=kind) if kind else queryset


def _or_query(text: str) -> str | None:
    terms: list[str] = []
    for token in content_tokens(fold(text)):
        for part in re.split(r"[^a-z0-9]+", token):
            if len(part) > 1 and _SAFE_TERM.match(part) and part not in terms:
                terms.append(part)
    return " | ".join(terms[:_MAX_TERMS]) or None


def knowledge_search(*, twin_id: UUID, text: str, limit: int = 6) -> list[Source]:
    """The twin's approved sources that share words with ``text``, best first (GIN full-text index)."""
    raw = _or_query(text)
    if raw is None:
        return []
    query = SearchQuery(raw, search_type="raw", config="english")
    rows = (
        KnowledgeSource.objects.filter(twin_id=twin_id, approved=True, search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank", "id")
        .values_list("id", "kind", "title", "body", "rank")[:limit]
    )
    return [Source(str(pk), kind, title, body, float(rank)) for pk, kind, title, body, rank in rows]
