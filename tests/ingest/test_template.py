"""The upload template a data officer fills in: drop-down lists for every coded field (from
the catalog's code lists) and, on each header, what to enter, with the condition of every
条件必填 field spelled out (from the catalog's rule)."""

from __future__ import annotations

from openpyxl import load_workbook

from xinyong.catalog import default_catalog
from xinyong.ingest import write_template


def _template(tmp_path, record_type: str):
    path = tmp_path / f"{record_type}.xlsx"
    write_template(default_catalog().get(record_type), path, "xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.value: c for c in ws[1]}
    lists = wb["代码表"]
    drop_downs = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and str(dv.sqref).endswith("1048576")
        column = str(dv.sqref).split(":")[0].rstrip("0123456789")
        source = dv.formula1.split("!")[1].replace("$", "")
        header = ws[f"{column}1"].value
        drop_downs[header] = ([c.value for row in lists[source] for c in row], dv.errorStyle)
    return wb, headers, drop_downs


def test_coded_fields_have_drop_down_lists_from_the_catalog(tmp_path) -> None:
    wb, _headers, drop_downs = _template(tmp_path, "penalty")
    assert wb["代码表"].sheet_state == "hidden"
    rt = default_catalog().get("penalty")
    coded = [f for f in rt.fields if f.type in ("enum", "enum_set")]
    assert set(drop_downs) == {f.header for f in coded}
    for f in coded:
        assert drop_downs[f.header][0] == f.codes, f.header
    assert drop_downs["行政相对人类别"][1] == "stop"
    assert drop_downs["失信行为严重程度"] == (["轻微", "一般", "严重"], "stop")
    # several codes separated by semicolons, or "其他-…": the list helps, Excel only informs
    assert drop_downs["处罚类别"][1] == "information"
    assert drop_downs["证件类型"][1] == "information"
    _, _, licence = _template(tmp_path, "licence")
    assert licence["许可类别"][0] == ["普通", "特许", "认可", "核准", "登记", "其他"]
    assert licence["当前状态"] == (["有效", "无效"], "stop")  # 「1」 accepted at ingest only


def test_conditionally_required_headers_spell_out_the_condition(tmp_path) -> None:
    _, headers, _ = _template(tmp_path, "penalty")
    note = {h: c.comment.text for h, c in headers.items()}
    assert "当行政相对人类别为法人及非法人组织或个体工商户时必填" in \
        note["行政相对人代码_1(统一社会信用代码)"]
    assert "当行政相对人类别为自然人时应为空" in note["行政相对人代码_1(统一社会信用代码)"]
    assert "当行政相对人类别为自然人时必填" in note["证件号码"]
    assert "当处罚类别包含罚款时必填" in note["罚款金额(万元)"]
    assert ("当处罚类别包含「没收违法所得」、「没收非法财物」或「没收违法所得、没收非法财物」"
            "时必填") in note["没收违法所得、没收非法财物的金额(万元)"]
    assert "当法定代表人证件类型已填写时必填" in note["法定代表人证件号码"]
    assert note["行政处罚决定书文号"].startswith("CF_WSH：必填")
    assert not [h for h, text in note.items() if "条件必填" in text]  # never without the condition
    assert headers["行政处罚决定书文号"].fill.fgColor.rgb.endswith("FFF2CC")  # required marked


def test_csv_template_is_the_header_row(tmp_path) -> None:
    path = tmp_path / "t.csv"
    rt = default_catalog().get("penalty")
    write_template(rt, path, "csv")
    assert path.read_bytes() == ("\ufeff" + ",".join(f.header for f in rt.fields)
                                 + "\r\n").encode()
