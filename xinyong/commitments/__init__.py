"""Credit commitments (信用承诺): 承诺 → 示诺 → 践诺 → 监诺 for the six commitment types.

Other domains call `reads.for_subject`, `reads.broken_within` and `reads.coverage`."""

from xinyong.commitments import reads, rules
from xinyong.commitments.model import Kind, Rules, Template, load_rules
from xinyong.commitments.service import (
    Determination,
    Incoming,
    Signing,
    allocate_code,
    break_linked,
    content_hash,
    determine,
    for_repair,
    get,
    linked,
    next_serial,
    receive,
    sign,
    signature_of,
    steps_of,
)
from xinyong.commitments.tables import (
    Commitment,
    CommitmentCounter,
    CommitmentSignature,
    CommitmentStep,
)

__all__ = ["Commitment", "CommitmentCounter", "CommitmentSignature", "CommitmentStep",
           "Determination", "Incoming", "Kind", "Rules", "Signing", "Template",
           "allocate_code", "break_linked", "content_hash", "determine", "for_repair", "get",
           "linked", "load_rules", "next_serial",
           "reads", "receive", "rules", "sign", "signature_of", "steps_of"]
