"""Schemathesis against the app's own OpenAPI schema: the API conforms to its document.

Every operation, as the credit office (past every permission check) with schema-valid and
schema-violating inputs, and as the public: no 500; every status code, content type and
header answered is documented; every response body matches its declared schema (timestamps
carry their zone); invalid input is refused; valid input is not refused (see SEMANTIC); and
a method a path does not serve is 405 with `Allow` naming the ones it does.

Bounded and deterministic (derandomised, a few examples per operation and mode) so that the
run stays well under a minute and a failure reproduces. Conformance is a property of the API
layer, so it runs on SQLite only (tests/fuzz/test_unicode_bodies.py sends hostile text to both
databases). The operations are driven through hypothesis directly: schemathesis 4.32's lazy
pytest fixture integration relies on a pytest internal (`Function._nodeid`) that pytest 9
removed.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.accounts.helpers import ACTORS
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor

# XINYONG_FUZZ_EXAMPLES=50 for a longer hunt (the suite keeps it short).
EXAMPLES = settings(max_examples=int(os.environ.get("XINYONG_FUZZ_EXAMPLES", "4")),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]
# A schema-valid request may still break a rule the schema cannot state: a check digit, a
# rule across fields or across requests, a word too short once normalised, what a role must
# name. Those answer 422 with one of these codes (each names the rule in its message);
# any other 422 to a schema-valid request is a conformance failure.
SEMANTIC = {
    "uscc_length", "uscc_format", "uscc_checksum", "uscc_category_unknown",  # the code
    "query_too_short",  # two characters once punctuation and spaces are taken out
    "purpose_required", "purpose_text_required", "purpose_text_invalid",  # 查询事由
    "applicant_required",  # a check names the applicant's code or name
    "licence_kind_not_licensing",  # across fields: a licence kind only for 行政许可
    "provider_required",  # the credit office names the department it pushes for
    "provider_invalid",  # a column's ?provider= is a valid USCC (written in any case/width)
    "legal_document_required", "legal_basis_not_allowed", "person_not_allowed",
    "person_role_not_allowed", "facts_required",  # a listing rests on a document and basis
    "subject_required", "department_required", "account_name_invalid", "password_too_short",
    "text_invalid", "scope_unknown", "scope_not_allowed",  # who an account is
    "region_invalid", "reasons_required", "reasons_invalid", "reason_required",
    "commitment_required", "text_required", "correction_empty", "correction_field",
    "not_applied_reason_required",  # texts a rule requires or refuses
    "notice_invalid",  # a notice's title and body: not blank once trimmed, no control chars
    "made_on_future", "valid_until_before_made", "determination_incomplete",
    "determined_in_future", "determined_before_made",  # a commitment's dates and 履行状态
    "window_invalid",  # a report's query window: ?since= not after today
    "inspector_required",  # a data officer's 回避 declaration names the inspector it is for
}
PROBE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _failed(case: schemathesis.Case, response: Any, why: str) -> str:
    return (f"{case.operation.label} {case.formatted_path} query={case.query} "
            f"-> {response.status_code} {why}: {response.text[:200]}")


def _positive_refused(case: schemathesis.Case, response: Any) -> str | None:
    """A schema-valid request answered 422 for a reason the schema could have stated."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    body = response.json()
    if body.get("code") in SEMANTIC:
        return None
    fields = {e.get("field") for e in body.get("errors", [])}
    if case.media_type == "multipart/form-data" and all(
            str(f).startswith("body.files") for f in fields):
        return None  # schemathesis sends a file field as text: not an UploadFile
    return _failed(case, response, "schema-valid request refused")


def _run(app: Any, modes: tuple[GenerationMode, ...]) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60
    failures: list[str] = []
    for operation in operations:
        for mode in modes:

            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                try:
                    response = case.call()
                except Exception as exc:  # the test client re-raises what the app did not handle
                    failures.append(f"{case.operation.label} -> {type(exc).__name__}: {exc}")
                    return
                try:
                    case.validate_response(response, checks=CHECKS)
                except BaseException as exc:  # a FailureGroup of what did not conform
                    failures.append(_failed(case, response, str(exc).split("\n\n")[0]
                                            .replace("\n", " ")[:300]))
                if (refused := _positive_refused(case, response)) is not None:
                    failures.append(refused)

            try:
                run()
            except Unsatisfiable:
                pass  # no parameters to make invalid: nothing to send in negative mode
    return failures


def _client_app(settings_: Any, role: Role) -> Any:
    app = create_app(settings_)
    actor = ACTORS[role]
    app.dependency_overrides[get_actor] = lambda: actor
    return app


@pytest.fixture
def sqlite_settings(settings):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("conformance of the API layer: run once, on SQLite")
    return settings


def test_the_api_conforms_to_its_schema_as_the_credit_office(engine, sqlite_settings):
    failures = _run(_client_app(sqlite_settings, Role.ADMIN),
                    (GenerationMode.POSITIVE, GenerationMode.NEGATIVE))
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_the_api_conforms_to_its_schema_for_the_public(engine, sqlite_settings):
    failures = _run(_client_app(sqlite_settings, Role.PUBLIC), (GenerationMode.POSITIVE,))
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_a_method_a_path_does_not_serve_is_405_with_allow(engine, sqlite_settings):
    from fastapi.testclient import TestClient

    client = TestClient(_client_app(sqlite_settings, Role.ADMIN))
    paths = client.get("/openapi.json").json()["paths"]
    patterns = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"),
                 {m.upper() for m in ops}) for t, ops in paths.items()]
    wrong: list[str] = []
    for template in paths:
        url = re.sub(r"\{record_type\}", "penalty", template)
        url = re.sub(r"\{[^}]+\}", "1", url)
        # What the document serves at this URL, whichever templates it matches.
        served = set().union(*(methods for p, methods in patterns if p.match(url)))
        for method in PROBE_METHODS:
            if method in served:
                continue
            r = client.request(method, url)
            allow = {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()}
            if r.status_code != 405 or not served <= allow or method in allow:
                wrong.append(f"{method} {url} -> {r.status_code} Allow: {sorted(allow)}")
    assert not wrong, "\n".join(wrong)


ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429")


def test_every_operation_declares_the_error_statuses_and_they_answer_in_that_shape(
        engine, sqlite_settings):
    """413 (request limits) and 429 (identity attempts) are answered outside the routes, by
    the body-limit middleware and the attempt counter: declared on every operation like the
    others, and answered in the declared shape."""
    from fastapi.testclient import TestClient

    from xinyong.api.errors import ErrorBody
    from xinyong.core.errors import RateLimited

    small = sqlite_settings.model_copy(update={"max_request_bytes": 2048,
                                               "max_json_bytes": 1024})
    app = _client_app(small, Role.ADMIN)

    @app.get("/api/v1/-probe-429")
    def too_many() -> None:
        raise RateLimited("尝试次数过多，请15分钟后再试")

    client = TestClient(app)
    paths = client.get("/openapi.json").json()["paths"]
    missing = [f"{method.upper()} {path}: {status}" for path, ops in paths.items()
               for method, op in ops.items() for status in ERROR_STATUSES
               if not op["responses"].get(status, {}).get("content", {})
               .get("application/json", {}).get("schema", {}).get("$ref", "")
               .endswith("/ErrorBody")]
    assert missing == []
    r = client.post("/api/v1/notices", json={"title": "x" * 3000, "body": "正文"})
    assert r.status_code == 413
    ErrorBody.model_validate(r.json())
    r = client.get("/api/v1/-probe-429")
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    ErrorBody.model_validate(r.json())
