"""Personal details named in chat or planted in game text never leave, even with names kept.

``SANITIZE_DATA=false`` keeps other players' names, but secrets and PII go regardless: these plant values
invented here (accounts to pay or add, friend codes, a person's and their family's names, a workplace, member
numbers, a wallet's words, a position in degrees, a lock's combination) in varied sentences and several
languages, and check the payload holds none of them; ordinary game text near the same words stays.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers.documents import holds_word
from helpers.planting import payload_with
from swgdb_bridge.sanitize import detectors


def leaves(text: str, value: str) -> bool:
    """Whether ``value`` (a word or words) leaves with ``text`` planted, names kept, in any field. A word the
    session holds without the plant (its XP amount "100") says nothing."""
    payload = payload_with(text, sanitize_data=False)
    return any(holds_word(payload, w) and not holds_word(_UNPLANTED, w) for w in value.lower().split())


_UNPLANTED = payload_with("Recover the Stolen Datapad", sanitize_data=False)


handles = st.from_regex(r"[a-z]{3,7}[a-z0-9]{0,4}", fullmatch=True)

PAYMENT_AND_GAME_ACCOUNTS = [
    "my paypal is {}",
    "venmo: {}",
    "venmo me at {}",
    "paypal me {} and i'll send the armor",
    "my cash app is {}",
    "send it to ${}",
    "Cash App ${} pls",
    "psn id {}7",
    "epic games name {}_22",
    "my blizzard is {}",
    "zelle: {}",
    "add me on playstation {}",
    "wechat: {}",
]


@pytest.mark.parametrize("template", PAYMENT_AND_GAME_ACCOUNTS)
@settings(max_examples=5, deadline=None)
@given(handle=handles)
def test_a_payment_or_game_platform_account_never_leaves(template: str, handle: str) -> None:
    assert not leaves(template.format(handle), handle)


TAGS = [
    "battletag {}#{}",
    "my battle.net is {}#{}",
    "epic: {}#{}",
    "add {}#{} on xbox",
    "steam {}#{} hmu",
]


@pytest.mark.parametrize("template", TAGS)
@settings(max_examples=5, deadline=None)
@given(handle=handles, number=st.integers(1000, 999_999))
def test_a_platform_tag_with_its_number_never_leaves(template: str, handle: str, number: int) -> None:
    """Battle.net, Xbox and Epic write a name and four to six digits; Discord four."""
    assert not leaves(template.format(handle, number), f"{handle} {number}")


@pytest.mark.parametrize(
    "text", ["gamertag Gwen Kowal", "my gamertag is Gwen Kowal#1234", "xbox gamertag: Gwen Kowal"]
)
def test_an_xbox_gamertag_with_spaces_goes_whole(text: str) -> None:
    assert "Gwen" not in detectors.scrub(text, {}) and "Kowal" not in detectors.scrub(text, {})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("riot id Gwen#EUW", "Gwen"),
        ("加我微信 gwenk88", "gwenk88"),
        ("微信号：gwen_k", "gwen_k"),
        ("steam friend code 123456789", "123456789"),
    ],
)
def test_an_account_in_other_shapes_never_leaves(text: str, value: str) -> None:
    assert value not in detectors.scrub(text, {})


@pytest.mark.parametrize("text", ["venmo @gwen-kowal", "@gwen-kowal sent 500 credits"])
def test_an_at_handle_goes_with_its_dashes(text: str) -> None:
    assert "kowal" not in detectors.scrub(text, {})


friend_codes = st.from_regex(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", fullmatch=True)
FRIEND_CODES = [
    "add me SW-{}",
    "sw-{} is mine",
    "friend code {}",
    "my friend code is {}",
    "fc: {}",
    "trainer code {}",
]


@pytest.mark.parametrize("template", FRIEND_CODES)
@settings(max_examples=5, deadline=None)
@given(code=friend_codes)
def test_a_friend_code_never_leaves(template: str, code: str) -> None:
    """Named, a friend code may be spaced or run together; "SW-" names a Switch's on its own."""
    for shape in (code, code.replace("-", " "), code.replace("-", "")):
        out = detectors.scrub(template.format(shape), {})
        assert not [group for group in code.split("-") if group in out], out
    assert not leaves(template.format(code), code)


NUMBERED_ACCOUNTS = [
    "QQ {}",
    "my qq is {}",
    "qq号 {}",
    "加我QQ：{}",
    "QQ号码 {}",
    "ICQ# {}",
    "icq: {}",
    "icq number {}",
]


@pytest.mark.parametrize("template", NUMBERED_ACCOUNTS)
@settings(max_examples=5, deadline=None)
@given(number=st.integers(10_000, 99_999_999_999).map(str))
def test_a_qq_or_icq_number_after_its_name_never_leaves(template: str, number: str) -> None:
    assert number not in payload_with(template.format(number), sanitize_data=False)


@pytest.mark.parametrize(
    "text",
    [
        "Mission #12 complete",
        "paid $20 for repairs, costs $5 each",
        "venmo me $20 later",
        "paypal me later pls",
        "my xbox broke",
        "my steam deck is 512gb",
        "epic games store sale",
        "blizzard of snow in Jundland Wastes",
        "Quest: Find the Blizzard Crystal 3",
        "friend code later",
        "ICQ is dead, qq lol",
        "Killed a Rancor @ Dathomir",
        "Looted 5000 credits from a bandit",
    ],
)
def test_game_and_chat_text_near_account_words_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


FIRST_NAMES = ["john", "sarah", "jean", "hans", "juan", "giovanni", "joão", "marta", "piotr", "emily"]
SURNAMES = ["smith", "dupont", "müller", "garcía", "rossi", "silva", "kowalski", "jenkins", "nowak"]
full_names = st.tuples(st.sampled_from(FIRST_NAMES), st.sampled_from(SURNAMES), st.booleans()).map(
    lambda t: f"{t[0]} {t[1]}".title() if t[2] else f"{t[0]} {t[1]}"
)
OWN_NAMES = [
    "my name is {}",
    "hi all, my name's {} and i heal",
    "je m'appelle {}, et toi?",
    "ich heiße {} und spiele einen Jedi",
    "ich heisse {}",
    "mein Name ist {}",
    "me llamo {} y soy de Madrid",
    "mi nombre es {}",
    "mi chiamo {}",
    "meu nome é {}",
    "ik heet {}",
    "jag heter {}",
    "nazywam się {}",
]


@pytest.mark.parametrize("template", OWN_NAMES)
@settings(max_examples=8, deadline=None)
@given(name=full_names)
def test_ones_own_name_said_in_any_case_and_language_never_leaves(template: str, name: str) -> None:
    """First name and surname, lower case as chat writes them or capitalised; the words after the name
    ("and i heal", "und spiele") stay."""
    text = template.format(name)
    assert not leaves(text, name)
    tail = template.split("{}")[1].split()
    assert all(word in detectors.scrub(text, {}) for word in tail)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my first name is gwen", "gwen"),
        ("my surname is kowalski", "kowalski"),
        ("my last name's nowak", "nowak"),
        ("I'm called Tom", "Tom"),
        ("i go by gwen", "gwen"),
        ("меня зовут Иван Петров", "Иван Петров"),
        ("我叫王伟，你呢", "王伟"),
        ("제 이름은 김민수", "김민수"),
        ("my real name is sam carter lol", "sam carter"),
    ],
)
def test_a_name_in_another_script_never_leaves(text: str, name: str) -> None:
    out = detectors.scrub(text, {})
    assert not [part for part in name.split() if part in out], out


KIN = [
    "my wife {} says hi",
    "my little brother {} is here",
    "my ex-wife {}",
    "our son {} plays too",
    "my son ({}) loves rancors",
    "my son {} wants to play",
    "my girlfriend {} is watching",
    "my brother's name is {}",
    "my husband is called {}",
    "mum, {}, is here",
    "my kid, {}, loves rancors",
    "meine Frau {} spielt auch",
    "mi hija se llama {}",
    "ma femme {} joue aussi",
    "mia moglie {} gioca",
]
kin_names = st.sampled_from(["sarah", "jake", "emily", "tom", "Anna", "Lucas", "Giulia", "Becky", "Mateo"])


@pytest.mark.parametrize("template", KIN)
@settings(max_examples=6, deadline=None)
@given(name=kin_names)
def test_a_relatives_name_never_leaves(template: str, name: str) -> None:
    assert not leaves(template.format(name), name)


# Where a name stands after a relative's (or a friend's, a pet's) word, a lower-case word is the name whether
# it is also an English word ("rose", "grace"), a common name no list of words has ("max", "jake") or a word
# nobody knows ("zorvath").
KIN_NAME_POSITIONS = [
    "my wife {}",
    "my son {} said hi",
    "my brother {}",
    "my wife {} says hi",
    "my wife, {}, says hi",
    "my wife {}'s birthday is today",
    "my lil bro {} is here",
    "my best friend {}",
    "my 8yo son {} loves rancors",
    "my 8 year old son {}",
    "my roommate {} is here",
    "our dog {}",
]
word_names = st.sampled_from(["rose", "grace", "hope", "dawn", "ruby", "jade", "max", "jake", "lily"])
unknown_words = st.from_regex(r"[bdgkrvxz][aeiouy][a-z]{3,6}", fullmatch=True).filter(
    lambda word: word not in detectors._person_lists()[1]
)


@pytest.mark.parametrize("template", KIN_NAME_POSITIONS)
@settings(max_examples=8, deadline=None)
@given(name=st.one_of(word_names, unknown_words))
@example(name="rose")
@example(name="zorvath")
def test_a_lower_case_name_after_a_relatives_word_never_leaves(template: str, name: str) -> None:
    assert not leaves(template.format(name), name)


@pytest.mark.parametrize(
    "template", ["my sons {} and {}", "my daughters {} and {} play", "my kids {} and {}"]
)
@settings(max_examples=6, deadline=None)
@given(first=st.one_of(word_names, unknown_words), second=st.one_of(word_names, unknown_words))
def test_relatives_named_in_a_list_never_leave(template: str, first: str, second: str) -> None:
    assert not leaves(template.format(first, second), f"{first} {second}")


@pytest.mark.parametrize(
    "text",
    [
        "my son plays swg too",
        "my wife is away this weekend",
        "my mom made dinner",
        "my brother in law plays a jedi",
        "My Brother's Keeper",
        "Find My Father",
        "Help my son find the Krayt Dragon Pearl",
        "Quest: Bring the Father's Ring to Theed",
        "mum, dad, and me",
        "dad, can you log in",
        "my dad rose early",
        "my son said hi",
        "my mom made dinner again",
        "my friend is afk",
        "my friend and i",
        "my dog died",
        "my sons and i",
        "domestic tusk cat, AT-RT Walker, Bax",
        "my baby is sick",
        "my partner in crime",
        "my little brother is annoying",
        "I'm named after my grandpa",
        "call me when you log in",
        "i'm called to duty",
        "I go by the name of the law",
        "meine Frau kocht heute",
        "mi esposa está cansada",
        "the Sister of the Order",
        "a son of Tatooine",
        "Mother Talzin",
    ],
)
def test_family_words_without_a_name_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


WORKPLACES = [
    "I work at {} in {}",
    "I'm working at {} in {}",
    "I work as a nurse at {} in {}",
    "I attend {} {} University",
    "I'm at {} {} uni",
    "i work for {}, {} branch",
    "I study at {} uni in {}",
    "i go to {} {} college",
    "I'm a student at {} {}",
    "i'm a nurse at {} hospital in {}",
    "I'm at uni in {} {}",
    "we work in the {} office, {}",
    "ich arbeite bei {} in {}",
    "je travaille chez {} à {}",
    "trabajo en {} de {}",
    "lavoro presso {} a {}",
]
places = st.from_regex(r"[A-Z][a-z]{4,9}", fullmatch=True)


@pytest.mark.parametrize("template", WORKPLACES)
@settings(max_examples=5, deadline=None)
@given(employer=places, town=places)
def test_a_workplace_or_school_and_its_town_never_leave(template: str, employer: str, town: str) -> None:
    """Where one works or studies places a person as where one lives does: both go, as an address."""
    counts: dict[str, int] = {}
    out = detectors.scrub(template.format(employer, town), counts)
    assert employer not in out and town not in out and counts.get("street_addresses")
    assert not leaves(template.format(employer, town), f"{employer} {town}")


@pytest.mark.parametrize(
    "text",
    [
        "I work at night",
        "i work from home",
        "i study at home",
        "I work at the moment",
        "I'm a jedi at heart",
        "i go to the cantina",
        "Work at the Mining Outpost",
        "Study the Holocron at the Jedi Temple",
        "Crafting Station: work in progress",
        "the workers at the factory",
        "Quest: Go to school",
        "i'm at school",
        "i'm a doctor in real life lol",
        "I attend the raid tonight",
        "I work as a team with my guild",
    ],
)
def test_work_and_study_words_without_a_place_of_ones_own_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


MEMBER_NUMBERS = [
    "student number {}",
    "student id: {}",
    "my employee number is {}",
    "employee no. {}",
    "staff id {}",
    "insurance number {}",
    "policy number: {}",
    "policy no. {}",
    "my badge number is {}",
    "nhs number {}",
    "Matrikelnummer {}",
    "numéro d'étudiant {}",
    "número de póliza {}",
    "numero di polizza {}",
]
member_values = st.one_of(
    st.from_regex(r"[1-9][0-9]{4,9}", fullmatch=True),
    st.from_regex(r"[a-z][0-9]{6,8}", fullmatch=True),
    st.from_regex(r"[A-Z]{1,3}-[0-9]{5,8}", fullmatch=True),
    st.from_regex(r"[0-9]{3} [0-9]{3} [0-9]{4}", fullmatch=True),
)


@pytest.mark.parametrize("template", MEMBER_NUMBERS)
@settings(max_examples=6, deadline=None)
@given(value=member_values)
def test_a_student_employee_or_policy_number_after_its_name_never_leaves(template: str, value: str) -> None:
    """Five digits are enough after the name: a school's or employer's numbers are shorter than a state's."""
    counts: dict[str, int] = {}
    out = detectors.scrub(template.format(value), counts)
    assert not [group for group in value.split() if group in out] and counts.get("national_ids") == 1, out
    assert not leaves(template.format(value), value)


@pytest.mark.parametrize(
    "text",
    [
        "member number 5 of 10",
        "policy number 3",
        "student id card lost",
        "Customer 4 served",
        "insurance policy of 12 credits",
        "Claim your reward: 12500 credits",
    ],
)
def test_a_member_word_before_a_count_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


SEED_NAMES = [
    "seed: {}",
    "my seed is {}",
    "mnemonic: {}",
    "mnemonic {}",
    "my recovery phrase is {}",
    "wallet seed {} keep it safe",
    "backup words: {}",
    "my 24 words: {}",
    "secret recovery phrase = {}",
]
_WALLET_WORDS = ["walnut", "orbit", "lizard", "velvet", "glacier", "puzzle", "mango", "ranch", "tunnel", "frost",
                 "kidney", "oyster", "pencil", "saddle", "timber", "abandon"]  # fmt: skip
seed_words = st.sampled_from([12, 15, 18, 24]).flatmap(
    lambda n: st.lists(st.sampled_from(_WALLET_WORDS), min_size=n, max_size=n)
)


@pytest.mark.parametrize("template", SEED_NAMES)
@settings(max_examples=5, deadline=None)
@given(words=seed_words, numbered=st.booleans(), commas=st.booleans())
def test_a_wallets_recovery_words_never_leave(
    template: str, words: list[str], numbered: bool, commas: bool
) -> None:
    """12 to 24 words after their name, numbered ("1. walnut 2. orbit") or with commas: one leaked word
    narrows the search for the rest."""
    shown = [f"{i}. {w}" if numbered else w for i, w in enumerate(words, 1)]
    text = template.format((", " if commas else " ").join(shown))
    assert not [word for word in set(words) if leaves(text, word)]


@pytest.mark.parametrize(
    "text",
    [
        "Seed of the Wroshyr tree",
        "plant the seed then harvest it and craft a stew with some fresh meat",
        "seed the field then water every plant daily until they grow tall and green",
        "backup your character files before you patch the client and restart the launcher",
        "recovery time is three days after the battle near the ruins of the old city walls",
    ],
)
def test_seed_and_backup_words_in_a_sentence_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


def _dms(degrees: int, minutes: int, seconds: int | None, hemisphere: str) -> str:
    arc = f"{degrees}°{minutes}'" + (f'{seconds}"' if seconds is not None else "")
    return arc + hemisphere


POSITIONS = [
    "meet me at {lat} {lon}",
    "home is {lat}, {lon}",
    "{lat} {lon} is where i live",
]
positions = st.builds(
    lambda d1, m1, s1, h1, d2, m2, s2, h2: (_dms(d1, m1, s1, h1), _dms(d2, m2, s2, h2)),
    st.integers(0, 89), st.integers(0, 59), st.none() | st.integers(0, 59), st.sampled_from("NS"),
    st.integers(0, 179), st.integers(0, 59), st.none() | st.integers(0, 59), st.sampled_from("EW"),
)  # fmt: skip


@pytest.mark.parametrize("template", POSITIONS)
@settings(max_examples=8, deadline=None)
@given(position=positions)
def test_a_position_in_degrees_and_minutes_never_leaves(template: str, position: tuple[str, str]) -> None:
    lat, lon = position
    counts: dict[str, int] = {}
    out = detectors.scrub(template.format(lat=lat, lon=lon), counts)
    assert "°" not in out and "'" not in out and counts.get("street_addresses"), out


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("51°30′26″N 0°7′39″W", ""),
        ("51º30'N", ""),
        ("gps 51 30.5N 0 7.5W", "gps"),
        ("N 51° 30.445 W 000° 07.649", ""),
        ("cache at N51 30.500 W000 07.649", "cache at"),
        ("51.5074 N, 0.1278 W", ""),
    ],
)
def test_a_position_as_gps_units_and_geocaches_write_it_never_leaves(text: str, kept: str) -> None:
    out = detectors.scrub(text, {})
    assert not any(c.isdigit() for c in out) and out.startswith(kept), out


@pytest.mark.parametrize(
    "text",
    [
        "turn 90° to the left",
        "heading 270°",
        "the temperature was 21°C",
        "Waypoint /way -3069 12 Mos Espa",
        "Level 5 S",
        "Found 3 N",
        "Looted E11 12.5 damage rifle",
        "3520 -4800 Dune Sea",
    ],
)
def test_angles_and_game_positions_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


COMBINATIONS = [
    "combo is {}",
    "safe combination {}",
    "the lock code is {}",
    "my locker combo is {}",
    "padlock: {}",
    "the safe's combo is {}",
    "bike lock combination {}",
    "Zahlenschloss {}",
    "la combinaison du cadenas est {}",
    "combinación: {}",
    "the combination for the vault is {}",
]
combos = st.one_of(
    st.lists(st.integers(0, 99).map(str), min_size=3, max_size=4).map("-".join),
    st.lists(st.integers(0, 99).map(str), min_size=3, max_size=4).map(" ".join),
    st.lists(st.integers(0, 9).map(str), min_size=4, max_size=4).map(" ".join),
    st.tuples(st.integers(0, 39), st.integers(0, 39), st.integers(0, 39)).map(
        lambda t: "L{} R{} L{}".format(*t)
    ),
)


@pytest.mark.parametrize("template", COMBINATIONS)
@settings(max_examples=6, deadline=None)
@given(combo=combos)
def test_a_locks_combination_never_leaves(template: str, combo: str) -> None:
    """Numbers in groups after a combination's or a lock's name: each of them opens the lock."""
    out = detectors.scrub(template.format(combo), {})
    assert not any(c.isdigit() for c in out), out


@pytest.mark.parametrize(
    "text",
    [
        "my locker is 4821",
        "locker code 4821",
        "the safe is 12 34 56",
        "the code to my safe is 4821",
        "safe combo: 0420",
    ],
)
def test_a_lock_said_with_is_keeps_no_number(text: str) -> None:
    assert not any(c.isdigit() for c in detectors.scrub(text, {}))


# Said with no "is" or ":": a padlock's name and a number, or any lock's and a number the clause ends on (or
# one no count starts with)
BARE_LOCKS = [
    "locker {}",
    "my locker {} pls",
    "bike lock {} on the blue one",
    "padlock {}",
    "my spind {}",
    "safe {}",
    "the door {}.",
    "vault {}, thanks",
    "safe {} (the big one)",
]
codes = st.integers(0, 99_999_999).map(str).map(lambda n: n.zfill(4))


@pytest.mark.parametrize("template", BARE_LOCKS)
@settings(max_examples=6, deadline=None)
@given(code=codes)
@example(code="0417")
def test_a_lock_named_with_its_number_keeps_no_number(template: str, code: str) -> None:
    assert not leaves(template.format(code), code)


@pytest.mark.parametrize(
    "text",
    [
        "Combo 3 hits for 1200 damage",
        "Door 2 of 3 opened",
        "the gate is 12 meters away",
        "Safe House 3",
        "Locked door at 3520 -4800",
        "combination attack x3",
        "stay safe, 3 mobs left",
        "Vault of the Ancients 2",
        "the vault is 250 meters north",
        "the door is 120m away",
        "vault 250 meters north",
        "Gate 100 to the north",
        "safe 1200 credits to go",
    ],
)
def test_lock_words_in_game_text_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


_ROUND = [
    *PAYMENT_AND_GAME_ACCOUNTS,
    *FRIEND_CODES,
    *NUMBERED_ACCOUNTS,
    *OWN_NAMES,
    *KIN,
    *WORKPLACES,
    *MEMBER_NUMBERS,
    *SEED_NAMES,
    *POSITIONS,
    *COMBINATIONS,
]
_values = st.one_of(handles, friend_codes, full_names, member_values, combos, positions.map(" ".join))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_ROUND), _values, st.text(max_size=12))
@example("bike lock combination {}", "10000", "")  # "combination 10000" had no needle of its detector
def test_a_detector_the_rescan_may_skip_without_its_hints_finds_nothing_there(
    template: str, value: str, noise: str
) -> None:
    """The re-scan skips a detector whose every match holds a needle or its trigger's match when the text
    holds neither: that must never skip a match, whatever is planted where."""
    text = detectors.normalized(
        noise + template.replace("{lat}", "{}").replace("{lon}", "{}").format(value, value)
    )
    lowered = text.lower()
    for detector in detectors.DETECTORS:
        if detector.spans(text):
            assert detector.worth_scanning(text, lowered) and detector.may_match(text, lowered), detector


BIRTH_DATES_ABROAD = [
    "born on {day}. {month} {year}",
    "geboren am {day}. {month} {year}",
    "nacido el {day} de {month} de {year}",
    "né le {day} {month} {year}",
    "nato il {day} {month} {year}",
    "my birthday is {day} {month} {year}",
]
months_abroad = st.sampled_from(
    [
        "März",
        "Mai",
        "Dezember",
        "marzo",
        "mayo",
        "diciembre",
        "juillet",
        "février",
        "août",
        "settembre",
        "maja",
    ]
)


@pytest.mark.parametrize("template", BIRTH_DATES_ABROAD)
@settings(max_examples=6, deadline=None)
@given(day=st.integers(1, 28), month=months_abroad, year=st.integers(1950, 2012))
def test_a_birth_date_with_a_month_of_another_language_never_leaves(
    template: str, day: int, month: str, year: int
) -> None:
    assert not leaves(template.format(day=day, month=month, year=year), str(year))


ID_DOCUMENTS = [
    "personalausweis {}",
    "mein Reisepass {}",
    "Führerschein-Nr. {}",
    "my drivers licence is {}",
    "DL: {}",
    "DL# {}",
    "passeport {}",
    "pasaporte: {}",
]
document_numbers = st.one_of(
    st.from_regex(r"[A-Z][0-9A-Z]{7,9}[0-9]", fullmatch=True).filter(
        lambda v: sum(c.isdigit() for c in v) >= 6
    ),
    st.from_regex(r"[0-9]{3}-[0-9]{3}-[0-9]{3}", fullmatch=True),
    st.from_regex(r"[A-Z]{5}[0-9]{6}[A-Z]{2}[0-9][A-Z]{2}", fullmatch=True),
)


@pytest.mark.parametrize("template", ID_DOCUMENTS)
@settings(max_examples=6, deadline=None)
@given(number=document_numbers)
def test_an_identity_document_named_in_another_language_or_short_never_leaves(
    template: str, number: str
) -> None:
    assert not leaves(template.format(number), number)


@pytest.mark.parametrize("template", ["account {}", "acct {} pls", "routing 021000021 account {}"])
@settings(max_examples=6, deadline=None)
@given(number=st.from_regex(r"[0-9]{6,12}", fullmatch=True))
def test_a_bank_account_named_by_account_alone_never_leaves(template: str, number: str) -> None:
    assert not leaves(template.format(number), number)


@pytest.mark.parametrize("template", ["new york {} {}", "Austin {} {}", "5th ave, new york {} {} USA"])
@settings(max_examples=6, deadline=None)
@given(state=st.sampled_from(["NY", "TX", "CA", "IL", "WA"]), code=st.integers(10_000, 99_999).map(str))
def test_a_us_state_and_zip_without_a_comma_never_leave(template: str, state: str, code: str) -> None:
    assert not leaves(template.format(state, code), code)


TITLED = [
    "uncle {} visited",
    "grandma {} passed away",
    "mrs. {} is my teacher",
    "dr. {} said rest",
    "aunt {}",
]


@pytest.mark.parametrize("template", TITLED)
@settings(max_examples=6, deadline=None)
@given(name=st.one_of(word_names, unknown_words, st.sampled_from(["betty", "kowalczyk"])))
def test_a_name_after_a_lower_case_title_never_leaves(template: str, name: str) -> None:
    assert not leaves(template.format(name), name)


@pytest.mark.parametrize(
    "text",
    [
        "Talk to Uncle Owen",
        "Aunt Beru",
        "uncle is here",
        "dr said rest",
        "dl link pls",
        "account 2 of 5",
        "Account 1234 leveled",
        "born 14 times over",
        "and DE 10000 damage",
    ],
)
def test_titles_accounts_and_counts_in_game_text_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("swift {}", st.from_regex(r"[A-Z]{6}[A-Z0-9]{2}", fullmatch=True)),
        ("my bic {}", st.from_regex(r"[A-Z]{6}[A-Z0-9]{5}", fullmatch=True)),
        ("das Passwort lautet {}", st.from_regex(r"[a-z]{4,8}[0-9]{2,4}", fullmatch=True)),
        ("şifrem {}", st.from_regex(r"[a-z]{4,8}[0-9]{2,4}", fullmatch=True)),
        ("VIN {}", st.from_regex(r"[1-5J-NS-Z][A-HJ-NPR-Z0-9]{10}[0-9]{6}", fullmatch=True)),
        ("medicare {} 1", st.from_regex(r"[2-6][0-9]{3} [0-9]{5}", fullmatch=True)),
        ("my ex {}", word_names),
        ("i was born in {}", places),
        ("we were born in {} too", places),
        ("i go to {} primary", places),
    ],
)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_round_eleven_shapes_never_leave(
    template: str, values: st.SearchStrategy[str], data: st.DataObject
) -> None:
    """A bank's code said bare, a password's name with its own verb, a vehicle's or a health insurer's number,
    an ex's name, a birthplace, a primary school."""
    value = data.draw(values)
    assert not leaves(template.format(value), value)


@pytest.mark.parametrize(
    "text",
    [
        "Swift Strike",
        "swift kick to the head",
        "born in the 80s",
        "my ex is mad",
        "pw on Tatooine",
        "vin rouge 2019",
    ],
)
def test_round_eleven_look_alikes_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


HEALTH = [
    "i have {}",
    "my wife has {}",
    "my dad was diagnosed with {}",
    "she's in hospital with {}",
    "he is battling {}",
    "our son suffers from {}",
    "ich habe {}",
]
conditions = st.sampled_from(
    [
        "breast cancer",
        "type 2 diabetes",
        "covid",
        "adhd",
        "epilepsy",
        "bipolar",
        "leukemia",
        "crohn's",
        "krebs",
    ]
)


@pytest.mark.parametrize("template", HEALTH)
@settings(max_examples=6, deadline=None)
@given(condition=conditions)
def test_a_persons_health_condition_never_leaves(template: str, condition: str) -> None:
    """Health is a special category of personal data: a condition said of oneself or a relative goes."""
    assert not leaves(template.format(condition), condition.replace("type 2 ", "").replace("breast ", ""))


@pytest.mark.parametrize(
    "text",
    [
        "i'm on antidepressants",
        "she's doing chemo",
        "sertraline 50mg every morning",
        "diagnosed with something rare",
    ],
)
def test_a_treatment_or_a_diagnosis_never_leaves(text: str) -> None:
    counts: dict[str, int] = {}
    detectors.scrub(text, counts)
    assert counts.get("health") == 1


@pytest.mark.parametrize(
    "text",
    [
        "Diseased Bantha",
        "a depression in the dunes",
        "I have add-ons",
        "i had a breakdown of the loot",
        "Cancer cell sample x3",
        "i have 3 adds on me",
        "the ms11 bot",
    ],
)
def test_health_words_in_game_text_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


@pytest.mark.parametrize(
    "template",
    ["my employer is {} Corp", "my school is {} Grammar", "my boss at {} said hi", "my workplace is {}"],
)
@settings(max_examples=6, deadline=None)
@given(name=places)
def test_a_workplace_named_as_ones_own_never_leaves(template: str, name: str) -> None:
    assert not leaves(template.format(name), name)


@pytest.mark.parametrize(
    "template", ["the pin for my card is {}", "the code to the gate was {}", "the passcode of my phone is {}"]
)
@settings(max_examples=6, deadline=None)
@given(code=codes)
def test_a_pin_with_what_it_opens_said_between_never_leaves(template: str, code: str) -> None:
    assert not leaves(template.format(code), code)


@pytest.mark.parametrize(
    "text",
    ["my school is closed", "my job at the cantina", "my job is boring", "the code for the quest is 3 parts"],
)
def test_ones_own_school_job_and_codes_without_a_name_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text
