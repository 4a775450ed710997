"""重错码治理: the credit office resolves the duplicate and wrong code reviews that ingest
raises (xinyong.subjects: same code under other names, same name under other codes)."""

from xinyong.codereview.reads import read_reviews
from xinyong.codereview.rules import (
    ACTIONS,
    CONFIRM_RENAME,
    DISTINCT,
    KIND_LABELS,
    MERGE,
    RESOLUTION_LABELS,
    STATUS_LABELS,
    WRONG_CODE,
)
from xinyong.codereview.service import Resolution, ReviewView, list_reviews, resolve

__all__ = ["ACTIONS", "CONFIRM_RENAME", "DISTINCT", "KIND_LABELS", "MERGE",
           "RESOLUTION_LABELS", "STATUS_LABELS", "WRONG_CODE", "Resolution", "ReviewView",
           "list_reviews", "read_reviews", "resolve"]
