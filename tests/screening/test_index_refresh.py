"""The check's name index stays exact when transactions commit out of id order.

On PostgreSQL ids come from sequences and transactions commit in any order: a long ingest
batch holds low ids while a small push with higher ids commits first. A check in between
must not leave the long batch's subjects and names out of the index once it commits. These
tests build that state with two real connections on PostgreSQL; SQLite has one writer at a
time, so there the transaction that commits last is handed the lower ids, as a sequence would
have handed them out.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tests.conftest import PG_URL
from tests.factories import penalty
from tests.ingest.helpers import push
from tests.lists.helpers import CASE_OFFICER
from xinyong.core.db import alembic_config, build_engine, session_factory, unit_of_work, upgrade
from xinyong.core.settings import Settings
from xinyong.screening.check import CheckRequest, run_check
from xinyong.screening.match import refresh_index, reindex
from xinyong.screening.tables import ScreeningName
from xinyong.subjects import SubjectRef, resolve_subjects
from xinyong.subjects.bulk import BulkWriter
from xinyong.subjects.uscc import make

LATE = make("91", "350200", "00000001")
EARLY = make("91", "350200", "00000002")
LATE_NAME = "示范市迟交贸易有限公司"
EARLY_NAME = "示范市早交物流有限公司"

Work = Callable[[Session], object]


def _add(s: Session, code: str, name: str) -> int:
    return resolve_subjects(s, [SubjectRef(code, None, None, "法人及非法人组织", name,
                                           "王建国")])[code]


def _hits(engine: Engine, name: str) -> list[tuple[int, str, bool]]:
    """(subject id, method, matched the current name) of a name-only check."""
    with unit_of_work(engine) as s:
        result = run_check(s, CheckRequest("procurement", name=name), CASE_OFFICER)
    return [(h["subject_id"], h["method"], h["matched_name"] == h["name"])
            for h in result["hits"]]


def _plan_ids(monkeypatch: pytest.MonkeyPatch, table: str, ids: list[int]) -> None:
    """Hand out `ids` for `table`, in this order, as a sequence would have (SQLite allocates
    above the current maximum, so a later transaction always gets higher ids there)."""
    original = BulkWriter.allocate_ids

    def allocate(self: BulkWriter, name: str, n: int) -> list[int]:
        given = original(self, name, n)  # still takes SQLite's write lock
        if name != table:
            return given
        assert len(ids) >= n, "more ids asked for than planned"
        return [ids.pop(0) for _ in range(n)]

    monkeypatch.setattr(BulkWriter, "allocate_ids", allocate)


def _out_of_order(engine: Engine, monkeypatch: pytest.MonkeyPatch, table: str,
                  late: Work, early: Work, between: Work) -> None:
    """`late` takes the lower ids of `table` but commits after `early` has committed and
    `between` (a check) has run."""
    if engine.dialect.name == "postgresql":
        session = session_factory(engine)()
        try:
            late(session)  # the long batch: its ids are taken, its transaction still open
            with unit_of_work(engine) as s:
                early(s)
            with unit_of_work(engine) as s:
                between(s)
            session.commit()
        finally:
            session.close()
        return
    with engine.connect() as conn:
        top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    _plan_ids(monkeypatch, table, [top + 2, top + 1])
    with unit_of_work(engine) as s:
        early(s)
    with unit_of_work(engine) as s:
        between(s)
    with unit_of_work(engine) as s:
        late(s)


def _check_finds(name: str) -> Work:
    def check(s: Session) -> None:
        result = run_check(s, CheckRequest("procurement", name=name), CASE_OFFICER)
        assert result["status"] == "hit", result["status"]
    return check


def _duplicates(engine: Engine) -> list[tuple[Any, ...]]:
    with unit_of_work(engine) as s:
        return [tuple(r) for r in s.execute(
            select(ScreeningName.subject_id, ScreeningName.source_name_id, ScreeningName.name,
                   func.count())
            .group_by(ScreeningName.subject_id, ScreeningName.source_name_id,
                      ScreeningName.name)
            .having(func.count() > 1))]


def test_a_subject_committed_after_a_check_indexed_a_newer_one_is_found(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ids: dict[str, int] = {}
    _out_of_order(engine, monkeypatch, "subject",
                  late=lambda s: ids.setdefault("late", _add(s, LATE, LATE_NAME)),
                  early=lambda s: ids.setdefault("early", _add(s, EARLY, EARLY_NAME)),
                  between=_check_finds(EARLY_NAME))
    assert ids["late"] < ids["early"]
    assert _hits(engine, LATE_NAME) == [(ids["late"], "exact", True)]
    assert _hits(engine, EARLY_NAME) == [(ids["early"], "exact", True)]
    assert _duplicates(engine) == []


def test_an_other_name_committed_after_a_check_indexed_a_newer_one_is_found(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with unit_of_work(engine) as s:
        late_id, early_id = _add(s, LATE, LATE_NAME), _add(s, EARLY, EARLY_NAME)
    assert _hits(engine, LATE_NAME) == [(late_id, "exact", True)]  # both indexed now
    renamed_late, renamed_early = "示范市迟交新材料有限公司", "示范市早交供应链有限公司"
    _out_of_order(engine, monkeypatch, "subject_name",
                  late=lambda s: _add(s, LATE, renamed_late),
                  early=lambda s: _add(s, EARLY, renamed_early),
                  between=_check_finds(renamed_early))
    with unit_of_work(engine) as s:
        name_ids = dict(s.execute(text("SELECT name, id FROM subject_name")).tuples().all())
    assert name_ids[renamed_late] < name_ids[renamed_early]
    assert _hits(engine, renamed_late) == [(late_id, "exact", False)]
    assert _hits(engine, renamed_early) == [(early_id, "exact", False)]
    assert _duplicates(engine) == []


def test_concurrent_refreshes_index_each_name_once(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        for i in range(30):
            _add(s, make("91", "350200", f"{100 + i:08d}"), f"示范市并发{i:02d}号商贸有限公司")
        _add(s, make("91", "350200", "00000100"), "示范市并发新名称商贸有限公司")  # other name
    first = session_factory(engine)()
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            with unit_of_work(engine) as s:
                outcome["added"] = refresh_index(s)
        except BaseException as exc:  # seen by the assertion below
            outcome["error"] = exc

    try:
        assert refresh_index(first) == 31  # indexed, not yet committed
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        # It sees the rows the first one claimed and waits for it, rather than going on
        # without the names the first one is adding.
        assert thread.is_alive()
        first.commit()
        thread.join(timeout=60)
    finally:
        first.close()
    assert outcome == {"added": 0}
    with unit_of_work(engine) as s:
        assert refresh_index(s) == 0
        assert s.scalar(select(func.count()).select_from(ScreeningName)) == 31
    assert _duplicates(engine) == []


def test_refreshing_again_or_after_a_reindex_indexes_nothing_twice(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        _add(s, LATE, LATE_NAME)
        _add(s, LATE, "示范市迟交新材料有限公司")
        assert refresh_index(s) == 2
        assert refresh_index(s) == 0
    with unit_of_work(engine) as s:
        assert refresh_index(s) == 0
        _add(s, EARLY, EARLY_NAME)  # left for the rebuild to cover
        assert reindex(s) == 3
    with unit_of_work(engine) as s:
        assert refresh_index(s) == 0
    assert _duplicates(engine) == []
    assert _hits(engine, EARLY_NAME) != []


def test_a_run_of_new_ids_is_one_pending_row_and_persons_none(engine: Engine) -> None:
    org = SubjectRef(make("91", "350200", "00000301"), None, None, "法人及非法人组织",
                     "示范市连号一贸易有限公司", None)
    person = SubjectRef(None, "k" * 64, "3502**********1234", "自然人", "张三", None)
    last = SubjectRef(make("91", "350200", "00000302"), None, None, "法人及非法人组织",
                      "示范市连号二贸易有限公司", None)
    with unit_of_work(engine) as s:
        ids = resolve_subjects(s, [org, person, last])
        assert ids[org.key] + 2 == ids[last.key]
        pending = s.execute(text("SELECT kind, first_id, last_id FROM screening_pending"))
        assert pending.tuples().all() == [("subject", ids[org.key], ids[last.key])]
        assert refresh_index(s) == 2  # the person inside the run is not indexed
        resolve_subjects(s, [person._replace(person_key="m" * 64, name="李四")])
        assert s.execute(text("SELECT count(*) FROM screening_pending")).scalar_one() == 0


def _in_write_transaction(s: Session) -> bool:
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        # A transaction id is assigned by the first write, and only then.
        return conn.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar() is not None
    return bool(conn.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


def test_a_refresh_with_nothing_new_writes_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as s:
        _add(s, LATE, LATE_NAME)
        _add(s, LATE, "示范市迟交新材料有限公司")
        _add(s, EARLY, EARLY_NAME)
    with unit_of_work(engine) as s:
        assert refresh_index(s) == 3
    with unit_of_work(engine) as s:
        assert refresh_index(s) == 0
        assert not s.new and not s.dirty and not s.deleted
        assert not _in_write_transaction(s)


def test_an_ingest_batch_is_found_by_name(engine: Engine, settings: Settings) -> None:
    rows = [penalty(subject_uscc=make("91", "350200", f"{200 + i:08d}"),
                    subject_name=f"示范市批量{i:02d}号食品有限公司",
                    document_number=f"示市监处罚〔2026〕{200 + i}号") for i in range(25)]
    summary, problems = push(engine, settings, "penalty", rows, chunk_rows=10)
    assert problems == [] and summary.accepted == 25
    with unit_of_work(engine) as s:
        # A few rows per chunk of new subjects, not one per subject.
        assert s.execute(text("SELECT count(*) FROM screening_pending")).scalar_one() <= 3
    for i in (0, 12, 24):
        assert len(_hits(engine, f"示范市批量{i:02d}号食品有限公司")) == 1
    with unit_of_work(engine) as s:
        assert s.execute(text("SELECT count(*) FROM screening_pending")).scalar_one() == 0


@pytest.fixture
def fresh_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the fixture's kind, not yet migrated."""
    if engine.dialect.name == "sqlite":
        eng = build_engine(f"sqlite:///{tmp_path / 'upgrade.db'}")
        yield eng
        eng.dispose()
        return
    schema = f"u_{uuid.uuid4().hex[:10]}"
    admin = build_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    eng = build_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_the_upgrades_record_what_the_index_lacks_then_rebuild_it(fresh_engine: Engine
                                                                  ) -> None:
    command.upgrade(alembic_config(fresh_engine), "0008_merge_screening_ingest")
    with fresh_engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subject (id, uscc, kind, name, created_at, updated_at) VALUES "
            "(1, :a, 'organisation', '示范市遗漏贸易有限公司', :t, :t), "
            "(2, :b, 'organisation', '兰州已索引物流有限公司', :t, :t), "
            "(3, NULL, 'person', '张三', :t, :t), "
            "(4, :c, 'organisation', '示范市新到科技有限公司', :t, :t)"),
            {"a": LATE, "b": EARLY, "c": make("91", "350200", "00000004"),
             "t": "2026-11-27 10:00:00"})
        conn.execute(text("INSERT INTO subject_name (id, subject_id, name, first_seen_at) "
                          "VALUES (7, 2, '示范市旧名物流有限公司', :t)"),
                     {"t": "2026-11-27 10:00:00"})
        # Subject 2 indexed, subject 1 missed by the old high-water marks (the bug), 4 new.
        conn.execute(text("INSERT INTO screening_name (subject_id, source_name_id, name, key, "
                          "core) VALUES (2, NULL, '兰州已索引物流有限公司', 'x', 'x')"))
    command.upgrade(alembic_config(fresh_engine), "0009_screening_pending")
    with fresh_engine.begin() as conn:
        runs = conn.execute(text("SELECT kind, first_id, last_id FROM screening_pending "
                                 "ORDER BY kind, first_id")).all()
    assert [tuple(r) for r in runs] == [("name", 7, 7), ("subject", 1, 1), ("subject", 4, 4)]
    # 0012: the cores of the old rule ('x' here) cannot be kept: everything is pending again
    # and indexed with the parts of each name.
    upgrade(fresh_engine)
    with unit_of_work(fresh_engine) as s:
        assert refresh_index(s) == 4
        assert refresh_index(s) == 0
        indexed = set(s.execute(select(ScreeningName.subject_id, ScreeningName.source_name_id,
                                       ScreeningName.core, ScreeningName.form)).tuples())
    assert indexed == {(1, None, "|示范市遗漏贸易|", "有限责任公司"),
                       (2, None, "兰州|已索引物流|", "有限责任公司"),
                       (2, 7, "|示范市旧名物流|", "有限责任公司"),
                       (4, None, "|示范市新到科技|", "有限责任公司")}
    assert _hits(fresh_engine, "兰州市已索引物流有限责任公司") == [(2, "variant", True)]
