"""A known player's name in disguise: combining marks over its letters, letter-like variants, a caseless script.

Each must go in the scrub and be found by the leak re-scan alike, and the text around it must stay as it was.
"""

from __future__ import annotations

import contextlib
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from swgdb_bridge.sanitize import Sanitizer, detectors, scan_for_leaks
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
    st.text(st.sampled_from("bcdfghjklmnprtvxz"), min_size=1, max_size=5),  # no "pw", "ssn": detector words
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


def _variants(letter: str) -> list[str]:
    """``letter`` (a-z) and the letter-like characters it may be written as: fullwidth, circled, squared,
    negative circled and squared, regional indicator, small capital."""
    index = ord(letter) - ord("a")
    forms = [letter, chr(0xFF41 + index), chr(0x24D0 + index), chr(0x24B6 + index)]
    forms += [chr(base + index) for base in (0x1F130, 0x1F150, 0x1F170, 0x1F1E6)]
    with contextlib.suppress(KeyError):  # Unicode has no small capital x
        forms.append(unicodedata.lookup(f"LATIN LETTER SMALL CAPITAL {letter.upper()}"))
    return forms


@given(_latin_names, st.data())
def test_letter_like_variants_of_a_names_letters_hide_nothing(name: str, data: st.DataObject) -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    disguised = "".join(data.draw(st.sampled_from(_variants(c.lower()))) for c in name)
    cleaned = sanitizer.clean_text(f"bounty: {disguised}'s camp")
    assert cleaned == f"bounty: {sanitizer.pseudonym(name)}'s camp", disguised
    assert scan_for_leaks({"note": f"hunt {disguised}"}, known_names=[name]) == ["player_names at $.note"]


@pytest.mark.parametrize(
    "disguised",
    [
        "ᴢᴏʀᴠᴀᴛʜ",
        "🇿🇴🇷🇻🇦🇹🇭",
        "Ｚｏｒｖａｔｈ",
        "ⓩⓞⓡⓥⓐⓣⓗ",
        "ⓏⓄⓇⓋⒶⓉⒽ",
        "🅩🅞🅡🅥🅐🅣🅗",
        "🆉🅾🆁🆅🅰🆃🅷",
        "𝐙𝐨𝐫𝐯𝐚𝐭𝐡",
        "ᴢ\u0336ᴏ\u0336ʀᴠᴀᴛʜ",
    ],
)
def test_a_name_in_letter_like_characters_goes(sanitizer: Sanitizer, disguised: str) -> None:
    _assert_replaced(sanitizer, "", disguised, "'s bounty", "Zorvath")
    _assert_replaced(sanitizer, "hunt ", disguised, " now", "Zorvath")


def test_every_small_capital_latin_letter_is_folded() -> None:
    """The fold's table holds every "LATIN LETTER SMALL CAPITAL x" this Python's Unicode has."""
    for code in range(0x110000):
        name = unicodedata.name(chr(code), "")
        if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(name) == len(
            "LATIN LETTER SMALL CAPITAL X"
        ):
            assert key(chr(code)) == name[-1].lower(), name


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", " camp"),
        ("grats ", ""),
        ("", "'s bounty"),
        ("", "来了"),
        ("我和", "一起打"),
        ("Escort ", " home"),
    ],
)
def test_a_short_cjk_name_goes_wherever_it_stands(sanitizer: Sanitizer, before: str, after: str) -> None:
    """CJK has no case and no spaces: a known player's name in it is replaced inside any run of text."""
    _assert_replaced(sanitizer, before, "王伟", after, "王伟")


_han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_kana_or_hangul = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3) | st.characters(
    min_codepoint=0x30A1, max_codepoint=0x30FA
)


@given(
    st.text(_han, min_size=1, max_size=2) | st.text(_kana_or_hangul, min_size=1, max_size=3),
    st.text(_han | st.sampled_from(",!"), max_size=6),
    st.text(_han | st.sampled_from(",!"), max_size=6),
)
def test_an_unspaced_name_goes_inside_any_text_and_the_rest_stays(name: str, before: str, after: str) -> None:
    assume(name not in before + name[:-1] and name not in name[1:] + after)
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    text = f"{before}{name}{after}"
    assume(detectors.scrub(text, {}) == text)  # "我叫一" states a name: the rest stays where nothing is found
    cleaned = sanitizer.clean_text(text)
    assert cleaned == f"{before}{sanitizer.pseudonym(name)}{after}"
    assert scan_for_leaks({"note": text}, known_names=[name]) == ["player_names at $.note"]
    assert scan_for_leaks({"note": cleaned}, known_names=[name]) == []


@pytest.mark.parametrize(
    "before", ["微信", "加我微信 ", "微信号：", "ign ", "my login is ", "add me on discord "]
)
@pytest.mark.parametrize("name", ["一丁", "Kessa"])
def test_a_player_name_after_a_logins_words_leaves_text_the_rescan_accepts(before: str, name: str) -> None:
    """Its pseudonym ("Player-" and hex digits) looked like a handle: "微信一丁" cleaned to text the re-scan
    refused as a login, and the whole upload with it. A pseudonym is this tool's output, never a value."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    cleaned = sanitizer.clean_text(f"{before}{name}")
    assert name not in cleaned  # a pseudonym, or "[login]" where the words say it is one
    assert scan_for_leaks({"note": cleaned}, known_names=[name]) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我和Kessa一起打", "Kessa"),
        ("Kessa님 고마워요", "Kessa"),
        ("Kessaと一緒に行く", "Kessa"),
        ("ขอบคุณKessaมาก", "Kessa"),
        ("是Kessa Drevin的", "Kessa Drevin"),
    ],
)
def test_a_latin_name_written_against_chinese_japanese_or_korean_is_still_a_name(
    text: str, name: str
) -> None:
    """Those scripts put no space before a name, and Korean and Japanese particles attach to it: the name
    was left in the text, and the re-scan, using the same boundaries, did not see it."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    assert scan_for_leaks({"note": text}, known_names=[name]) == ["player_names at $.note"]
    cleaned = sanitizer.clean_text(text)
    assert cleaned == text.replace(name, sanitizer.pseudonym(name))
    assert scan_for_leaks({"note": cleaned}, known_names=[name]) == []


@pytest.mark.parametrize("name", ["דן", "민수", "Ли"])
def test_a_two_letter_name_in_a_script_without_case_is_no_ordinary_word(name: str) -> None:
    """Capitals tell where a short Latin name is used as one ("ty Al"); a script without case has none, so
    its short names go wherever they stand as a word; one with case keeps the capital rule."""
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=[name])
    replaced = (
        sanitizer.clean_text(f"grats {name.lower()} again") == f"grats {sanitizer.pseudonym(name)} again"
    )
    assert replaced is (name != "Ли")
