"""Domain errors of the review queue; ``twinproject.errors`` maps them to the API's error shape."""

from __future__ import annotations

from twinproject.errors import ConflictError


class ReviewItemNotPendingError(ConflictError):
    """The item was resolved or dismissed already (perhaps a moment ago, by another reviewer)."""

    code = "review_item_not_pending"


class ReviewItemClaimedError(ConflictError):
    """Another reviewer holds an unexpired claim on the item."""

    code = "review_item_claimed"
