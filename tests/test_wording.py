"""What users read: full-width punctuation in Chinese text and labels instead of internal
identifiers, in every template and in every message string of the package.

Chinese text: ASCII `: , ( ) ;` touching a CJK character is refused (`日期：`, not `日期:`).
Messages: the string constants of xinyong/ (an AST walk; docstrings and the migrations left
out) that contain CJK. Identifiers: a template printing a raw id/state/role/code attribute,
a message interpolating one, or a snake_case token inside Chinese text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "xinyong"
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
ASCII_PUNCT = re.compile(rf"(?<=[{CJK}])[:,();]|[:,();](?=[{CJK}])")
HAS_CJK = re.compile(f"[{CJK}]")
SNAKE = re.compile(r"(?<![A-Za-z0-9_./{-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_(])")
# Attributes that hold machine values: printing one raw shows an identifier to a user.
RAW = re.compile(r"\{\{\s*[\w.]*\.(?!batch_id)(?:\w+_id|state|role|value|code|rule)\s*\}\}")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
SKIP_DIRS = {"migrations", "demo"}
# Matching data, not messages: regular expressions and the name variants the screening
# normaliser recognises (ASCII brackets in company names are what it normalises).
NOT_MESSAGES = {"screening/normalise.py", "screening/names.py"}
# Files other branches were rewriting when this sweep ran (documents: the repair notice and
# the upload template; security-api: the request dependencies): swept when they merge.
# Remove an entry once its file is swept.
PENDING = {"api/deps.py"}
# snake_case words a reader must type, inside a Chinese message: parameter names an API
# client sends and configuration keys an operator writes; not identifiers of rules, states
# or roles.
API_WORDS = {"purpose_text", "as_of", "per_page", "decided_from", "decided_to", "legal_basis",
             "code_reviews", "merge_into"}


def templates() -> list[Path]:
    return sorted(PACKAGE.rglob("templates/*.html"))


def _outside_jinja(text: str) -> str:
    # Each construct becomes one neutral character, so its neighbours stay neighbours.
    return JINJA.sub("\x00", text)


def _text_nodes(html: str) -> str:
    """The text between tags (attributes such as style="a: b" are not prose), without
    template comments (notes for developers)."""
    return re.sub(r"<[^>]*>", "\x00", re.sub(r"\{#.*?#\}", "\x00", html, flags=re.S))


def punctuation_problems(text: str) -> list[str]:
    return [text[max(m.start() - 8, 0):m.end() + 8].replace("\x00", "…")
            for m in ASCII_PUNCT.finditer(text)]


# In a template line with Chinese prose, punctuation touching a printed value or a tag is
# Chinese punctuation too: `{{ name }}({{ code }})` reads 名称(代码).
BESIDE_VALUE = re.compile(r"(?<=[\x01\x00])[:,();]|[:,();](?=[\x01\x00])")


def template_problems(html: str) -> list[str]:
    out = []
    for line in _text_nodes(html).splitlines():
        prose = JINJA.sub("\x01", line)
        out += punctuation_problems(prose)
        if HAS_CJK.search(prose.replace("\x01", "")):
            out += [prose[max(m.start() - 8, 0):m.end() + 8].replace("\x00", "…")
                    .replace("\x01", "{}") for m in BESIDE_VALUE.finditer(prose)]
    return out


def test_templates_use_full_width_punctuation_in_chinese_text():
    offenders = [f"{p.relative_to(PACKAGE)}: {snippet!r}" for p in templates()
                 for snippet in template_problems(p.read_text("utf-8"))]
    assert offenders == []


def test_templates_print_labels_not_identifiers():
    offenders = []
    for p in templates():
        prose = _text_nodes(re.sub(r"<[^>]*>", lambda m: JINJA.sub("", m.group(0)),
                                   p.read_text("utf-8")))
        offenders += [f"{p.relative_to(PACKAGE)}: {m.group(0)}" for m in RAW.finditer(prose)]
        offenders += [f"{p.relative_to(PACKAGE)}: {m.group(0)}"
                      for m in SNAKE.finditer(_outside_jinja(prose))]
    assert offenders == []


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value,
                                                                     ast.Constant):
                ids.add(id(body[0].value))
    return ids


def messages() -> Iterator[tuple[str, int, str, list[str]]]:
    """(file, line, text with interpolations as \\x00, names interpolated) of every string
    with CJK in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in SKIP_DIRS or str(rel) in NOT_MESSAGES | PENDING:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        skip = _docstrings(tree)
        inner: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                inner.update(id(v) for v in node.values)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in skip or id(node) in inner or not HAS_CJK.search(node.value):
                    continue
                yield str(rel), node.lineno, node.value, []
            elif isinstance(node, ast.JoinedStr):
                parts, names = [], []
                for v in node.values:
                    if isinstance(v, ast.Constant):
                        parts.append(str(v.value))
                    else:
                        parts.append("\x00")
                        if isinstance(v, ast.FormattedValue):
                            names.append(ast.unparse(v.value))
                text = "".join(parts)
                if HAS_CJK.search(text):
                    yield str(rel), node.lineno, text, names


def test_messages_use_full_width_punctuation_in_chinese_text():
    offenders = [f"{f}:{line}: {snippet!r}" for f, line, text, _n in messages()
                 for snippet in punctuation_problems(text)]
    assert offenders == []


IDENTIFIER_ATTR = re.compile(r"\.(?:value|state|role|code|\w+_id)$")
# The command line prints the stable error code beside the message, for scripts and logs.
# Key ids are fingerprints an operator compares with its key files.
MACHINE_CODES = {("cli/common.py", "exc.code"), ("audit/checkpoint.py", "cp.key_id"),
                 ("audit/checkpoint.py", "signer.key_id"),
                 # The national field code (CF_WSH) on the upload template's header note: the
                 # code departments' own systems export under.
                 ("ingest/template.py", "f.code"),
                 # `audit verify` names the altered row for the operator who must find it in
                 # the database, beside its document number.
                 ("ingest/integrity.py", "v.record_id")}


def test_messages_name_things_by_label_not_identifier():
    offenders = []
    for f, line, text, names in messages():
        offenders += [f"{f}:{line}: {{{n}}}" for n in names if IDENTIFIER_ATTR.search(n)
                      and (f, n) not in MACHINE_CODES]
        offenders += [f"{f}:{line}: {m.group(0)}" for m in SNAKE.finditer(text)
                      if m.group(0) not in API_WORDS]
    assert offenders == []


def test_the_checks_catch_what_they_are_for():
    assert punctuation_problems("日期格式应为 YYYY-MM-DD,例如") == ["YY-MM-DD,例如"]
    assert punctuation_problems("当前身份(公众)") and not punctuation_problems("当前身份（公众）")
    assert not punctuation_problems("style: a, b (c)")
    assert RAW.search("<dd>{{ j.rule_set_id }}</dd>")
    assert not RAW.search("{{ j.rule_set_id|rule_set }}")
    assert SNAKE.search("依据 ndrc_order_58_v1 判定") and not SNAKE.search("依据第58号令")
