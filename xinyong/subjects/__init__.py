"""Subject registry (信用主体): keyed by USCC, with name history and 重错码 review."""

from xinyong.subjects.service import (
    SubjectRef,
    get_subject,
    list_code_reviews,
    names_of,
    resolve_subjects,
)
from xinyong.subjects.tables import CodeReview, Subject, SubjectName

__all__ = ["CodeReview", "Subject", "SubjectName", "SubjectRef", "get_subject",
           "list_code_reviews", "names_of", "resolve_subjects"]
