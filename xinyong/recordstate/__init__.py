"""The state of a record or list entry apart from its content: repaired, revoked (overrides
that end publication early) and disputed (under objection). One home that the workflows
write and publication, shared reads and the check read."""

from xinyong.recordstate.service import (
    LIST_ENTRY,
    OVERRIDE_REASONS,
    RECORD,
    REPAIRED,
    REVOKED,
    add_override,
    close_dispute,
    disputed_entries,
    disputed_records,
    hidden_by_voided_repair,
    live_overrides,
    open_dispute,
    overrides_by_record,
    repaired_ids,
    void_repairs,
)
from xinyong.recordstate.tables import Dispute, RecordOverride

__all__ = [
    "LIST_ENTRY",
    "OVERRIDE_REASONS",
    "RECORD",
    "REPAIRED",
    "REVOKED",
    "Dispute",
    "RecordOverride",
    "add_override",
    "close_dispute",
    "disputed_entries",
    "disputed_records",
    "hidden_by_voided_repair",
    "live_overrides",
    "open_dispute",
    "overrides_by_record",
    "repaired_ids",
    "void_repairs",
]
