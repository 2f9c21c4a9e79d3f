from django.urls import path

from learning import apis

_inputs = "twins/<uuid:twin_id>/learning-inputs"
_input = f"{_inputs}/<uuid:learning_input_id>"

urlpatterns = [
    path(_inputs, apis.LearningInputListApi.as_view(), name="learning-input-list"),
    path(_input, apis.LearningInputDetailApi.as_view(), name="learning-input-detail"),
    path(f"{_input}/apply", apis.LearningInputApplyApi.as_view(), name="learning-input-apply"),
    path(f"{_input}/reject", apis.LearningInputRejectApi.as_view(), name="learning-input-reject"),
    path(
        "twins/<uuid:twin_id>/regression-cases/export",
        apis.RegressionCaseExportApi.as_view(),
        name="regression-case-export",
    ),
]
