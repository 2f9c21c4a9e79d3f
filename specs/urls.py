from django.urls import path

from specs import apis

urlpatterns = [
    path("twins/", apis.TwinListApi.as_view(), name="twin-list"),
    path("twins/<uuid:twin_id>", apis.TwinDetailApi.as_view(), name="twin-detail"),
]
