"""Windows and retirement (#13): a `fixed_days` type is published for its days; a record type
retired by `effective_to` (or not yet in force before `effective_from`) leaves the public
site from the day after (as_of before still shows it), stays in the subject's own file, and
nothing answers 404 because of it. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.accounts.helpers import ACTORS, client_as
from tests.factories import COMPANY, licence, penalty
from tests.ingest.helpers import push
from xinyong.accounts import Role
from xinyong.catalog import default_catalog, load_catalog
from xinyong.catalog import loader as catalog_loader
from xinyong.core.errors import ConfigError, RuleViolation

RETIRED_ON = date(2026, 12, 31)  # penalty's last day in force in these tests
BEFORE, AFTER = "2026-12-15", "2027-01-05"


def _edit(path: Path, **changes: object) -> None:
    raw = yaml.safe_load(path.read_text("utf-8"))
    raw.update(changes)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")


def _filing(directory: Path, **publication: object) -> None:
    """A fixed-period type made from the licence file (行政备案, 30 days)."""
    raw = yaml.safe_load((directory / "licence.yaml").read_text("utf-8"))
    raw.update(id="filing", name="行政备案",
               publication={"window": "fixed_days", "starts": "decision_date", "days": 30,
                            **publication})
    (directory / "filing.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")


@pytest.fixture
def catalog_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped catalog copied and edited by the test; the app and services read it."""
    target = tmp_path / "catalog"
    shutil.copytree(catalog_loader.DATA_DIR, target)
    monkeypatch.setattr(catalog_loader, "DATA_DIR", target)
    default_catalog.cache_clear()
    yield target
    default_catalog.cache_clear()


def test_fixed_days_needs_its_days_and_only_it(tmp_path):
    d = tmp_path / "c"
    shutil.copytree(catalog_loader.DATA_DIR, d)
    _filing(d, days=None)
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "filing.yaml" in exc.value.message and "needs 'days'" in exc.value.message
    _filing(d)
    _edit(d / "licence.yaml", publication={"window": "while_valid", "days": 5})
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "only to window fixed_days" in exc.value.message
    _edit(d / "licence.yaml", publication={"window": "while_valid", "ends": "valid_to"},
          effective_from=date(2027, 1, 1), effective_to=date(2026, 1, 1))
    with pytest.raises(ConfigError) as exc:
        load_catalog(d)
    assert "effective_to is before effective_from" in exc.value.message


def test_a_fixed_days_type_is_published_for_its_days(engine, settings, catalog_dir):
    _filing(catalog_dir)
    summary, problems = push(engine, settings, "filing", [licence()])
    assert (summary.accepted, problems) == (1, [])
    client = client_as(settings, None)
    url = f"/api/v1/subjects/{COMPANY}/records"
    [item] = client.get(url, params={"type": "filing", "as_of": "2026-12-19"}).json()["items"]
    assert item["publish_until"] == "2026-12-19"  # 30 days from 2026-11-20, that day the first
    assert client.get(url, params={"type": "filing", "as_of": "2026-12-20"}).json()[
        "total"] == 0
    counts = client.get("/api/v1/publication/counts", params={"as_of": "2026-12-01"}).json()
    assert counts["counts"]["filing"] == 1


def test_a_retired_type_leaves_the_public_site_without_a_404(engine, settings, catalog_dir):
    push(engine, settings, "penalty", [penalty()])
    push(engine, settings, "licence", [licence()])
    _edit(catalog_dir / "penalty.yaml", effective_to=RETIRED_ON)
    default_catalog.cache_clear()
    client = client_as(settings, None)

    def sections(day: str) -> dict[str, int]:
        body = client.get(f"/api/v1/subjects/{COMPANY}", params={"as_of": day}).json()
        return {s["record_type"]: s["total"] for s in body["sections"]}

    # Every public type has its section (违背信用承诺失信信息, 双随机抽查结果信息 empty here).
    assert sections(BEFORE) == {"commitment_breach": 0, "inspection_result": 0, "licence": 1,
                                "penalty": 1}
    # The file still answers, without the type.
    assert sections(AFTER) == {"commitment_breach": 0, "inspection_result": 0, "licence": 1}
    record_id = client.get(f"/api/v1/subjects/{COMPANY}/records",
                           params={"type": "penalty", "as_of": BEFORE}).json()["items"][0]["id"]
    assert client.get(f"/api/v1/records/{record_id}", params={"as_of": BEFORE}).status_code \
        == 200
    # After retirement the record is not public: "not found or not public", as any record
    # whose publication has ended (its existence is not disclosed).
    gone = client.get(f"/api/v1/records/{record_id}", params={"as_of": AFTER})
    assert gone.status_code == 404 and gone.json()["code"] == "record_not_found"
    assert client.get(f"/api/v1/subjects/{COMPANY}/records",
                      params={"type": "penalty", "as_of": AFTER}).json()["total"] == 0
    for day, n in ((BEFORE, 1), (AFTER, 0)):
        column = client.get("/api/v1/columns/penalty", params={"as_of": day})
        assert column.status_code == 200 and column.json()["total"] == n
        rows = list(csv.reader(io.StringIO(client.get(
            "/api/v1/columns/penalty/export.csv", params={"as_of": day}).content.decode(
                "utf-8-sig"))))
        assert len(rows) == 1 + n
    counts = client.get("/api/v1/publication/counts", params={"as_of": AFTER}).json()["counts"]
    assert "penalty" not in counts and counts["licence"] == 1
    for path in (f"/subjects/{COMPANY}?as_of={AFTER}", f"/columns/penalty?as_of={AFTER}",
                 f"/?as_of={AFTER}"):
        assert client.get(path).status_code == 200, path
    assert "停止适用" in client.get(f"/columns/penalty?as_of={AFTER}").text
    # The subject's own file keeps it (as does the audit of that read).
    own = client_as(settings, ACTORS[Role.SUBJECT]).get("/api/v1/me/file").json()
    assert any(r["record_type"] == "penalty" for r in own["items"])
    # No new batch of a retired type; one received while it was in force is taken.
    with pytest.raises(RuleViolation) as exc:
        push(engine, settings, "penalty", [penalty(document_number="X-2")],
             received_on=date(2027, 1, 4), today=date(2027, 1, 4))
    assert exc.value.code == "record_type_not_in_force"
    summary, _ = push(engine, settings, "penalty", [penalty(document_number="X-3")],
                      received_on=date(2026, 12, 30))
    assert summary.accepted == 1


def test_a_type_not_yet_in_force_and_a_type_gone_from_the_files(engine, settings, catalog_dir):
    push(engine, settings, "penalty", [penalty()])
    push(engine, settings, "licence", [licence()])
    client = client_as(settings, None)
    _edit(catalog_dir / "licence.yaml", effective_from=date(2027, 1, 1))
    default_catalog.cache_clear()
    url = f"/api/v1/subjects/{COMPANY}"
    assert [s["record_type"] for s in client.get(url, params={"as_of": BEFORE}).json()[
        "sections"]] == ["penalty", "inspection_result", "commitment_breach"]
    assert len(client.get(url, params={"as_of": AFTER}).json()["sections"]) == 4
    # A type whose file was removed: its records are simply not public; nothing breaks.
    (catalog_dir / "penalty.yaml").unlink()
    default_catalog.cache_clear()
    assert client.get(url, params={"as_of": AFTER}).status_code == 200
    assert client.get(f"/subjects/{COMPANY}?as_of={AFTER}").status_code == 200
    own = client_as(settings, ACTORS[Role.SUBJECT]).get("/api/v1/me/file")
    assert own.status_code == 200
    assert {r["record_type"] for r in own.json()["items"]} == {"penalty", "licence"}

