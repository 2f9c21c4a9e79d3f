from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from review.enqueue import review_item_enqueue_for_turn
from review.models import ReviewItem
from runtime.authentication import CHAT_KEY_PREFIX
from runtime.contract import Action, RoutingDecision
from runtime.errors import ChatLimitError, TwinPausedError
from runtime.grounding import Source
from runtime.models import ChatKey, Conversation, KnowledgeSource, Message, ResponseAudit, RoutingDecisionRecord
from runtime.planner import Plan, PlannerInput, SourceText, plan_reply
from runtime.realizer import Realization, Realizer, realize_safely, realizer_for_settings
from runtime.reply_schemas import reply_validate
from runtime.router import RouterInput, RouterSettings, Turn, owner_names_of, route
from runtime.routing_context import Snapshot, routing_snapshot, spec_version_cached, vocabulary_cached
from runtime.selectors import (
    chat_turn_by_client_id,
    conversation_history,
    conversation_turn_state,
    knowledge_texts,
)
from specs.models import PersonaSpec, Twin
from twinproject.accounts.keys import key_digest, key_display_prefix, key_generate
from twinproject.accounts.models import User

# Per twin: the spec version whose FAQ rows this process last saw in place, with the sources' state
# (count, last change) right after. Another process syncing another version (a publish, a rollback)
# changes that state, so this process checks the rows again instead of trusting what it saw.
_faq_synced: dict[str, tuple[str, int, Any]] = {}


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


def _faq_state(version: PersonaSpec, snapshot: Snapshot) -> tuple[str, int, Any]:
    return (str(version.pk), snapshot.source_count, snapshot.sources_changed)


def routing_decide(
    *,
    twin: Twin,
    message: str,
    history: Iterable[tuple[str, str]] = (),
    pinned_context: dict[str, str] | None = None,
    interaction_context: str = "public_widget",
    version: PersonaSpec | None = None,
) -> tuple[RoutingDecision, PersonaSpec | None]:
    """Route one message with the twin's active spec (or ``version``); writes nothing but the FAQ index.

    One query reads the active version, the state of the twin's sources and the best
    matches (``runtime.routing_context``); the spec and vocabulary come from caches keyed by them.
    """
    decision, version, _matches = _routing_decide_with_matches(
        twin=twin,
        message=message,
        history=history,
        pinned_context=pinned_context,
        interaction_context=interaction_context,
        version=version,
    )
    return decision, version


def _routing_decide_with_matches(
    *,
    twin: Twin,
    message: str,
    history: Iterable[tuple[str, str]],
    pinned_context: dict[str, str] | None,
    interaction_context: str,
    version: PersonaSpec | None,
) -> tuple[RoutingDecision, PersonaSpec | None, tuple[Source, ...]]:
    """``routing_decide``, also returning the sources its query matched (their texts included)."""
    snapshot = routing_snapshot(twin_id=twin.pk, text=message)
    if version is None and snapshot.active_version_id is not None:
        version = spec_version_cached(snapshot.active_version_id)
    spec = version.spec if version is not None else {}
    if version is not None and _faq_synced.get(str(twin.pk)) != _faq_state(version, snapshot):
        faq_index_sync(twin=twin, version=version)
        snapshot = routing_snapshot(twin_id=twin.pk, text=message)
        _faq_synced[str(twin.pk)] = _faq_state(version, snapshot)
    owner_names = owner_names_of(spec)
    decision = route(
        RouterInput(
            message=message,
            spec=spec,
            history=tuple(Turn(role, content) for role, content in history),
            pinned_context=dict(pinned_context or {}),
            interaction_context=interaction_context,
            sources=snapshot.sources,
            vocabulary=vocabulary_cached(twin_id=twin.pk, snapshot=snapshot, owner_names=owner_names),
        ),
        RouterSettings(clarify_threshold=settings.ROUTER_CLARIFY_THRESHOLD),
    )
    return decision, version, snapshot.sources


def _cited_texts(twin: Twin, ids: list[str], matched: tuple[Source, ...]) -> list[SourceText]:
    """The cited sources' texts, in citation order: the routing query already read them; any other is read here."""
    found = {source.id: SourceText(source.id, source.kind, source.title, source.text) for source in matched}
    missing = [i for i in ids if i not in found]
    if missing:
        found.update((text.id, text) for text in knowledge_texts(twin=twin, ids=missing))
    return [found[i] for i in dict.fromkeys(ids) if i in found]


# --- chat keys and conversations ----------------------------------------------------------


@transaction.atomic
def chat_key_issue(*, twin: Twin, actor: User | None, name: str = "default") -> tuple[ChatKey, str]:
    """A visitor key for ``twin``; returns the row and the key, which is never stored."""
    key = key_generate(CHAT_KEY_PREFIX)
    chat_key = ChatKey.objects.create(
        twin=twin, name=name, prefix=key_display_prefix(key), digest=key_digest(key), created_by=actor
    )
    return chat_key, key


@transaction.atomic
def chat_key_revoke(*, chat_key: ChatKey) -> ChatKey:
    if chat_key.revoked_at is None:
        chat_key.revoked_at = timezone.now()
        chat_key.save(update_fields=["revoked_at"])
    return chat_key


def _twin_active_check(twin: Twin) -> None:
    if twin.status == Twin.Status.PAUSED:
        raise TwinPausedError("This twin is paused by its owner and does not chat right now.")


@transaction.atomic
def conversation_start(
    *,
    twin: Twin,
    interaction_context: str,
    visitor_id: str | None = None,
    chat_key: ChatKey | None = None,
    actor: User | None = None,
) -> Conversation:
    _twin_active_check(twin)
    return Conversation.objects.create(
        twin=twin,
        interaction_context=interaction_context,
        visitor_id=visitor_id or f"visitor-{uuid.uuid4().hex[:16]}",
        chat_key=chat_key,
        created_by=actor,
    )


# --- one chat turn ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatTurn:
    user_message: Message
    twin_message: Message
    replayed: bool = False


def _limits_check(content: str, pinned_context: dict[str, str]) -> None:
    if len(content) > settings.CHAT_MAX_MESSAGE_CHARS:
        message = f"A message may have at most {settings.CHAT_MAX_MESSAGE_CHARS} characters."
        raise ChatLimitError(message, fields={"content": [message]})
    pinned_size = sum(len(str(key)) + len(str(value)) for key, value in pinned_context.items())
    if pinned_size > settings.CHAT_MAX_PINNED_CHARS:
        message = f"The pinned context may have at most {settings.CHAT_MAX_PINNED_CHARS} characters."
        raise ChatLimitError(message, fields={"pinned_context": [message]})


def _stored_turn(conversation: Conversation, client_message_id: str | None) -> ChatTurn | None:
    if not client_message_id:
        return None
    found = chat_turn_by_client_id(conversation=conversation, client_message_id=client_message_id)
    return ChatTurn(found[0], found[1], replayed=True) if found else None


def chat_turn_create(
    *,
    conversation: Conversation,
    content: str,
    pinned_context: dict[str, str] | None = None,
    client_message_id: str | None = None,
    realizer: Realizer | None = None,
) -> ChatTurn:
    """One turn: route and realize outside the transaction, then write the turn's rows in one.

    A retry with the same ``client_message_id`` returns the stored turn and writes nothing.
    """
    pinned = {str(key): str(value) for key, value in (pinned_context or {}).items()}
    _limits_check(content, pinned)
    stored = _stored_turn(conversation, client_message_id)
    if stored is not None:
        return stored
    twin = conversation.twin
    _twin_active_check(twin)
    history = conversation_history(conversation=conversation, turns=settings.CHAT_HISTORY_TURNS)
    # The cited sources' texts come with the routing query's matches: no second read for an answer.
    decision, version, matches = _routing_decide_with_matches(
        twin=twin,
        message=content,
        history=history,
        pinned_context=pinned,
        interaction_context=conversation.interaction_context,
        version=None,
    )
    signals = decision.explanation.signals
    cited = [str(i) for i in signals.get("citations") or []] if decision.action == Action.ANSWER else []
    plan = plan_reply(
        PlannerInput(
            decision=decision,
            spec=version.spec if version is not None else {},
            twin_name=twin.name,
            message=content,
            history=tuple(history),
            pinned_context=pinned,
            sources=tuple(_cited_texts(twin, cited, matches)),
        )
    )
    realization = realize_safely(plan, realizer or realizer_for_settings())
    turn = TurnDraft(conversation, content, pinned, client_message_id, decision, version, plan, realization)
    try:
        return _turn_write(turn)
    except IntegrityError:
        # Two retries raced past the check above: the partial unique index let one in.
        stored = _stored_turn(conversation, client_message_id)
        if stored is None:
            raise
        return stored


@dataclass(frozen=True)
class TurnDraft:
    conversation: Conversation
    content: str
    pinned: dict[str, str]
    client_message_id: str | None
    decision: RoutingDecision
    version: PersonaSpec | None
    plan: Plan
    realization: Realization


@transaction.atomic
def _turn_write(turn: TurnDraft) -> ChatTurn:
    # Lock the conversation: its turns are numbered one after another, and a retry
    # that raced this one waits here and then finds the stored turn below.
    conversation = Conversation.objects.select_for_update().get(pk=turn.conversation.pk)
    stored = _stored_turn(conversation, turn.client_message_id)
    if stored is not None:
        return stored
    last, previous_action, previous_rule = conversation_turn_state(conversation=conversation)
    user_message = _user_message_create(turn, conversation, sequence=last + 1)
    record = _routing_record_create(turn, user_message)
    item = review_item_enqueue_for_turn(
        conversation=conversation,
        message=user_message,
        routing_decision=record,
        action=turn.realization.action,
        confidence=turn.decision.confidence,
        rule=turn.decision.explanation.rule,
        previous_action=previous_action,
        previous_rule=previous_rule,
        payload=_review_payload(turn),
    )
    twin_message = _twin_message_create(turn, conversation, user_message, item, sequence=last + 2)
    _response_audit_create(turn, twin_message, record)
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return ChatTurn(user_message, twin_message)


def _user_message_create(turn: TurnDraft, conversation: Conversation, *, sequence: int) -> Message:
    return Message.objects.create(
        conversation=conversation,
        sequence=sequence,
        role=Message.Role.USER,
        content=turn.content,
        metadata={"pinned_context": turn.pinned} if turn.pinned else {},
        client_message_id=turn.client_message_id or None,
    )


def _routing_record_create(turn: TurnDraft, user_message: Message) -> RoutingDecisionRecord:
    contract = turn.decision.as_contract()
    return RoutingDecisionRecord.objects.create(
        message=user_message,
        spec_version=turn.version,
        explanation=turn.decision.explanation_dict(),
        **contract,
    )


def _reply_metadata(turn: TurnDraft, item: ReviewItem | None) -> dict[str, Any]:
    return {
        "routing_decision": turn.decision.as_contract(),
        "workflow_intent": turn.decision.chosen_workflow,
        "persona_spec_version": turn.version.version if turn.version is not None else None,
        "citations": list(turn.realization.citations),
        "review_item_id": str(item.pk) if item is not None else None,
    }


def _twin_message_create(
    turn: TurnDraft, conversation: Conversation, user_message: Message, item: ReviewItem | None, *, sequence: int
) -> Message:
    return Message.objects.create(
        conversation=conversation,
        sequence=sequence,
        role=Message.Role.TWIN,
        content=turn.realization.text,
        structured_output=turn.realization.output,
        metadata=_reply_metadata(turn, item),
        reply_to=user_message,
    )


def _response_audit_create(turn: TurnDraft, twin_message: Message, record: RoutingDecisionRecord) -> ResponseAudit:
    realization, signals = turn.realization, turn.decision.explanation.signals
    scores = signals.get("intent_scores") or {}
    return ResponseAudit.objects.create(
        message=twin_message,
        routing_decision=record,
        spec_version=turn.version,
        intent_label=str(next(iter(scores), turn.decision.intent)),
        workflow_intent=turn.decision.chosen_workflow,
        action=realization.action,
        confidence=turn.decision.confidence,
        citations=list(realization.citations),
        sources_used=[c["id"] for c in realization.citations],
        refusal_reason=turn.plan.refusal_reason if realization.action == "refuse" else "",
        escalation_reason=realization.escalation_reason if realization.action == "escalate" else "",
        retrieval_summary={
            "grounding": signals.get("grounding") or {},
            "cited_by_router": list(signals.get("citations") or []),
            "sources_given_to_realizer": [s.id for s in turn.plan.sources],
        },
        artifacts_used=list(realization.artifacts),
        realizer_backend=realization.backend,
        realizer_fallback_reason=realization.fallback_reason,
    )


def _review_payload(turn: TurnDraft) -> dict[str, Any]:
    return {
        "message": turn.content[:2000],
        "reply": turn.realization.text[:2000],
        "action": turn.realization.action,
        "rule": turn.decision.explanation.rule,
        "reason": turn.decision.explanation.reason,
        "confidence": turn.decision.confidence,
        "interaction_context": turn.conversation.interaction_context,
    }


# --- the owner's answer from the review queue ---------------------------------------------

OWNER_BACKEND = "owner"
OWNER_ANSWER_SCHEMA = "reply.owner_answer.v1"


@transaction.atomic(savepoint=False)
def owner_answer_append(*, message: Message, answer: str, review_item_id: uuid.UUID | None = None) -> Message:
    """The owner's answer to ``message`` (a user message), appended to its conversation as a twin message.

    Runs inside the caller's transaction (the review queue's answer-and-teach). The answer gets its
    own audit row, marked as the owner's rather than a realizer's, so the lineage says who wrote it.
    """
    # Lock the conversation, as a chat turn does: its messages are numbered one after another.
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    last = Message.objects.filter(conversation=conversation).aggregate(n=Max("sequence"))["n"] or 0
    decision = RoutingDecisionRecord.objects.filter(message=message).select_related("spec_version").first()
    output = {"schema": OWNER_ANSWER_SCHEMA, "answer": answer, "in_reply_to": str(message.pk)}
    reply = Message.objects.create(
        conversation=conversation,
        sequence=last + 1,
        role=Message.Role.TWIN,
        content=answer,
        structured_output=reply_validate(OWNER_ANSWER_SCHEMA, output),
        metadata={
            "owner_answer": True,
            "in_reply_to": str(message.pk),
            "review_item_id": str(review_item_id) if review_item_id else None,
        },
        reply_to=message,
        is_owner_answer=True,
    )
    ResponseAudit.objects.create(
        message=reply,
        spec_version=decision.spec_version if decision else None,
        intent_label=decision.intent if decision else "answer",
        workflow_intent=decision.chosen_workflow if decision else "answer",
        action=RoutingDecisionRecord.Action.ANSWER,
        confidence=1.0,
        retrieval_summary={"review_item_id": str(review_item_id) if review_item_id else None},
        artifacts_used=["owner_answer"],
        realizer_backend=OWNER_BACKEND,
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return reply
