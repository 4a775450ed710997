"""Who may use commitment-based processing (告知承诺、容缺受理): a subject with a broken or
false commitment is barred while that breach's record is published (the period the rules
set, data/commitments.yaml `breach.publication_years`); the serious-dishonesty list is the
measure catalog's `commitment_processing_bar`, prompted by the check like any measure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.commitments import rules
from xinyong.commitments.model import load_rules
from xinyong.commitments.tables import Commitment


@dataclass(frozen=True)
class Bar:
    code: str  # the broken commitment's 承诺编码
    reason: str
    legal_basis: str
    until: date | None


def matter() -> str:
    return load_rules().eligibility.matter


def bars(session: Session, subject_id: int, today: date) -> list[Bar]:
    data = load_rules()
    basis = data.eligibility.cite()
    rows = session.scalars(select(Commitment).where(
        Commitment.subject_id == subject_id, Commitment.state == rules.BROKEN,
        Commitment.determined_on <= today, Commitment.breach_published_until >= today)
        .order_by(Commitment.determined_on.desc())).all()
    return [_bar(c, basis) for c in rows]


def _bar(c: Commitment, basis: str) -> Bar:
    number, on = c.code, c.determined_on.isoformat() if c.determined_on else ""
    status = rules.FULFILMENTS.get(c.fulfilment or "", "违诺")
    return Bar(number, f"{on}被认定{status}的{rules.KINDS[c.kind]}承诺（{number}），"
                       f"违诺信息公示至{c.breach_published_until}", basis,
               c.breach_published_until)
