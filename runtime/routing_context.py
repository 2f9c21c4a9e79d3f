"""What routing one message needs from the database, in one round trip, with per-process caches.

A turn needs the twin's active persona spec, the sources that match the message and
the twin's source vocabulary. One query returns the active version's id, the state
of the twin's sources (count, last change) and the best matches; the spec and the
vocabulary come from caches keyed by exactly that state, so a publish or a changed
document is seen on the very next turn.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import connection

from runtime.grounding import Source, Vocabulary, vocabulary_of
from runtime.normalize import fold
from runtime.text import content_tokens, expansions
from specs.models import PersonaSpec

_SAFE_TERM = re.compile(r"^[a-z0-9]+$")
_MAX_TERMS = 24
_MAX_SPECS = 256

_SNAPSHOT_SQL = """
WITH active AS (
    SELECT id FROM specs_personaspec WHERE twin_id = %(twin)s AND status = 'active'
), stats AS (
    SELECT count(*) AS n, max(updated_at) AS changed
    FROM runtime_knowledgesource WHERE twin_id = %(twin)s AND approved
), matches AS (
    SELECT k.id, k.kind, k.title, k.body, ts_rank(k.search, q.query) AS rank
    FROM runtime_knowledgesource k, (SELECT to_tsquery('english', %(query)s) AS query) q
    WHERE %(query)s <> '' AND k.twin_id = %(twin)s AND k.approved AND k.search @@ q.query
    -- Ties in rank go by content, never by the random id, so the same sources give the same matches.
    ORDER BY rank DESC, (k.kind = 'faq') DESC, k.title, k.body, k.id
    LIMIT %(limit)s
)
SELECT (SELECT id FROM active), s.n, s.changed, m.id, m.kind, m.title, m.body, m.rank
FROM stats s LEFT JOIN matches m ON true
"""


@dataclass(frozen=True)
class Snapshot:
    active_version_id: UUID | None
    source_count: int
    sources_changed: datetime | None
    sources: tuple[Source, ...]


def search_terms(text: str) -> str:
    """An OR query of the message's words (and their synonyms) for to_tsquery; '' when none."""
    terms: list[str] = []
    folded = fold(text)
    for token in [*content_tokens(folded), *expansions(folded)]:
        for part in re.split(r"[^a-z0-9]+", token):
            if len(part) > 1 and _SAFE_TERM.match(part) and part not in terms:
                terms.append(part)
    return " | ".join(terms[:_MAX_TERMS])


def routing_snapshot(*, twin_id: UUID, text: str, limit: int = 6) -> Snapshot:
    params = {"twin": twin_id, "query": search_terms(text), "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, params)
        rows = cursor.fetchall()
    first = rows[0]
    sources = tuple(
        Source(str(pk), kind, title, body, float(rank)) for _, _, _, pk, kind, title, body, rank in rows if pk
    )
    return Snapshot(first[0], first[1], first[2], sources)


_lock = threading.Lock()
_specs: OrderedDict[UUID, PersonaSpec] = OrderedDict()
_vocabularies: dict[UUID, tuple[tuple, Vocabulary]] = {}


def spec_version_cached(version_id: UUID) -> PersonaSpec:
    """A persona spec version by id. Versions other than drafts never change, so ids are safe keys."""
    with _lock:
        cached = _specs.get(version_id)
        if cached is not None:
            _specs.move_to_end(version_id)
            return cached
    version = PersonaSpec.objects.get(pk=version_id)
    with _lock:
        _specs[version_id] = version
        while len(_specs) > _MAX_SPECS:
            _specs.popitem(last=False)
    return version


def vocabulary_cached(*, twin_id: UUID, snapshot: Snapshot, owner_names: tuple[str, ...]) -> Vocabulary:
    state = (snapshot.source_count, snapshot.sources_changed, owner_names)
    cached = _vocabularies.get(twin_id)
    if cached is not None and cached[0] == state:
        return cached[1]
    from runtime.models import KnowledgeSource

    texts = KnowledgeSource.objects.filter(twin_id=twin_id, approved=True).values_list("title", "body")
    vocabulary = vocabulary_of([f"{title} {body}" for title, body in texts], owner_names)
    _vocabularies[twin_id] = (state, vocabulary)
    return vocabulary
