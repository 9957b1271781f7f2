"""Schemathesis fuzzes every operation of the OpenAPI schema (bounded): no 5xx, responses match the schema.

Each operation gets MAX_EXAMPLES schema-conforming cases and MAX_EXAMPLES schema-violating ones.
(The operations are driven with `as_strategy` + hypothesis: schemathesis' pytest fixture loader
does not work with pytest 9.)
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from api.app import create_app
from api.config import ApiKeyConfig
from api.security import hash_key
from tests.api_support import service_settings

MAX_EXAMPLES = 100
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())  # like `schemathesis run --checks all`
CALLS = {"sqlite": 0, "postgresql": 0}
KEY = "fuzz-sleutel"


def _operations() -> list[tuple[str, str]]:
    """Every operation in the app's OpenAPI schema (an app without index suffices to read it)."""
    from api.config import ServiceSettings

    app = create_app(ServiceSettings(db_url="sqlite:///:memory:", warmup=False))
    paths = app.openapi()["paths"]
    return sorted((m.upper(), p) for p, ops in paths.items() for m in ops)


OPERATIONS = _operations()
NO_INPUT = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}  # nothing to make invalid
CORE = {("POST", "/v1/ask"), ("POST", "/v1/chat"), ("GET", "/v1/sessions/{session_id}"), ("POST", "/v1/feedback"),
        ("GET", "/v1/documents"), ("GET", "/v1/sources/{chunk_id}"), ("GET", "/healthz"), ("GET", "/readyz"),
        ("GET", "/metrics")}
CASES = [(m, p, mode) for m, p in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode == GenerationMode.POSITIVE or (m, p) not in NO_INPUT]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_schema(request, assistant, index_settings, tmp_path_factory):
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'fuzz.sqlite3'}"
    else:  # the same run on a real PostgreSQL (it refuses what SQLite stores, e.g. NUL characters)
        db_url = request.getfixturevalue("postgres_cluster")
    # With a key configured, schemathesis also checks that missing or wrong keys are refused.
    settings = service_settings(index_settings, db_url, rate_limit_burst=10_000,
                                api_keys=[ApiKeyConfig(id="fuzz", sha256=hash_key(KEY))])
    app = create_app(settings, assistant=assistant)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"X-API-Key": KEY})
    schema.backend = request.param
    yield schema
    print(f"\nschemathesis on {request.param}: {CALLS[request.param]} requests")


def test_every_operation_is_fuzzed(api_schema):
    found = {(op.method.upper(), op.path) for op in
             (result.ok() for result in api_schema.get_all_operations())}
    assert found == set(OPERATIONS) and CORE <= found


@pytest.mark.parametrize("method,path,mode", CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_api_conforms_and_never_fails(api_schema, method, path, mode):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        CALLS[api_schema.backend] += 1
        # The real key replaces a generated one; a negative case that dropped the header stays without it.
        headers = {"X-API-Key": KEY} if mode == GenerationMode.POSITIVE or "X-API-Key" in (case.headers or {}) \
            else None
        response = case.call_and_validate(headers=headers, checks=ALL_CHECKS)
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            detail = response.json()["detail"]
            assert isinstance(detail, str) and detail

    check()
