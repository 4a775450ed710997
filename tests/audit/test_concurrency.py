"""Concurrent appends from several threads still form one unbroken chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.accounts.helpers import ACTORS
from xinyong import audit
from xinyong.accounts import Role
from xinyong.core.db import unit_of_work


def test_concurrent_appends_form_one_chain(engine):
    def work(i: int) -> None:
        for _ in range(5):
            with unit_of_work(engine) as s:
                audit.append(s, ACTORS[Role.ADMIN], "test.concurrent", details={"worker": i})

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(work, range(4)))
    with unit_of_work(engine) as s:
        result = audit.verify(s)
    assert result.ok and result.checked == 20
