"""Publication tables: the judgement each record was given.

A judgement is the output of the pure rules for one record version (rule set id, class, the
minimum and maximum end), plus the window it gives together with the record's overrides
(xinyong.recordstate: repaired, revoked). It is derived data: `judge_records` recomputes it
from the record, the rule set it was judged under and the override rows; nothing here is a
flag someone must remember to flip.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class PublicationJudgement(Base):
    __tablename__ = "publication_judgement"
    __table_args__ = (Index("ix_publication_judgement_type_end", "record_type",
                            "window_end", "public_from"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), primary_key=True)
    record_version: Mapped[int] = mapped_column(Integer)
    record_type: Mapped[str] = mapped_column(String(40))
    # Penalties: the repair rule set in force on the decision date (e.g. ndrc_order_58_v1);
    # licences: "catalog:<record_type>" (public while valid).
    rule_set_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str | None] = mapped_column(String(10))
    severity_source: Mapped[str | None] = mapped_column(String(20))
    min_end: Mapped[date | None] = mapped_column(Date)
    max_end: Mapped[date | None] = mapped_column(Date)
    never_early: Mapped[bool] = mapped_column(Boolean, default=False)
    # The window after overrides; window_start NULL: never public (e.g. a licence 无效).
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)  # last public day; NULL: open
    ended_by: Mapped[str | None] = mapped_column(String(20))
    # The last public day the provider's own end date (公示截止期) stands for, as read by
    # `rules.provider_last_day`; it ends the window only within [min_end, max_end], and one
    # outside is a quality warning (`xinyong.ingest.quality`). NULL: none given.
    provider_end: Mapped[date | None] = mapped_column(Date)
    # First day the record may be shown: the later of window_start and the day the platform
    # received it; NULL when it is never shown (no window, or a natural person's record).
    # Lets listings and counts filter on this table alone (derived, rewritten by judging).
    public_from: Mapped[date | None] = mapped_column(Date)
    judged_at: Mapped[datetime] = mapped_column(DateTime)
