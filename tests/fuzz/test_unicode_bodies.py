"""Issue 14, finding 10: arbitrary Unicode, lone surrogates included, sent to every operation
of the OpenAPI document that takes a JSON body never makes the API answer 500.

Bodies are drawn from each operation's own request schema (so that most get past validation
and reach storage) with every string replaced by arbitrary text, and sometimes are arbitrary
JSON; they go over the wire as JSON escapes (`\\ud800`), as a client would send them. The
database is seeded with one of everything so that the paths name things that exist.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.helpers import ACTORS
from tests.factories import penalty
from tests.security.seed import seed
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor

EXAMPLES = settings(max_examples=int(os.environ.get("XINYONG_FUZZ_EXAMPLES", "12")),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"])
ODD = st.one_of(SURROGATES, st.sampled_from(["\x00", "\x01", "\ufeff", "\u202e", "\uffff"]))
CHARS = st.one_of(st.characters(), ODD)
# Most strings carry at least one odd character (hypothesis would otherwise favour plain
# text); the rest are arbitrary.
TEXT = st.one_of(st.builds(lambda a, odd, b: a + odd + b, st.text(max_size=5), ODD,
                           st.text(CHARS, max_size=5)),
                 st.text(CHARS, max_size=12))
LEAF: Any = st.one_of(st.none(), st.booleans(), st.integers(-2, 10**6), TEXT)
ANY_JSON: Any = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=3)
                             | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def from_schema(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> Any:
    """Values of the schema's shape, every string arbitrary text (or one of its enum)."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        return st.one_of(*[from_schema(s, spec, depth) for s in schema["anyOf"]])
    kind = schema.get("type")
    if "enum" in schema or "const" in schema:
        return st.one_of(st.sampled_from(schema.get("enum") or [schema.get("const")]), TEXT)
    if kind == "object":
        props = schema.get("properties")
        if not props:  # a free-form object (a record, a correction): any keys
            return st.dictionaries(st.one_of(TEXT, st.sampled_from(list(penalty()))), LEAF,
                                   max_size=6)
        return st.fixed_dictionaries({k: from_schema(v, spec, depth + 1)
                                      for k, v in props.items()})
    if kind == "array":
        items = schema.get("items", {})
        return st.lists(from_schema(items, spec, depth + 1) if depth < 3 else LEAF,
                        min_size=min(schema.get("minItems", 0), 2), max_size=3)
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(1, 10)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return ANY_JSON


def _row_with_odd_text() -> Any:
    """A valid penalty row with one field replaced: reaches validation and storage."""
    base = penalty()
    return st.tuples(st.sampled_from(sorted(base)), TEXT).map(
        lambda kv: [{**base, kv[0]: base[kv[0]] + kv[1] if isinstance(base[kv[0]], str)
                     else kv[1]}])


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items()
            for method, op in ops.items()
            if "application/json" in op.get("requestBody", {}).get("content", {})]


def _url(path: str, ids: dict[str, Any]) -> str:
    fills = {"record_type": "penalty", "name": ids["account"], "check_id": ids["check"],
             "entry_id": ids["entry_proposed"], "objection_id": ids["objection_objected"],
             "app_id": ids["app_forwarded"], "key_id": ids["key"]}
    url = re.sub(r"\{([^}]+)\}", lambda m: str(fills.get(m.group(1), 1)), path)
    return url + (f"?provider={ids['provider']}&atomic=false" if "/batches/" in url else "")


def test_arbitrary_unicode_in_json_bodies_never_causes_a_500(engine, settings):
    ids = seed(engine, settings)
    app = create_app(settings)
    app.dependency_overrides[get_actor] = lambda: ACTORS[Role.ADMIN]
    client = TestClient(app, raise_server_exceptions=False)
    spec = client.get("/openapi.json").json()
    operations = _operations(spec)
    assert len(operations) >= 15
    failures: list[str] = []

    def sender(method: str, url: str, bodies: Any) -> Any:
        @EXAMPLES
        @given(body=bodies)
        def send(body: Any) -> None:
            r = client.request(method, url, content=json.dumps(body),
                               headers={"content-type": "application/json"})
            if r.status_code >= 500:
                failures.append(f"{method} {url} {json.dumps(body)[:200]} -> {r.status_code}")
        return send

    for method, path, op in operations:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        bodies = st.one_of(from_schema(schema, spec), ANY_JSON)
        if "/batches/" in path:
            bodies = st.one_of(bodies, _row_with_odd_text())
        sender(method, _url(path, ids), bodies)()
    assert not failures, "\n".join(failures[:20])
