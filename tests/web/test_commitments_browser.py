"""Issue 16 in a real browser: an enterprise signs a 容缺受理 commitment online; its
materials' deadline passes; the accepting department sees the overdue flag, verifies it late
and records it as not kept; the breach then shows on the public commitment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.accounts.helpers import make_account
from tests.commitments.helpers import PROVIDER, setup
from tests.factories import COMPANY
from xinyong.accounts import Role
from xinyong.commitments import Commitment
from xinyong.core import clock
from xinyong.core.db import unit_of_work

pytestmark = pytest.mark.browser
PASSWORD = "Correct-Horse-7"


def _login(page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_sign_overdue_late_verification_and_breach(engine, live_server, open_page):
    with unit_of_work(engine) as s:
        setup(s)
    make_account(engine, "huasheng", Role.SUBJECT, password=PASSWORD, subject=COMPANY)
    make_account(engine, "sjj", Role.DATA_OFFICER, password=PASSWORD, department=PROVIDER)
    company = open_page(live_server)
    _login(company, "huasheng")
    company.get_by_role("navigation").get_by_role("link", name="我的承诺").first.click()
    company.get_by_label("承诺书模板").select_option(label="容缺受理型：容缺受理承诺书")
    company.get_by_label("承诺受理单位").select_option(label="示范市市场监督管理局")
    company.get_by_label("办理事项说明（选填）").fill("食品经营许可证")
    company.get_by_label("本单位已阅读承诺内容和违诺责任，作出以上承诺").check()
    company.get_by_role("button", name="签署承诺").click()
    status = company.get_by_role("status").inner_text()
    assert "已作出承诺" in status
    code = status.split("承诺编码 ")[1][:20]
    with unit_of_work(engine) as s:  # signed three weeks ago: the materials' deadline passed
        s.execute(update(Commitment).values(made_on=clock.today() - timedelta(days=21),
                                            verify_due=clock.today() - timedelta(days=14)))
    dept = open_page(live_server)
    _login(dept, "sjj")
    dept.goto("/cases/commitments")
    assert dept.locator("#overdue").inner_text() == "核查逾期（1）"
    task = dept.locator(f"#task-{code}")
    assert task.locator("h3 strong.overdue").inner_text() == "核查逾期"
    task.get_by_label("承诺履行状态").select_option(label="全部未履行")
    task.get_by_label("未履行的承诺内容（不是全部履行时必填）").fill("逾期未补齐材料")
    task.get_by_label("违诺责任追究内容（不是全部履行时必填）").fill("撤销容缺受理决定")
    task.get_by_role("button", name="记录核查结论").click()
    assert code in dept.get_by_role("status").inner_text()
    assert dept.locator("#overdue").inner_text() == "核查逾期（0）"
    done = dept.locator(f"#done-{code}").inner_text()
    assert "逾期核查" in done and "违诺失信记录" in done
    company.goto(f"/commitments/{code}")
    assert "撤销容缺受理作出的审批决定" in company.locator(".breach").inner_text()
