"""Credit commitments (信用承诺): the commitment with the national data elements, the
per-(region, day) serial counter its 承诺编码 is drawn from, and who signed what."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class CommitmentCounter(Base):
    """The last serial handed out for a region and a day: incremented under a row lock (an
    upsert), so that two concurrent creations never draw the same 承诺编码."""

    __tablename__ = "commitment_counter"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (Index("ix_commitment_accepting_state", "accepting_uscc", "state"),
                      Index("ix_commitment_subject_made", "subject_id", "made_on"),
                      Index("ix_commitment_ref", "ref_kind", "ref_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 承诺编码
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    committer_name: Mapped[str] = mapped_column(String(200))  # 承诺人名称
    committer_category: Mapped[str] = mapped_column(String(20))  # 承诺人类别
    committer_code: Mapped[str] = mapped_column(String(18))  # 承诺人代码
    kind: Mapped[str] = mapped_column(String(20), index=True)  # 承诺类型
    template_id: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(512))  # 承诺事由
    content: Mapped[str] = mapped_column(Text)  # 承诺内容
    liability: Mapped[str] = mapped_column(Text)  # 违诺责任
    made_on: Mapped[date] = mapped_column(Date)  # 承诺作出日期
    valid_until: Mapped[date | None] = mapped_column(Date)  # 承诺有效期
    state: Mapped[str] = mapped_column(String(20), index=True)  # lifecycle (rules.STATES)
    fulfilment: Mapped[str | None] = mapped_column(String(10))  # 承诺履行状态
    unfulfilled_content: Mapped[str | None] = mapped_column(Text)  # 未履行的承诺内容
    liability_pursued: Mapped[str | None] = mapped_column(Text)  # 违诺责任追究内容
    determined_on: Mapped[date | None] = mapped_column(Date)  # 履行状态认定日期
    determined_by_name: Mapped[str | None] = mapped_column(String(200))  # 认定单位
    determined_by_uscc: Mapped[str | None] = mapped_column(String(18))
    accepting_name: Mapped[str] = mapped_column(String(200))  # 承诺受理单位
    accepting_uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)  # of the accepting place
    disclosure: Mapped[str] = mapped_column(String(10))  # 公开类型: public | scoped | none
    remark: Mapped[str | None] = mapped_column(Text)  # 备注
    source: Mapped[str] = mapped_column(String(12))  # online | department | repair
    # What the commitment belongs to, when another workflow made it (("repair", app id)).
    ref_kind: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    # 践诺/监诺: the verification task of the accepting department.
    verify_due: Mapped[date | None] = mapped_column(Date)
    verified_late: Mapped[bool | None] = mapped_column()
    # Breach: the consequence the type's rules name, and the dishonesty record it created.
    consequence: Mapped[str | None] = mapped_column(String(40))
    breach_published_until: Mapped[date | None] = mapped_column(Date)
    # The 违背信用承诺失信信息 record (catalog type commitment_breach) the breach created.
    breach_record_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CommitmentSignature(Base):
    """Who signed an online commitment, when, and the SHA-256 of the text signed."""

    __tablename__ = "commitment_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), unique=True)
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_account_id: Mapped[int | None] = mapped_column(Integer)
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    content_hash: Mapped[str] = mapped_column(String(64))


class CommitmentStep(Base):
    """Each transition of a commitment: who, when, from and to which state."""

    __tablename__ = "commitment_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    on_day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
