"""``Replaying``: a memo of a multi-string clean whose counts stay what cleaning every call would count."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.sanitize.sanitizer import Replaying


def _clean(counts: dict[str, int]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """Upper-cases each string; counts one "digits" per string holding a digit, one "long" per long one."""

    def clean(strings: tuple[str, ...]) -> tuple[str, ...]:
        for text in strings:
            if any(ch.isdigit() for ch in text):
                counts["digits"] = counts.get("digits", 0) + 1
            if len(text) > 3:
                counts["long"] = counts.get("long", 0) + 1
        return tuple(text.upper() for text in strings)

    return clean


@given(st.lists(st.tuples(st.sampled_from(["a", "b1", "abcd", "7777"]), st.sampled_from(["x", "y2"]))))
def test_results_and_counts_are_those_of_cleaning_every_call(calls: list[tuple[str, str]]) -> None:
    direct: dict[str, int] = {}
    expected = [_clean(direct)(strings) for strings in calls]
    replayed: dict[str, int] = {"already": 5}  # counts made before are left alone
    memo = Replaying(_clean(replayed), replayed)
    assert [memo.clean(strings) for strings in calls] == expected
    assert replayed == {"already": 5, **direct}


def test_each_distinct_key_is_cleaned_once() -> None:
    seen: list[str] = []
    memo = Replaying(lambda key: seen.append(key) or key * 2, {})
    assert [memo.clean(k) for k in "abab"] == ["aa", "bb", "aa", "bb"]
    assert seen == ["a", "b"]
