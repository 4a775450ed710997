"""Audit trail (审计): a hash-chained, append-only log of every write and non-public read."""

from xinyong.audit.service import (
    CHECK_RUN,
    QUERY_ACTIONS,
    READ_SHARED,
    BrokenLink,
    Entry,
    VerifyResult,
    append,
    append_many,
    count,
    grant_append_only,
    list_entries,
    list_queries_about,
    verify,
)
from xinyong.audit.tables import AuditEntry

__all__ = ["CHECK_RUN", "QUERY_ACTIONS", "READ_SHARED", "AuditEntry", "BrokenLink", "Entry",
           "VerifyResult", "append", "append_many", "count", "grant_append_only", "list_entries",
           "list_queries_about", "verify"]
