from django.urls import path, register_converter

from specs import apis


class SemverConverter:
    regex = r"[0-9]+\.[0-9]+\.[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SemverConverter, "semver")

_version = "twins/<uuid:twin_id>/persona-specs/<semver:version>"

urlpatterns = [
    path("twins/", apis.TwinListApi.as_view(), name="twin-list"),
    path("twins/<uuid:twin_id>", apis.TwinDetailApi.as_view(), name="twin-detail"),
    path("twins/<uuid:twin_id>/persona-specs", apis.PersonaSpecListApi.as_view(), name="persona-spec-list"),
    path(_version, apis.PersonaSpecDetailApi.as_view(), name="persona-spec-detail"),
    path(f"{_version}/publish", apis.PersonaSpecPublishApi.as_view(), name="persona-spec-publish"),
    path(f"{_version}/rollback", apis.PersonaSpecRollbackApi.as_view(), name="persona-spec-rollback"),
    path(f"{_version}/diff", apis.PersonaSpecDiffApi.as_view(), name="persona-spec-diff"),
    path(
        "twins/<uuid:twin_id>/persona-spec-events", apis.PersonaSpecEventListApi.as_view(), name="persona-spec-events"
    ),
    path("twins/<uuid:twin_id>/twin-spec/active", apis.TwinSpecActiveApi.as_view(), name="twin-spec-active"),
]
