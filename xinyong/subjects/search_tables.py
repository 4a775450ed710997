"""The name search index: one row per (subject, name) with the normalised forms searched.

Maintained by `xinyong.subjects.search.index_names`, called where subjects and their other
names are created (resolve_subjects); rows are only ever added there and removed by
`reindex`. SQLite adds two FTS5 tables, both filled by `index_names` itself, in bulk (a
per-row trigger costs several times the insert; delete and update triggers keep them in step
when rows are removed): a trigram table over `haystack` and a bigram table over `grams`.
PostgreSQL has a pg_trgm GIN index on `haystack` and a GIN index on the bigram array
`string_to_array(grams, ' ')` (migrations 0002 and 0007).
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
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
    # Every distinct character bigram of haystack, space-separated: trigram indexes cannot
    # answer a two-character query (SQLite 3.40 FTS5 returns nothing, pg_trgm scans
    # everything), and most trade names (字号) are two characters.
    grams: Mapped[str | None] = mapped_column(Text)
