"""The name search index: one row per (subject, name) with the normalised forms searched.

Maintained by `xinyong.subjects.search.index_names`, called where subjects and their other
names are created (resolve_subjects). SQLite adds an FTS5 trigram table over `haystack`
(created by the migration, kept in step by triggers); PostgreSQL a pg_trgm GIN index.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.db import Base


class SubjectSearch(Base):
    __tablename__ = "subject_search"
    __table_args__ = (Index("ix_subject_search_subject_name", "subject_id", "name",
                            unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    name: Mapped[str] = mapped_column(String(200))  # as registered or reported
    current: Mapped[bool] = mapped_column(Boolean)  # registry name, not a former one
    key: Mapped[str] = mapped_column(String(200), index=True)  # search_key(name)
    core: Mapped[str] = mapped_column(String(200), index=True)  # without company-form suffix
    # key, plus "|" + core when the core is not a substring of the key ("(集团)" inside).
    haystack: Mapped[str] = mapped_column(String(410))


class SubjectSearchGram(Base):
    """Every distinct character bigram of a haystack: trigram indexes cannot answer a
    two-character query (SQLite 3.40 FTS5 returns nothing, pg_trgm scans everything), and most
    trade names (字号) are two characters."""

    __tablename__ = "subject_search_gram"

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("subject_search.id"), primary_key=True)
