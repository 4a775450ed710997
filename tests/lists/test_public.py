"""Published lists on the public site and API: a column per published kind, the subject's
credit file, `as_of` before the listing, during it and after its removal; natural persons
only where their listing's basis makes the list public, and masked."""

from __future__ import annotations

from datetime import date

import pytest

from tests.accounts.helpers import client_as
from tests.factories import PERSON_ID
from tests.lists.helpers import ACME, OFFICER, OTHER, add_subject, doc, proposal
from xinyong.accounts import Actor, Role
from xinyong.core.db import unit_of_work
from xinyong.core.errors import NotFound, RuleViolation
from xinyong.core.masking import keyed_hash, mask_id
from xinyong.core.workdays import load_calendar
from xinyong.lists import decide, notify, propose, publish, remove
from xinyong.lists.public import ColumnFilter, entries_for_uscc, export_rows, list_column
from xinyong.objections.clocks import load_clocks
from xinyong.objections.service import Filing, file_objection
from xinyong.subjects import SubjectRef, resolve_subjects

NAME = "示范市华盛食品有限公司"
PUBLISHED, REMOVED = date(2026, 10, 21), date(2027, 11, 1)
SECRET = "test-secret-key"


def _published(s, uscc=ACME, name=NAME, *, removed: date | None = None):
    add_subject(s, uscc, name)
    e = propose(s, proposal(uscc=uscc), OFFICER, today=date(2026, 9, 28))
    notify(s, e.id, OFFICER, "告知", today=date(2026, 9, 28))
    decide(s, e.id, OFFICER, "listed", "列入", today=date(2026, 10, 20))
    publish(s, e.id, OFFICER, "公示", today=PUBLISHED)
    if removed:
        remove(s, e.id, OFFICER, "整改到位，提前移出", today=removed)
    return e


def _names(day, s, kind="serious_dishonesty", **filters):
    return [p.subject_name for p in list_column(s, kind, day,
                                                filters=ColumnFilter(**filters)).items]


def test_as_of_before_the_listing_during_it_and_after_its_removal(engine):
    with unit_of_work(engine) as s:
        e = _published(s, removed=REMOVED)
        assert _names(date(2026, 10, 20), s) == []  # decided, not yet published
        assert _names(PUBLISHED, s) == [NAME]
        assert _names(date(2027, 10, 31), s) == [NAME]  # the day before the removal
        assert _names(REMOVED, s) == []  # leaves public view on the day it is removed
        during = list_column(s, "serious_dishonesty", date(2027, 1, 4)).items[0]
        assert (during.listed_on, during.removal_date, during.removal_reason) == (
            date(2026, 10, 20), date(2029, 10, 20), None)
        assert during.legal_basis.startswith("《市场监督管理严重违法失信名单管理办法》")
        assert (during.document_number, during.department) == (
            "示市监处罚〔2026〕88号", "示范市市场监督管理局")
        # The subject's credit file shows the same: before, during, after.
        assert entries_for_uscc(s, ACME, date(2026, 10, 1)) == []
        assert [p.id for p in entries_for_uscc(s, ACME, date(2027, 1, 4))] == [e.id]
        assert entries_for_uscc(s, ACME, REMOVED) == []


def test_an_expired_listing_leaves_on_its_last_day_plus_one(engine):
    with unit_of_work(engine) as s:
        _published(s)
        assert _names(date(2029, 10, 19), s) == [NAME]
        assert _names(date(2029, 10, 20), s) == []  # listed_until: the first day not listed


def test_filters_paging_export_and_the_objection_mark(engine, settings):
    with unit_of_work(engine) as s:
        first = _published(s)
        _published(s, OTHER, "示范市远航物流有限公司")
        day = date(2027, 1, 4)
        assert _names(day, s, region="350206") == ["示范市远航物流有限公司"]
        assert _names(day, s, department="11350200MB1600027X") == []
        assert len(_names(day, s, department=OFFICER.department_uscc)) == 2
        assert _names(day, s, date_to=date(2026, 10, 19)) == []
        page = list_column(s, "serious_dishonesty", day, page=2, per_page=1)
        assert (page.total, page.pages, len(page.items)) == (2, 2, 1)
        rows = list(export_rows(s, "serious_dishonesty", day))
        assert rows[0][:3] == ["名单", "主体名称", "统一社会信用代码"] and len(rows) == 3
        file_objection(s, Actor(role=Role.SUBJECT, name="华盛", subject_uscc=ACME),
                       Filing("list_entry", first.id, "已整改完毕，列入事实有误"),
                       clocks=load_clocks(), calendar=load_calendar(s), secret=SECRET,
                       today=day)
        marked = {p.subject_name: p.under_objection
                  for p in list_column(s, "serious_dishonesty", day).items}
        assert marked == {NAME: True, "示范市远航物流有限公司": False}
        assert entries_for_uscc(s, ACME, day)[0].under_objection


def test_a_list_that_is_not_public_has_no_column(engine):
    with unit_of_work(engine) as s, pytest.raises(NotFound) as exc:
        list_column(s, "watch", date(2027, 1, 4))
    assert exc.value.code == "list_kind_not_public"


def _person(s) -> int:
    key = keyed_hash(SECRET, PERSON_ID)
    ids = resolve_subjects(s, [SubjectRef(None, key, mask_id(PERSON_ID), "自然人", "张三丰",
                                          None)])
    return ids[f"p:{key}"]


def test_a_natural_person_is_shown_only_on_the_court_list_and_masked(engine):
    with unit_of_work(engine) as s:
        _person(s)
        # The SAMR list cannot hold a natural person at all.
        with pytest.raises(RuleViolation) as exc:
            propose(s, proposal(uscc="", subject_id_number=PERSON_ID), OFFICER, secret=SECRET)
        assert exc.value.code == "person_subject_not_allowed"
        e = propose(s, proposal(uscc="", subject_id_number=PERSON_ID, kind="judgment_defaulter",
                                basis="spc_defaulter_rules",
                                document=doc(type="失信决定书", number="（2026）闽0203执1234号",
                                             issuing_body="示范市思明区人民法院")),
                    OFFICER, secret=SECRET)
        decide(s, e.id, OFFICER, "listed", "法院决定纳入", today=date(2026, 10, 20))
        publish(s, e.id, OFFICER, "公示", today=PUBLISHED)
        [p] = list_column(s, "judgment_defaulter", date(2027, 1, 4)).items
        assert (p.subject_name, p.subject_uscc, p.subject_id_masked) == (
            "张**", None, "1101**********002X")
        row = list(export_rows(s, "judgment_defaulter", date(2027, 1, 4)))[1]
        assert "张三丰" not in row and PERSON_ID not in row


def test_the_public_api_and_pages_show_the_column_and_the_credit_file(engine, settings):
    with unit_of_work(engine) as s:
        _published(s, removed=REMOVED)
    public = client_as(settings, None)
    during = public.get("/api/v1/public/lists/serious_dishonesty?as_of=2027-01-04").json()
    assert during["total"] == 1 and during["items"][0]["subject_uscc"] == ACME
    assert during["column"] == "严重失信主体名单专栏" and during["remedies"]
    after = public.get("/api/v1/public/lists/serious_dishonesty?as_of=2027-11-01").json()
    assert after["total"] == 0
    assert public.get("/api/v1/public/lists/watch").status_code == 404
    csv = public.get("/api/v1/public/lists/serious_dishonesty/export.csv?as_of=2027-01-04")
    assert NAME in csv.content.decode("utf-8-sig")
    file = public.get(f"/api/v1/subjects/{ACME}?as_of=2027-01-04").json()
    assert [x["list_name"] for x in file["lists"]] == ["严重失信主体名单"]
    assert public.get(f"/api/v1/subjects/{ACME}?as_of=2026-10-01").json()["lists"] == []
    page = public.get("/lists/serious_dishonesty?as_of=2027-01-04")
    assert page.status_code == 200 and NAME in page.text and "示市监处罚〔2026〕88号" in page.text
    assert NAME not in public.get("/lists/serious_dishonesty?as_of=2027-11-01").text
    subject = public.get(f"/subjects/{ACME}?as_of=2027-01-04").text
    assert "名单信息" in subject and "严重失信主体名单" in subject and "2029-10-20" in subject
    assert public.get("/lists").status_code == 200
    measures = public.get("/measures")
    assert measures.status_code == 200 and "自处罚决定作出之日起五年内" in measures.text
    api = public.get("/api/v1/public/measures?matter=licensing").json()
    food = next(m for m in api["items"] if m["id"] == "food_licence_bar")
    assert [k["id"] for k in food["licence_kinds"]] == ["food_production", "food_operation"]
    assert food["period"]["years"] == 5 and food["tier"] == "national"


def test_the_home_page_search_marks_filters_and_export_read_the_public_lists(engine, settings):
    """The merged site: the home page's latest entries, the search results' list mark, the
    columns' filter names and refusal of unknown parameters, the CSV through the one
    formula-safe writer."""
    with unit_of_work(engine) as s:
        _published(s)
        _published(s, OTHER, "=HYPERLINK(\"http://x\")远航物流有限公司")
    public = client_as(settings, None)
    home = public.get("/?as_of=2027-01-04").text
    assert NAME in home and "示市监处罚〔2026〕88号" in home
    results = public.get("/search", params={"q": "华盛食品", "as_of": "2027-01-04"}).text
    assert "列入严重失信主体名单" in results
    assert "列入严重失信主体名单" not in public.get(
        "/search", params={"q": "华盛食品", "as_of": "2026-10-01"}).text
    api = "/api/v1/public/lists/serious_dishonesty"
    assert public.get(api, params={"as_of": "2027-01-04",
                                   "decided_from": "2026-10-21"}).json()["total"] == 0
    assert public.get(api, params={"as_of": "2027-01-04",
                                   "decided_to": "2026-10-20"}).json()["total"] == 2
    for path in (api, "/lists/serious_dishonesty", "/measures"):
        r = public.get(path, params={"from": "2026-10-21"})
        assert r.status_code == 422 and "from" in r.text, path
    page = public.get("/lists/serious_dishonesty",
                      params={"as_of": "2027-01-04", "decided_from": "2026-10-21"})
    assert page.status_code == 200 and NAME not in page.text
    csv = public.get(f"{api}/export.csv?as_of=2027-01-04").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
