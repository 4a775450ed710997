from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.accounts import Actor, Role
from xinyong.lists import LegalDocument, Proposal
from xinyong.subjects import SubjectRef, resolve_subjects
from xinyong.subjects.uscc import make

OFFICER = Actor(role=Role.ADMIN, name="李科长", department_uscc=make("11", "350200", "MB160001"),
                department_class="enforcement", department_name="示范市市场监督管理局")
CASE_OFFICER = Actor(role=Role.CASE_OFFICER, name="张警官",
                     department_uscc=make("11", "350200", "MB160009"),
                     department_class="procurement", department_name="示范市财政局")
ACME = make("91", "350203", "MA2XKL01")
OTHER = make("91", "350206", "MA2XKL02")


def add_subject(session: Session, uscc: str, name: str, legal_rep: str | None = "王建国") -> int:
    ids = resolve_subjects(session, [SubjectRef(uscc, None, None, "法人及非法人组织", name,
                                                legal_rep)])
    return ids[uscc]


def doc(**over: object) -> LegalDocument:
    base: dict[str, object] = {"type": "行政处罚决定书", "number": "示市监处罚〔2026〕88号",
                               "date": date(2026, 9, 1), "issuing_body": "示范市市场监督管理局"}
    base.update(over)
    return LegalDocument(**base)  # type: ignore[arg-type]


def proposal(uscc: str = ACME, kind: str = "serious_dishonesty", basis: str = "samr_order_44",
             **over: object) -> Proposal:
    base: dict[str, object] = {"list_kind": kind, "uscc": uscc, "document": doc(),
                               "legal_basis_id": basis,
                               "facts": "生产销售不符合食品安全标准的食品,情节严重"}
    base.update(over)
    return Proposal(**base)  # type: ignore[arg-type]
