"""Quality figures per provider: compliance rate and timeliness rate.

compliance_rate = rows that passed validation / rows submitted (all batches);
timeliness_rate = records received within the working-day limit / records with a known
timeliness. No national formula was found (standards.md §2); these definitions are ours and
are printed with the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from xinyong.ingest.tables import Batch, Provider, Record


@dataclass(frozen=True)
class ProviderQuality:
    provider_uscc: str
    provider_name: str
    batches: int
    submitted: int
    valid: int
    records: int
    on_time: int
    late: int
    timeliness_unknown: int

    @property
    def compliance_rate(self) -> float | None:
        return self.valid / self.submitted if self.submitted else None

    @property
    def timeliness_rate(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def provider_quality(session: Session) -> list[ProviderQuality]:
    batch_rows = {pid: (n, tot, rej) for pid, n, tot, rej in session.execute(
        select(Batch.provider_id, func.count(), func.sum(Batch.total), func.sum(Batch.rejected))
        .group_by(Batch.provider_id))}
    record_rows = {pid: (n, ok, late, unknown) for pid, n, ok, late, unknown in session.execute(
        select(Record.provider_id, func.count(),
               func.sum(case((Record.late.is_(False), 1), else_=0)),
               func.sum(case((Record.late.is_(True), 1), else_=0)),
               func.sum(case((Record.late.is_(None), 1), else_=0)))
        .group_by(Record.provider_id))}
    out = []
    for p in session.scalars(select(Provider).order_by(Provider.name)):
        n_batches, total, rejected = batch_rows.get(p.id, (0, 0, 0))
        n_rec, ok, late, unknown = record_rows.get(p.id, (0, 0, 0, 0))
        out.append(ProviderQuality(p.uscc, p.name, int(n_batches), int(total or 0),
                                   int(total or 0) - int(rejected or 0), int(n_rec),
                                   int(ok or 0), int(late or 0), int(unknown or 0)))
    return out
