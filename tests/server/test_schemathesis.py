"""Schemathesis against the served /v1/openapi.json: no 5xx, and every answer conforms to the document.

Requests are signed for real, so generated payloads get past verification and exercise decoding,
validation and storage; the header parameters schemathesis generates are replaced by valid ones.
Bounded (a few dozen examples per operation) to keep the suite fast. Each generated request goes to the
same server on SQLite and on PostgreSQL (where a PostgreSQL server is available; CI requires one):
generating is most of the cost, and the two databases refuse different things (a NUL character, an
integer beyond 64 bits), so both see every example.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fixtures.live_server import Account, Api, launch
from swgdb_bridge import protocol


@pytest.fixture(scope="module")
def fuzz_apis(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Api]]:
    """The server on an SQLite file and on a PostgreSQL database."""
    urls = [f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'server.db'}"]
    try:
        cluster = request.getfixturevalue("postgres_cluster")
    except pytest.skip.Exception:  # no PostgreSQL here (and not required): SQLite alone
        cluster = None
    if cluster is not None:
        urls.append(cluster.new_database())
    apis = [launch(url) for url in urls]
    yield apis
    for api in apis:
        api.close()
    if cluster is not None:
        cluster.drop_database(urls[1])


@pytest.fixture(scope="module")
def fuzz_accounts(fuzz_apis: list[Api]) -> list[Account]:
    return [api.account("schemathesis") for api in fuzz_apis]


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
"""No 5xx, and every answer is one the document promises: its status, media type and body schema."""
EXAMPLES = {"POST /v1/sessions/batch-upload": 6}
"""Examples per operation (default 12); generating whole batches of payloads is the slow part."""
OPERATIONS = [
    "GET /v1/info",
    "GET /v1/auth/validate",
    "POST /v1/sessions/upload",
    "POST /v1/sessions/batch-upload",
    "GET /v1/sessions/{session_id}/status",
    "GET /v1/sessions",
    "POST /v1/pairing/device",
    "POST /v1/pairing/redeem",
    "POST /v1/auth/dashboard-link",
    "POST /v1/auth/revoke",
]
ENDS_THE_KEY = "POST /v1/auth/revoke"
"""Signed by a fresh account per example: it revokes the key that signs it."""


@pytest.fixture(scope="module")
def api_schema(fuzz_apis: list[Api]) -> schemathesis.BaseSchema:
    """Loaded from the running server, as a client would (pytest.from_fixture fails on pytest 9)."""
    return schemathesis.openapi.from_url(f"{fuzz_apis[0].url}/v1/openapi.json")


def test_the_schema_lists_exactly_the_api(api_schema: schemathesis.BaseSchema, fuzz_apis: list[Api]) -> None:
    labels = sorted(result.ok().label for result in api_schema.get_all_operations())
    assert labels == sorted(OPERATIONS)
    documents = [api.http.get("/v1/openapi.json").json() for api in fuzz_apis]
    assert all(document == documents[0] for document in documents)  # one document, whatever the database


def _signed_request(api: Api, account: Account, case: schemathesis.Case) -> httpx.Request:
    """The generated request as httpx would send it, then signed over its exact target and body."""
    kwargs = case.as_transport_kwargs(base_url=api.url)
    # The stdlib encoder, not orjson: generated bodies hold integers beyond 64 bits.
    content = json.dumps(kwargs["json"]).encode() if "json" in kwargs else kwargs.get("data")
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k not in protocol.SIGNED_HEADERS}
    request = api.http.build_request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers, content=content
    )
    target = request.url.raw_path.decode("ascii")
    request.headers.update(api.sign(account, request.method, target, request.content))
    return request


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_generated_request_is_a_server_error(
    api_schema: schemathesis.BaseSchema, fuzz_apis: list[Api], fuzz_accounts: list[Account], label: str
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES.get(label, 12),
        deadline=None,
        derandomize=True,  # the same examples every run: a CI failure reproduces locally
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure reports the first example found
        suppress_health_check=list(HealthCheck),
    )
    def no_server_error(case: schemathesis.Case) -> None:
        for api, fuzz_account in zip(fuzz_apis, fuzz_accounts, strict=True):
            account = api.account() if label == ENDS_THE_KEY else fuzz_account
            response = api.http.send(_signed_request(api, account, case))
            case.validate_response(response, checks=CHECKS)
            # Signed correctly, so a 401 would mean the server and our signer disagree about the request.
            assert response.status_code != 401, f"{api.storage.url.drivername}: {response.text}"

    no_server_error()
