"""The API against its own OpenAPI schema, with schemathesis, on a live server with a real
token: whatever it is sent, no 5xx, and every answer (status, headers, body) is one the
schema describes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

pytestmark = pytest.mark.slow

EXAMPLES = 8  # per operation


def checked(operation, key: str):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        # A request can fit the schema and still be refused for good reason: a wrong password,
        # a file that is not a Fingertips download, a stale ETag. Everything else is checked.
        case.call_and_validate(headers={"Authorization": f"Token {key}"},
                               excluded_checks=[positive_data_acceptance])

    return check


def test_the_api_keeps_to_its_schema(live_server, tenants):
    from cdp.tokens import token_create

    key = token_create(user=tenants.users["a_admin"], name="schemathesis")[1]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    failures, tried = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1
        try:
            checked(operation, key)()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:2000]}")
    assert tried >= 20
    assert not failures, "\n\n".join(failures)
