"""Player names in free text: replaced in any case, possessives kept; ordinary words, NPCs, the user kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swgdb_bridge.sanitize import Sanitizer, scan_for_leaks
from swgdb_bridge.sanitize.names import PSEUDONYM, NameMatcher, name_matcher
from swgdb_bridge.sanitize.options import SanitizeOptions

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
PLAYERS = ["Zorvath", "Kelindra Vos", "Rat", "Healed", "The", "Nyax", "Al", "Rare"]


@pytest.fixture
def sanitizer() -> Sanitizer:
    return Sanitizer(SanitizeOptions(), KEY, known_names=PLAYERS)


def test_a_distinctive_name_goes_in_any_case_and_keeps_its_possessive(sanitizer: Sanitizer) -> None:
    zorvath = sanitizer.pseudonym("Zorvath")
    assert sanitizer.clean_text("Grouped with Zorvath") == f"Grouped with {zorvath}"
    assert sanitizer.clean_text("ZORVATH's armor, zorvath!") == f"{zorvath}'s armor, {zorvath}!"
    other_words = "Zorvaths and xZorvath are other words"
    assert sanitizer.clean_text(other_words) == other_words


def test_a_name_joined_to_other_words_by_underscore_or_dash_still_goes(sanitizer: Sanitizer) -> None:
    """Bots and players write names into identifiers: "_" and "-" end a name as a space does, and may join
    its words; a letter or digit right after it still makes another word ("xZorvath" above)."""
    zorvath, kelindra = sanitizer.pseudonym("Zorvath"), sanitizer.pseudonym("Kelindra Vos")
    assert sanitizer.clean_text("hunt zorvath_99") == f"hunt {zorvath}_99"
    assert sanitizer.clean_text("bounty_zorvath") == f"bounty_{zorvath}"
    assert sanitizer.clean_text("bounty kelindra_vos") == f"bounty {kelindra}"
    assert sanitizer.clean_text("Kelindra-Vos was here") == f"{kelindra} was here"
    assert sanitizer.clean_text("combat_marksman_novice") == "combat_marksman_novice"


@pytest.mark.parametrize("spelled", ["z\u043ervath", "Z\u03bfrvath", "\u0417orvath", "zorv\u0430th"])
def test_a_name_spelled_with_lookalike_letters_still_goes(sanitizer: Sanitizer, spelled: str) -> None:
    """Cyrillic or Greek letters drawn like Latin ones ("о", "ο") do not hide a name; "З" (ze) is not an "O"
    and does not count."""
    cleaned = sanitizer.clean_text(f"hunt {spelled}")
    assert (cleaned == f"hunt {sanitizer.pseudonym('Zorvath')}") is (spelled != "\u0417orvath")


def test_a_two_word_name_goes_whole_and_its_first_name_alone(sanitizer: Sanitizer) -> None:
    text = sanitizer.clean_text("Traded with Kelindra Vos, then Kelindra left")
    assert "Kelindra" not in text and "Vos" not in text
    assert sanitizer.pseudonym("Kelindra Vos") in text


@pytest.mark.parametrize(
    ("text", "expected_name"),
    [
        ("Killed womp rat (+145 XP)", None),
        ("Looted 215 credits from womp rat", None),
        ("Healed self", None),
        ("Jabba the Hutt waved at the crowd", None),
        ("The trainer is near", None),
        ("Grouped with Rat", "Rat"),
        ("Rat: anyone selling armor?", "Rat"),
        ("Rat's speeder is parked", "Rat"),
        ("Healed Healed", "Healed"),
        ("Trade request from The", "The"),
        ("Al says hi", "Al"),
        ("Alpha squad", None),
        ("Looted Rare Crystal", None),
        ("Healed. Then left", None),
        ("ask Rat about the rifle", "Rat"),
        ("Rat is selling a rifle", "Rat"),
    ],
)
def test_ordinary_word_names_only_go_where_used_as_a_name(
    sanitizer: Sanitizer, text: str, expected_name: str | None
) -> None:
    cleaned = sanitizer.clean_text(text)
    if expected_name is None:
        assert cleaned == text
    else:
        assert sanitizer.pseudonym(expected_name) in cleaned
        assert len(PSEUDONYM.findall(cleaned)) == 1


def test_npc_and_place_names_stay_even_when_a_player_shares_a_word(sanitizer: Sanitizer) -> None:
    assert sanitizer.clean_text("Spoke with Lord Nyax") == "Spoke with Lord Nyax"
    assert sanitizer.clean_text("Spoke with Vader's Fist trooper") == "Spoke with Vader's Fist trooper"
    assert sanitizer.pseudonym("Nyax") in sanitizer.clean_text("Nyax says hello")


def test_the_whole_string_being_a_name_is_a_name_position(sanitizer: Sanitizer) -> None:
    assert sanitizer.clean_text("Rat") == sanitizer.pseudonym("Rat")


def test_pseudonyms_are_keyed_stable_and_case_blind() -> None:
    first = Sanitizer(SanitizeOptions(), KEY)
    again = Sanitizer(SanitizeOptions(), KEY)
    other = Sanitizer(SanitizeOptions(), OTHER_KEY)
    assert first.pseudonym("Zorvath") == again.pseudonym("zorvath ") == first.pseudonym("ZORVATH")
    assert first.pseudonym("Zorvath") != other.pseudonym("Zorvath")
    assert PSEUDONYM.fullmatch(first.pseudonym("Zorvath"))
    assert first.pseudonym(first.pseudonym("Zorvath")) == first.pseudonym("Zorvath")


_names = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20)


@given(_names, st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_same_name_same_key_same_pseudonym_other_key_another(name: str, key: bytes, other: bytes) -> None:
    first = Sanitizer(SanitizeOptions(), key).pseudonym(name)
    assert Sanitizer(SanitizeOptions(), key).pseudonym(name) == first
    if key != other:
        assert Sanitizer(SanitizeOptions(), other).pseudonym(name) != first


@settings(max_examples=5, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_different_names_never_collide(key: bytes) -> None:
    sanitizer = Sanitizer(SanitizeOptions(), key)
    names = {f"Player{i}x" for i in range(20_000)} | {f"Name {i}" for i in range(5_000)}
    assert len({sanitizer.pseudonym(n) for n in names}) == len(names)


@given(
    st.sampled_from(PLAYERS),
    st.sampled_from(["", "Grouped with ", "Trade request from ", "hey "]),
    st.sampled_from(["", "'s", ": hi", " says hi", " and more"]),
)
def test_cleaning_text_is_idempotent_and_the_scan_agrees(name: str, before: str, after: str) -> None:
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=PLAYERS)
    text = f"{before}{name}{after}"
    once = sanitizer.clean_text(text)
    assert sanitizer.clean_text(once) == once
    assert scan_for_leaks({"notes": [once]}, known_names=PLAYERS) == []
    if once != text:
        assert scan_for_leaks({"notes": [text]}, known_names=PLAYERS) == ["player_names at $.notes[0]"]


def test_the_scan_keeps_the_documents_own_character_and_quest_names() -> None:
    document = {
        "character_name": "Dex Orrin",
        "quests": [{"quest_name": "Talk to Dex"}],
        "note": "Dex Orrin won",
    }
    assert scan_for_leaks(document, known_names=["Dex"]) == []
    assert scan_for_leaks({"note": "Grouped with Dex"}, known_names=["Dex"]) == ["player_names at $.note"]


@pytest.mark.parametrize("field", ["quest_name", "city", "planet"])
def test_the_scan_finds_a_distinctive_name_in_the_documents_own_quest_and_place_names(field: str) -> None:
    for spelling in ("bounty: kessa drevin", "Bounty: Kessa Drevin"):
        document = {"character_name": "Dex Orrin", "events": [{field: spelling}]}
        found = scan_for_leaks(document, known_names=["Kessa Drevin", "Dex"])
        assert found == [f"player_names at $.events[0].{field}"], spelling


def test_without_sanitize_data_names_stay_but_secrets_still_go() -> None:
    sanitizer = Sanitizer(SanitizeOptions(sanitize_data=False), KEY, known_names=PLAYERS)
    cleaned = sanitizer.clean_text("Grouped with Zorvath, mail z@example.com")
    assert cleaned == "Grouped with Zorvath, mail [email]"


def test_many_names_share_one_scan_and_the_longest_wins() -> None:
    crowd = [f"Raider{i:04d}" for i in range(2000)] + ["Kelindra", "Kelindra Vos"]
    sanitizer = Sanitizer(SanitizeOptions(), KEY, known_names=crowd)
    text = "Raider1999 and raider0007 met Kelindra Vos, not Raider20000"
    expected = (
        f"{sanitizer.pseudonym('Raider1999')} and {sanitizer.pseudonym('Raider0007')} met "
        f"{sanitizer.pseudonym('Kelindra Vos')}, not Raider20000"
    )
    assert sanitizer.clean_text(text) == expected


@given(_names)
def test_pseudonyms_never_look_like_a_secret(name: str) -> None:
    pseudonym = Sanitizer(SanitizeOptions(), KEY).pseudonym(name)
    assert scan_for_leaks({"player": pseudonym}) == []


def test_the_scan_also_finds_a_first_name_on_its_own() -> None:
    assert scan_for_leaks({"note": "ask kelindra"}, known_names=iter(["Kelindra Vos"])) == [
        "player_names at $.note"
    ]


def test_a_shared_matcher_is_reused_for_the_same_names_and_answers_as_a_new_one() -> None:
    names, kept = {"Zorvath": "Player-0123456789ab", "Rat": "Player-ba9876543210"}, ["Lord Nyax", "Rat Cave"]
    shared = name_matcher(names, kept)
    assert name_matcher(dict(names), list(kept)) is shared
    assert name_matcher(names, ["Lord Nyax"]) is not shared  # other kept phrases: another matcher
    text = "Grouped with Rat and zorvath's pet near Rat Cave; Lord Nyax watched"
    assert shared.replace(text) == NameMatcher(names, kept).replace(text)
    assert shared.replace(text)[1] == 2


class _NoShortcut(NameMatcher):
    """The matcher without its first-word shortcut: what the full pattern finds in every string."""

    def _may_name(self, folded: str) -> bool:
        return True


# Letters whose case-insensitive matches are not their lower case ("ı" and "İ" match "i", "ſ" matches "s",
# the Kelvin sign "k"), an accent, and ASCII: the shortcut must never skip what the pattern would find.
_letters = st.text(st.sampled_from("aikszIKS" + "ıİſ\u212aßé"), min_size=1, max_size=6)
_player_names = st.lists(
    st.builds(" ".join, st.lists(_letters, min_size=1, max_size=2)), min_size=1, max_size=4
)


@settings(max_examples=300, deadline=None)
@given(_player_names, st.data())
def test_the_first_word_shortcut_never_skips_a_name(names: list[str], data: st.DataObject) -> None:
    spellings = [*names, *(n.upper() for n in names), *(n.swapcase() for n in names)]
    piece = st.one_of(
        st.sampled_from(spellings), _letters, st.sampled_from([" ", "_", "-", ", ", "Cave of "])
    )
    phrase = st.lists(piece, min_size=1, max_size=5).map("".join)
    kept, logged, text = (
        data.draw(st.lists(phrase, max_size=3)),
        data.draw(st.lists(phrase, max_size=3)),
        data.draw(phrase),
    )
    pseudonyms = {name: f"Player-{index:012x}" for index, name in enumerate(names)}
    expected = _NoShortcut(pseudonyms, kept, logged).replace(text)
    assert NameMatcher(pseudonyms, kept, logged).replace(text) == expected
