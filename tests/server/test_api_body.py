"""The capped gunzip behind ``Content-Encoding: gzip``: exact below the cap, a 413 above it, never more."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.server.api.body import gunzip_capped
from swgdb_bridge.server.api.errors import ApiProblem


@given(
    st.binary(max_size=4096), st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=9)
)
def test_gunzip_returns_the_data_or_refuses_with_413(data: bytes, limit: int, level: int) -> None:
    packed = gzip.compress(data, compresslevel=level)
    if len(data) <= limit:
        assert gunzip_capped(packed, limit) == data
    else:
        with pytest.raises(ApiProblem) as refused:
            gunzip_capped(packed, limit)
        assert refused.value.status == 413


def test_a_bomb_is_refused_after_inflating_no_more_than_the_limit() -> None:
    """A 256 MiB bomb against a 1 MiB cap: inflation stops at the cap instead of filling memory."""
    inflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    bomb = b"".join(inflater.compress(zeros) for _ in range(256)) + inflater.flush()
    assert len(bomb) < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ApiProblem) as refused:
            gunzip_capped(bomb, 1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.status == 413
    assert peak < 8 << 20, f"inflating the bomb took {peak >> 20} MiB: the cap is not applied while inflating"


@pytest.mark.parametrize(
    "packed",
    [b"", b"not gzip at all", gzip.compress(b"abc", mtime=0)[:-1], gzip.compress(b"a", mtime=0) * 2],
    ids=["empty", "garbage", "truncated", "two-members"],
)
def test_anything_but_one_complete_gzip_stream_is_a_400(packed: bytes) -> None:
    with pytest.raises(ApiProblem) as refused:
        gunzip_capped(packed, 1000)
    assert refused.value.status == 400
