"""``GET /metrics``: after real uploads and refusals through the real app, the counts say what happened.

In-process server (one process, plain registry); the multi-worker case is in test_scaleout.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.types import Message, Receive, Scope, Send

from fixtures.live_server import Api, FrozenClock, launch
from fixtures.payloads import make_document, make_payload
from swgdb_bridge.server.ops.metrics import MetricsMiddleware, ServerMetrics
from swgdb_bridge.server.settings import ServerSettings

SMALL_BUDGET = ServerSettings(rate_limit_requests=12, validate_per_ip_requests=1000)


def samples(api: Api) -> dict[tuple[str, frozenset], float]:
    """Every sample of the exposition, keyed by (sample name, labels)."""
    response = api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    one_window = replace(SMALL_BUDGET, clock=FrozenClock(time.time()))  # the budget's counts never reset
    served = launch(f"sqlite:///{tmp_path / 'server.db'}", one_window)
    yield served
    served.close()


def test_uploads_rejects_latency_and_batch_sizes_are_counted(api: Api) -> None:
    alice = api.account("alice")
    assert api.upload(alice, make_payload("m-1")).status_code == 201
    assert api.upload(alice, make_payload("m-1")).status_code == 200  # unchanged
    assert api.upload(alice, make_payload("m-1", xp=5)).json()["status"] == "updated"
    batch = {"sessions": [make_document("m-2"), make_document("m-3"), {"session_id": "m-4"}]}
    body = orjson.dumps(batch)
    batched = api.signed(
        alice, "POST", "/v1/sessions/batch-upload", body, headers={"Content-Type": "application/json"}
    )
    assert [item["status"] for item in batched.json()["results"]] == ["created", "created", "rejected"]
    forged = api.sign(alice, "POST", "/v1/sessions/upload", b"{}")
    assert api.http.post("/v1/sessions/upload", content=b"{ }", headers=forged).status_code == 401
    statuses = [api.signed(alice, "GET", "/v1/sessions").status_code for _ in range(10)]
    assert statuses.count(429) == 10 + 4 - SMALL_BUDGET.rate_limit_requests  # 4 signed requests came before

    seen = samples(api)
    uploads = {
        status: seen.get(("swgdb_uploads_total", frozenset({("status", status)})))
        for status in ("created", "unchanged", "updated", "rejected")
    }
    assert uploads == {"created": 3.0, "unchanged": 1.0, "updated": 1.0, "rejected": 1.0}
    assert seen[("swgdb_rejects_total", frozenset({("reason", "unauthorized"), ("status", "401")}))] == 1.0
    assert seen[("swgdb_rejects_total", frozenset({("reason", "rate_limited"), ("status", "429")}))] == 2.0
    assert seen[("swgdb_batch_sessions_count", frozenset())] == 1.0
    assert seen[("swgdb_batch_sessions_sum", frozenset())] == 3.0
    upload_route = frozenset({("method", "POST"), ("route", "/v1/sessions/upload")})
    assert seen[("swgdb_request_duration_seconds_count", upload_route)] == 4.0
    listing = frozenset({("method", "GET"), ("route", "/v1/sessions")})
    assert seen[("swgdb_request_duration_seconds_count", listing)] == 10.0


def test_paths_with_ids_share_their_route_template(api: Api) -> None:
    alice = api.account("alice")
    for session_id in ("a-1", "a-2", "a-3"):
        assert api.signed(alice, "GET", f"/v1/sessions/{session_id}/status").status_code == 404
    assert api.http.get("/no/such/page-123").status_code == 404
    assert api.http.get("/pair").status_code == 200  # a route the OpenAPI document leaves out
    seen = samples(api)
    routes = {
        dict(labels)["route"] for name, labels in seen if name == "swgdb_request_duration_seconds_count"
    }
    assert {"/v1/sessions/{session_id}/status", "/pair", "other"} <= routes
    assert not any("a-1" in route or "page-123" in route for route in routes)
    status_route = frozenset({("method", "GET"), ("route", "/v1/sessions/{session_id}/status")})
    assert seen[("swgdb_request_duration_seconds_count", status_route)] == 3.0
    not_found = frozenset({("reason", "not_found"), ("status", "404")})
    assert seen[("swgdb_rejects_total", not_found)] == 4.0  # our 404 body also for unknown paths


def test_each_app_counts_only_its_own_requests(api: Api, tmp_path: Path) -> None:
    other = launch(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert other.http.get("/v1/info").status_code == 200
        info_route = frozenset({("method", "GET"), ("route", "/v1/info")})
        assert samples(other)[("swgdb_request_duration_seconds_count", info_route)] == 1.0
        assert ("swgdb_request_duration_seconds_count", info_route) not in samples(api)
    finally:
        other.close()


def test_a_dashboard_page_as_the_first_request_is_labelled_by_its_mount(api: Api) -> None:
    """The mount re-points the request's app at the dashboard; the route templates are still the server's."""
    assert api.http.get("/dashboard/").status_code < 500
    seen = samples(api)
    routes = {
        dict(labels)["route"] for name, labels in seen if name == "swgdb_request_duration_seconds_count"
    }
    assert routes == {"/dashboard/{path}"}


@pytest.mark.parametrize("chunks", [[b"{}"], [b'{"a":', b"1}"]])
def test_a_request_is_counted_before_its_last_byte_is_sent(chunks: list[bytes]) -> None:
    """A client that has its whole answer and scrapes next (another worker, perhaps) already sees it counted."""

    async def answer(_scope: Scope, _receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    metrics = ServerMetrics()
    counted_when_sent: list[float] = []

    def requests_counted() -> float:
        return (
            metrics.registry.get_sample_value(
                "swgdb_request_duration_seconds_count", {"method": "GET", "route": "other"}
            )
            or 0.0
        )

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            counted_when_sent.append(requests_counted())

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/x", "app": SimpleNamespace(routes=[])}
    asyncio.run(MetricsMiddleware(answer, metrics)(scope, receive, send))
    assert counted_when_sent == [0.0] * (len(chunks) - 1) + [1.0]
    assert requests_counted() == 1.0  # once, not again when the app returns
