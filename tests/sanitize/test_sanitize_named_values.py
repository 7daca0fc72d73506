"""A private value named by the words before it never leaves, in whatever language they are written.

Game fields let lower-case words through (bot logs write "naboo", "womp rat"), so a lower-case value in a
quest, place or zone name leaves unless a detector finds it; for a password, a birth date or an account
handed out only the words naming it say what it is. These plant such values, invented here, behind their
names in every game field and in shared chat, and check the serialized payload holds none of them.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.documents import every_string, holds_word
from helpers.planting import payload_with
from swgdb_bridge.sanitize import detectors

PASSWORD_NAMES = [
    "пароль: {}",
    "пароль это {}",
    "密码: {}",
    "密碼 {}",
    "パスワード: {}",
    "비밀번호: {}",
    "şifre: {}",
    "sifre {}",
    "parola d'ordine: {}",
    "jelszó: {}",
    "κωδικός: {}",
    "palavra-passe: {}",
    "mật khẩu: {}",
    "kata sandi: {}",
    "adgangskode: {}",
    "lozinka: {}",
]
values = st.from_regex(r"[a-z]{4,8}[0-9]{0,4}", fullmatch=True)


@pytest.mark.parametrize("template", PASSWORD_NAMES)
@settings(max_examples=5, deadline=None)
@given(value=values)
def test_a_password_named_in_any_language_never_leaves(template: str, value: str) -> None:
    assert not holds_word(payload_with(template.format(value)), value)


BIRTH_NAMES = [
    "b. {}",
    "geboren am {}",
    "geb. {}",
    "né le {}",
    "nacida el {}",
    "nato il {}",
    "född den {}",
    "urodzony {}",
    "родился {}",
    "doğum tarihi: {}",
    "bday {}",
    "出生于{}",
    "생일 {}",
]
DATE_SHAPES = ["{d:02d}.{m:02d}.{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日"]
dates = st.builds(
    lambda day, shape: shape.format(d=day.day, m=day.month, y=day.year),
    st.dates(date(1940, 1, 1), date(2015, 12, 31)),
    st.sampled_from(DATE_SHAPES),
)


@pytest.mark.parametrize("template", BIRTH_NAMES)
@settings(max_examples=5, deadline=None)
@given(day=dates)
def test_a_birth_date_named_in_any_language_never_leaves(template: str, day: str) -> None:
    assert day.removesuffix("日") not in payload_with(template.format(day))


HANDED_OUT = [
    "add me on discord {}",
    "add me on Steam {}",
    "hmu on telegram {}",
    "find us on twitch {}",
    "my psn {}",
    "my discord {}",
    "ign {}",
    "gamertag: {}",
    "my insta is {}",
]
handles = st.from_regex(r"[a-z]{3,8}[_.]?[a-z]{0,6}[0-9]{0,3}", fullmatch=True).filter(
    lambda h: any(c in h for c in "_.0123456789")
)


@pytest.mark.parametrize("template", HANDED_OUT)
@settings(max_examples=5, deadline=None)
@given(handle=handles)
def test_an_account_handed_out_never_leaves(template: str, handle: str) -> None:
    assert handle not in payload_with(template.format(handle))


@pytest.mark.parametrize(
    "text",
    [
        "my xbox broke",
        "join my discord server later",
        "add me on discord later",
        "My Epic Loot",
        "the ign review",
    ],
)
def test_a_platform_named_before_a_plain_word_is_not_a_login(text: str) -> None:
    assert detectors.scrub(text, {}) == text


CODE_NAMES = [
    "cvv {}",
    "CVC2: {}",
    "card csc {}",
    "backup codes {} {}",
    "recovery codes are {}, {}",
    "pin codes: {} {}",
]


@pytest.mark.parametrize("template", CODE_NAMES)
@settings(max_examples=5, deadline=None)
@given(codes=st.lists(st.integers(100, 99_999_999).map(str), min_size=2, max_size=2))
def test_every_code_named_as_a_card_or_account_code_never_leaves(template: str, codes: list[str]) -> None:
    text = template.format(*codes)
    strings = [s for s in every_string(json.loads(payload_with(text))) if text.split()[0].lower() in s]
    assert strings and not [s for s in strings for code in codes[: template.count("{}")] if code in s]


PHRASE_NAMES = [
    "my password is {}",
    "pw = {}",
    "the password's {}",
    "pass phrase: {}",
    "the pw for the guild bank is {}",
    "Passwort ist {}",
    "seed phrase: {}",
    "security answer: {}",
    "mother's maiden name is {}",
    "my first pet's name was {}",
]
phrases = st.lists(
    st.sampled_from(["purple", "monkey", "lantern", "gravel", "otter", "velvet"]), min_size=2, max_size=6
)


@pytest.mark.parametrize("template", PHRASE_NAMES)
@settings(max_examples=5, deadline=None)
@given(words=phrases)
def test_a_passphrase_or_a_security_answer_never_leaves_word_by_word(template: str, words: list[str]) -> None:
    """Said with "is", ":" or "=", a password may be words ("purple monkey dishwasher"), a recovery phrase
    twelve of them; a security question's answer opens the account as well. None of the words may leave."""
    payload = payload_with(template.format(" ".join(words)) + ". Theed")
    assert not [word for word in words if word in payload]
    assert "theed" in payload


@pytest.mark.parametrize(
    "template",
    ["steam guard code {}", "2fa code is {}", "verification code: {}", "auth code {}", "OTP code {}"],
)
@settings(max_examples=5, deadline=None)
@given(code=st.from_regex(r"[A-Z]{1,3}[0-9][A-Z0-9]{2,5}", fullmatch=True))
def test_a_one_time_code_with_letters_never_leaves(template: str, code: str) -> None:
    assert code.lower() not in payload_with(template.format(code))


@pytest.mark.parametrize(
    "text",
    [
        "password reset needed",
        "Recovery Code Fragment",
        "recover the backup code",
        "security code door",
        "Theed",
    ],
)
def test_words_near_a_password_or_code_name_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


LOGINS_NAMED = [
    "Server=db01;Database=swg;User Id={};Password=Sp1nach7;",
    "Uid={};Pwd=Sp1nach7",
    "user id: {}",
    "login {}",
    "username {}",
    "my email is {} at yahoo",
    "e-mail: {}",
    "email address is {}(at)proton",
]


@pytest.mark.parametrize("template", LOGINS_NAMED)
@settings(max_examples=5, deadline=None)
@given(handle=handles)
def test_a_login_or_mailbox_named_by_its_key_never_leaves(template: str, handle: str) -> None:
    """A connection string's "User Id=", a bare "login x", an e-mail named but written without its domain."""
    assert handle not in payload_with(template.format(handle))


@pytest.mark.parametrize("text", ["my email is down", "Login 3 failed", "login screen", "user 42 joined"])
def test_a_login_or_email_word_before_a_plain_word_or_number_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


PHONE_NAMED = [
    "call me on {}",
    "text me {} tomorrow",
    "whatsapp me {}",
    "phone is {}",
    "my number is {}",
    "ring me at {}",
    "Handy {}",
    "teléfono: {}",
]
# Nine digits in groups of three, or seven run together: too short or too plain for a number on its own.
local_numbers = st.one_of(
    st.from_regex(r"[6-9][0-9]{2} [0-9]{3} [0-9]{3}", fullmatch=True),
    st.from_regex(r"[2-9][0-9]{6}", fullmatch=True),
)


@pytest.mark.parametrize("template", PHONE_NAMED)
@settings(max_examples=5, deadline=None)
@given(number=local_numbers)
def test_a_number_after_a_phones_name_or_a_call_asked_for_never_leaves(template: str, number: str) -> None:
    assert number not in payload_with(template.format(number))


@pytest.mark.parametrize(
    "text",
    ["call at 3520 -4800 waypoint", "reach 3520 -4800", "call 3 times", "Ring of Power 1200000 credits"],
)
def test_a_game_position_or_count_after_a_call_word_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


_MONTHS = ["January", "March", "May", "July", "September", "December"]
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
PROSE_DATES = [
    "born on the {d}{o} of {m} {y}",
    "birthday {d}{o} of {m}, {y}",
    "I was born in {y}",
    "birth year {y}",
    "born {m} the {d}{o}, {y}",
]


@pytest.mark.parametrize("template", PROSE_DATES)
@settings(max_examples=5, deadline=None)
@given(day=st.integers(1, 28), month=st.sampled_from(_MONTHS), year=st.integers(1950, 2012))
def test_a_birth_date_or_year_in_prose_never_leaves(template: str, day: int, month: str, year: int) -> None:
    text = template.format(d=day, o=_ORDINAL.get(day, "th"), m=month, y=year)
    assert str(year) not in payload_with(text + ". Theed")


@pytest.mark.parametrize("text", ["Reborn in 1990", "born to be wild", "Born in the Jundland Wastes 2000 XP"])
def test_a_year_without_a_birth_named_before_it_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


ADDRESS_SHAPES = [
    "Calle {name} {number}, {code} Madrid",
    "Via {name} {number}, {code} Roma",
    "{number} rue des {name}, {code} Lyon",
    "ul. {name} {number}, 00-950 Warszawa",
    "Rua da {name} {number}",
    "{name}weg {number}, {code} Berlin",
    "{name}allee {number}",
]


@pytest.mark.parametrize("template", ADDRESS_SHAPES)
@settings(max_examples=5, deadline=None)
@given(
    name=st.from_regex(r"[A-Z][a-z]{4,9}", fullmatch=True),
    number=st.integers(1, 999),
    code=st.from_regex(r"[1-9][0-9]{4}", fullmatch=True),
)
def test_an_address_written_street_word_first_or_with_a_postcode_and_town_never_leaves(
    template: str, name: str, number: int, code: str
) -> None:
    payload = payload_with(template.format(name=name, number=number, code=code))
    assert name.lower() not in payload
    assert code not in payload


@pytest.mark.parametrize(
    "text", ["travel via Theed", "via the shuttle 3", "rue the day", "level 12, 2500 XP"]
)
def test_game_text_near_a_street_word_or_a_comma_and_number_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


LOOSE_EMAILS = [
    "{} @ gmail . com",
    "{} @ web . de",
    "{} at protonmail",
    "{} @ yahoo",
    "{}@hotmail",
    "{} (at) gmx",
]
mailboxes = st.from_regex(r"[a-z]{3,8}[._]?[a-z]{0,5}[0-9]{0,3}", fullmatch=True)


@pytest.mark.parametrize("template", LOOSE_EMAILS)
@settings(max_examples=5, deadline=None)
@given(mailbox=mailboxes)
def test_an_email_spaced_or_without_its_domain_never_leaves(template: str, mailbox: str) -> None:
    """Spaces around "@" and "." on both sides, or a free mail service named without its top-level domain:
    the local part is a mailbox as well as in "gwen@gmail.com"."""
    assert not holds_word(payload_with(template.format(mailbox)), mailbox)


@pytest.mark.parametrize(
    "text", ["meet @ Theed. It was fun", "look at the outlook", "meet at theed. com", "Kill 3 @ Mos Eisley"]
)
def test_a_sentence_with_at_and_a_full_stop_is_no_email(text: str) -> None:
    assert detectors.scrub(text, {}) == text


ID_NAMES = [
    "my social is {}",
    "steuernummer {}",
    "tax number: {}",
    "nif {}",
    "codice fiscale {}",
    "dni: {}",
    "pesel {}",
    "passport no {}",
    "driving licence is {}",
]
id_values = st.one_of(
    st.from_regex(r"[1-8][0-9]{2} [0-9]{2} [0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{2}/[0-9]{3}/[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{8}-?[a-z]", fullmatch=True),
    st.from_regex(r"[a-z]{6}[0-9]{2}[a-z][0-9]{2}[a-z][0-9]{3}[a-z]", fullmatch=True),
)


@pytest.mark.parametrize("template", ID_NAMES)
@settings(max_examples=5, deadline=None)
@given(value=id_values)
def test_a_national_or_tax_id_after_its_name_never_leaves(template: str, value: str) -> None:
    """Any case, digits grouped by spaces or slashes, or letters and digits in one run: the name says what
    the number is, in the languages players write."""
    payload = payload_with(template.format(value))
    assert not [
        group for group in re.split(r"[ /-]", value) if len(group) > 3 and holds_word(payload, group.lower())
    ]


@pytest.mark.parametrize("text", ["tin can 1234567", "social 12 friends", "tax 5% on 1200000 credits"])
def test_a_word_naming_an_id_before_a_count_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


BANK_NAMES = ["iban: {}", "my iban is {}", "kontonummer {}", "account number {}", "routing no. {}", "rib {}"]
accounts = st.one_of(
    st.from_regex(r"[a-z]{2}[0-9]{2}[a-z]{4}[0-9]{14}", fullmatch=True),
    st.from_regex(r"[a-z]{2}[0-9]{2} [a-z]{4} [0-9]{4} [0-9]{4} [0-9]{4} [0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{6,12}", fullmatch=True),
)


@pytest.mark.parametrize("template", BANK_NAMES)
@settings(max_examples=5, deadline=None)
@given(account=accounts)
def test_a_bank_account_after_its_name_never_leaves(template: str, account: str) -> None:
    """An IBAN in lower case fails no checksum a capital one would pass; after its name the number is the
    account whatever its shape."""
    payload = payload_with(template.format(account))
    assert not [group for group in account.split() if len(group) > 3 and holds_word(payload, group)]


@pytest.mark.parametrize("text", ["account number 3 is locked", "Swift Strike 1234567", "a rib roast 2"])
def test_a_word_naming_an_account_before_a_count_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


AGE_DAYS = ["I turn {a} on {m} {d}{o}", "I'll be {a} on the {d}{o} of {m}", "turned {a} on {d} {m} {y}"]


@pytest.mark.parametrize("template", AGE_DAYS)
@settings(max_examples=5, deadline=None)
@given(
    age=st.integers(13, 90),
    day=st.integers(1, 28),
    month=st.sampled_from(_MONTHS),
    year=st.integers(1950, 2012),
)
def test_an_age_and_the_day_it_is_reached_never_leave(
    template: str, age: int, day: int, month: str, year: int
) -> None:
    """The day one turns an age is a birthday, and the age gives its year."""
    text = template.format(a=age, d=day, o=_ORDINAL.get(day, "th"), m=month, y=year)
    assert f"{month} {day}".lower() not in payload_with(text + ". Theed")
    assert f"{day}{_ORDINAL.get(day, 'th')} of {month}".lower() not in payload_with(text + ". Theed")
    assert f" {age} on" not in payload_with(text + ". Theed")


@pytest.mark.parametrize("text", ["turn 3 on the lever", "be 5 in the cantina", "be back in 2020"])
def test_a_number_after_turn_or_be_without_a_date_stays(text: str) -> None:
    assert detectors.scrub(text, {}) == text


handles = st.from_regex(r"[a-z]{4,8}[0-9]{1,3}", fullmatch=True)
WIFI = ["wifi: {}", "ssid {}", "the wifi is {}", "wifi name: {} house", "wlan key {}", "Wi-Fi key is {}"]


@pytest.mark.parametrize("template", WIFI)
@settings(max_examples=5, deadline=None)
@given(value=handles)
def test_a_wifi_network_name_or_key_never_leaves(template: str, value: str) -> None:
    """A network's name places a home on a map of networks (and often names its owner); its key opens it."""
    assert value not in payload_with(template.format(value))


PLATES = ["plate: {}", "my reg is {}", "license plate {}", "number plate is {}", "kennzeichen: {}"]
plates = st.one_of(
    st.from_regex(r"[A-Z]{2}-[0-9]{4}-[A-Z]", fullmatch=True),
    st.from_regex(r"[A-Z]{2}[0-9]{2} [A-Z]{3}", fullmatch=True),
    st.from_regex(r"[a-z]{3} [0-9]{4}", fullmatch=True),
)


@pytest.mark.parametrize("template", PLATES)
@settings(max_examples=5, deadline=None)
@given(value=plates)
def test_a_vehicle_plate_after_its_name_never_leaves(template: str, value: str) -> None:
    """A plate is on record with its owner's name and address, in any case and grouping."""
    payload = payload_with(template.format(value))
    assert not [
        group for group in re.split(r"[ -]", value.lower()) if len(group) > 2 and holds_word(payload, group)
    ]


HANDLES = [
    "catch me on youtube {}",
    "my youtube is {}",
    "yt: {}",
    "my ig is {}",
    "fb: {}",
    "my bluesky is {}",
    "mastodon: {}",
    "reddit u/{}",
    "@{}@mastodon.social",
    "my discord handle is {}",
    "my youtube channel is {}",
    "handle: {}",
]


@pytest.mark.parametrize("template", HANDLES)
@settings(max_examples=5, deadline=None)
@given(value=handles)
def test_a_handle_on_any_platform_never_leaves(template: str, value: str) -> None:
    assert value not in payload_with(template.format(value))


@pytest.mark.parametrize(
    "text",
    [
        "plate: gold",
        "Composite Plate Armor 3",
        "registration 3 done",
        "registration number 5 of 10",
        "my wifi is down again",
        "wifi is acting up",
        "that was a big fight",
        "i'm back from hunting",
        "5000 Credits from Giant Spider",
        "level 35 now",
        "35 years ago in the Clone Wars",
        "turning 21 in mayhem",
        "hp 50/m",
        "quest based in Theed",
        "the mob is based in caves",
        "can't handle it",
    ],
)
def test_game_and_chat_words_near_these_names_stay(text: str) -> None:
    assert detectors.scrub(text, {}) == text


AGES = [
    "im {} years old",
    "a {}-year-old",
    "{} y/o",
    "age: {}",
    "my age is {}",
    "turning {} in may",
    "turning {} next month",
    "asl {}/f/uk",
    "{}/m/uk",
]


@pytest.mark.parametrize("template", AGES)
@settings(max_examples=5, deadline=None)
@given(age=st.integers(13, 99))
def test_a_stated_age_never_leaves(template: str, age: int) -> None:
    """An age said as one ("years old", "age:") is a birth year give or take one; a bare "35" is a level."""
    assert not re.search(rf"(?<!\d){age}(?!\d)", detectors.scrub(template.format(age), {}))


RESIDENCES = [
    "I am {a} and live in {p}",
    "i'm {a} from {p}",
    "I'm {a}, live near {p}",
    "i live in {p} with my cat",
    "we're from {p}",
    "i'm based in {p}",
    "born and raised in {p}",
    "my hometown is {p}",
]


@pytest.mark.parametrize("template", RESIDENCES)
@settings(max_examples=5, deadline=None)
@given(age=st.integers(13, 99), place=st.from_regex(r"[a-z]{5,9}", fullmatch=True))
def test_where_one_lives_and_an_age_said_with_it_never_leave(template: str, age: int, place: str) -> None:
    """A town of residence is coarse alone, but with an age it narrows a person down: both go."""
    out = detectors.scrub(template.format(a=age, p=place), {})
    assert place not in out and str(age) not in out
