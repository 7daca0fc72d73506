"""A known player's name in disguise: combining marks over its letters, letter-like variants, a caseless script.

Each must go in the scrub and be found by the leak re-scan alike, and the text around it must stay as it was.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swgdb_bridge.sanitize import Sanitizer, scan_for_leaks
from swgdb_bridge.sanitize.names import key
from swgdb_bridge.sanitize.options import SanitizeOptions

KEY = bytes(range(32))
PLAYERS = ["Zorvath", "Kelindra Vos", "王伟"]
# Marks that compose with no Latin letter: strike-through, overline, underline, slash, overlays, enclosing.
MARKS = "\u0336\u0305\u0332\u0337\u0338\u20d2\u20d3\u20e5\u0334\u20dd\u20e0\u0489\u0353"


@pytest.fixture(scope="module")
def sanitizer() -> Sanitizer:
    return Sanitizer(SanitizeOptions(), KEY, known_names=PLAYERS)


def _marked(name: str, marks: list[str]) -> str:
    """``name`` with ``marks[i]`` written after its ``i``-th character."""
    return "".join(char + mark for char, mark in zip(name, marks, strict=False))


def _assert_replaced(sanitizer: Sanitizer, before: str, disguised: str, after: str, name: str) -> None:
    """``disguised`` (standing for ``name``) becomes its pseudonym, the rest stays, the scans agree."""
    text = f"{before}{disguised}{after}"
    cleaned = sanitizer.clean_text(text)
    assert cleaned == sanitizer.clean_text(f"{before}{sanitizer.pseudonym(name)}{after}"), text
    assert scan_for_leaks({"quest_name": text}, known_names=PLAYERS) == ["player_names at $.quest_name"]
    assert scan_for_leaks({"quest_name": cleaned}, known_names=PLAYERS) == []


_latin_names = st.builds(
    lambda head, tail: "Zq" + head + tail,
    st.text(st.sampled_from("aeiou"), min_size=1, max_size=3),
    st.text(st.sampled_from("bcdfghjklmnprstvwxz"), min_size=1, max_size=5),
)


@given(_latin_names, st.data())
def test_combining_marks_over_any_letters_of_a_name_hide_nothing(name: str, data: st.DataObject) -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    marks = data.draw(st.lists(st.text(st.sampled_from(MARKS), max_size=3), min_size=len(name)))
    disguised = _marked(name, marks)
    cleaned = sanitizer.clean_text(f"bounty: {disguised}'s camp")
    assert cleaned == f"bounty: {sanitizer.pseudonym(name)}'s camp"
    assert scan_for_leaks({"note": f"hunt {disguised}"}, known_names=[name]) == ["player_names at $.note"]


@pytest.mark.parametrize("mark", ["\u0336", "\u0305", "\u0332", "\u0337", "\u20d2"])
def test_a_quest_name_struck_through_loses_the_name(sanitizer: Sanitizer, mark: str) -> None:
    _assert_replaced(sanitizer, "", _marked("Zorvath", [mark] * 7), "'s bounty", "Zorvath")
    _assert_replaced(sanitizer, "Escort ", _marked("Kelindra Vos", [mark] * 12), " home", "Kelindra Vos")


def test_the_pseudonym_of_a_struck_through_name_is_the_names() -> None:
    assert key(_marked("Zorvath", ["\u0336"] * 7)) == "zorvath"


@pytest.mark.parametrize(
    "text",
    [
        "नमस्ते दुनिया, Zorvath गया",  # Devanagari: its vowel signs are marks and stay
        "Tiếng Việt: Zorvath đi rồi",
        "Z̶e̶d̶ and Zorvath",  # a struck-through word that is not a name stays struck through
        "a\u20dd b\u0336c Zorvath",
    ],
)
def test_marks_outside_a_name_are_shown_as_they_were(sanitizer: Sanitizer, text: str) -> None:
    expected = unicodedata.normalize("NFKC", text).replace("Zorvath", sanitizer.pseudonym("Zorvath"))
    assert sanitizer.clean_text(text) == expected


def test_a_mark_right_before_a_name_does_not_join_it_to_a_word(sanitizer: Sanitizer) -> None:
    assert sanitizer.clean_text("xa\u0336Zorvath") == "xa\u0336Zorvath"
