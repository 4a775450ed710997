"""Audit trail (审计): a hash-chained, append-only log of every write and non-public read."""

from xinyong.audit.checkpoint import Signer, load_signer, verify_anchored, write_checkpoint
from xinyong.audit.rules import mask_text
from xinyong.audit.service import (
    CHECK_RUN,
    QUERY_ACTIONS,
    READ_SHARED,
    REPORT_ISSUE,
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
from xinyong.audit.tables import AuditCheckpoint, AuditEntry

__all__ = ["CHECK_RUN", "QUERY_ACTIONS", "READ_SHARED", "REPORT_ISSUE", "AuditCheckpoint",
           "AuditEntry", "BrokenLink", "Entry", "Signer", "VerifyResult", "append",
           "append_many", "count",
           "grant_append_only", "list_entries", "list_queries_about", "load_signer", "mask_text",
           "verify", "verify_anchored", "write_checkpoint"]
