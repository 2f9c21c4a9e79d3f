"""The floor: a chat turn's rows written the way a turn writes them, with no routing or realizing.

Served only under ``twinproject.settings_bench`` (``BENCH_FLOOR``), which makes this module the
URL configuration: the project's URLs plus one floor URL. The floor view authenticates,
throttles and finds the conversation exactly as the chat view does, then writes the user
message, the routing decision record, the twin's message and the response audit in one
transaction under the same conversation lock, and answers with the chat turn's body. What a
real turn costs beyond this is routing, planning and realizing.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.urls import path
from django.utils import timezone
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from runtime.apis import ChatMessageCreateApi, _chat_key, _chat_twin, chat_turn_body
from runtime.models import Conversation, Message, ResponseAudit, RoutingDecisionRecord
from runtime.selectors import conversation_get, conversation_turn_state
from runtime.services import ChatTurn
from twinproject import urls as project_urls

FLOOR_PATH = "bench/floor/twins/<uuid:twin_id>/conversations/<uuid:conversation_id>/messages"

# A typical answer's size and shape, so the floor stores and sends as many bytes as a turn.
_REPLY = (
    "Yes. Maya holds open office hours every other Friday for founders in her portfolio and a few "
    "slots for others; book one through the form on her site. Bring your deck, your last three "
    "months of metrics and the one question you most want answered."
)
_DECISION = {
    "intent": "answer",
    "confidence": 0.85,
    "required_inputs_missing": [],
    "chosen_workflow": "answer",
    "output_schema": "workflow.answer.v1",
    "action": "answer",
    "clarifying_questions": [],
}
_EXPLANATION = {"rule": "answer.default", "reason": "floor", "signals": {"intent_scores": {"answer": 0.85}}}


def _floor_rows_write(conversation: Conversation, content: str, pinned: dict[str, str]) -> ChatTurn:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        last, _action, _rule = conversation_turn_state(conversation=conversation)
        user_message = Message.objects.create(
            conversation=conversation,
            sequence=last + 1,
            role=Message.Role.USER,
            content=content,
            metadata={"pinned_context": pinned} if pinned else {},
        )
        record = RoutingDecisionRecord.objects.create(message=user_message, explanation=_EXPLANATION, **_DECISION)
        twin_message = Message.objects.create(
            conversation=conversation,
            sequence=last + 2,
            role=Message.Role.TWIN,
            content=_REPLY,
            structured_output={"schema": "workflow.answer.v1", "answer": _REPLY, "citations": []},
            metadata={
                "routing_decision": _DECISION,
                "workflow_intent": "answer",
                "persona_spec_version": "1.0.0",
                "citations": [],
                "review_item_id": None,
            },
            reply_to=user_message,
        )
        ResponseAudit.objects.create(
            message=twin_message,
            routing_decision=record,
            intent_label="answer",
            workflow_intent="answer",
            action="answer",
            confidence=0.85,
            retrieval_summary={"grounding": {}, "cited_by_router": [], "sources_given_to_realizer": []},
            realizer_backend="floor",
        )
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return ChatTurn(user_message, twin_message)


class FloorTurnApi(APIView):
    authentication_classes = ChatMessageCreateApi.authentication_classes
    permission_classes = ChatMessageCreateApi.permission_classes
    throttle_classes = ChatMessageCreateApi.throttle_classes
    schema = None  # not part of the API

    def post(self, request: Request, twin_id: UUID, conversation_id: UUID) -> Response:
        twin = _chat_twin(request, twin_id)
        conversation = conversation_get(twin=twin, conversation_id=conversation_id, chat_key=_chat_key(request))
        data = ChatMessageCreateApi.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pinned = {str(k): str(v) for k, v in (data.validated_data.get("pinned_context") or {}).items()}
        turn = _floor_rows_write(conversation, data.validated_data["content"], pinned)
        return Response(chat_turn_body(turn), status=status.HTTP_201_CREATED)


urlpatterns = [path(FLOOR_PATH, FloorTurnApi.as_view(), name="bench-floor"), *project_urls.urlpatterns]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


class ColdTextMiddleware:
    """Every message arrives new to the process, as a visitor's message does (``BENCH_COLD_TEXT``).

    The load generator repeats a few hundred texts; the router's per-text caches (intent scores,
    detection views) would answer most of them from memory after the first minute and flatter the
    turn. Clearing them per request also re-scores the conversation's earlier turns, which a real
    process would find cached: slightly pessimistic, and the same rule as the router benchmark's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from runtime import intent
        from runtime.normalize import detection_views

        for model in list(intent._models.values()):
            model.cache_clear()
        detection_views.cache_clear()
        return self.get_response(request)
