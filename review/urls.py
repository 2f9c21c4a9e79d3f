from django.urls import path

from review import apis

_queue = "twins/<uuid:twin_id>/owner-review-queue"
_item = f"{_queue}/<uuid:item_id>"

urlpatterns = [
    path(_queue, apis.ReviewQueueListApi.as_view(), name="review-queue"),
    path(_item, apis.ReviewItemDetailApi.as_view(), name="review-item-detail"),
    path(f"{_item}/resolve", apis.ReviewItemResolveApi.as_view(), name="review-item-resolve"),
    path(f"{_item}/claim", apis.ReviewItemClaimApi.as_view(), name="review-item-claim"),
    path(f"{_item}/release", apis.ReviewItemReleaseApi.as_view(), name="review-item-release"),
    path(f"{_item}/answer-and-teach", apis.ReviewItemAnswerAndTeachApi.as_view(), name="review-item-answer-and-teach"),
]
