from django.urls import path

from runtime import apis

urlpatterns = [
    path("twins/<uuid:twin_id>/knowledge", apis.KnowledgeListApi.as_view(), name="knowledge-list"),
    path(
        "twins/<uuid:twin_id>/knowledge/<uuid:document_id>",
        apis.KnowledgeDetailApi.as_view(),
        name="knowledge-detail",
    ),
]
