from __future__ import annotations

from uuid import UUID

from django.db import connection
from django.db.models import QuerySet

from runtime.models import ChatKey, Conversation, KnowledgeSource, Message
from runtime.planner import SourceText
from specs.models import Twin
from twinproject.errors import NotFoundError


def knowledge_list(*, twin: Twin, kind: str | None = None) -> QuerySet[KnowledgeSource]:
    queryset = KnowledgeSource.objects.filter(twin=twin)
    return queryset.filter(kind=kind) if kind else queryset


def chat_key_list(*, twin: Twin) -> QuerySet[ChatKey]:
    return ChatKey.objects.filter(twin=twin).select_related("created_by")


def chat_key_get(*, twin: Twin, key_id: UUID) -> ChatKey:
    key = chat_key_list(twin=twin).filter(pk=key_id).first()
    if key is None:
        raise NotFoundError("No chat key with this id for this twin.")
    return key


def conversation_list(*, twin: Twin) -> QuerySet[Conversation]:
    return Conversation.objects.filter(twin=twin).select_related("twin", "chat_key", "created_by")


def conversation_get(*, twin: Twin, conversation_id: UUID, chat_key: ChatKey | None = None) -> Conversation:
    """One conversation of ``twin``; with ``chat_key``, only one that key started."""
    found = conversation_list(twin=twin).filter(pk=conversation_id)
    if chat_key is not None:
        found = found.filter(chat_key=chat_key)
    conversation = found.first()
    if conversation is None:
        raise NotFoundError("No conversation with this id is visible to you.")
    return conversation


def conversation_messages(*, conversation: Conversation, limit: int) -> list[Message]:
    """The latest ``limit`` messages, oldest first."""
    latest = Message.objects.filter(conversation=conversation).order_by("-sequence")[:limit]
    return sorted(latest, key=lambda message: message.sequence)


def conversation_history(*, conversation: Conversation, turns: int) -> list[tuple[str, str]]:
    """The conversation's last messages as the router reads them: (role, content), oldest first.

    Only the two columns: every turn reads this, and whole rows would decode each message's JSON.
    """
    latest = Message.objects.filter(conversation=conversation).order_by("-sequence").values_list("role", "content")
    return [(role, content) for role, content in reversed(latest[: 2 * turns])]


# One round trip, no ORM compilation: a turn reads this under its conversation's lock (both
# indexes: the message sequence's unique index, the audit's message index).
_TURN_STATE_SQL = """
SELECT (SELECT max(m.sequence) FROM runtime_message m WHERE m.conversation_id = %(conversation)s),
       last.action, last.rule
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT a.action, d.explanation ->> 'rule' AS rule
    FROM runtime_message m
    JOIN runtime_responseaudit a ON a.message_id = m.id
    LEFT JOIN runtime_routingdecisionrecord d ON d.id = a.routing_decision_id
    WHERE m.conversation_id = %(conversation)s AND NOT m.is_owner_answer
    ORDER BY m.sequence DESC
    LIMIT 1
) AS last ON true
"""


def conversation_turn_state(*, conversation: Conversation) -> tuple[int, str | None, str | None]:
    """The conversation's last message number (0 for none), what its latest turn did (its audit's
    action) and the routing rule behind that."""
    with connection.cursor() as cursor:
        cursor.execute(_TURN_STATE_SQL, {"conversation": conversation.pk})
        last, action, rule = cursor.fetchone()
    return last or 0, action, rule


def chat_turn_by_client_id(*, conversation: Conversation, client_message_id: str) -> tuple[Message, Message] | None:
    """The stored turn (user message, twin reply) of a client message id, if any."""
    user = Message.objects.filter(conversation=conversation, client_message_id=client_message_id).first()
    if user is None:
        return None
    reply = Message.objects.filter(reply_to=user, is_owner_answer=False).order_by("sequence").first()
    return (user, reply) if reply is not None else None


def knowledge_texts(*, twin: Twin, ids: list[str]) -> list[SourceText]:
    """The twin's approved sources with these ids, in the order given."""
    rows = {str(row.pk): row for row in KnowledgeSource.objects.filter(twin=twin, approved=True, pk__in=_uuids(ids))}
    return [SourceText(i, rows[i].kind, rows[i].title, rows[i].body) for i in dict.fromkeys(ids) if i in rows]


def _uuids(values: list[str]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found
