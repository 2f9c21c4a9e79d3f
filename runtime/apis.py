from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from runtime.authentication import CHAT_AUTHENTICATION, ChatKeyPrincipal, IsOwnerOrChatKey
from runtime.errors import ConversationNotYoursError, IdempotencyKeyMismatchError
from runtime.models import ChatKey, Conversation, InteractionContext, KnowledgeSource, Message, RoutingDecisionRecord
from runtime.selectors import chat_key_get, chat_key_list, conversation_get, conversation_messages, knowledge_list
from runtime.services import (
    ChatTurn,
    chat_key_issue,
    chat_key_revoke,
    chat_turn_create,
    conversation_start,
    knowledge_document_create,
    knowledge_document_delete,
    knowledge_document_update,
)
from runtime.throttles import CHAT_THROTTLES
from specs.models import Twin
from specs.selectors import twin_get
from twinproject.errors import NotFoundError
from twinproject.openapi import list_parameters, paginated
from twinproject.pagination import ListPagination


class KnowledgeOutput(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeSource
        fields = ["id", "kind", "title", "body", "approved", "created_at", "updated_at"]


_KNOWLEDGE_KIND = OpenApiParameter(
    name="kind",
    location=OpenApiParameter.QUERY,
    required=False,
    enum=KnowledgeSource.Kind.values,
    description="Only sources of this kind: the owner's `document`s, or `faq` entries mirrored from the active spec.",
)


def _document(twin, document_id: UUID) -> KnowledgeSource:
    document = knowledge_list(twin=twin, kind=KnowledgeSource.Kind.DOCUMENT).filter(pk=document_id).first()
    if document is None:
        raise NotFoundError("No knowledge document with this id for this twin.")
    return document


class KnowledgeListApi(APIView):
    @extend_schema_serializer(component_name="KnowledgeDocumentInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        body = serializers.CharField(max_length=100_000)
        approved = serializers.BooleanField(default=True)

    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=KnowledgeSource.Kind.choices, required=False)

    @extend_schema(
        summary="The twin's knowledge sources: the owner's documents and the active spec's FAQ entries",
        parameters=[_KNOWLEDGE_KIND, *list_parameters()],
        responses=paginated(KnowledgeOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = ListPagination()
        page = paginator.paginate_queryset(knowledge_list(twin=twin, **filters.validated_data), request, view=self)
        return paginator.get_paginated_response(KnowledgeOutput(page, many=True).data)

    @extend_schema(
        summary="Add a knowledge document; approved documents ground the twin's answers",
        request=InputSerializer,
        responses={201: KnowledgeOutput},
    )
    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = knowledge_document_create(twin=twin, **data.validated_data)
        return Response(KnowledgeOutput(document).data, status=status.HTTP_201_CREATED)


class KnowledgeDetailApi(APIView):
    @extend_schema_serializer(component_name="KnowledgeDocumentChange")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=300, required=False)
        body = serializers.CharField(max_length=100_000, required=False)
        approved = serializers.BooleanField(required=False)

    @extend_schema(summary="One knowledge document", responses=KnowledgeOutput)
    def get(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        return Response(KnowledgeOutput(_document(twin, document_id)).data)

    @extend_schema(
        summary="Change a knowledge document's title, body or approval; omitted fields stay",
        request=InputSerializer,
        responses=KnowledgeOutput,
    )
    def patch(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = knowledge_document_update(document=_document(twin, document_id), **data.validated_data)
        return Response(KnowledgeOutput(document).data)

    @extend_schema(summary="Delete a knowledge document", responses={204: None})
    def delete(self, request: Request, twin_id: UUID, document_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        knowledge_document_delete(document=_document(twin, document_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- chat ---------------------------------------------------------------------------------

_CHAT_DOC = (
    "A visitor's chat key (`Authorization: Token chk_…`) chats only with its own twin, in conversations it "
    "started; the owner's token chats as `owner_chat`."
)
_RATE_DOC = (
    " Rate-limited (429 with `Retry-After`): per chat key (`CHAT_RATE_PER_KEY`, 60/min) and per client address "
    "(`CHAT_RATE_PER_IP`, 120/min) for visitors, per owner (`CHAT_RATE_PER_OWNER`, 240/min) for the owner."
)


class RoutingDecisionOutput(serializers.Serializer):
    intent = serializers.CharField()
    confidence = serializers.FloatField(min_value=0.0, max_value=1.0)
    required_inputs_missing = serializers.ListField(child=serializers.CharField())
    chosen_workflow = serializers.CharField()
    output_schema = serializers.CharField()
    action = serializers.ChoiceField(choices=RoutingDecisionRecord.Action.choices)
    clarifying_questions = serializers.ListField(child=serializers.CharField())


class CitationOutput(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField(allow_blank=True)


class ReplyMetadataOutput(serializers.Serializer):
    routing_decision = RoutingDecisionOutput()
    workflow_intent = serializers.CharField()
    persona_spec_version = serializers.CharField(allow_null=True)
    citations = CitationOutput(many=True)
    review_item_id = serializers.UUIDField(allow_null=True)


class ReplyMessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.CharField()
    content = serializers.CharField()
    structured_output = serializers.JSONField(help_text="Valid against the schema it names in its `schema` field.")
    created_at = serializers.DateTimeField()


class UserMessageOutput(serializers.Serializer):
    id = serializers.UUIDField()
    client_message_id = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class ChatTurnOutput(serializers.Serializer):
    message = ReplyMessageOutput(help_text="The twin's reply.")
    metadata = ReplyMetadataOutput()
    user_message = UserMessageOutput()


def chat_turn_body(turn: ChatTurn) -> dict:
    return ChatTurnOutput(
        {"message": turn.twin_message, "metadata": turn.twin_message.metadata, "user_message": turn.user_message}
    ).data


class MessageOutput(serializers.ModelSerializer):
    metadata = serializers.JSONField()
    structured_output = serializers.JSONField()

    class Meta:
        model = Message
        fields = [
            "id",
            "sequence",
            "role",
            "content",
            "structured_output",
            "metadata",
            "is_owner_answer",
            "client_message_id",
            "created_at",
        ]


class ConversationOutput(serializers.ModelSerializer):
    twin_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "twin_id", "interaction_context", "visitor_id", "created_at", "updated_at"]


class ConversationDetailOutput(ConversationOutput):
    message_count = serializers.IntegerField()
    has_earlier = serializers.BooleanField(help_text="Whether older messages exist than those listed.")
    messages = MessageOutput(many=True)

    class Meta(ConversationOutput.Meta):
        fields = [*ConversationOutput.Meta.fields, "message_count", "has_earlier", "messages"]


def _chat_twin(request: Request, twin_id: UUID) -> Twin:
    """The twin the caller may chat with: a chat key's own twin, or one of the owner's."""
    principal = request.user
    if isinstance(principal, ChatKeyPrincipal):
        if principal.twin_id != twin_id:
            raise NotFoundError("No twin with this id is visible to you.")
        return principal.chat_key.twin
    return twin_get(owner=principal, twin_id=twin_id)


def _chat_key(request: Request) -> ChatKey | None:
    return request.user.chat_key if isinstance(request.user, ChatKeyPrincipal) else None


class ConversationStartApi(APIView):
    authentication_classes = CHAT_AUTHENTICATION
    permission_classes = [IsOwnerOrChatKey]
    throttle_classes = CHAT_THROTTLES

    @extend_schema_serializer(component_name="ConversationStartInput")
    class InputSerializer(serializers.Serializer):
        interaction_context = serializers.ChoiceField(
            choices=InteractionContext.choices,
            required=False,
            help_text="Default: `owner_chat` for the owner, `public_widget` for a chat key (which may not use "
            "`owner_chat`).",
        )
        visitor_id = serializers.CharField(
            required=False, max_length=200, help_text="The visitor's id in the client; generated when omitted."
        )

    @extend_schema(
        summary="Start a conversation with the twin",
        description=_CHAT_DOC + _RATE_DOC,
        request=InputSerializer,
        responses={201: ConversationOutput},
    )
    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = _chat_twin(request, twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chat_key = _chat_key(request)
        default = InteractionContext.PUBLIC_WIDGET if chat_key else InteractionContext.OWNER_CHAT
        context = data.validated_data.get("interaction_context", default)
        if chat_key is not None and context == InteractionContext.OWNER_CHAT:
            message = "Only the owner chats as owner_chat."
            raise serializers.ValidationError({"interaction_context": [message]})
        conversation = conversation_start(
            twin=twin,
            interaction_context=context,
            visitor_id=data.validated_data.get("visitor_id"),
            chat_key=chat_key,
            actor=request.user if chat_key is None else None,
        )
        return Response(ConversationOutput(conversation).data, status=status.HTTP_201_CREATED)


class ConversationDetailApi(APIView):
    authentication_classes = CHAT_AUTHENTICATION
    permission_classes = [IsOwnerOrChatKey]

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=200, default=50)

    @extend_schema(
        summary="A conversation with its latest messages (`limit`, default 50, at most 200), oldest first",
        description=_CHAT_DOC,
        parameters=[OpenApiParameter("limit", int, OpenApiParameter.QUERY, required=False)],
        responses=ConversationDetailOutput,
    )
    def get(self, request: Request, twin_id: UUID, conversation_id: UUID) -> Response:
        twin = _chat_twin(request, twin_id)
        conversation = conversation_get(twin=twin, conversation_id=conversation_id, chat_key=_chat_key(request))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        messages = conversation_messages(conversation=conversation, limit=filters.validated_data["limit"])
        count = conversation.messages.count()
        body = {
            **ConversationOutput(conversation).data,
            "message_count": count,
            "has_earlier": count > len(messages),
            "messages": MessageOutput(messages, many=True).data,
        }
        return Response(body)


class ChatMessageCreateApi(APIView):
    authentication_classes = CHAT_AUTHENTICATION
    permission_classes = [IsOwnerOrChatKey]
    throttle_classes = CHAT_THROTTLES

    @extend_schema_serializer(component_name="ChatMessageInput")
    class InputSerializer(serializers.Serializer):
        content = serializers.CharField(
            trim_whitespace=False, help_text="The message; at most `CHAT_MAX_MESSAGE_CHARS` (8000) characters."
        )
        pinned_context = serializers.DictField(
            child=serializers.CharField(allow_blank=True, trim_whitespace=False),
            required=False,
            help_text='Inputs the client pins to this message, e.g. `{"objective": "..."}`; '
            "at most `CHAT_MAX_PINNED_CHARS` (20000) characters in all.",
        )
        client_message_id = serializers.CharField(
            required=False, max_length=200, help_text="Retrying with the same id returns the stored turn."
        )

    @extend_schema(
        summary="Send a message; the twin's reply with its routing decision and citations",
        description=_CHAT_DOC + " A retry with the same `client_message_id` (or `Idempotency-Key` header) "
        "answers 200 with the stored turn and writes nothing." + _RATE_DOC,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        request=InputSerializer,
        responses={201: ChatTurnOutput, 200: ChatTurnOutput},
    )
    def post(self, request: Request, twin_id: UUID, conversation_id: UUID) -> Response:
        twin = _chat_twin(request, twin_id)
        chat_key = _chat_key(request)
        conversation = conversation_get(twin=twin, conversation_id=conversation_id, chat_key=chat_key)
        if chat_key is None and conversation.created_by_id != request.user.pk:
            raise ConversationNotYoursError("This conversation is a visitor's; the owner can read it but not write.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client_message_id = _client_message_id(request, data.validated_data.get("client_message_id"))
        turn = chat_turn_create(
            conversation=conversation,
            content=data.validated_data["content"],
            pinned_context=data.validated_data.get("pinned_context"),
            client_message_id=client_message_id,
        )
        return Response(chat_turn_body(turn), status=status.HTTP_200_OK if turn.replayed else status.HTTP_201_CREATED)


def _client_message_id(request: Request, in_body: str | None) -> str | None:
    header = request.headers.get("Idempotency-Key")
    if header is not None and (not header.strip() or len(header) > 200):
        raise serializers.ValidationError({"Idempotency-Key": ["Must be 1-200 characters."]})
    if header and in_body and header != in_body:
        raise IdempotencyKeyMismatchError("The Idempotency-Key header and client_message_id differ.")
    return in_body or header


# --- chat keys (the owner's) --------------------------------------------------------------


class ChatKeyOutput(serializers.ModelSerializer):
    twin_id = serializers.UUIDField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ChatKey
        fields = ["id", "twin_id", "name", "prefix", "created_by", "created_at", "revoked_at"]


class ChatKeyCreatedOutput(ChatKeyOutput):
    key = serializers.CharField(read_only=True, help_text="The key itself: shown this once, never again.")

    class Meta(ChatKeyOutput.Meta):
        fields = [*ChatKeyOutput.Meta.fields, "key"]


class ChatKeyListApi(APIView):
    @extend_schema_serializer(component_name="ChatKeyInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, default="default")

    @extend_schema(
        summary="The twin's chat keys (their prefixes; keys are shown only when created)",
        parameters=list_parameters(),
        responses=paginated(ChatKeyOutput),
    )
    def get(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        paginator = ListPagination()
        page = paginator.paginate_queryset(chat_key_list(twin=twin), request, view=self)
        return paginator.get_paginated_response(ChatKeyOutput(page, many=True).data)

    @extend_schema(
        summary="Create a chat key for visitors of this twin; the key is in this answer only",
        request=InputSerializer,
        responses={201: ChatKeyCreatedOutput},
    )
    def post(self, request: Request, twin_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chat_key, key = chat_key_issue(twin=twin, actor=request.user, name=data.validated_data["name"])
        chat_key.key = key
        return Response(ChatKeyCreatedOutput(chat_key).data, status=status.HTTP_201_CREATED)


class ChatKeyRevokeApi(APIView):
    @extend_schema(summary="Revoke a chat key: it stops working at once", request=None, responses=ChatKeyOutput)
    def post(self, request: Request, twin_id: UUID, key_id: UUID) -> Response:
        twin = twin_get(owner=request.user, twin_id=twin_id)
        chat_key = chat_key_revoke(chat_key=chat_key_get(twin=twin, key_id=key_id))
        return Response(ChatKeyOutput(chat_key).data)
