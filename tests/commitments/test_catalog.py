"""Commitments through the catalog (#16): a breach becomes a public 违背信用承诺失信信息 record
(type commitment_breach) with its window and 承诺编码; departments send commitments as record
type `commitment` (file or API), each good row becoming a commitment, a bad row named by
row, field and rule."""

from __future__ import annotations

import csv
import json
from datetime import date

from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.helpers import client_as
from tests.cli.test_cli import _env
from tests.commitments.helpers import ADMIN, COMPANY, NAME, OFFICER, PROVIDER, setup
from tests.factories import COMPANY_2
from xinyong.catalog import default_catalog
from xinyong.cli.main import app
from xinyong.commitments import Commitment, load_rules
from xinyong.core import clock
from xinyong.core.db import unit_of_work
from xinyong.ingest import Record
from xinyong.measures import default_measures
from xinyong.publication.rules import add_months
from xinyong.screening.check import CheckRequest, run_check

runner = CliRunner()


def test_one_source_for_the_breach_window():
    """The measure barring a broken commitment runs as long as the breach is published."""
    years = load_rules().breach.publication_years
    assert default_measures().measures["commitment_breach_bar"].period.years == years
    rt = default_catalog().get("commitment_breach")
    assert rt.publication.window == "while_valid" and rt.publication.ends == "publish_until"
    assert any("国办发〔2020〕42号" == b.document_number for b in rt.legal_basis)


def test_a_breach_is_a_public_record_with_its_window_and_code(engine, settings):
    with unit_of_work(engine) as s:
        setup(s)
    dept, public = client_as(settings, OFFICER), client_as(settings, None)
    made = dept.post("/api/v1/commitments", json={
        "committer_uscc": COMPANY, "committer_name": NAME, "kind": "deficiency",
        "reason": "申请食品经营许可证", "content": "五日内补齐材料", "liability": "撤销受理",
        "made_on": "2026-11-02", "disclosure": "public"})
    assert made.status_code == 201, made.text
    code = made.json()["code"]
    today = clock.today()
    r = dept.post(f"/api/v1/commitments/{code}/determination", json={
        "fulfilment": "not_kept", "unfulfilled_content": "未在期限内补齐材料",
        "liability_pursued": "撤销容缺受理作出的审批决定"})
    assert r.status_code == 200, r.text
    rid = r.json()["breach_record_id"]
    with unit_of_work(engine) as s:
        c = s.scalar(select(Commitment).where(Commitment.code == code))
        assert c.breach_record_id == rid
        rec = s.get(Record, rid)
        assert rec.record_type == "commitment_breach" and rec.natural_key == code
        assert rec.data["document_number"] == code and rec.data["provider_uscc"] == PROVIDER
        assert rec.data["fulfilment"] == "全部未履行"
    until = add_months(today, 12 * load_rules().breach.publication_years)
    column = public.get("/api/v1/columns/commitment_breach").json()
    assert column["total"] == 1 and column["items"][0]["id"] == rid
    page = public.get("/columns/commitment_breach").text
    assert "<th scope=\"col\">承诺编码</th>" in page and code in page
    assert f'href="/records/{rid}"' in public.get(f"/commitments/{code}").text
    one = public.get(f"/api/v1/records/{rid}").json()
    assert one["record"]["publish_until"] == until.isoformat(), one
    assert one["provenance"]["channel"] == "commitment"
    assert code in json.dumps(one, ensure_ascii=False)
    # Not public the day after its window: gone from the column.
    after = public.get("/api/v1/columns/commitment_breach",
                       params={"as_of": add_months(until, 1).isoformat()}).json()
    assert after["total"] == 0
    sections = {x["record_type"]: x["total"] for x in public.get(
        f"/api/v1/subjects/{COMPANY}").json()["sections"]}
    assert sections["commitment_breach"] == 1
    shared = client_as(settings, ADMIN).get(
        f"/api/v1/shared/subjects/{COMPANY}/records?purpose=licensing")
    assert shared.status_code == 200, shared.text
    assert rid in {i["id"] for i in shared.json()["items"]}
    with unit_of_work(engine) as s:
        from tests.accounts.helpers import ACTORS
        from xinyong.accounts import Role

        result = run_check(s, CheckRequest("commitment", uscc=COMPANY),
                           ACTORS[Role.CASE_OFFICER])
        [hit] = result["hits"]
        assert rid in {x["id"] for x in hit["records"]}
        [bar] = [m for m in result["measures"] if m["measure_id"] == "commitment_breach_bar"]
        assert bar["because"] == [f"commitment_breach {code}({today.isoformat()})"]
        assert result["commitment_eligibility"]["allowed"] is False


HEADERS = ["承诺人名称", "承诺人类别", "承诺人代码", "承诺书编号", "承诺类型", "承诺事由",
           "承诺内容", "违诺责任", "承诺作出日期", "承诺有效期", "核查期限", "公开类型",
           "承诺受理单位", "承诺受理单位统一社会信用代码"]


def _row(number: str, kind: str, disclosure: str, due: str = "") -> list[str]:
    return [NAME, "法人及非法人组织", COMPANY, number, kind, "申请食品经营许可证",
            "五日内补齐材料", "逾期未补齐的撤销受理", "2026-11-02", "长期", due, disclosure,
            "示范市市场监督管理局", PROVIDER]


def test_a_commitment_file_becomes_commitments_and_names_its_bad_row(engine, settings,
                                                                      tmp_path):
    with unit_of_work(engine) as s:
        setup(s)
    f = tmp_path / "承诺.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerow(_row("SP-1", "容缺受理型", "可向社会公开", "2026-11-09"))
        w.writerow(_row("SP-2", "主动自愿型", "特定范围内公开"))
        w.writerow(_row("SP-3", "主动自愿型", "全部公开"))
    r = runner.invoke(app, ["ingest", str(f), "--type", "commitment", "--provider", PROVIDER,
                            "--json"], env=_env(settings))
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output[r.output.index("{"):])
    assert (summary["accepted"], summary["rejected"]) == (2, 1)
    with open(summary["errors_file"], encoding="utf-8-sig") as fh:
        errors = fh.read()
    assert "4" in errors and "公开类型" in errors and "全部公开" in errors, errors
    with unit_of_work(engine) as s:
        rows = {s.get(Record, c.ref_id).natural_key: c for c in s.scalars(select(Commitment))}
        assert set(rows) == {"SP-1", "SP-2"}
        deficiency, voluntary = rows["SP-1"], rows["SP-2"]
        assert deficiency.code.startswith("35020020261102") and len(deficiency.code) == 20
        assert (deficiency.state, deficiency.verify_due) == ("verifying", date(2026, 11, 9))
        assert (voluntary.state, voluntary.disclosure, voluntary.verify_due) == (
            "published", "scoped", None)
        assert deficiency.valid_until == date(2099, 12, 31)
        codes = {c.code for c in rows.values()}
    # The department re-sends one row changed, through the API, with a row missing its 事由.
    dept = client_as(settings, OFFICER)
    changed = dict(zip(HEADERS, _row("SP-2", "主动自愿型", "特定范围内公开"), strict=True))
    changed["承诺事由"] = "申请食品经营许可证（变更）"
    bad = dict(changed, 承诺书编号="SP-4", 承诺事由="")
    r = dept.post("/api/v1/batches/commitment?atomic=false", json=[changed, bad])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["updated"], body["accepted"], body["rejected"]) == (1, 0, 1)
    [e] = body["errors"]
    assert (e["row"], e["field"], e["rule"]) == (2, "承诺事由", "required")
    # An enterprise code is no accepting unit (an organ or social organisation not yet in
    # the department registry is, see below): the batch is refused whole, naming the
    # field and the rule.
    stranger = dict(changed, 承诺书编号="SP-5", 承诺受理单位统一社会信用代码=COMPANY_2)
    r = client_as(settings, ADMIN).post(
        f"/api/v1/batches/commitment?atomic=false&provider={COMPANY_2}", json=[stranger])
    assert r.status_code == 422 and r.json()["code"] == "accepting_department_unknown", r.text
    with unit_of_work(engine) as s:
        now = {c.code: c for c in s.scalars(select(Commitment))}
        assert set(now) == codes
        assert now[voluntary.code].reason == "申请食品经营许可证（变更）"
    # The upload page offers the type to the department's officer and takes the same file:
    # SP-1 unchanged, SP-2 back to its first 事由 (updated), SP-3 refused again.
    page = dept.get("/uploads")
    assert page.status_code == 200 and 'value="commitment"' in page.text
    r = dept.post("/uploads", data={"record_type": "commitment"},
                  files={"file": ("承诺.csv", f.read_bytes(), "text/csv")})
    assert r.status_code == 200 and "信用承诺信息" in r.text, r.text[-2000:]
    with unit_of_work(engine) as s:
        again = s.scalar(select(Commitment).where(Commitment.code == voluntary.code))
        assert again.reason == "申请食品经营许可证"
        assert len(list(s.scalars(select(Commitment)))) == 2


def test_an_organ_not_yet_registered_accepts_under_its_own_code(engine, settings):
    """兰州市城关区市场监督管理局 sends its commitments before the credit office has entered it
    in the department registry: accepted, the 承诺编码 begins with the division code inside
    its USCC (620100)."""
    from xinyong.subjects.uscc import make

    organ = make("11", "620100", "01367005")
    with unit_of_work(engine) as s:
        setup(s)
    row = dict(zip(HEADERS, _row("LZ-1", "容缺受理型", "可向社会公开"), strict=True))
    row.update({"承诺受理单位": "兰州市城关区市场监督管理局",
                "承诺受理单位统一社会信用代码": organ})
    r = client_as(settings, ADMIN).post(
        f"/api/v1/batches/commitment?atomic=true&provider={organ}", json=[row])
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    with unit_of_work(engine) as s:
        [c] = s.scalars(select(Commitment)).all()
        assert c.code.startswith("620100") and c.accepting_name == "兰州市城关区市场监督管理局"
        assert c.verify_due is not None  # 容缺受理: the department's verification task
