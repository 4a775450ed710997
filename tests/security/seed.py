"""One of everything a route can act on, so that a walk over every route reaches each one's
work (not only its 404): records, a batch, listings in each state (one in force with the
subject's statement and its file, proposals in their statement period, listings open to early
removal and an application to decide), checks (exact and fuzzy name hits), objections and
repair applications in the states their next step needs, an account with a key.

Records and cases belong to COMPANY (the subject of tests.accounts.helpers.ACTORS) and to
PROVIDER (the department of its staff actors); checks are the case officer's department's.
Besides: a published notice and a draft, an open 重错码 review (COMPANY reported under
another name by another department) and an upload's error file of the staff actors (whose
account id is none: 0).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from tests.accounts.helpers import ACTORS, make_account, make_key
from tests.factories import COMPANY, COMPANY_2, OTHER_PROVIDER, PROVIDER, penalty
from tests.ingest.helpers import push
from tests.lists.helpers import doc, proposal
from xinyong import commitments, notices
from xinyong.accounts import Role
from xinyong.codereview import list_reviews
from xinyong.core import clock
from xinyong.core.attachments import Upload
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar
from xinyong.ingest import Record
from xinyong.lists import decide, notify, propose, publish
from xinyong.lists import due_process as dp
from xinyong.objections import service as objections
from xinyong.objections.clocks import load_clocks
from xinyong.repair import service as repair
from xinyong.screening.check import CheckRequest, run_check

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "示范市华盛食品有限公司"
TODAY = clock.today()
OLD = TODAY - timedelta(days=200)  # 一般 penalties past their minimum: repairable
REPAIRABLE = ("forwarded", "refusable", "accepted", "rejectable", "approved", "web_action",
              "eligible", "web_eligible")
RECENT = ("objected", "fileable", "web_fileable", "web_objected", "notice")
ADMIN, SUBJECT = ACTORS[Role.ADMIN], ACTORS[Role.SUBJECT]
OFFICER, CASE_OFFICER = ACTORS[Role.DATA_OFFICER], ACTORS[Role.CASE_OFFICER]
ART17 = {"basis": "enterprise_disclosure_art17",
         "document": doc(type="列入严重违法企业名单决定书", number="闽市监严列〔2026〕3号",
                         issuing_body="福建省市场监督管理局"),
         "facts": "被列入经营异常名录满3年仍未履行公示义务"}


def _doc(tag: str) -> str:
    return f"示市监处罚〔2026〕{tag}号"


def _record_ids(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as s:
        by_doc = dict(s.execute(select(Record.natural_key, Record.id)).tuples().all())
    return {tag: by_doc[_doc(tag)] for tag in (*REPAIRABLE, *RECENT)}


def seed(engine: Engine, settings: Settings) -> dict[str, Any]:
    ids: dict[str, Any] = {"provider": PROVIDER, "company": COMPANY, "record_type": "penalty"}
    summary, problems = push(engine, settings, "penalty", [
        *[penalty(document_number=_doc(tag), decision_date=OLD.isoformat(),
                  penalty_valid_until=(OLD + timedelta(days=365)).isoformat())
          for tag in REPAIRABLE],
        *[penalty(document_number=_doc(tag)) for tag in RECENT]],
        received_on=TODAY, today=TODAY)
    assert not problems, problems
    ids["batch"] = summary.batch_id
    records = _record_ids(engine)
    ids.update({f"record_{k}": v for k, v in records.items()})
    make_account(engine, "sjj", Role.DATA_OFFICER, department=PROVIDER,
                 department_class="enforcement", department_name="示范市市场监督管理局")
    ids["account"] = "sjj"
    ids["key"], _clear = make_key(engine, "sjj")
    with unit_of_work(engine) as s:
        cal = load_calendar(s)
        # Listings: one in force (the checks hit it: under 企业信息公示暂行条例 Art. 17, which
        # bars government procurement; SAMR Order 44 does not), with the subject's statement
        # and its file; one per next step, two objected to.
        listed = propose(s, proposal(**ART17), ADMIN, today=TODAY - timedelta(days=60))
        notify(s, listed.id, ADMIN, "告知", today=TODAY - timedelta(days=60))
        statement = dp.submit_statement(s, SUBJECT, dp.Statement(
            listed.id, "已补报年度报告", (Upload("说明.pdf", PDF),)),
            today=TODAY - timedelta(days=60))
        decide(s, listed.id, ADMIN, "listed", "申辩理由不成立", consideration="补报不影响认定",
               today=TODAY - timedelta(days=30))
        ids["entry_listed"] = listed.id
        ids["statement"] = statement.id
        ids["statement_attachment"] = _attachment(s, dp.STATEMENT, statement.id)
        # Proposals just notified: the subject's statement period runs.
        for tag in ("statement", "web_statement"):
            entry = propose(s, proposal(), ADMIN)
            ids[f"entry_{tag}"] = notify(s, entry.id, ADMIN, "告知").id
        ids["entry_web_proposed"] = propose(s, proposal(), ADMIN).id
        # 重点关注名单 allows early removal at once: listings the subject may apply for, and
        # one with an application (and its proof) for the department to decide.
        for tag in ("removal", "web_removal", "applied"):
            watch = propose(s, proposal(kind="watch", basis="guobanfa_2019_35"), ADMIN,
                            today=TODAY - timedelta(days=30))
            notify(s, watch.id, ADMIN, "告知", today=TODAY - timedelta(days=30))
            ids[f"entry_{tag}"] = decide(s, watch.id, ADMIN, "listed", "未申辩",
                                         today=TODAY - timedelta(days=10)).id
        ids["removal_applied"] = dp.apply_early_removal(s, SUBJECT, dp.RemovalRequest(
            ids["entry_applied"], "已整改完毕", (Upload("整改报告.pdf", PDF),))).id
        ids["removal_attachment"] = _attachment(s, dp.REMOVAL, ids["removal_applied"])
        ids["entry_proposed"] = propose(s, proposal(), ADMIN).id
        waiting = propose(s, proposal(), ADMIN, today=TODAY - timedelta(days=60))
        notify(s, waiting.id, ADMIN, "告知", today=TODAY - timedelta(days=60))
        ids["entry_notice"] = waiting.id
        red = propose(s, proposal(kind="red", basis="guofa_2016_33"), ADMIN)
        ids["entry_publishable"] = decide(s, red.id, ADMIN, "listed", "守信").id
        red2 = propose(s, proposal(kind="red", basis="guofa_2016_33"), ADMIN)
        decide(s, red2.id, ADMIN, "listed", "守信")
        ids["entry_removable"] = publish(s, red2.id, ADMIN, "公示").id
        for tag in ("route", "web_route"):
            entry = propose(s, proposal(), ADMIN)  # no department: the objection waits
            ids[f"objection_{tag}"] = _object(s, settings, cal, "list_entry", entry.id)
        for tag in ("objected", "web_objected"):  # routed at once to PROVIDER
            ids[f"objection_{tag}"] = _object(s, settings, cal, "record", records[tag])
        # Checks of the case officer's department, by name: a hit that prompts a measure
        # and can be reviewed as a false match.
        for tag in ("check", "web_check"):
            result = run_check(s, CheckRequest("procurement", name=NAME), CASE_OFFICER)
            assert "procurement_ban_serious" in [m["measure_id"] for m in result["measures"]]
            ids[tag] = result["id"]
        # Checks by a name one character off: a fuzzy hit the case officer must confirm.
        for tag, typo in (("check_fuzzy", "示范市华胜食品有限公司"),
                          ("web_check_fuzzy", "示范市华晟食品有限公司")):
            ids[tag] = run_check(s, CheckRequest("procurement", name=typo), CASE_OFFICER)["id"]
        # Repair applications in the states their next step needs.
        apps = {tag: _apply(s, cal, records[tag]) for tag in (
            "forwarded", "refusable", "accepted", "rejectable", "approved", "web_action")}
        for tag in ("accepted", "rejectable", "approved"):
            repair.accept(s, apps[tag], OFFICER, calendar=cal)
        repair.approve(s, apps["approved"], OFFICER, "已履行", calendar=cal)
        ids.update({f"app_{k}": v for k, v in apps.items()})
        ids["objection_attachment"] = _attachment(s, "objection", ids["objection_objected"])
        ids["repair_attachment"] = _attachment(s, "repair", apps["forwarded"])
        # Commitments the subject signed online at PROVIDER, awaiting verification.
        for tag in ("api", "web"):
            ids[f"commitment_{tag}"] = commitments.sign(s, SUBJECT, commitments.Signing(
                "deficiency_materials", PROVIDER), calendar=cal).code
        ids["notice_published"] = notices.create(s, ADMIN, notices.NoticeInput(
            "关于开展信用修复工作的通知", "正文"), publish=True).id
        for tag in ("draft", "web_draft"):
            ids[f"notice_{tag}"] = notices.create(s, ADMIN, notices.NoticeInput(
                "草稿公告", "正文")).id
    # 重错码: the same code under another name, from another department.
    push(engine, settings, "penalty", [penalty(
        document_number=_doc("rename"), subject_name="示范市华盛食品集团有限公司",
        provider_uscc=OTHER_PROVIDER, provider_name="示范市交通运输局",
        authority_uscc=OTHER_PROVIDER)], provider=OTHER_PROVIDER, received_on=TODAY,
        today=TODAY)
    with unit_of_work(engine) as s:
        [review] = list_reviews(s)
        ids["review"] = review.id
    ids["upload"] = f"0-{uuid.uuid4().hex}"
    uploads = Path(settings.var_dir) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / f"{ids['upload']}_错误.csv").write_text("行号,字段,规则,说明,原值,级别\n",
                                                     encoding="utf-8-sig")
    # 双随机 (issue 18): two inspectors of the staff actors' department and two draws, each
    # with a task awaiting its result (one for the API, one for the page).
    from xinyong import inspections

    # "inspector" is the ACTORS inspector's own account (its 回避 is declared by name).
    for name in ("inspector", "inspector_a", "inspector_b"):
        make_account(engine, name, Role.INSPECTOR, department=PROVIDER)
    with unit_of_work(engine) as s:
        for tag in ("api", "web"):
            d = inspections.draw(s, ACTORS[Role.INSPECTOR], "annual_report", seed=1)
            ids[f"draw_{tag}"] = d.id
            ids[f"task_{tag}"] = inspections.get_draw(s, ACTORS[Role.INSPECTOR], d.id)[1][0].id
        ids["avoidance"] = inspections.declare(s, ACTORS[Role.DATA_OFFICER], COMPANY_2,
                                               "曾在该企业任职", account="inspector_b").id
    return ids


def _object(s: Any, settings: Settings, cal: Any, target: str, target_id: int) -> int:
    o = objections.file_objection(
        s, SUBJECT, objections.Filing(target, target_id, "该信息有误", (Upload("证明.pdf", PDF),)),
        clocks=load_clocks(), calendar=cal, secret=settings.secret_key)
    return o.id


def _apply(s: Any, cal: Any, record_id: int) -> int:
    return repair.apply(s, SUBJECT, repair.Application(
        record_id, "已缴清全部罚款并完成整改", True, (Upload("凭证.pdf", PDF),)),
        calendar=cal).id


def _attachment(s: Any, kind: str, owner: int) -> int:
    from xinyong.core import attachments

    return attachments.list_for(s, kind, owner)[0].id
