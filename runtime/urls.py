from django.urls import path

from runtime import apis

_conversation = "twins/<uuid:twin_id>/conversations/<uuid:conversation_id>"

urlpatterns = [
    path("twins/<uuid:twin_id>/knowledge", apis.KnowledgeListApi.as_view(), name="knowledge-list"),
    path(
        "twins/<uuid:twin_id>/knowledge/<uuid:document_id>",
        apis.KnowledgeDetailApi.as_view(),
        name="knowledge-detail",
    ),
    path("twins/<uuid:twin_id>/conversations", apis.ConversationStartApi.as_view(), name="conversation-list"),
    path(_conversation, apis.ConversationDetailApi.as_view(), name="conversation-detail"),
    path(f"{_conversation}/messages", apis.ChatMessageCreateApi.as_view(), name="conversation-messages"),
    path("twins/<uuid:twin_id>/chat-keys", apis.ChatKeyListApi.as_view(), name="chat-key-list"),
    path(
        "twins/<uuid:twin_id>/chat-keys/<uuid:key_id>/revoke", apis.ChatKeyRevokeApi.as_view(), name="chat-key-revoke"
    ),
]
