"""Issue 14, finding 5: every write and every non-public read is audited.

The route table below classifies every route of the app (the operations of the OpenAPI
document and the web pages): `public` (public data, the caller's own identity, published
rules, an empty form), `read` (a non-public read), `write`, or `auth` (login and logout,
audited by the accounts domain and tested with real sessions in tests/accounts). A route the
table does not classify fails the first test, so a new route must be classified.

The walk calls each route as every role (anonymous, subject, inspector, case officer, data
officer, credit office) on a database seeded with one of everything (seed.py), and for each
call the role is allowed to make (2xx, or a web form's redirect other than to the login page)
on a `read` or `write` route, asserts that the audit log grew in that request. Every `read`
and `write` route must succeed for some role, so that none is left unexercised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.accounts.helpers import ACTORS
from tests.accounts.test_matrix import api_routes
from tests.factories import OTHER_PROVIDER
from tests.security.seed import NAME, PDF, seed
from xinyong.accounts import Actor, Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor
from xinyong.audit import AuditEntry
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings

PUBLIC, READ, WRITE, AUTH = "public", "read", "write", "auth"
# Narrow roles first: a state-changing write is made by the first role allowed to.
ROLES = [Role.PUBLIC, Role.SUBJECT, Role.INSPECTOR, Role.CASE_OFFICER, Role.DATA_OFFICER,
         Role.ADMIN]
FILE = {"files": ("证明.pdf", PDF, "application/pdf")}


@dataclass(frozen=True)
class Call:
    kind: str
    url: str = ""  # formatted with the seeded ids; empty: the route's own path
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, Any] | None = field(default=None)


ROUTES: dict[tuple[str, str], Call] = {
    # The public site and its JSON twins.
    ("GET", "/-/health"): Call(PUBLIC),
    ("GET", "/-/version"): Call(PUBLIC),
    ("GET", "/api/v1/subjects"): Call(PUBLIC, "/api/v1/subjects?q=华盛"),
    ("GET", "/api/v1/subjects/{uscc}"): Call(PUBLIC, "/api/v1/subjects/{company}"),
    ("GET", "/api/v1/subjects/{uscc}/records"): Call(PUBLIC,
                                                      "/api/v1/subjects/{company}/records"),
    ("GET", "/api/v1/records/{record_id}"): Call(PUBLIC, "/api/v1/records/{record_fileable}"),
    ("GET", "/api/v1/columns/{record_type}"): Call(PUBLIC, "/api/v1/columns/penalty"),
    ("GET", "/api/v1/columns/{record_type}/export.csv"): Call(
        PUBLIC, "/api/v1/columns/penalty/export.csv"),
    ("GET", "/api/v1/publication/counts"): Call(PUBLIC),
    ("GET", "/api/v1/repairs-rules"): Call(PUBLIC),  # published rule data
    ("GET", "/api/v1/me"): Call(PUBLIC),  # who the caller is: its own identity
    ("GET", "/"): Call(PUBLIC),
    ("GET", "/search"): Call(PUBLIC, "/search?q=华盛"),
    ("GET", "/subjects/{uscc}"): Call(PUBLIC, "/subjects/{company}"),
    ("GET", "/records/{record_id}"): Call(PUBLIC, "/records/{record_fileable}"),
    ("GET", "/columns/{record_type}"): Call(PUBLIC, "/columns/penalty"),
    # Reference data the law publishes, behind a staff permission, and empty forms.
    ("GET", "/api/v1/measures"): Call(PUBLIC),
    ("GET", "/api/v1/lists/kinds"): Call(PUBLIC),
    ("GET", "/checks"): Call(PUBLIC),
    ("GET", "/me/objections/new"): Call(PUBLIC, "/me/objections/new?record={record_fileable}"),
    ("GET", "/login"): Call(PUBLIC),
    ("POST", "/login"): Call(AUTH),
    ("GET", "/logout"): Call(AUTH),  # the confirmation form; logging out is the POST
    ("POST", "/logout"): Call(AUTH),
    # The offline API documentation, notices, the staff desk (a menu of what the account may
    # do), the empty upload form and the upload templates (the published catalog).
    ("GET", "/docs"): Call(PUBLIC),
    ("GET", "/redoc"): Call(PUBLIC),
    ("GET", "/api/v1/notices"): Call(PUBLIC),
    ("GET", "/api/v1/notices/{notice_id}"): Call(PUBLIC, "/api/v1/notices/{notice_published}"),
    ("GET", "/notices"): Call(PUBLIC),
    ("GET", "/notices/{notice_id}"): Call(PUBLIC, "/notices/{notice_published}"),
    ("GET", "/desk"): Call(PUBLIC),
    ("GET", "/uploads"): Call(PUBLIC),
    ("GET", "/uploads/template/{record_type}.{fmt}"): Call(PUBLIC,
                                                           "/uploads/template/penalty.csv"),
    # Collection.
    ("POST", "/api/v1/batches/{record_type}"): Call(
        WRITE, "/api/v1/batches/penalty?provider={provider}", json=[]),
    ("GET", "/api/v1/batches/{batch_id}"): Call(READ, "/api/v1/batches/{batch}"),
    ("GET", "/api/v1/publication/late"): Call(READ),
    ("GET", "/api/v1/quality"): Call(READ),
    ("GET", "/api/v1/quality/end-dates"): Call(READ),
    # Monitoring (#19): indicator definitions and the turnaround figures are published;
    # the scorecard, figures, drill-down and charts are the credit office's audited reads.
    ("GET", "/api/v1/monitoring/indicators"): Call(PUBLIC),
    ("GET", "/api/v1/monitoring/turnaround"): Call(
        PUBLIC, "/api/v1/monitoring/turnaround?period=2026-11"),
    ("GET", "/figures"): Call(PUBLIC),
    ("POST", "/api/v1/monitoring/compute"): Call(WRITE, json={"period": "2026-11"}),
    ("GET", "/api/v1/monitoring/figures"): Call(READ, "/api/v1/monitoring/figures?period=2026-11"),
    ("GET", "/api/v1/monitoring/scorecard"): Call(
        READ, "/api/v1/monitoring/scorecard?period=2026-11"),
    ("GET", "/api/v1/monitoring/scorecard.xlsx"): Call(
        READ, "/api/v1/monitoring/scorecard.xlsx?period=2026-11&scope=county"),
    ("GET", "/api/v1/monitoring/drill"): Call(
        READ, "/api/v1/monitoring/drill?indicator=double_publicity_timeliness&period=2026-11"
        "&dimension=department&key={provider}"),
    ("GET", "/api/v1/monitoring/charts"): Call(READ, "/api/v1/monitoring/charts?period=2026-11"),
    ("GET", "/monitoring"): Call(READ, "/monitoring?period=2026-11"),
    ("GET", "/monitoring/drill"): Call(
        READ, "/monitoring/drill?indicator=objections_on_time&period=2026-11"
        "&dimension=total"),
    ("GET", "/monitoring/scorecard.xlsx"): Call(
        READ, "/monitoring/scorecard.xlsx?period=2026-11"),
    ("GET", "/api/v1/monitoring/report"): Call(
        READ, "/api/v1/monitoring/report?kind=industry&period=2026-Q4&format=xlsx"),
    ("GET", "/monitoring/report"): Call(READ, "/monitoring/report?kind=region&period=2026-Q4"),
    ("GET", "/api/v1/monitoring/warnings"): Call(READ),
    ("GET", "/warnings"): Call(READ),
    ("POST", "/api/v1/monitoring/warnings/raise"): Call(WRITE, json={}),
    ("POST", "/api/v1/monitoring/warnings/{warning_id}/response"): Call(
        WRITE, "/api/v1/monitoring/warnings/1/response", json={"response": "已核实"}),
    ("POST", "/warnings/{warning_id}/response"): Call(
        WRITE, "/warnings/2/response", data={"response": "已核实"}),
    ("GET", "/api/v1/watch/subscriptions"): Call(READ),
    ("GET", "/api/v1/watch/inbox"): Call(READ),
    ("GET", "/watch"): Call(READ),
    ("POST", "/api/v1/watch/subscriptions"): Call(
        WRITE, json={"uscc": "{company}", "purpose": "inspection"}),
    ("DELETE", "/api/v1/watch/subscriptions/{subscription_id}"): Call(
        WRITE, "/api/v1/watch/subscriptions/1"),
    ("POST", "/watch"): Call(WRITE, data={"uscc": "{company}"}),
    ("GET", "/api/v1/records/{record_id}/repair-notice.pdf"): Call(
        READ, "/api/v1/records/{record_notice}/repair-notice.pdf"),
    ("GET", "/quality"): Call(READ),
    ("GET", "/late"): Call(READ),
    ("POST", "/uploads"): Call(WRITE, data={"record_type": "penalty"},
                               files={"file": ("处罚.json", b"[]", "application/json")}),
    ("GET", "/uploads/errors/{token}"): Call(READ, "/uploads/errors/{upload}"),
    ("GET", "/api/v1/subject-reviews"): Call(READ),
    ("POST", "/api/v1/subject-reviews/{review_id}/resolution"): Call(
        WRITE, "/api/v1/subject-reviews/{review}/resolution",
        json={"action": "confirm_rename", "reason": "企业已更名"}),
    # Accounts and the audit log.
    ("GET", "/api/v1/accounts"): Call(READ),
    ("POST", "/api/v1/accounts"): Call(WRITE, json={
        "name": "walker", "role": "inspector", "department": "{provider}"}),
    ("DELETE", "/api/v1/accounts/{name}/sessions"): Call(WRITE,
                                                         "/api/v1/accounts/{account}/sessions"),
    ("POST", "/api/v1/accounts/{name}/keys"): Call(WRITE, "/api/v1/accounts/{account}/keys",
                                                   json={"label": "walk"}),
    ("DELETE", "/api/v1/accounts/{name}/keys/{key_id}"): Call(
        WRITE, "/api/v1/accounts/{account}/keys/{key}"),
    ("GET", "/api/v1/audit/entries"): Call(READ),
    ("GET", "/api/v1/audit/verify"): Call(READ),
    ("GET", "/audit"): Call(READ, "/audit?verify=1"),
    ("GET", "/api/v1/departments"): Call(READ),
    ("POST", "/api/v1/departments"): Call(WRITE, json={
        "code": "{other_provider}", "name": "示范市交通运输局", "department_class": "licensing"}),
    # A real change: a PATCH that changes nothing writes nothing, and is not audited.
    ("PATCH", "/api/v1/departments/{code}"): Call(WRITE, "/api/v1/departments/{provider}",
                                                  json={"region_code": "350203"}),
    # Notices: drafts and withdrawn ones are the credit office's.
    # Credit reports: every report issued is audited (and listed in the subject's "who looked
    # at me"), whoever asks; verification reads only the file or the stored report's status.
    ("GET", "/api/v1/reports/domains"): Call(PUBLIC),
    ("GET", "/api/v1/reports/public/{uscc}"): Call(READ, "/api/v1/reports/public/{company}"),
    ("GET", "/api/v1/reports/special/{uscc}"): Call(
        READ, "/api/v1/reports/special/{company}?domain=taxation"),
    ("GET", "/api/v1/reports/issued/{number}"): Call(PUBLIC),
    ("POST", "/api/v1/reports/verify"): Call(PUBLIC),
    ("GET", "/subjects/{uscc}/report"): Call(PUBLIC, "/subjects/{company}/report"),
    ("GET", "/reports/verify"): Call(PUBLIC),
    ("POST", "/reports/verify"): Call(PUBLIC),
    ("GET", "/api/v1/notices/all"): Call(READ),
    ("POST", "/api/v1/notices"): Call(WRITE, json={"title": "新公告", "body": "正文"}),
    ("PUT", "/api/v1/notices/{notice_id}"): Call(WRITE, "/api/v1/notices/{notice_draft}",
                                                 json={"title": "改过的公告", "body": "正文"}),
    ("POST", "/api/v1/notices/{notice_id}/state"): Call(
        WRITE, "/api/v1/notices/{notice_draft}/state", json={"state": "published"}),
    ("GET", "/notices/manage"): Call(READ),
    ("POST", "/notices/manage"): Call(WRITE, data={"title": "网页公告", "body": "正文"}),
    ("POST", "/notices/manage/{notice_id}/state"): Call(
        WRITE, "/notices/manage/{notice_web_draft}/state", data={"state": "published"}),
    # A subject's own file and who looked at it; a department's shared read.
    ("GET", "/api/v1/me/file"): Call(READ),
    ("GET", "/api/v1/me/queries"): Call(READ),
    ("GET", "/me"): Call(READ),
    # Credit evaluation (issue 18): internal, the subject's own and a department's with purpose.
    ("GET", "/me/grade"): Call(READ),
    ("GET", "/api/v1/me/grade"): Call(READ),
    ("GET", "/api/v1/shared/subjects/{uscc}/grade"): Call(
        READ, "/api/v1/shared/subjects/{company}/grade?purpose=inspection"),
    ("GET", "/api/v1/shared/subjects/{uscc}/industry-results"): Call(
        READ, "/api/v1/shared/subjects/{company}/industry-results?purpose=inspection"),
    ("GET", "/api/v1/grading/industry-reporting"): Call(READ),
    ("GET", "/grading/industry-reporting"): Call(READ),
    # 双随机一公开 (issue 18): the matters and the published results are public.
    ("GET", "/api/v1/inspections/matters"): Call(PUBLIC),
    ("GET", "/api/v1/public/inspection-results"): Call(PUBLIC),
    ("GET", "/inspections/results"): Call(PUBLIC),
    ("GET", "/api/v1/inspections/draws"): Call(READ),
    ("GET", "/api/v1/inspections/draws/{draw_id}"): Call(
        READ, "/api/v1/inspections/draws/{draw_api}"),
    ("GET", "/api/v1/inspections/share"): Call(READ),
    ("GET", "/inspections"): Call(READ),
    ("GET", "/inspections/draws/{draw_id}"): Call(READ, "/inspections/draws/{draw_web}"),
    ("POST", "/api/v1/inspections/draws"): Call(WRITE, json={"matter": "annual_report", "seed": 3}),
    ("POST", "/api/v1/inspections/tasks/{task_id}/result"): Call(
        WRITE, "/api/v1/inspections/tasks/{task_api}/result", json={"result": "合格"}),
    ("POST", "/inspections/draws"): Call(WRITE, data={"matter": "annual_report", "seed": "4"}),
    ("GET", "/api/v1/inspections/avoidances"): Call(READ),
    ("POST", "/inspections/avoidances"): Call(WRITE, data={
        "subject_uscc": "{company}", "reason": "近亲属在该企业任职"}),
    ("POST", "/api/v1/inspections/avoidances"): Call(WRITE, json={
        "subject_uscc": "{company}", "reason": "近亲属在该企业任职", "inspector": "inspector_a"}),
    ("POST", "/api/v1/inspections/avoidances/{avoidance_id}/withdrawal"): Call(
        WRITE, "/api/v1/inspections/avoidances/{avoidance}/withdrawal"),
    ("POST", "/inspections/tasks/{task_id}/result"): Call(
        WRITE, "/inspections/tasks/{task_web}/result", data={"result": "合格"}),
    ("GET", "/api/v1/shared/subjects/{uscc}/records"): Call(
        READ, "/api/v1/shared/subjects/{company}/records?purpose=inspection"),
    ("GET", "/api/v1/me/records/{record_id}/repair-notice.pdf"): Call(
        READ, "/api/v1/me/records/{record_notice}/repair-notice.pdf"),
    # Checks, measures and lists.
    ("POST", "/api/v1/checks"): Call(WRITE, json={"name": NAME, "matter": "procurement"}),
    ("POST", "/api/v1/checks/batch"): Call(WRITE, json={
        "matter": "bidding", "applicants": [{"name": NAME}, {"uscc": "{company}"}]}),
    ("GET", "/api/v1/checks/{check_id}"): Call(READ, "/api/v1/checks/{check}"),
    ("POST", "/api/v1/checks/{check_id}/feedback"): Call(
        WRITE, "/api/v1/checks/{check}/feedback", json={"items": [
            {"measure_id": "procurement_ban_serious", "outcome": "applied"}]}),
    ("POST", "/api/v1/checks/{check_id}/reviews"): Call(
        WRITE, "/api/v1/checks/{check}/reviews", json={"subject_id": "{subject_id}",
                                                       "reason": "不是同一家企业"}),
    ("GET", "/api/v1/measures/stats"): Call(READ),
    ("GET", "/api/v1/measures/overrides"): Call(READ),
    ("GET", "/api/v1/measures/report"): Call(READ, "/api/v1/measures/report?month={month}"),
    ("GET", "/checks/{check_id}"): Call(READ, "/checks/{web_check}"),
    ("POST", "/checks"): Call(WRITE, data={"matter": "procurement", "name": NAME}),
    ("POST", "/checks/{check_id}/feedback"): Call(
        WRITE, "/checks/{web_check}/feedback",
        data={"outcome_procurement_ban_serious": "not_applied",
              "reason_procurement_ban_serious": "合同已于列入前签订"}),
    ("POST", "/checks/{check_id}/reviews"): Call(
        WRITE, "/checks/{web_check}/reviews", data={"subject_id": "{subject_id}",
                                                    "reason": "不是同一家企业"}),
    ("GET", "/api/v1/lists"): Call(READ),
    ("POST", "/api/v1/lists"): Call(WRITE, json={
        "list_kind": "serious_dishonesty", "uscc": "{company}", "legal_basis_id": "samr_order_44",
        "facts": "生产销售不符合食品安全标准的食品", "document": {
            "type": "行政处罚决定书", "number": "示市监处罚〔2026〕88号", "date": "2026-09-01",
            "issuing_body": "示范市市场监督管理局"}}),
    ("GET", "/api/v1/lists/{entry_id}"): Call(READ, "/api/v1/lists/{entry_listed}"),
    ("POST", "/api/v1/lists/{entry_id}/notify"): Call(
        WRITE, "/api/v1/lists/{entry_proposed}/notify", json={"reason": "告知"}),
    ("POST", "/api/v1/lists/{entry_id}/decide"): Call(
        WRITE, "/api/v1/lists/{entry_notice}/decide", json={"outcome": "listed",
                                                            "reason": "未申辩"}),
    ("POST", "/api/v1/lists/{entry_id}/publish"): Call(
        WRITE, "/api/v1/lists/{entry_publishable}/publish", json={"reason": "公示"}),
    ("POST", "/api/v1/lists/{entry_id}/remove"): Call(
        WRITE, "/api/v1/lists/{entry_removable}/remove", json={"reason": "已纠正"}),
    ("POST", "/api/v1/lists/-/expire"): Call(WRITE),
    ("POST", "/api/v1/checks/{check_id}/confirmations"): Call(
        WRITE, "/api/v1/checks/{check_fuzzy}/confirmations",
        json={"subject_id": "{subject_id}", "reason": "核对营业执照，统一社会信用代码一致"}),
    ("POST", "/checks/{check_id}/confirmations"): Call(
        WRITE, "/checks/{web_check_fuzzy}/confirmations",
        data={"subject_id": "{subject_id}", "reason": "核对营业执照，统一社会信用代码一致"}),
    # The public list columns and the public measure list.
    ("GET", "/api/v1/public/lists"): Call(PUBLIC),
    ("GET", "/api/v1/public/lists/{list_kind}"): Call(PUBLIC,
                                                      "/api/v1/public/lists/serious_dishonesty"),
    ("GET", "/api/v1/public/lists/{list_kind}/export.csv"): Call(
        PUBLIC, "/api/v1/public/lists/serious_dishonesty/export.csv"),
    ("GET", "/api/v1/public/measures"): Call(PUBLIC),
    ("GET", "/lists"): Call(PUBLIC),
    ("GET", "/lists/{list_kind}"): Call(PUBLIC, "/lists/serious_dishonesty"),
    ("GET", "/measures"): Call(PUBLIC),
    # Due process: the department's documents and the subject's files, early removal.
    ("GET", "/api/v1/lists/{entry_id}/notice.pdf"): Call(
        READ, "/api/v1/lists/{entry_listed}/notice.pdf"),
    ("GET", "/api/v1/lists/{entry_id}/decision.pdf"): Call(
        READ, "/api/v1/lists/{entry_listed}/decision.pdf"),
    ("GET", "/api/v1/lists/{entry_id}/statements/{statement_id}/attachments/{attachment_id}"):
        Call(READ, "/api/v1/lists/{entry_listed}/statements/{statement}/attachments/"
             "{statement_attachment}"),
    ("GET", "/api/v1/lists/removals/{app_id}/attachments/{attachment_id}"): Call(
        READ, "/api/v1/lists/removals/{removal_applied}/attachments/{removal_attachment}"),
    ("POST", "/api/v1/lists/removals/{app_id}/decision"): Call(
        WRITE, "/api/v1/lists/removals/{removal_applied}/decision",
        json={"approve": True, "reason": "已纠正"}),
    ("GET", "/cases/lists"): Call(READ),
    ("GET", "/cases/lists/{entry_id}"): Call(READ, "/cases/lists/{entry_listed}"),
    ("POST", "/cases/lists/{entry_id}/{action}"): Call(
        WRITE, "/cases/lists/{entry_web_proposed}/notify", data={"reason": "告知"}),
    # The subject's own listings.
    ("GET", "/api/v1/me/lists"): Call(READ),
    ("GET", "/api/v1/me/lists/{entry_id}"): Call(READ, "/api/v1/me/lists/{entry_listed}"),
    ("GET", "/api/v1/me/lists/{entry_id}/notice.pdf"): Call(
        READ, "/api/v1/me/lists/{entry_listed}/notice.pdf"),
    ("GET", "/api/v1/me/lists/{entry_id}/decision.pdf"): Call(
        READ, "/api/v1/me/lists/{entry_listed}/decision.pdf"),
    ("GET", "/api/v1/me/lists/{entry_id}/statements/{statement_id}/attachments/{attachment_id}"):
        Call(READ, "/api/v1/me/lists/{entry_listed}/statements/{statement}/attachments/"
             "{statement_attachment}"),
    ("POST", "/api/v1/me/lists/{entry_id}/statements"): Call(
        WRITE, "/api/v1/me/lists/{entry_statement}/statements",
        data={"text": "已补报年度报告"}, files=FILE),
    ("POST", "/api/v1/me/lists/{entry_id}/removal"): Call(
        WRITE, "/api/v1/me/lists/{entry_removal}/removal", data={"reasons": "已整改完毕"},
        files=FILE),
    ("GET", "/me/lists/{entry_id}"): Call(READ, "/me/lists/{entry_listed}"),
    ("POST", "/me/lists/{entry_id}/statement"): Call(
        WRITE, "/me/lists/{entry_web_statement}/statement", data={"text": "已补报年度报告"},
        files=FILE),
    ("POST", "/me/lists/{entry_id}/removal"): Call(
        WRITE, "/me/lists/{entry_web_removal}/removal", data={"reasons": "已整改完毕"},
        files=FILE),
    # Objections.
    ("POST", "/api/v1/objections"): Call(
        WRITE, data={"target": "record", "target_id": "{record_fileable}",
                     "reasons": "罚款金额有误"}, files=FILE),
    ("GET", "/api/v1/objections"): Call(READ),
    ("GET", "/api/v1/objections/overdue"): Call(READ),
    ("GET", "/api/v1/objections/report"): Call(READ),
    ("GET", "/api/v1/objections/{objection_id}"): Call(READ,
                                                       "/api/v1/objections/{objection_objected}"),
    ("GET", "/api/v1/objections/{objection_id}/attachments/{attachment_id}"): Call(
        READ, "/api/v1/objections/{objection_objected}/attachments/{objection_attachment}"),
    ("POST", "/api/v1/objections/{objection_id}/route"): Call(
        WRITE, "/api/v1/objections/{objection_route}/route", json={"provider_uscc":
                                                                    "{provider}"}),
    ("POST", "/api/v1/objections/{objection_id}/decision"): Call(
        WRITE, "/api/v1/objections/{objection_objected}/decision",
        json={"outcome": "kept", "reasons": "经核查无误"}),
    ("POST", "/me/objections"): Call(
        WRITE, data={"target": "record", "target_id": "{record_web_fileable}",
                     "reasons": "罚款金额有误"}, files=FILE),
    ("GET", "/me/objections/{objection_id}"): Call(READ, "/me/objections/{objection_objected}"),
    ("GET", "/cases/objections"): Call(READ),
    ("GET", "/cases/objections/{objection_id}"): Call(READ,
                                                      "/cases/objections/{objection_objected}"),
    ("POST", "/cases/objections/{objection_id}/route"): Call(
        WRITE, "/cases/objections/{objection_web_route}/route",
        data={"provider_uscc": "{provider}"}),
    ("POST", "/cases/objections/{objection_id}/decision"): Call(
        WRITE, "/cases/objections/{objection_web_objected}/decision",
        data={"outcome": "kept", "reasons": "经核查无误"}),
    # Credit repair.
    ("GET", "/api/v1/repairs/eligibility/{record_id}"): Call(
        READ, "/api/v1/repairs/eligibility/{record_eligible}"),
    ("POST", "/api/v1/repairs"): Call(
        WRITE, data={"record_id": "{record_eligible}", "fulfilment": "已缴清罚款",
                     "commitment_accepted": "true"}, files=FILE),
    ("GET", "/api/v1/repairs"): Call(READ),
    ("GET", "/api/v1/repairs/overdue"): Call(READ),
    ("GET", "/api/v1/repairs/{app_id}"): Call(READ, "/api/v1/repairs/{app_forwarded}"),
    ("GET", "/api/v1/repairs/{app_id}/attachments/{attachment_id}"): Call(
        READ, "/api/v1/repairs/{app_forwarded}/attachments/{repair_attachment}"),
    ("POST", "/api/v1/repairs/{app_id}/accept"): Call(WRITE,
                                                      "/api/v1/repairs/{app_forwarded}/accept"),
    ("POST", "/api/v1/repairs/{app_id}/refuse"): Call(
        WRITE, "/api/v1/repairs/{app_refusable}/refuse",
        json={"reasons": "材料不全", "code": "materials_incomplete"}),
    ("POST", "/api/v1/repairs/{app_id}/approve"): Call(
        WRITE, "/api/v1/repairs/{app_accepted}/approve", json={"reasons": "已履行"}),
    ("POST", "/api/v1/repairs/{app_id}/reject"): Call(
        WRITE, "/api/v1/repairs/{app_rejectable}/reject",
        json={"reasons": "未履行", "code": "not_fulfilled"}),
    ("POST", "/api/v1/repairs/{app_id}/commitment-broken"): Call(
        WRITE, "/api/v1/repairs/{app_approved}/commitment-broken", json={"reasons": "再次违法"}),
    ("GET", "/me/repairs/new"): Call(READ, "/me/repairs/new?record={record_web_eligible}"),
    ("POST", "/me/repairs"): Call(
        WRITE, data={"record_id": "{record_web_eligible}", "fulfilment": "已缴清罚款",
                     "commitment": "yes"}, files=FILE),
    ("GET", "/me/repairs/{app_id}"): Call(READ, "/me/repairs/{app_forwarded}"),
    ("GET", "/cases/repairs"): Call(READ),
    ("GET", "/cases/repairs/{app_id}"): Call(READ, "/cases/repairs/{app_forwarded}"),
    ("POST", "/cases/repairs/{app_id}/{action}"): Call(
        WRITE, "/cases/repairs/{app_web_action}/accept"),
    # Credit commitments: the public column and templates; the subject's own and its
    # signing; the accepting department's tasks, receipt and verdict; coverage.
    ("GET", "/api/v1/commitments"): Call(PUBLIC),
    ("GET", "/api/v1/commitments/templates"): Call(PUBLIC),
    ("GET", "/api/v1/commitments/{code}"): Call(PUBLIC, "/api/v1/commitments/{commitment_api}"),
    ("GET", "/api/v1/commitments/subject/{uscc}"): Call(
        PUBLIC, "/api/v1/commitments/subject/{company}"),
    ("GET", "/commitments"): Call(PUBLIC),
    ("GET", "/commitments/{code}"): Call(PUBLIC, "/commitments/{commitment_api}"),
    ("GET", "/api/v1/commitments/subject/{uscc}/shared"): Call(
        READ, "/api/v1/commitments/subject/{company}/shared?purpose=licensing"),
    ("GET", "/api/v1/commitments/tasks"): Call(READ),
    ("GET", "/api/v1/commitments/coverage"): Call(READ),
    ("GET", "/api/v1/me/commitments"): Call(READ),
    ("GET", "/api/v1/me/commitments/{code}.pdf"): Call(
        READ, "/api/v1/me/commitments/{commitment_api}.pdf"),
    ("GET", "/me/commitments"): Call(READ),
    ("GET", "/cases/commitments"): Call(READ),
    ("POST", "/api/v1/me/commitments"): Call(WRITE, json={
        "template_id": "voluntary_public", "accepting_uscc": "{provider}"}),
    ("POST", "/me/commitments"): Call(WRITE, data={
        "template_id": "voluntary_public", "accepting_uscc": "{provider}", "agree": "yes"}),
    ("POST", "/api/v1/commitments"): Call(WRITE, json={
        "committer_uscc": "{company}", "committer_name": NAME, "kind": "certification",
        "reason": "申请开具证明", "content": "所填信息真实", "liability": "不实的撤销证明",
        "made_on": "2026-11-02", "disclosure": "scoped"}),
    ("POST", "/api/v1/commitments/{code}/determination"): Call(
        WRITE, "/api/v1/commitments/{commitment_api}/determination", json={"fulfilment": "kept"}),
    ("POST", "/cases/commitments/{code}/determination"): Call(
        WRITE, "/cases/commitments/{commitment_web}/determination", data={"fulfilment": "kept"}),
}


def _app_routes(settings: Settings) -> set[tuple[str, str]]:
    app = create_app(settings)
    found = {(m, p) for p, r in api_routes(app) for m in r.methods}
    schema = TestClient(app).get("/openapi.json").json()
    documented = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert documented <= found  # every operation of the OpenAPI document is a route
    return found


def test_every_route_is_classified(settings):
    routes = _app_routes(settings)
    assert sorted(routes - set(ROUTES)) == [], "classify these routes in ROUTES"
    assert sorted(set(ROUTES) - routes) == [], "these classified routes no longer exist"


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        text = value.format(**ids)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _head(engine: Any) -> int:
    with unit_of_work(engine) as s:
        return int(s.scalar(select(func.max(AuditEntry.seq))) or 0)


def _roles_since(engine: Any, seq: int) -> set[str]:
    """The roles of the audit entries written after `seq`."""
    with unit_of_work(engine) as s:
        return set(s.scalars(select(AuditEntry.role).where(AuditEntry.seq > seq)))


def _succeeded(status: int, location: str) -> bool:
    if 200 <= status < 300:
        return True
    return status in (302, 303) and not location.startswith("/login")


def test_every_non_public_read_and_every_write_is_audited(engine, settings):
    ids = seed(engine, settings)
    ids["other_provider"] = OTHER_PROVIDER
    with unit_of_work(engine) as s:
        from xinyong.subjects import get_subject

        ids["subject_id"] = get_subject(s, ids["company"]).id
    from xinyong.core import clock

    ids["month"] = clock.today().strftime("%Y-%m")
    current: list[Actor] = [ACTORS[Role.PUBLIC]]
    app = create_app(settings)
    app.dependency_overrides[get_actor] = lambda: current[0]
    client = TestClient(app, follow_redirects=False)
    unaudited: list[str] = []
    unexercised: list[str] = []
    # Reads first, then writes: a write changes what a later read would find.
    order = sorted(ROUTES.items(), key=lambda kv: (kv[1].kind == WRITE, kv[0][1]))
    for (method, path), call in order:
        if call.kind not in (READ, WRITE):
            continue
        url = _fill(call.url or path, ids)
        succeeded = []
        for role in ROLES:
            current[0] = ACTORS[role]
            before = _head(engine)
            files = {k: (n, c, t) for k, (n, c, t) in (call.files or {}).items()}
            r = client.request(method, url, json=_fill(call.json, ids),
                               data=_fill(call.data, ids), files=files or None)
            assert r.status_code < 500, (method, url, role, r.text[:300])
            if not _succeeded(r.status_code, r.headers.get("location", "")):
                continue
            succeeded.append(role)
            if role.value not in _roles_since(engine, before):
                unaudited.append(f"{method} {path} as {role.value}: {r.status_code}")
        if not succeeded:
            unexercised.append(f"{method} {path} ({url})")
    assert unaudited == [], "\n".join(unaudited)
    assert unexercised == [], "no role got through:\n" + "\n".join(unexercised)


def test_ending_publication_from_the_command_line_is_audited(engine, settings):
    from typer.testing import CliRunner

    from tests.cli.test_cli import _env
    from tests.factories import penalty
    from tests.ingest.helpers import push
    from xinyong.cli.main import app as cli
    from xinyong.ingest import Record

    push(engine, settings, "penalty", [penalty()])
    with unit_of_work(engine) as s:
        rid = s.scalar(select(Record.id))
    r = CliRunner().invoke(cli, ["publication", "end", str(rid), "--reason", "revoked",
                                 "--on", "2026-12-01", "--operator", "信用办张三"],
                           env=_env(settings))
    assert r.exit_code == 0, r.output
    with unit_of_work(engine) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "publication.end"))
        assert entry is not None and entry.actor_name == "信用办张三"
        assert f'"record_id":{rid}' in entry.details
