"""Schemathesis against the app's own OpenAPI schema: no input makes the API answer 500.

Bounded and deterministic (derandomised, 20 examples per operation) so the suite stays fast
and a failure reproduces. Runs as the administrator so that every operation is exercised past
its permission check, and once more as the public.

The operations are driven through hypothesis directly: schemathesis 4.32's lazy pytest
fixture integration (`schemathesis.pytest.from_fixture`) relies on a pytest internal
(`Function._nodeid`) that pytest 9 removed.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.accounts.helpers import ACTORS
from xinyong.accounts import Role
from xinyong.api.app import create_app
from xinyong.api.deps import get_actor

EXAMPLES = settings(max_examples=20, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PUBLIC], ids=["admin", "public"])
def test_no_input_causes_a_server_error(engine, settings, role):
    app = create_app(settings)
    actor = ACTORS[role]
    app.dependency_overrides[get_actor] = lambda: actor
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    for operation in operations:

        @EXAMPLES
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            try:
                response = case.call()
            except Exception as exc:  # the test client re-raises what the app did not handle
                failures.append(f"{case.method} {case.formatted_path} {case.query} -> "
                                f"{type(exc).__name__}: {str(exc)[:200]}")
                return
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} -> "
                                f"{response.status_code} {response.text[:200]}")

        run()
    assert not failures, "\n".join(failures)
