from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from runtime.contract import RoutingDecision
from runtime.grounding import Vocabulary, vocabulary_of
from runtime.models import KnowledgeSource
from runtime.router import RouterInput, RouterSettings, Turn, owner_names_of, route
from runtime.selectors import knowledge_search
from specs.models import PersonaSpec, Twin
from specs.selectors import persona_spec_active

# (twin id, spec version id) pairs whose FAQ rows this process has seen in place.
_faq_synced: set[tuple[str, str]] = set()
# Per twin: the state of its sources a vocabulary was built from, and the vocabulary.
_vocabularies: dict[str, tuple[tuple, Vocabulary]] = {}


def knowledge_vocabulary(*, twin: Twin, owner_names: tuple[str, ...]) -> Vocabulary:
    """Term frequencies over the twin's approved sources, rebuilt only when they change."""
    sources = KnowledgeSource.objects.filter(twin=twin, approved=True)
    state = (*sources.aggregate(n=Count("id"), changed=Max("updated_at")).values(), owner_names)
    cached = _vocabularies.get(str(twin.pk))
    if cached is not None and cached[0] == state:
        return cached[1]
    vocabulary = vocabulary_of([f"{t} {b}" for t, b in sources.values_list("title", "body")], owner_names)
    _vocabularies[str(twin.pk)] = (state, vocabulary)
    return vocabulary


@transaction.atomic
def knowledge_document_create(*, twin: Twin, title: str, body: str, approved: bool = True) -> KnowledgeSource:
    return KnowledgeSource.objects.create(
        twin=twin, kind=KnowledgeSource.Kind.DOCUMENT, title=title, body=body, approved=approved
    )


@transaction.atomic
def knowledge_document_update(*, document: KnowledgeSource, **changes: Any) -> KnowledgeSource:
    for field in ("title", "body", "approved"):
        if field in changes:
            setattr(document, field, changes[field])
    document.save(update_fields=["title", "body", "approved", "updated_at"])
    return document


@transaction.atomic
def knowledge_document_delete(*, document: KnowledgeSource) -> None:
    document.delete()


def faq_index_sync(*, twin: Twin, version: PersonaSpec) -> None:
    """Mirror the version's FAQ into the full-text index, replacing other versions' rows."""
    key = (str(twin.pk), str(version.pk))
    if key in _faq_synced:
        return
    with transaction.atomic():
        current = KnowledgeSource.objects.filter(twin=twin, kind=KnowledgeSource.Kind.FAQ)
        stale = current.exclude(spec_version_id=version.pk)
        if stale.exists() or not current.filter(spec_version_id=version.pk).exists():
            stale.delete()
            entries = [e for e in (version.spec or {}).get("faq_library") or [] if isinstance(e, dict)]
            # ignore_conflicts: two first turns after a publish may both get here.
            KnowledgeSource.objects.bulk_create(
                [
                    KnowledgeSource(
                        twin=twin,
                        kind=KnowledgeSource.Kind.FAQ,
                        title=str(e.get("question", ""))[:300],
                        body=str(e.get("answer", "")),
                        spec_version_id=version.pk,
                        faq_index=i,
                    )
                    for i, e in enumerate(entries)
                ],
                ignore_conflicts=True,
            )
    _faq_synced.add(key)


def routing_decide(
    *,
    twin: Twin,
    message: str,
    history: Iterable[tuple[str, str]] = (),
    pinned_context: dict[str, str] | None = None,
    interaction_context: str = "public_widget",
    version: PersonaSpec | None = None,
) -> tuple[RoutingDecision, PersonaSpec | None]:
    """Route one message with the twin's active spec (or ``version``); writes nothing but the FAQ index."""
    version = version or persona_spec_active(twin)
    spec = version.spec if version is not None else {}
    if version is not None:
        faq_index_sync(twin=twin, version=version)
    sources = knowledge_search(twin_id=twin.pk, text=message)
    vocabulary = knowledge_vocabulary(twin=twin, owner_names=owner_names_of(spec))
    decision = route(
        RouterInput(
            message=message,
            spec=spec,
            history=tuple(Turn(role, content) for role, content in history),
            pinned_context=dict(pinned_context or {}),
            interaction_context=interaction_context,
            sources=tuple(sources),
            vocabulary=vocabulary,
        ),
        RouterSettings(clarify_threshold=settings.ROUTER_CLARIFY_THRESHOLD),
    )
    return decision, version
