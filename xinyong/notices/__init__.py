"""Notices (通知公告): the credit office's announcements on the public site."""

from xinyong.notices.service import (
    DRAFT,
    PUBLISHED,
    STATE_LABELS,
    WITHDRAWN,
    NoticeInput,
    create,
    get_notice,
    get_published,
    list_all,
    list_published,
    set_state,
    update,
)
from xinyong.notices.tables import Notice

__all__ = ["DRAFT", "PUBLISHED", "STATE_LABELS", "WITHDRAWN", "Notice", "NoticeInput",
           "create", "get_notice", "get_published", "list_all", "list_published",
           "set_state", "update"]
