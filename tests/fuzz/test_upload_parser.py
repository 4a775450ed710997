"""Hypothesis fuzz of the upload parser (readers + row validation): whatever the bytes, the
only failure is a XinyongError with a message, never a crash."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinyong.catalog import default_catalog
from xinyong.core.errors import XinyongError
from xinyong.ingest.readers import open_rows
from xinyong.ingest.validate import RowValidator

RT = default_catalog().get("penalty")
HEADERS = [f.header for f in RT.fields]
FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _parse(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"upload.{suffix}"
        path.write_bytes(content)
        validator = RowValidator(RT, today=date(2026, 11, 27), received_on=date(2026, 11, 27),
                                 provider_uscc="11350200MB160001X"[:18], secret="fuzz")
        try:
            source = open_rows(path, RT)
            for n, raw in source.rows:
                if isinstance(raw, dict):
                    validator.validate(n, raw)
        except XinyongError as exc:
            assert exc.message


cell = st.one_of(st.text(max_size=30), st.sampled_from(
    ["2026-02-30", "2026/11/20", "20261120", "-1", "1e400", "NaN", "法人及非法人组织", "自然人",
     "身份证", "11010519491231002X", "9135020300000000XX", "警告;罚款", "", " "]))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_csv_json_xlsx(content):
    for suffix in ("csv", "json", "xlsx"):
        _parse(content, suffix)


@FUZZ
@given(st.lists(st.sampled_from(HEADERS + ["未知列", "序号", ""]), max_size=25),
       st.lists(st.lists(cell, max_size=25), max_size=6),
       st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_csv_with_catalog_headers_and_odd_cells(headers, rows, encoding):
    lines = [",".join(json.dumps(h, ensure_ascii=False) for h in headers)]
    lines += [",".join(json.dumps(c, ensure_ascii=False) for c in r) for r in rows]
    try:
        content = "\n".join(lines).encode(encoding)
    except UnicodeEncodeError:
        return
    _parse(content, "csv")


json_value: Any = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cell,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3), max_leaves=10)


@FUZZ
@given(st.lists(st.one_of(st.dictionaries(st.sampled_from(HEADERS), json_value, max_size=20),
                          json_value), max_size=5))
def test_json_arrays_of_anything(items):
    _parse(json.dumps(items, ensure_ascii=False).encode(), "json")
