"""Rules the contract writes once and others publish: each copy must give the contract's answer.

The session id (``payload.is_session_id`` beside the ``SessionId`` model field) and the protocol's header
shapes (``protocol.HEADER_PATTERNS`` beside the OpenAPI document's anchored patterns).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from swgdb_bridge import protocol
from swgdb_bridge.payload import SessionId, is_session_id
from swgdb_bridge.server.api.openapi import SIGNED_HEADER_PARAMETERS

SESSION_IDS = TypeAdapter(SessionId)


def _as_json_schema_reads(pattern: str) -> re.Pattern[str]:
    """JSON Schema reads patterns as ECMA-262 does, where a final ``$`` is the end of the input. Python's
    ``$`` also matches before a trailing newline, so read as written it would accept ``"0\n"``."""
    assert pattern.endswith("$")
    return re.compile(pattern[:-1] + r"\Z")


OPENAPI_PATTERNS = {
    p["name"]: _as_json_schema_reads(p["schema"]["pattern"]) for p in SIGNED_HEADER_PARAMETERS
}
ID_LIKE = st.from_regex(r"[a-zA-Z0-9_\-\n é/]{0,55}", fullmatch=True)


def _model_accepts(value: str) -> bool:
    try:
        SESSION_IDS.validate_python(value)
    except ValidationError:
        return False
    return True


@given(st.one_of(ID_LIKE, st.text(max_size=60)))
def test_is_session_id_answers_as_the_payload_model_does(value: str) -> None:
    assert is_session_id(value) == _model_accepts(value)


def test_is_session_id_edges() -> None:
    assert is_session_id("a" * 50) and is_session_id("s-1_X")
    assert not any(map(is_session_id, ["", "a" * 51, "s-1\n", "s 1", "s/1", "é", None, 7]))


def test_openapi_publishes_every_signed_header_with_the_protocol_shape() -> None:
    assert list(OPENAPI_PATTERNS) == list(protocol.SIGNED_HEADERS)


@given(st.sampled_from(protocol.SIGNED_HEADERS), st.data())
def test_openapi_header_patterns_accept_exactly_what_the_protocol_accepts(
    name: str, data: st.DataObject
) -> None:
    shape = protocol.HEADER_PATTERNS[name]
    value = data.draw(
        st.one_of(
            st.from_regex(shape, fullmatch=True),
            st.from_regex(shape, fullmatch=True).map(lambda v: v + "x"),
            st.from_regex(shape, fullmatch=True).map(lambda v: "0" + v),
            st.text(alphabet="0123456789abcdefv=-_ \n", max_size=70),
        )
    )
    assert (OPENAPI_PATTERNS[name].search(value) is not None) == (re.fullmatch(shape, value) is not None)
