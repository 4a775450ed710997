"""Pure rules of the audit chain: canonical serialisation, entry hash, masking of values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from xinyong.core.masking import scrub_text

GENESIS = "0" * 64
# Fields covered by the hash, in a fixed order; `hash` itself is not.
HASHED_FIELDS = ("seq", "at", "action", "actor_name", "role", "account_id", "department_uscc",
                 "department_name", "subject_uscc", "purpose", "purpose_text", "client",
                 "details", "prev_hash")


def mask_text(value: str) -> str:
    """A resident ID number (GB 11643) never enters the log: masked wherever it is in a text,
    whatever its width or spacing (xinyong.core.masking.scrub_text)."""
    return scrub_text(value)


def mask_value(value: Any) -> Any:
    """Mask personal identifiers anywhere in a JSON-like value."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        # Numbers and None (most of any entry's details) are taken as they are, not recursed.
        return {str(k): v if v is None or type(v) in (int, float, bool) else mask_value(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


# One encoder each (json.dumps with options builds a new one per call; a batch check
# appends thousands of entries). The output is what json.dumps with these options gives.
_DETAILS = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                            default=str)
_HASHED = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_details(details: Mapping[str, Any] | None) -> str:
    return _DETAILS.encode(mask_value(dict(details or {})))


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        # Both databases keep microseconds; a fixed format keeps the hash stable on read-back.
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields (prev_hash included)."""
    blob = _HASHED.encode({k: _norm(fields.get(k)) for k in HASHED_FIELDS})
    return hashlib.sha256(blob.encode()).hexdigest()
