"""Test data for grading: penalties pushed through ingestion (so severity is judged as in
production), listings and repairs inserted as their procedures leave them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from tests.factories import COMPANY, PROVIDER, penalty
from tests.ingest.helpers import push
from xinyong.core.db import load_all_tables, unit_of_work
from xinyong.subjects import Subject

T = load_all_tables().tables


def subject_id(engine, uscc: str = COMPANY) -> int:
    with unit_of_work(engine) as s:
        return s.scalar(select(Subject.id).where(Subject.uscc == uscc))


def registered(engine, uscc: str, on: date) -> None:
    with unit_of_work(engine) as s:
        s.execute(update(Subject).where(Subject.uscc == uscc)
                  .values(created_at=datetime(on.year, on.month, on.day, 9)))


def penalties(engine, settings, rows: list[dict]) -> None:
    push(engine, settings, "penalty", [penalty(**r) for r in rows],
         received_on=date(2026, 11, 27), provider=PROVIDER)


def listing(engine, sid: int, kind: str, decided: date, removed: date | None = None) -> None:
    now = datetime(2026, 1, 1, 9)
    with unit_of_work(engine) as s:
        s.execute(T["list_entry"].insert().values(
            list_kind=kind, subject_id=sid, subject_name="示范市华盛食品有限公司",
            state="removed" if removed else "published", document_type="决定书",
            document_number=f"示决〔{decided.year}〕{sid}号", document_date=decided,
            issuing_body="示范市市场监督管理局", legal_basis_id="samr_order_44", facts="事实",
            decided_on=decided, published_on=decided, removed_on=removed, version=1,
            created_at=now, updated_at=now))


def repair(engine, record_id: int, on: date) -> None:
    with unit_of_work(engine) as s:
        s.execute(T["publication_override"].insert().values(
            record_id=record_id, reason="repaired", effective_on=on, created_by="tester",
            created_at=datetime(on.year, on.month, on.day, 9)))


def industry(**overrides) -> dict:
    """A valid 行业信用评价 row (纳税信用 A for 2025, valid through 2026)."""
    row = penalty()
    for k in ("document_number", "violation_type", "violation_facts", "penalty_basis",
              "penalty_categories", "penalty_content", "fine_amount", "penalty_valid_until"):
        row.pop(k)
    row.update({"document_number": "示税信〔2026〕1号", "evaluation_kind": "纳税信用",
                "evaluation_year": "2025", "grade": "A", "decision_date": "2026-04-01",
                "valid_from": "2026-04-01", "valid_to": "2027-03-31",
                "authority_name": "示范市税务局", "provider_name": "示范市税务局"})
    row.update(overrides)
    return row
