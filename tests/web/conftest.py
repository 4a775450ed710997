from __future__ import annotations

from datetime import date

import pytest

from tests.factories import COMPANY_2, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.subjects.uscc import make

RECEIVED = date(2026, 11, 27)


@pytest.fixture
def site_data(engine, settings):
    """Two named companies plus 25 others whose names share the trade name 华盛 (paging)."""
    others = [penalty(document_number=f"示市监处罚〔2026〕{100 + i}号",
                      subject_uscc=make("91", "350203", f"MA3XK{i:03d}"),
                      subject_name=f"示范市华盛第{i + 1}分店餐饮有限公司")
              for i in range(25)]
    push(engine, settings, "penalty", [penalty(), person_penalty(), *others],
         received_on=RECEIVED)
    push(engine, settings, "licence", [licence(), licence(
        document_number="示市监许〔2026〕2号", subject_uscc=COMPANY_2,
        subject_name="深圳市腾讯计算机系统有限公司")], received_on=RECEIVED)
    return engine
