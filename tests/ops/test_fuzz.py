"""Schemathesis against both OpenAPI documents, in-process over WSGI.

Every operation gets a bounded number of generated requests (valid and
invalid); none may answer 5xx, and every documented response must match
its schema and content type. Examples run inside the test's transaction,
so whatever they write is rolled back.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application

pytestmark = [pytest.mark.slow]

# Examples from the schema, then generated data; the coverage phase (every
# boundary of every parameter) would take minutes on a shared machine.
CONFIG = schemathesis.Config.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "seed": 8}
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def rest_schema(keep_test_connection):
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture
def ogc_schema(keep_test_connection):
    return schemathesis.openapi.from_wsgi("/ogc/api", application, config=CONFIG)


rest = schemathesis.pytest.from_fixture("rest_schema")
ogc = schemathesis.pytest.from_fixture("ogc_schema")


@rest.parametrize()
@FUZZ
def test_rest_api_never_fails_or_breaks_its_schema(case):
    case.call_and_validate(checks=CHECKS)


@ogc.parametrize()
@FUZZ
def test_ogc_api_never_fails_or_breaks_its_schema(case):
    # The operation's own server (TileJSON sits beside /ogc, not under it):
    # schemathesis' WSGI transport otherwise uses the document's base path.
    case.call_and_validate(base_url=case.operation.base_url, checks=CHECKS)
