"""A short, deterministic schemathesis run against the API (in process, ASGI): every operation of
the OpenAPI schema gets generated requests; no answer may be a server error or differ from the
schema (status codes, content types, headers, bodies).

Schema-valid requests that the server refuses with 422 are allowed: some rules span parameters
(a period that runs backwards, a state without votes) and no schema can say them.
"""

from __future__ import annotations

import warnings

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_issue13_schemathesis_api(case: schemathesis.Case) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case.call_and_validate(checks=CHECKS)
