"""Valid payloads one database cannot keep: a clear ``422 unstorable_session`` for that session alone.

PostgreSQL refuses an index entry over 2,704 bytes, and the dashboard's covering index holds a session's
planet names, which the payload does not cap: three planet names of 900 letters made every upload of the
session a ``500``. The client retries a ``500`` for ever, so that one session also held back every session
sent in a batch with it. SQLite keeps such a session; either way nothing crashes and nothing else is lost.
"""

from __future__ import annotations

import random
import string
from typing import Any

import orjson

from fixtures.live_server import Api
from fixtures.payloads import make_document

BATCH = "/v1/sessions/batch-upload"


def _many_long_planets(session_id: str) -> dict[str, Any]:
    """A valid session whose planet names add up to far more than a PostgreSQL index entry holds."""
    letters = random.Random(session_id)
    document = make_document(session_id)
    document["location_data"]["unique_planets"] = [
        "".join(letters.choice(string.ascii_letters) for _ in range(900)) for _ in range(4)
    ]
    return document


def _kept_or_refused_as_unstorable(status: str, error: dict[str, Any] | None) -> bool:
    return status == "created" or (error is not None and error["error"] == "unstorable_session")


def test_a_session_the_database_cannot_keep_is_a_422_never_a_500(live_api: Api) -> None:
    account = live_api.account()
    answer = live_api.upload(account, orjson.dumps(_many_long_planets("long-planets")))
    body = answer.json()
    if answer.status_code == 201:  # SQLite keeps it
        assert body["status"] == "created"
        return
    assert answer.status_code == 422 and body["error"] == "unstorable_session", answer.text
    assert body["message"].startswith("Session 'long-planets' cannot be stored: index row size")
    assert live_api.stored(account) == []


def test_a_batch_lands_every_session_but_the_one_the_database_cannot_keep(live_api: Api) -> None:
    account = live_api.account()
    documents = [make_document("batch-a"), _many_long_planets("batch-b"), make_document("batch-c")]
    body = orjson.dumps({"sessions": documents})
    answer = live_api.signed(account, "POST", BATCH, body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in (results[0], results[2])] == ["created", "created"]
    assert results[1]["session_id"] == "batch-b"
    assert _kept_or_refused_as_unstorable(results[1]["status"], results[1].get("error"))
    stored = {s.session_id for s in live_api.stored(account)}
    assert {"batch-a", "batch-c"} <= stored and ("batch-b" in stored) == (results[1]["status"] == "created")
