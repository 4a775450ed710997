"""Load and validate the catalog YAML files.

First pass: each file against the pydantic model. Second pass: cross-references (natural
key, conditions, not_before, the fields the spine relies on). Any failure names the file,
the record type and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from xinyong.catalog.model import REQUIRED_ROLES, DepartmentClass, DepartmentClasses, RecordType
from xinyong.core.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"

# The categories of 全国公共信用信息基础目录（2024年版） in the directory's order
# (reference/standards.md §5), and the ten administrative acts of 行政管理信息 in the order the
# directory names them. Record types are kept in this order, so the credit file, the site's
# columns and the report list 行政许可 and 行政处罚 before the rest, as 信用中国 does.
CATALOG_CATEGORIES = (
    "登记注册基本信息", "司法裁判及执行信息", "行政管理信息", "职称和职业信息",
    "经营（活动）异常名录（状态）信息", "知识产权信息", "严重失信主体名单信息", "合同履行信息",
    "信用承诺及履行情况信息", "信用评价结果信息", "遵守法律法规情况信息", "诚实守信相关荣誉信息",
    "市场主体自愿提供的信用信息")
ADMINISTRATIVE_ACTS = ("许可", "处罚", "强制", "确认", "征收", "给付", "裁决", "补偿", "奖励",
                       "检查")


def _display_key(rt: RecordType) -> tuple[int, int, str]:
    category = rt.catalog_category.replace("及其", "及")
    cat = (CATALOG_CATEGORIES.index(category) if category in CATALOG_CATEGORIES
           else len(CATALOG_CATEGORIES))
    act = next((i for i, a in enumerate(ADMINISTRATIVE_ACTS) if a in rt.name),
               len(ADMINISTRATIVE_ACTS))
    return cat, act, rt.id
CLASSES_FILE = Path("departments") / "classes.yaml"


@dataclass(frozen=True)
class Catalog:
    record_types: dict[str, RecordType]
    # 部门类别 by id, in the order of departments/classes.yaml.
    department_classes: dict[str, DepartmentClass]

    def department_class(self, class_id: str) -> DepartmentClass:
        from xinyong.core.errors import Invalid

        try:
            return self.department_classes[class_id]
        except KeyError:
            known = "、".join(f"{c.id}({c.label})" for c in self.department_classes.values())
            raise Invalid(f"部门类别「{class_id[:40]}」不在目录的部门类别中（可选：{known}）",
                          code="department_class_unknown") from None

    def get(self, record_type_id: str) -> RecordType:
        from xinyong.core.errors import NotFound

        try:
            return self.record_types[record_type_id]
        except KeyError:
            known = ", ".join(sorted(self.record_types))
            raise NotFound(f"目录中没有信息类别 '{record_type_id}'（已登记：{known}）",
                           code="record_type_unknown") from None

    def find(self, record_type_id: str) -> RecordType | None:
        """The record type, or None for one no longer in the catalog files (its stored
        records stay readable; nothing public shows them)."""
        return self.record_types.get(record_type_id)

    def name_of(self, record_type_id: str) -> str:
        rt = self.record_types.get(record_type_id)
        return rt.name if rt else record_type_id


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}", code="catalog_yaml") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping at top level", code="catalog_yaml")
    return data


def _expand_includes(raw: dict[str, Any], blocks: dict[str, dict[str, Any]],
                     source: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    for inc in raw.pop("include", None) or []:
        block = blocks.get(inc.get("block", ""))
        if block is None:
            raise ConfigError(f"{source}: unknown block '{inc.get('block')}'",
                              code="catalog_block")
        prefix = inc.get("code_prefix", "")
        for f in block["fields"]:
            fields.append({**f, "code": prefix + f["code"]})
    raw["fields"] = fields + list(raw.get("fields") or [])
    return raw


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing" and err["loc"] and err["loc"][0] == "legal_basis":
        msg = "no legal basis: every record type must cite the law that allows it"
    return f"{where}: {msg}"


def _load_classes(directory: Path) -> dict[str, DepartmentClass]:
    path = directory / CLASSES_FILE
    if not path.is_file():
        raise ConfigError(f"{CLASSES_FILE}: missing: the catalog needs its list of department "
                          "classes", code="catalog_classes")
    try:
        data = DepartmentClasses.model_validate(_read(path))
    except ValidationError as exc:
        raise ConfigError(f"{CLASSES_FILE}: {_first_error(exc)}",
                          code="catalog_classes") from exc
    return {c.id: c for c in data.classes}


def _cross_check(rt: RecordType, source: str, classes: dict[str, DepartmentClass]) -> None:
    names = rt.field_names
    problems: list[str] = []
    for cls in (rt.owner_department_class, *rt.shared_to, *rt.senders):
        if cls not in classes:
            problems.append(f"unknown department class '{cls}' (declared in {CLASSES_FILE}: "
                            f"{', '.join(classes)})")
    if len(set(names)) != len(names):
        problems.append("duplicate field names")
    for role in REQUIRED_ROLES:
        if role not in names:
            problems.append(f"missing required field '{role}'")
    for key in rt.natural_key:
        if key not in names:
            problems.append(f"natural_key refers to unknown field '{key}'")
    for f in rt.fields:
        for cond in (f.required_when, f.empty_when):
            if cond and cond.field not in names:
                problems.append(f"field '{f.name}': condition on unknown field '{cond.field}'")
        for ref in (f.not_before, f.id_type_field):
            if ref and ref not in names:
                problems.append(f"field '{f.name}': refers to unknown field '{ref}'")
        if f.placeholder_for and f.placeholder_for.requires not in names:
            problems.append(f"field '{f.name}': placeholder requires unknown field")
    pub = rt.publication
    for ref in (pub.starts, pub.ends):
        if ref and ref not in names:
            problems.append(f"publication refers to unknown field '{ref}'")
        elif ref and rt.field(ref).type != "date":
            problems.append(f"publication field '{ref}' is not a date")
    if pub.window == "fixed_days" and pub.days is None:
        problems.append("window fixed_days needs 'days' (how many days from 'starts')")
    if pub.window != "fixed_days" and pub.days is not None:
        problems.append(f"'days' applies only to window fixed_days, not {pub.window}")
    if pub.window == "fixed_days" and pub.ends:
        problems.append("window fixed_days has no end field ('ends'): its end is 'days'")
    if rt.effective_from and rt.effective_to and rt.effective_to < rt.effective_from:
        problems.append("effective_to is before effective_from")
    if problems:
        raise ConfigError(f"{source}: record type '{rt.id}': " + "; ".join(problems),
                          code="catalog_invalid")


def load_catalog(directory: Path | None = None) -> Catalog:
    directory = directory or DATA_DIR
    blocks = {}
    for path in sorted((directory / "blocks").glob("*.yaml")) if (directory / "blocks").is_dir() \
            else []:
        block = _read(path)
        blocks[block["block"]] = block
    classes = _load_classes(directory)
    record_types: dict[str, RecordType] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = _expand_includes(_read(path), blocks, path.name)
        if not raw.get("legal_basis"):
            raise ConfigError(
                f"{path.name}: record type '{raw.get('id', '?')}' has no legal basis: every "
                "record type must cite the law that allows it", code="catalog_no_legal_basis")
        try:
            rt = RecordType.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(f"{path.name}: record type '{raw.get('id', '?')}': "
                              f"{_first_error(exc)}", code="catalog_invalid") from exc
        _cross_check(rt, path.name, classes)
        if rt.id in record_types:
            raise ConfigError(f"{path.name}: record type '{rt.id}' declared twice",
                              code="catalog_duplicate")
        record_types[rt.id] = rt
    if not record_types:
        raise ConfigError(f"{directory}: no record types found", code="catalog_empty")
    ordered = dict(sorted(record_types.items(), key=lambda kv: _display_key(kv[1])))
    return Catalog(ordered, classes)


@cache
def default_catalog() -> Catalog:
    return load_catalog()
