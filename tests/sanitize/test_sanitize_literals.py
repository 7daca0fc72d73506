"""The literals a regex requires: sound on any pattern (a claimed factor is in every match), useful on ours."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from swgdb_bridge.sanitize import detectors
from swgdb_bridge.sanitize.literals import LiteralGate, required_factors

# Small patterns over a small alphabet, built from every construct the walk handles or must refuse.
_ATOMS = st.sampled_from(
    ["a", "b", "A", "B", r"\.", "-", "é", "[aA]", "[ab]", "[^a]", ".", r"\d", "[a-c]", "[bB]"]
)
_ZERO_WIDTH = st.sampled_from([r"\b", r"\B", "^", "$", "(?=a)", "(?!b)", "(?<=a)", "(?<!B)"])


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = st.sampled_from(["(?:{})", "({})", "(?i:{})", "(?>{})"])
    repeat = st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "+?", "{0,2}", "++"])
    return st.one_of(
        st.lists(inner, min_size=1, max_size=4).map("".join),
        st.tuples(group, inner).map(lambda pair: pair[0].format(pair[1])),
        st.lists(inner, min_size=2, max_size=3).map(lambda alts: "(?:" + "|".join(alts) + ")"),
        st.tuples(inner, repeat).map(lambda pair: f"(?:{pair[0]}){pair[1]}"),
        st.tuples(_ZERO_WIDTH, inner).map("".join),
    )


PATTERNS = st.recursive(_ATOMS, _extend, max_leaves=12)
TEXTS = st.text(alphabet="abcAB.-1 ", max_size=24)


@given(PATTERNS, st.sampled_from([0, re.IGNORECASE]), TEXTS)
def test_every_match_on_ascii_text_contains_a_claimed_factor(source: str, flags: int, text: str) -> None:
    pattern = re.compile(source, flags)
    factors = required_factors(pattern)
    for match in pattern.finditer(text):
        assert factors is None or any(factor in match.group().lower() for factor in factors), (source, match)


@given(PATTERNS, st.sampled_from([0, re.IGNORECASE]), TEXTS)
def test_the_gate_never_says_no_where_a_pattern_matches(source: str, flags: int, text: str) -> None:
    pattern = re.compile(source, flags)
    if pattern.search(text) is not None:
        assert LiteralGate([pattern]).may_match(text, text.lower())


@pytest.mark.parametrize(
    ("source", "flags", "expected"),
    [
        (r"pass(?:word)?\s*[:=]", 0, {"pass"}),  # the longest run wins over a shorter one after it
        (r"(?i)Bearer\s+\S+", 0, {"bearer"}),  # case is folded: the test runs on lowercased text
        (r"[sS][kK]-\w+", 0, {"sk-"}),  # a class of one letter in both cases is that letter
        (r"(?:gmail|yahoo)\.com", 0, {"gmail", "yahoo"}),  # the set whose shortest string is longest
        (r"(?:gm|yahoo)\.com", 0, {".com"}),
        (r"(?:gmail|hotmail)\s", 0, {"gmail", "hotmail"}),
        (r"a(?:b|)c", 0, {"a"}),  # an empty alternative guarantees nothing
        (r"x*y?", 0, None),  # may match the empty string
        (r"\d{3}-\d{4}", 0, {"-"}),
        (r"(?i)straße", 0, {"stra"}),  # only ASCII literals: "ß" may match other letters
        (r"(?:ab){2}", 0, {"abab"}),
    ],
)
def test_factors_of_hand_written_patterns(source: str, flags: int, expected: set[str] | None) -> None:
    found = required_factors(re.compile(source, flags))
    assert found == (frozenset(expected) if expected is not None else None)


def test_non_ascii_text_is_always_let_through() -> None:
    """Under IGNORECASE "k" matches the Kelvin sign: the factor "kelvin" is not in "\u212aelvin".lower()
    the way the pattern sees it, so only ASCII text may be turned away."""
    pattern = re.compile("kelvin", re.IGNORECASE)
    text = "\u212aelvin"
    assert pattern.search(text) is not None
    assert LiteralGate([pattern]).may_match(text, text.lower())


def test_most_detectors_get_a_gate_and_long_clean_text_skips_them() -> None:
    """The point of the gates: a long run of one character pays for a few detectors, not all of them."""
    text = "/" * 10_000
    skipped = [d.category for d in detectors.DETECTORS if not d.worth_scanning(text, text)]
    assert len(skipped) > len(detectors.DETECTORS) // 2
    assert "emails" in skipped  # every e-mail pattern needs "@", "mail" or a domain


def _detector_patterns() -> list[object]:
    """Every pattern of every detector, named by its category and place; a pattern whose literals are not
    ASCII (the CJK name phrases) is drawn in its own script by the unspaced-name tests instead."""
    params: list[object] = []
    for index, detector in enumerate(detectors.DETECTORS):
        for number, (pattern, _) in enumerate(detector.patterns):
            name = f"{detector.category}-{index}-{number}"
            if not pattern.pattern.isascii():
                continue
            marks = []
            if "(?=[\\d.]*[A-Fa-f])" in pattern.pattern:  # Cisco's MAC: a hex letter somewhere ahead
                marks = [
                    pytest.mark.xfail(raises=Unsatisfiable, strict=True, reason="no draw meets the lookahead")
                ]
            params.append(pytest.param(detector, pattern, id=name, marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize(("detector", "pattern"), _detector_patterns())
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_detectors_hints_never_say_no_where_its_pattern_matches(
    detector: detectors.Detector, pattern: re.Pattern[str], data: st.DataObject
) -> None:
    """Scrubbing asks the hand-written needles and trigger first; the re-scan asks only the patterns' own
    literals. Hints narrower than a pattern clean nothing the re-scan then finds, and the upload is refused
    ("Hauptstr. 12a, 80331 München", "I am residing near Leeds", "my gamer tag is GwenK")."""
    text = detectors.normalized(
        data.draw(st.from_regex(pattern, alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
    )
    if detector.found_in(text):
        assert detector.may_match(text, text.lower()), text
