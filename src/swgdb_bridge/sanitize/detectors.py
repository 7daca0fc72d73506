"""Secret and PII detectors: find them in a string, replace them by category markers ("[email]", "[token]").

Two layers, both written here (token formats are public facts; no library is imported at run time):

* named detectors for formats we know (service tokens, e-mail, IP and MAC addresses, cards, IBANs, phone
  numbers, user names in paths, UNC paths, Discord and Steam ids and handles, street addresses, "irl I'm …");
* generic ones that need no list of services: every URL, ``key=value`` / ``header: value`` / cookie forms
  whose key sounds secret, and high-entropy tokens (thresholds in :func:`_looks_random`).

Each detector has cheap necessary conditions (``needles``, ``trigger``). Strings that meet none skip every
detector (the fast path for millions of action lines). :func:`find_secrets`, the fail-closed re-scan,
ignores those conditions, so one that is too narrow shows up as a refused upload, never as a leak. Both
skip a detector whose patterns all need a literal the text lacks (``literals.LiteralGate``): read off the
patterns themselves, that condition cannot be too narrow.
Text is normalized (``gazetteer.normalize_text``: NFKC, zero-width characters removed, apostrophe and dash
variants folded) before any matching, so "ｓｋ＿ｌｉｖｅ" or a zero-width space inside a token hides nothing.

Patterns are written (or anchored) so that no input makes them backtrack quadratically.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache

from swgdb_bridge.sanitize.gazetteer import load_gazetteer, match_key, normalize_text
from swgdb_bridge.sanitize.lexicon import CHAT_WORDS, ORDINARY_WORDS, english_words
from swgdb_bridge.sanitize.literals import LiteralGate
from swgdb_bridge.sanitize.regex import trie_pattern

Validator = Callable[[re.Match[str]], bool]
Group = int | tuple[str, ...]
Patterns = tuple[tuple[re.Pattern[str], Group], ...]
_VALUE = ("quoted", "value")  # the secret part of a key=value match

# Service tokens recognised by their own shape (the formats the services publish).
_TOKEN_FORMATS = (
    r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",  # AWS access key id
    r"AccountKey=[A-Za-z0-9+/=]{60,}",  # Azure storage
    r"(?<![\w-])[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}",  # Discord bot token
    r"(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{30,}",  # GitHub
    r"github_pat_[A-Za-z0-9_]{22,}",
    r"(?<![A-Za-z0-9])gl(?:pat|dt|ptt|rt|cbt|soat|ft|imt|oas)-[A-Za-z0-9_-]{20,}",  # GitLab
    r"(?<![A-Za-z0-9])[0-9a-f]{32}-us[0-9]{1,2}(?![0-9])",  # Mailchimp
    r"(?<![A-Za-z0-9])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",  # OpenAI
    r"pypi-AgE[A-Za-z0-9_-]{50,}",  # PyPI
    r"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}",  # SendGrid
    r"(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}",  # Slack
    r"(?<![A-Za-z0-9])sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}",  # Square
    r"(?<![A-Za-z0-9])[rsp]k_(?:live|test)_[0-9A-Za-z]{10,}",  # Stripe
    r"(?<![0-9])[0-9]{8,10}:AA[A-Za-z0-9_-]{32,}",  # Telegram bot
    r"(?<![A-Za-z0-9])(?:AC|SK)[0-9a-f]{32}(?![A-Za-z0-9])",  # Twilio
    r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}",  # Google API key
    r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}",  # Hugging Face
    r"(?i:oauth):[a-z0-9]{20,}",  # Twitch chat token
    r"(?<![A-Za-z0-9])(?:ya29|1//)[A-Za-z0-9_.-]{20,}",  # Google OAuth
    r"(?<![A-Za-z0-9])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",  # Shopify
    r"(?<![A-Za-z0-9])do[opr]_v1_[a-f0-9]{64}",  # DigitalOcean
    r"(?<![A-Za-z0-9])swgdb_(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{20,}",  # this project's own API keys
)
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.]")
# A token's start holds no "=" or "/": those belong to "t=" or "url/" before it.
_TOKEN_HEAD = re.compile(r"[A-Za-z0-9_\-]")
_SEP = r"(?:\\+|/|%5[cC]|%2[fF])"
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_COMMON_TLDS = "com|net|org|io|gg|tv|me|co|uk|de|fr|ly|app|dev|link|info|xyz"
# No letter or digit right before or after: "_" joins words in labels ("lan_192.168.1.10", "ssn_123-45-6789")
# as a space does, so it is a boundary for the address and number detectors, as it is for names.
_NO_ALNUM_BEFORE = r"(?<![^\W_])(?<!Player-)"
# A pseudonym's 12 hex digits are this tool's own output, and all digits now and then: after "Player-" no
# number starts, so "Player-556500513578-00" (a name "HTBB-00" replaced) is no phone number.
_NO_ALNUM_AFTER = r"(?![^\W_])"
# A "-" after a letter joins a label too ("mac-00:1a:…", "ssn-123-45-6789"); after a digit it continues a number.
_NO_NUMBER_BEFORE = rf"{_NO_ALNUM_BEFORE}(?<![\d:.]-)"
_NOT_AFTER_SEP = r"(?<![\\/])(?<!%5[cC])(?<!%2[fF])"  # start at a run of separators, never inside one


_FEW_NEEDLES = 8  # up to this many, testing each needle with ``in`` is cheaper than one regex search


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of secret: how to find it, what replaces it, and when it cannot be there.

    A string can hold it only if it contains one of ``needles`` (lowercase substrings) or ``trigger``
    matches: necessary conditions, cheap enough to test on every string.
    """

    category: str  # the report's count key
    marker: str
    patterns: Patterns  # (pattern, group whose span is replaced: a number, or names tried in order)
    needles: tuple[str, ...] = ()
    trigger: re.Pattern[str] | None = None
    validate: Validator | None = None
    widen: bool = False  # grow a token match to the whole run of token characters, so no tail is left
    # every match contains a needle or the trigger's match: even the full re-scan may skip on neither
    literal_needles: bool = False
    # Where a word list, not the pattern, says how far a value goes ("my name is john smith and i…"): the
    # span a match stands for, or None when it is no secret. Takes the place of ``patterns``' groups.
    extent: Callable[[re.Match[str]], tuple[int, int] | None] | None = None
    gate: LiteralGate = field(init=False, repr=False, compare=False)  # the literals the patterns require
    # ``needles`` as one search: a hundred ``in`` tests cost more than one pass of a trie of them.
    _any_needle: re.Pattern[str] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gate", LiteralGate(pattern for pattern, _ in self.patterns))
        if len(self.needles) > _FEW_NEEDLES:
            object.__setattr__(self, "_any_needle", re.compile(trie_pattern(self.needles, space=" ")))

    def worth_scanning(self, text: str, lowered: str) -> bool:
        """For the full re-scan: False only where a match is impossible, not merely unlikely."""
        if self.literal_needles and not self._hinted(text, lowered):
            return False
        return self._gated_in(text, lowered)

    def may_match(self, text: str, lowered: str) -> bool:
        """For scrubbing: the hand-written hints first (cheap, and usually no), then the patterns' literals."""
        return self._hinted(text, lowered) and self._gated_in(text, lowered)

    def _gated_in(self, text: str, lowered: str) -> bool:
        """Short text is scanned at once (and remembered): reading the patterns' literals costs a process
        ~30 ms, repaid only on long text, which is rarely repeated and where every pattern's scan is dear."""
        return len(text) <= MEMO_LENGTH or self.gate.may_match(text, lowered)

    def _hinted(self, text: str, lowered: str) -> bool:
        if self._any_needle is not None:
            if self._any_needle.search(lowered) is not None:
                return True
        else:
            for needle in self.needles:
                if needle in lowered:
                    return True
        return self.trigger is not None and self.trigger.search(text) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping spans to replace, in order."""
        return _merge(list(self._matches(text)))

    def found_in(self, text: str) -> bool:
        """Whether :meth:`spans` would find anything: the same search, stopped at its first span."""
        return next(self._matches(text), None) is not None

    def _matches(self, text: str) -> Iterator[tuple[int, int]]:
        for pattern, group in self.patterns:
            covered = -1  # end of the last widened span: matches inside it are already replaced
            for match in pattern.finditer(text):
                found = _span(match, group) if self.extent is None else self.extent(match)
                if found is None:
                    continue
                start, end = found
                if start < covered or (self.validate is not None and not self.validate(match)):
                    continue
                if self.widen:
                    start, end = covered_span = _widen(text, start, end)
                    covered = covered_span[1]
                if end > start:
                    yield start, end


def _span(match: re.Match[str], group: Group) -> tuple[int, int]:
    if isinstance(group, int):
        return match.span(group)
    found = match.groupdict()
    for name in group:
        if found.get(name) is not None:
            return match.span(name)
    return match.span()


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and _TOKEN_HEAD.match(text, start - 1):
        start -= 1
    while end < len(text) and _TOKEN_CHARS.match(text, end):
        end += 1
    while end > start and text[end - 1] == ".":  # the end of a sentence, not part of the token
        end -= 1
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# ---- validators -------------------------------------------------------------------------------------


def _jwt_ok(match: re.Match[str]) -> bool:
    """A JWT's header is base64url-encoded JSON: "eyJ" followed by anything is not enough."""
    header = match.group(0).split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.lstrip().startswith(b"{")


def _luhn_ok(match: re.Match[str]) -> bool:
    digits = [int(c) for c in match.group(0) if c.isdigit()]
    if not 13 <= len(digits) <= 19 or digits[0] not in (2, 3, 4, 5, 6):
        return False  # card networks start 2-6; epoch-millisecond timestamps start with 1
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _iban_ok(match: re.Match[str]) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers; mod 97 must be 1."""
    text = match.group(0).replace(" ", "").upper()
    if not 15 <= len(text) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in text[4:] + text[:4])
    return int(digits) % 97 == 1


_LONG_RUN = re.compile(r"\S{20}")  # every token format is 20+ characters without a space, or has a needle
_DIGIT_RUN = re.compile(r"\d[\d .()+\-]{6,}\d")  # phones and cards: 8+ characters of digits and separators
_PHONE_RUN = re.compile(r"\d[\d .()+/\-]{6,}\d")  # _DIGIT_RUN, and "030/1234567"
_LOCAL_PHONE = re.compile(r"\d{3}[-.]\d{4}")
_DATE_LIKE = re.compile(r"(?:19|20)\d\d[-./ ]\d\d?[-./ ]\d\d?")


def _phone_ok(match: re.Match[str]) -> bool:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if digits > 15 or _DATE_LIKE.match(text):
        return False
    if text.startswith("+"):
        return digits >= 8  # "+1 555-0142": a country code makes even a short number a phone number
    if _LOCAL_PHONE.fullmatch(text):
        return True  # "555-0142"
    if text.isdigit():
        return text[0] == "0" and 10 <= digits <= 11  # "07700900123": a national number, trunk prefix first
    return digits >= 10 and ("(" in text or any(c in text for c in " .-/"))


# A game position: two or three numbers of up to four digits, one negative ("call at 3520 -4800").
_GAME_POSITION = re.compile(r"\d{1,4}(?: -?\d{1,4}){1,2}")


def _named_phone_ok(match: re.Match[str]) -> bool:
    """Seven digits or more, and not a game position written after "call at" or "reach"."""
    value = match.group(1)
    if " -" in value and _GAME_POSITION.fullmatch(value):
        return False
    return sum(c.isdigit() for c in value) >= 7


def _ssn_ok(match: re.Match[str]) -> bool:
    """A US social security number as issued: no area 000, 666 or 900-999, no group 00, no serial 0000."""
    area, group, serial = match.group("area", "group", "serial")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _named_id_ok(match: re.Match[str]) -> bool:
    """An id number has 7+ digits, or 6 after a letter prefix (a UK NI number): "sin 100 000" is Spanish."""
    value = match.group(1)
    digits = sum(c.isdigit() for c in value)
    return digits >= 7 or (value[0].isalpha() and digits >= 6)


def _member_number_ok(match: re.Match[str]) -> bool:
    """A student's, employee's or policy number has five digits or more: "member number 5 of 10" is a count."""
    return sum(c.isdigit() for c in match.group(1)) >= 5


def _plate_ok(match: re.Match[str]) -> bool:
    """A registration plate has 4 to 10 letters and digits, a digit among them ("plate: gold" is a word),
    a group of three or more ("number 5 of 10" is a count), and of several groups none a word of four
    letters or more ("registration 3 done" is no plate)."""
    value = match.group(1)
    groups = re.split(r"[ -]", value)
    characters = sum(map(len, groups))
    words = len(groups) > 1 and any(g.isalpha() and len(g) > 3 for g in groups)
    shaped = max(map(len, groups)) >= 3 and any(c.isdigit() for c in value)
    return 4 <= characters <= 10 and shaped and not words


def _account_ok(match: re.Match[str]) -> bool:
    """A bank code (BIC) by its shape; an account number has 6+ digits ("sort code 12-34-56" has six), so
    "account number 3 is locked" is no account."""
    account = match.groupdict().get("account")
    return account is None or sum(c.isdigit() for c in account) >= 6


def _ipv6_ok(match: re.Match[str]) -> bool:
    candidate = match.group("addr")
    if not any(c not in ":" for c in candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


# High-entropy tokens. A run of 20+ token characters (letters, digits, "+", "_", "-"; "/" ends a run, so
# paths are never one token) is a secret when it has the mix a random token has and words and ids lack:
#   * upper case, lower case and digits (at least 2), and 3.5+ bits of Shannon entropy per character; or
#   * 32+ hex digits with letters and digits both present (a key or a raw digest); or
#   * 24+ lower-case letters and digits with no separator, at least 4 of each, entropy 3.5+.
# Runs whose pieces between "_", "-", "+" or "=" are each all letters or all digits are structured names
# ("combat_marksman_novice", "session_20261001_200100") and never flagged; so are pseudonyms.
_RANDOM_RUN = re.compile(r"(?<![A-Za-z0-9+_=-])[A-Za-z0-9+_-]{20,}={0,2}(?![A-Za-z0-9+_=-])")
_PIECES = re.compile(r"[_\-+.=]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_PSEUDONYM_LIKE = re.compile(r"Player-[0-9a-f]{12}")
MIN_RANDOM_LENGTH = 20
MIN_HEX_LENGTH = 32
MIN_ENTROPY_BITS = 3.5


def entropy_bits(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def _looks_random(match: re.Match[str]) -> bool:
    # A pseudonym is this tool's own keyed output, never a secret: "Player-…_Player-…" (a name written with
    # an underscore, each part replaced) is judged by what is left around the pseudonyms, as a plain word.
    token = _PSEUDONYM_LIKE.sub("Player", match.group(0).rstrip("="))
    if len(token) < MIN_RANDOM_LENGTH or all(p.isalpha() or p.isdigit() for p in _PIECES.split(token) if p):
        return False
    digits = sum(c.isdigit() for c in token)
    upper = sum(c.isupper() for c in token)
    lower = sum(c.islower() for c in token)
    if len(token) >= MIN_HEX_LENGTH and _HEX.fullmatch(token) and digits and (upper or lower):
        return True
    if digits < 2 or entropy_bits(token) < MIN_ENTROPY_BITS:
        return False
    if upper and lower:
        return True
    return len(token) >= 24 and digits >= 4 and lower >= 4 and _PIECES.search(token) is None


# Keys that say their value is a secret. Strong ones hide the rest of the line; the others hide one value,
# and only a value that could be a secret (digits, mixed case, or 12+ characters).
_STRONG_KEYS = (
    r"pass(?:word|wd|phrase|code)?|pwd|secret|contrase(?:n|ñ)a|api[ _-]?key|apikey|private[ _-]?key"
    r"|client[ _-]?secret|(?:access|auth|refresh|bearer|session|id)[ _-]?token|token"
)
_WEAK_KEYS = (
    r"x-[a-z0-9-]{1,60}|auth\w{0,40}|session(?:[ _-]?id)?|sess(?:ion)?id|sid|ssid|cookie|set-cookie|credentials?"
    r"|creds|signature|sig|hmac|csrf\w{0,40}|xsrf\w{0,40}|otp|2fa|mfa|nonce|key|access[ _-]?key|secret[ _-]?key"
    r"|licen[cs]e(?:[ _-]?key)?|serial(?:[ _-]?(?:key|number))?|product[ _-]?key|cd[ _-]?key|activation(?:[ _-]?key)?"
)
_ASSIGN = r"""["'`\]]{0,2}[ \t]*(?:=>|:=|=|:)[ \t]*"""
_QUOTED = r"""(?P<q>["'`])(?P<quoted>(?:(?!(?P=q))[^\n]){1,200})(?P=q)"""


def _secret_value_ok(match: re.Match[str]) -> bool:
    found = match.groupdict()
    value = found.get("value") or found.get("quoted") or ""
    if value.startswith("[") or _PSEUDONYM_LIKE.fullmatch(value):
        return False  # a marker or a pseudonym: already clean
    return any(c.isdigit() for c in value) or len(value) >= 12 or (value.lower() != value != value.upper())


# ---- the detectors -----------------------------------------------------------------------------------


def _compile(*patterns: str, flags: int = 0, group: Group = 0) -> Patterns:
    return tuple((re.compile(p, flags), group) for p in patterns)


_STREET = (
    r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|close"
    r"|crescent|parkway|pkwy|highway|hwy|circle|cir|square|sq|trail|row|alley|grove|gardens"
)
# Street words written before the street's name (Spanish, Catalan, Portuguese, Italian, French, Polish), and
# the particles between it and the name ("Rua da Prata", "rue des Lilas").
_STREET_FIRST = (
    r"calle|carrer|avenida|avda|rua|travessa|via|viale|piazza|corso|rue|chemin|allée|impasse|quai|ulica|ul"
    r"|aleja|plac"
)
_PARTICLES = r"de|del|de la|des|du|di|della|da|do|dos|das|la|le|les|el"
# Street words written joined to the street's name (German, Dutch, Swedish, Danish): "Musterweg 17".
_STREET_SUFFIXES = "strasse|straße|gasse|platz|straat|gatan|weg|allee|damm|laan|gracht|vej"
# " street", " st" …: a street word after a space, as needles (cheaper than a regex on every line).
_STREET_NEEDLES = tuple(f" {word}" for word in _STREET.split("|"))
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND"
    "|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
# A password's name in the languages players write, with and without accents. Players write the name in
# their own language, and a game field lets lower-case words through ("пароль: медведь42" would pass whole),
# so the name is what tells a value is a password: a language missing here is a leak, not a miss.
_PASSWORD_NAMES = (
    "password", "passwd", "passphrase", "pass phrase", "pwd", "pw", "passwort", "kennwort", "mot de passe",
    "contraseña", "contrasena", "clave", "senha", "palavra-passe", "wachtwoord", "wagwoord", "hasło", "haslo",
    "lösenord", "losenord", "passord", "adgangskode", "salasana", "salasõna", "heslo", "parola", "parola d'ordine",
    "parolă", "jelszó", "jelszo", "şifre", "sifre", "şifrem", "sifrem", "lozinka", "geslo", "slaptažodis", "slaptazodis",
    "parole", "mật khẩu", "mat khau", "kata sandi", "пароль", "лозинка", "κωδικός", "κωδικος", "סיסמה",
    "كلمة المرور", "كلمة السر", "पासवर्ड", "รหัสผ่าน", "密码", "密碼", "口令", "パスワード", "暗証番号",
    "비밀번호", "암호",
    # a Wi-Fi network's key opens it as a password does
    "wifi key", "wi-fi key", "wlan key", "wlan-schlüssel", "wlan schlüssel", "wlan-schluessel", "network key",
    "wpa key", "wpa2 key", "wep key", "wifi code", "wlan code",
)  # fmt: skip
_PASSWORD_WORDS = trie_pattern(_PASSWORD_NAMES)  # longer first: "parola d'ordine" before "parola"
_IS = r"(?:is|was|ist|lautet|war|est|es|é|è|jest|je|är|er|это)\b"  # "is" in the languages of _PASSWORD_WORDS
# Words that follow a password's name without being it: "the pw for the bank", "password reset".
_NOT_A_VALUE = (
    r"for|to|of|on|in|at|the|my|your|his|her|their|our|a|an|and|or|is|was|reset|change|changed|protected"
    r"|needed|required|needs|chiave"
)
# A value said after "is", ":" or "=": its first word, and the words after it to the end of the clause, as a
# passphrase ("purple monkey dishwasher") or a recovery phrase (12 or 24 words) is written.
_PHRASE = rf"[\"'`]?((?!\[)(?!(?:{_NOT_A_VALUE})\b)[^\s\"'`,;]*[^\s\"'`,;.!?](?:[ \t]+(?!\[)[^\s\"'`,;.!?]+){{0,23}})"
# A wallet's recovery words (BIP-39: 12 to 24 words of 3-8 letters, numbered or not) after their name: anyone
# who reads them owns the wallet. "seed" and "backup" alone are words of games too: the words must follow.
_SEED_NAMES = (
    r"(?:(?:wallet|secret|backup|recovery|bip-?39)\s+)*(?:seed|mnemonic|recovery|backup)"
    r"(?:\s+(?:phrase|words?|key|sentence))?|(?:12|24)[ -]words?(?:\s+(?:phrase|seed))?"
)
_SEED_WORD = r"(?:\d{1,2}[.):]?\s*)?[a-z]{3,8}"
_SEED_WORDS = rf"((?:{_SEED_WORD}(?:[ \t]*,[ \t]*|[ \t]+)){{11,23}}{_SEED_WORD})(?![\w-])"
# A lock's combination, which opens a locker, a safe or a door as a PIN opens an account: numbers in groups
# ("12-34-56", "24 36 12", "L24 R36 L12") after a combination's name, or a lock's said with "is" or ":".
_LOCKS = (
    r"lock|locker|padlock|safe|vault|gate|door|bike\s+lock|cadenas|candado|lucchetto|schloss|tresor"
    r"|spind|casier|taquilla|armadietto|cassaforte|caja\s+fuerte|coffre(?:-fort)?"
)
_COMBINATIONS = r"combo|combination(?:\s+lock)?|combi|kombination|zahlenschloss|combinaison|combinaci[óo]n|combinazione|code"
_COMBO_GROUPS = (
    r"\d{1,3}(?:\s?[-/.]\s?\d{1,3}){2,5}|\d{1,3}(?:,?\s\d{1,3}){2,5}"
    r"|(?:(?:l|r|left|right)\s?\d{1,3}(?:[\s,-]{1,2}(?=[lr]))?){2,5}"
)
# Names of the answers that recover an account: each is a password by another name.
_SECURITY_ANSWERS = (
    r"security\s+(?:question|answer)|secret\s+(?:question|answer)|(?:mother'?s\s+)?maiden\s+name"
    r"|memorable\s+(?:word|answer)|first\s+pet(?:'s\s+name)?|recovery\s+(?:phrase|answer)|seed\s+phrase"
)
# Written-out e-mail separators, spaces included: a bare "." has none ("at Anchorhead. No luck" is a sentence),
# and a bracketed word none inside (the needles are "(at)", "[at]"...).
# "[@]" and "[.]" too: a defanged address, like "1[.]2[.]3[.]4"; "@" and "." spaced on both sides
# ("gwen @ gmail . com"), as a sentence's full stop never is.
_AT = r"\s+at\s+|\s+@\s+|\s*[(\[{<](?:at|@)[)\]}>]\s*"
_DOT = r"\.|\s+\.\s+|\s+dot\s+|\s*[(\[{<](?:dot|\.)[)\]}>]\s*"
# Free mail services, named without their top-level domain by players who write "gwen at protonmail": the
# service's name says the word before "at" is a mailbox. Words that are also a plain English word or a
# game's (orange, mailbox, proton) are left out.
_MAIL_SERVICES = (
    "gmail|googlemail|yahoo|ymail|hotmail|outlook|protonmail|icloud|aol|gmx|yandex|zoho|tutanota|fastmail"
    "|hushmail|mailfence|posteo|naver|hanmail|wanadoo|libero|seznam|onet|interia|laposte|freenet|btinternet"
    "|comcast|rediffmail|mailru"
)
_TLDS = r"com|net|org|edu|gov|info|biz|io|co|me|us|uk|de|fr|nl|be|ca|au|ru|it|es|se|no|dk|fi|pl|br|jp|ch|at"
# "born 12/03/1990", "dob: 1990-03-12", "birthday is March 12, 1990", "1990年3月12日", "1990년 3월 12일";
# in prose, "born on the 4th of July 1990", "birthday March the 3rd"; or the year alone, "born in 1987".
# A month in the languages players write, by its head: "March", "märz", "marzo", "mai", "juillet", "dez."
_DAY = r"\d{1,2}(?:st|nd|rd|th|er|\.)?"
_MONTH = (
    r"(?:j[aä]n|feb|f[eé]v|m[aä]r|apr|avr|abr|may|mai|mei|mag|jun|jui|giu|jul|lug|aug|ao[uû]|ago|sep|set|oct|okt"
    r"|ott|nov|dec|d[eé]c|dez|dic|ene|gen|maj|sty|lut|kwi|cze|lip|sie|wrz|pa[zź]|lis|gru)[^\W\d_]{0,7}\.?"
)
_MONTH_NAME = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b"
)
# Words that say where one lives, after "I" or "I'm": "I live in leeds", "i'm from leeds", "and live at …".
_RESIDENCE = (
    r"(?:(?:live|living|reside|residing|based|raised|grew\s+up)\s+(?:at|on|in|near|outside|around)|from"
    # a birthplace, a security question's answer too: "i was born in leeds" ("born in 1987" is a birth date's)
    r"|(?:was\s+|were\s+)?born\s+in(?!\s*(?:\[|\d|the\s)))"
)
# Where one works or studies, which places a person as surely as where they live: "I work at Tesco in Leeds",
# "I study at Leeds uni", "ich arbeite bei …", "je travaille chez …", "trabajo en …", "lavoro presso …".
_WORKPLACE = r"(?:work|working|study|studying|teach|teaching|intern|interning|volunteer)\s+(?:at|for|in)"
# The same in other languages, a verb that says "I" by its own ending: "arbeite bei", "trabajo en".
_WORKPLACE_ABROAD = (
    r"arbeite\s+(?:bei|in|an|für)|studiere\s+(?:in|an)|travaille\s+(?:chez|à|a|pour)|[ée]tudie\s+(?:à|a|en)"
    r"|trabajo\s+(?:en|para)|estudio\s+en|lavoro\s+(?:a|da|per|presso|in)|studio\s+(?:a|presso)"
    r"|trabalho\s+(?:na|no|em|para)|estudo\s+(?:na|no|em)"
)
# Occupations said with where they are done: "I'm a student at Oxford", "i'm a nurse at St James".
_OCCUPATIONS = (
    "student", "pupil", "teacher", "lecturer", "professor", "nurse", "doctor", "intern", "engineer", "developer",
    "manager", "cashier", "clerk", "apprentice", "trainee", "barista", "waiter", "waitress", "chef", "cook",
    "driver", "mechanic", "paramedic", "officer", "technician", "assistant", "receptionist", "accountant",
)  # fmt: skip
# What follows "I work at" without naming a place: a time, a manner, oneself.
_NOT_A_WORKPLACE = (
    r"night|nights|weekends?|home|the\s+moment|the\s+weekend|the\s+morning|the\s+evening|morning|evening|it"
    r"|real\s+life|rl|irl|game|the\s+game"
    r"|all|least|most|first|once|times|myself|yourself|free|fun|a\s+living|[\d\[]"
)
_BIRTH_DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    r"|(?:19|20)\d{2}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    rf"|(?:the\s+)?{_DAY}\s+(?:(?:of|de|di)\s+)?{_MONTH}(?:,?\s+(?:de\s+)?(?:19|20)\d{{2}})?"
    rf"|{_MONTH}(?:\s+(?:the\s+)?{_DAY})?,?\s+(?:19|20)\d{{2}}|{_MONTH}\s+(?:the\s+)?{_DAY}"
    r"|(?:19|20)\d{2}"
)
# What names a birth date, in the languages players write: a bare date is a game's or a log's, but "geboren
# am 12.03.1990" is a person's, and a game field lets its words through. "b." only before a date's shape.
_BIRTH_NAMES = (
    "born", "b.", "dob", "d.o.b", "d.o.b.", "bday", "b-day", "birthday", "birth day", "date of birth",
    "birthdate", "birth date", "geboren", "geburtstag", "geburtsdatum", "geb.", "né", "née", "date de naissance",
    "anniversaire", "nacido", "nacida", "fecha de nacimiento", "cumpleaños", "nato", "nata", "data di nascita",
    "compleanno", "nascido", "nascida", "data de nascimento", "aniversário", "urodzony", "urodzona",
    "urodziny", "data urodzenia", "född", "födelsedag", "født", "fødselsdag", "syntynyt", "syntymäpäivä",
    "narozen", "narozena", "rođen", "rođena", "doğum tarihi", "doğum günü", "doğdum", "родился", "родилась",
    "дата рождения", "день рождения", "出生", "生日", "誕生日", "생일", "생년월일", "birth year", "year of birth",
    "geburtsjahr", "jahrgang", "année de naissance", "año de nacimiento", "anno di nascita",
)  # fmt: skip
_BIRTH_WORDS = trie_pattern(_BIRTH_NAMES)
# Words between the name and the date: "born on", "geboren am", "né le", "nacido el", "född den".
_BIRTH_LINKS = r"is|was|on|in|am|le|el|il|em|den|dne|в|は|是|于|於"
# A phone's name in the languages players write, and the words that ask for a call: the digits after them
# are a phone number however they are grouped ("612 345 678" is too short for a number on its own).
_PHONE_NAMES = (
    "tel", "phone", "mobile", "cell", "fax", "whatsapp", "sms", "telefon", "telefono", "teléfono", "telefone",
    "téléphone", "handy", "móvil", "movil", "portable", "cellulare", "tlf", "mob",
)  # fmt: skip
_PHONE_WORDS = "|".join((*_PHONE_NAMES, "call", "text", "ring", "reach", "number", "num"))
# Where players hand out an account: a login there names a person as well as a player name does.
_PLATFORM_NAMES = (
    "steam", "steam id", "steam name", "discord", "discord id", "discord tag", "discord name", "battletag",
    "battle tag", "battle.net", "psn", "xbox", "gamertag", "gamer tag", "epic", "epic id", "twitch", "insta", "instagram",
    "snap", "snapchat", "telegram", "whatsapp", "skype", "kik", "twitter", "reddit", "tiktok", "signal",
    "youtube", "yt", "facebook", "fb", "ig", "bluesky", "bsky", "mastodon", "linkedin", "wechat", "weixin",
    "playstation", "xbox live", "xbl", "battlenet", "blizzard", "epic games", "riot", "nintendo", "ubisoft",
    # where money is sent: the account's name is its owner's as often as a handle is
    "paypal", "venmo", "cashapp", "cash app", "zelle", "revolut",
)  # fmt: skip
_PAYMENT_APPS = "paypal|venmo|cashapp|cash app|zelle|revolut"
_PLATFORMS = trie_pattern(_PLATFORM_NAMES)
# A two-letter name ("ig", "yt") is inside many words ("big", "anything"): its needles are the ways it names
# an account, so lines without one still skip the detector.
_PLATFORM_NEEDLES = tuple(
    needle
    for name in _PLATFORM_NAMES
    for needle in (
        (name,) if len(name) > 2 else (f"{name}:", f"{name} :", f"{name} is", f"my {name}", f"on {name}")
    )
)
_APPLE_DEVICES = r"macbook|imac|mac[ -]mini|mac[ -]pro|mac[ -]studio|iphone|ipad"
_DEVICE_NEEDLES = ("mac", "iphone", "ipad", "desktop-", "laptop-", "win-")
# "User Id=x;" and "Uid=x" name the login of a database connection string.
_LOGIN_NAMES = (
    rf"login|log-in|user(?:[ _-]?(?:name|id))?|uid|account(?:[ _-]?(?:name|id))?|acct|ign|handle"
    rf"|(?:{_PLATFORMS})(?:[ _-]?(?:handle|name|account|channel|username|user|tag|id))?"
)
# A pseudonym ("Player-…") is this tool's own output where a player's name stood: never a login's value,
# or cleaning "微信<name>" would make text its own re-scan refuses.
_NOT_A_PSEUDONYM = r"(?!Player-[0-9a-f]{12}(?![0-9a-f]))"
_LOGIN_VALUE = rf"(?!\[){_NOT_A_PSEUDONYM}((?!(?:a|an|the|my|is)\b)[^\s,;]{{2,40}})"
# Words after a platform's name that say an account follows: "psn id x", "epic games name x", "xbox tag x".
_ACCOUNT_WORD = r"(?:id|tag|name|handle|username|user|account)"
# A two-letter platform name (see _PLATFORM_NEEDLES) said with "=", "was" or a word for an account, as the patterns allow them: "ig = x",
# "yt_name: x", "fbid x"
_SHORT_PLATFORM_SAID = re.compile(
    rf"(?i)(?<![\w-])(?:{'|'.join(n for n in _PLATFORM_NAMES if len(n) <= 2)})"
    rf"(?:[ _-]?[a-z]*\s*(?:[:=]|(?:is|was)\s)|[ _-]?{_ACCOUNT_WORD}\s)"
)
# After "add me on discord" a handle is expected; these words end the sentence instead.
_NOT_A_HANDLE = (
    r"is|was|later|tonight|tomorrow|now|too|then|pls|please|if|when|and|or|to|for|sometime|instead"
)
# After "my discord" or "ign" a plain word is more often the thing than a handle ("my xbox broke", "My Epic
# Loot"): only a word shaped like a handle (a digit, "_", ".", or a tag's "#": "riot id Gwen#EUW") is one
# there; a capitalised name is a player's name to the name rules of every text class.
_HANDLE_SHAPE = r"[^\s,;]*[\d_.#]"
# A Wi-Fi network's name: maps of networks place it at a home, and it often holds the owner's name ("gwen
# house"). Up to four words, to the end of the clause.
_NETWORK_NAME = (
    r"(?!\[)([^\s,;.!?\[]{1,32}(?:[ \t](?!\[)(?!(?:and|but|or|so|if|pass\w*|pw|key)\b)[^\s,;.!?]{1,32}){0,3})"
)
# After "the wifi is" a state is said more often than a name ("my wifi is down"): these words are no name.
_NETWORK_STATES = (
    r"down|up|out|off|on|back|bad|slow|fast|fine|good|great|ok|okay|dead|dying|weak|lagging|laggy|broken"
    r"|working|not|so|too|really|very|acting|being|dropping|unstable|spotty|flaky|terrible|awful|crap|trash"
    r"|garbage|gone|fixed|still|just|kinda|pretty|super|the|a|my|your|cutting|having|going|getting|shit"
)
# A position in degrees and minutes (and seconds), as maps, GPS units and geocaches write it: "51°30'N 0°7'W",
# "51°30'26"N", "N 51° 30.445", "51 30.5N". A degree sign alone ("turn 90°") is an angle: minutes or a
# hemisphere must follow. "º", which NFKC makes an "o", is a degree sign before minutes.
_DEGREES = r"\d{1,3}(?:[.,]\d+)?\s?(?:°|o(?=\s?\d{1,2}(?:[.,]\d+)?\s?'))"
_ARC_MINUTES = r"\d{1,2}(?:[.,]\d+)?\s?'"
_ARC_SECONDS = r"\d{1,2}(?:[.,]\d+)?\s?(?:\"|''|”|″)"
_HEMISPHERE = r"[NSEWnsew](?![^\W_])"
# In every position on Earth without a degree sign: four decimals ("52.520008"), decimal minutes ("51 30.5N",
# "N51 30.500"), decimal degrees with a hemisphere ("51.5074 N") or an "o" for "º" ("51o30'N"). One trigger
# for both position detectors: one search of every string, not two.
_EARTH_POSITION = re.compile(r"\d(?:\.\d{4}|\s\d{1,2}\.\d|\.\d{2,}\s?[NS]|\s?o\s?\d{1,2}(?:[.,]\d+)?\s?')")
# Within ±90 with four or more decimals; not 0.x, which ratios and rates are far more often than the equator.
_LATITUDE = r"-?(?:[1-8]?[1-9]\.\d{4,}|[1-8]0\.\d{4,}|90\.0{4,})"
_LONGITUDE = r"-?(?:(?:1[0-7]\d|[1-9]?\d)(?:\.\d{4,})|180\.0{4,})"  # within ±180
# What names a number that identifies one person, in the languages players write: social security, national,
# tax and personal numbers, passports, identity cards, driving licences. Several are words elsewhere ("sin",
# "social", "nie"), so the value must be an id's: 7+ digits, or 6 after a letter (:func:`_named_id_ok`).
_ID_NAMES = (
    "ssn", "sin", "nin", "tin", "bsn", "nif", "nie", "dni", "cpf", "curp", "pesel", "hetu", "cpr", "social",
    "social security", "national insurance", "national id", "tax id", "tax code", "taxpayer id", "passport",
    "id card", "identity card", "personal id", "personal code", "personnummer", "steuer-id", "steuerid",
    "steuernummer", "steuer-nr", "codice fiscale", "fiscal code", "aadhaar", "driver's license",
    "drivers license", "driver license", "driving licence", "driving license", "driver's licence",
    "drivers licence", "driver licence", "dl", "licence number", "license number", "vin", "medicare", "medicaid",
    "nhs", "versichertennummer", "krankenversicherungsnummer", "carte vitale", "sécurité sociale",
    "securite sociale", "tarjeta sanitaria",
    # in the languages players write: an identity card, a passport, a driving licence
    "personalausweis", "ausweisnummer", "ausweis", "reisepass", "führerschein", "fuhrerschein",
    "carte d'identité", "carte d'identite", "passeport", "permis de conduire", "pasaporte", "passaporto",
    "carta d'identità", "carta d'identita", "patente di guida", "dowód osobisty", "dowod osobisty", "paszport",
)  # fmt: skip
# Words that name such a number only with "number" after them: "tax number", "id no.", "licence #".
_ID_NUMBER = r"[\s-]*(?:number|no\.?|nr\.?|#)"
_ID_WORDS = (
    rf"(?:{trie_pattern(_ID_NAMES)})(?:{_ID_NUMBER})?|(?:id|ni|tax|identity|personal|licen[cs]e){_ID_NUMBER}"
)


# Digits grouped by spaces, dots, dashes or slashes, a letter or two before or one after ("AB 12 34 56 C",
# "12/345/67890", "12345678-Z"; letters apart from the digits only in capitals: in "tin can 1234567" they
# are a word); or one run of letters and digits ("RSSMRA85T10A562S", "X1234567").
def _id_value(least: int) -> str:
    """An id's value of ``least`` characters or more (digits, a few letters, separators)."""
    return (
        rf"(?:[A-Z]{{1,3}}[ -]?|[a-z]{{1,3}})?\d[\d ./-]{{{least - 2},16}}\d(?:[ -]?[A-Za-z])?"
        rf"|(?=[A-Za-z]{{0,11}}\d)[A-Za-z0-9]{{{least},20}}"
    )


_ID_VALUE = _id_value(6)
# What names a number that finds one person in a school's, employer's, insurer's or shop's records: "student
# id", "employee number", "policy no.", "Matrikelnummer", "número de póliza". Said with its name, five digits
# are enough (:func:`_member_number_ok`): such numbers are shorter than a state's.
_MEMBER_WORDS = (
    r"(?:student|employee|staff|payroll|personnel|badge|insurance|insurance\s+policy|policy|membership|member|nhs"
    r"|medicare|medicaid|claim|customer|client|patient|matriculation)[ _-]?(?:id|number|num|no\.?|nr\.?|#)"
    r"|matrikel(?:nummer|-?nr\.?)|personalnummer|versicherungsnummer|versichertennummer|kundennummer"
    r"|mitgliedsnummer|policennummer|num[ée]ro\s+(?:d['’]\s*[ée]tudiant|de\s+(?:police|client|membre|s[ée]curit[ée]"
    r"\s+sociale))|n[úu]mero\s+de\s+(?:p[óo]liza|estudiante|empleado|socio|cliente|afiliaci[óo]n)"
    r"|numero\s+di\s+(?:matricola|polizza)|matricola|polizza"
)
# What names a vehicle's registration, which its owner's name and address are on record with. "plate" and
# "reg" alone are words of the game ("Plate Armor") and of chat, so they need "is", ":", "=" or "#".
_PLATE_NAMES = (
    r"(?:licen[cs]e|number|reg|registration|vehicle|car)[ _-]?plates?(?:[ _-]?(?:number|no\.?|nr\.?))?"
    r"|registration(?:[ _-]?(?:number|no\.?|mark))?|rego|vrn|kennzeichen|nummernschild|immatriculation"
    r"|matr[ií]cula|targa|tablica rejestracyjna|kenteken"
)
_PLATE_LINKED = r"plates?(?:[ _-]?(?:number|no\.?|nr\.?))?|reg(?:[ _-]?(?:number|no\.?|nr\.?))?"
# Its value: letters and digits in up to four groups ("KX-4412-B", "AB12 CDE", "B-MW 1234"), checked by
# :func:`_plate_ok`.
_PLATE_VALUE = r"[A-Za-z0-9]{1,8}(?:[ -][A-Za-z0-9]{1,4}){0,3}"
# What names a bank account, in the languages players write; the number after it is the account's in any
# case, with or without a valid checksum.
_BANK_WORDS = (
    r"iban|(?:bank\s+)?account(?:\s*(?:number|no\.?|nr\.?|#))?|acct(?:\s*(?:number|no\.?|nr\.?|#))?|sort\s*code|routing"
    r"(?:\s*(?:number|no\.?))?|aba|bsb|konto(?:nummer|nr\.?)?|clabe|rekeningnummer|numéro\s+de\s+compte|rib"
)
# A run of letters and digits, then groups that hold a digit or a group of four letters before digits
# ("GB82 WEST 1234 5698 7654 32", "12-34-56"): "12345678 sort code" ends at the number.
_BANK_VALUE = r"[A-Za-z0-9]{2,34}(?:[ ./-](?:[A-Za-z]{0,4}\d[A-Za-z0-9]{0,30}|[A-Za-z]{4}(?=[ ./-]\d))){0,10}"
_MIXED_GROUP = re.compile(r"(?=\w*\d)(?=\w*[A-Z])\w+")  # a key's group: letters and digits

# ---- a person's health ----------------------------------------------------------------------------------

# Conditions and treatments a player tells of, theirs or a relative's: health data is a special category of
# personal data. Only named ones, after a person who has them ("i have", "my wife has", "ich habe"): a
# game's "Diseased Bantha" or "a depression in the dunes" has no one.
_CONDITIONS = (
    "cancer", "diabetes", "covid", "long covid", "adhd", "autism", "depression", "anxiety", "epilepsy",
    "asthma", "hiv", "aids", "dementia", "alzheimer's", "alzheimers", "parkinson's", "parkinsons", "ms",
    "multiple sclerosis", "bipolar", "schizophrenia", "ptsd", "ocd", "leukemia", "leukaemia", "lymphoma",
    "a tumor", "a tumour", "a brain tumor", "a brain tumour", "hepatitis", "crohn's", "crohns", "lupus",
    "arthritis", "heart disease", "a heart condition", "an eating disorder", "anorexia", "bulimia",
    "fibromyalgia", "chronic fatigue", "celiac", "coeliac", "endometriosis", "krebs", "diabète", "cáncer",
    "dépression", "depresión", "tuberculosis", "chlamydia", "herpes", "syphilis", "cirrhosis",
)  # fmt: skip
_CONDITION = (
    r"(?:(?:stage\s+\d\s+|type\s+[12]\s+|terminal\s+|severe\s+|chronic\s+|clinical\s+|bad\s+|"
    r"(?:breast|lung|bone|skin|colon|prostate|brain|blood)\s+)*"
    rf"(?:{trie_pattern(_CONDITIONS)})|a\s+(?:stroke|heart\s+attack|miscarriage|seizure|nervous\s+breakdown))"
)
# Who has it: oneself, a relative, or anyone said with "he"/"she".
_PATIENT = (
    r"(?:\bi|\bhe|\bshe|\bthey|\bwe|\bmy\s+[\w-]+|\bour\s+[\w-]+)(?:\s+|(?=['’]))"
    r"(?:(?:has|have|had|got|['’]ve\s+got|['’]s\s+got|suffers?\s+from|suffered\s+from"
    r"|(?:is|am|was|['’]m|['’]s)\s+(?:suffering\s+from|battling|fighting|sick\s+with|in\s+(?:the\s+)?hospital"
    r"\s+(?:with|for))|(?:was|were|got|been)\s+diagnosed\s+with)\s+)"
    r"|\b(?:ich\s+habe|er\s+hat|sie\s+hat|j'ai|il\s+a|elle\s+a|tengo|tiene)\s+"
)
# Treatments that tell the condition: "i'm on antidepressants", "she's doing chemo", "sertraline 50mg".
_TREATMENTS = (
    "antidepressants", "antipsychotics", "chemo", "chemotherapy", "radiotherapy", "dialysis", "insulin",
    "methadone", "sertraline", "fluoxetine", "citalopram", "escitalopram", "venlafaxine",
    "adderall", "ritalin", "methylphenidate", "prozac", "zoloft", "xanax", "lexapro", "wellbutrin",
    "olanzapine", "quetiapine", "metformin", "truvada",
)  # fmt: skip


# ---- a person's name, said as one --------------------------------------------------------------------

# Phrases after which the speaker's own name follows, in the languages players write. In English "my name
# is", "irl I'm" and "call me" (below).
_NAME_IS = (
    "je m'appelle", "je me nomme", "mon nom est", "mon prénom est", "mon prenom est", "ich heiße", "ich heisse",
    "mein name ist", "mein vorname ist", "me llamo", "mi nombre es", "mi chiamo", "il mio nome è",
    "il mio nome e", "me chamo", "meu nome é", "meu nome e", "ik heet", "mijn naam is", "jag heter",
    "mitt namn är", "jeg heter", "jeg hedder", "mitt navn er", "mit navn er", "nazywam się", "nazywam sie",
    "mam na imię", "mam na imie", "jmenuji se", "jmenuju se", "volám sa", "меня зовут", "мене звати",
    "benim adım", "ismim", "nimeni on", "a nevem", "mă numesc", "ma numesc", "numele meu este", "με λένε",
    "το όνομά μου είναι",
)  # fmt: skip
# In scripts written without spaces the name is the next few letters: "我叫王伟", "제 이름은 김민수".
_NAME_IS_UNSPACED = r"我叫|我的名字(?:是|叫)|私の名前は|僕の名前は|(?:제|내) ?이름은"
# Family, whose names point to the speaker as surely as their own: "my wife sarah", "meine Frau Anna".
_KIN_NAMES = (
    "wife", "husband", "hubby", "wifey", "gf", "bf", "girlfriend", "boyfriend", "partner", "fiance", "fiancee",
    "fiancé", "fiancée", "son", "daughter", "kid", "child", "baby", "brother", "sister", "bro", "sis", "twin",
    "mum", "mom", "mother", "mama", "mommy", "mummy", "dad", "father", "papa", "daddy", "grandma", "grandpa",
    "granny", "gran", "nan", "nana", "grandmother", "grandfather", "grandson", "granddaughter", "uncle", "aunt",
    "auntie", "cousin", "nephew", "niece", "stepson", "stepdaughter", "stepmom", "stepmum", "stepdad",
    "mother-in-law", "father-in-law", "brother-in-law", "sister-in-law",
    "frau", "mann", "freundin", "freund", "sohn", "tochter", "bruder", "schwester", "mutter", "vater", "oma",
    "opa", "onkel", "tante", "cousine", "neffe", "nichte", "kind", "verlobte", "verlobter",
    "femme", "mari", "copine", "copain", "fils", "fille", "frère", "frere", "sœur", "soeur", "mère", "mere",
    "père", "pere", "maman", "grand-mère", "grand-père", "oncle", "neveu", "nièce",
    "esposa", "esposo", "mujer", "marido", "novia", "novio", "hijo", "hija", "hermano", "hermana", "madre",
    "padre", "mamá", "papá", "abuela", "abuelo", "tío", "tio", "tía", "tia", "primo", "prima", "sobrino",
    "sobrina", "moglie", "marito", "ragazza", "ragazzo", "figlio", "figlia", "fratello", "sorella", "mamma",
    "papà", "nonna", "nonno", "zio", "zia", "cugino", "cugina", "mulher", "namorada", "namorado", "filho",
    "filha", "irmão", "irmao", "irmã", "irma", "mãe", "mae", "pai", "avó", "avô",
)  # fmt: skip
# Named only after "my" or "our": a game's lists hold "tusk cat, AT-RT Walker," as chat holds "mum, Jane,".
_KIN_AFTER_MY = (
    # several of them, named in a list: "my sons jake and max"
    "sons", "daughters", "kids", "children", "brothers", "sisters", "twins", "cousins", "nephews", "nieces",
    "grandkids", "grandsons", "granddaughters", "friends", "ex",
    # the people and pets around a person, named as a relative is: "my best friend zorvath", "my dog rex"
    "friend", "bestie", "bff", "buddy", "roommate", "flatmate", "housemate", "boss", "coworker", "co-worker",
    "colleague", "neighbour", "neighbor", "teacher", "dog", "cat", "puppy", "kitten",
)  # fmt: skip
_KIN = trie_pattern(_KIN_NAMES + _KIN_AFTER_MY)
_FAMILY = trie_pattern(_KIN_NAMES)
_MY_WORDS = (
    "my",
    "our",
    "mein",
    "meine",
    "meinem",
    "meinen",
    "meiner",
    "ma",
    "mon",
    "mes",
    "mi",
    "mis",
    "mia",
    "mio",
    "minha",
    "meu",
)
_MY = trie_pattern(_MY_WORDS)
# A word between the possessive and the relative: "my little brother tom", "my ex-wife Sarah".
# "my lil bro jake", "my best friend zorvath", "my 8yo son jake" (an age may be a birth date's marker by now)
_KIN_KIND = (
    r"(?:(?:little|lil|big|older|younger|elder|eldest|oldest|youngest|baby|twin|step|late|ex|best|kleine[rnm]?"
    r"|große[rnm]?|grand|grande|petit|petite|pequeñ[oa]|piccol[oa]|(?:\d{1,2}|\[birth-date\])\s?(?:yo|y/o|yrs?[ -]old|years?[ -]old))"
    r"[ -])?"
)
# "my brother's name is tom", "my wife is called mark", "mein Sohn heißt Tim", "mi hija se llama Ana"
_KIN_CALLED = r"['’]s\s+name\s+is|\s+(?:is\s+)?(?:called|named)|\s+hei(?:ß|ss)t|\s+s['’]appelle|\s+se\s+llama|\s+si\s+chiama|\s+se\s+chama"
_PERSON_WORD = r"[^\W\d_][\w'’-]{1,30}"
# What follows "call me", "I'm called" or "I go by" when no name does: "call me back", "I'm called to duty",
# "I go by the name of …".
_NOT_A_NAME = (
    r"the|a|an|to|on|at|in|up|out|back|away|for|after|by|when|if|later|tonight|tomorrow|now|maybe|please|pls"
)
# Up to two more words after the first, each judged by :func:`_name_goes_on`.
_MORE_WORDS = rf"(?P<rest>(?:[ \t]{_PERSON_WORD}){{0,2}})"
# Words that end a name in the languages above without being English words: "je m'appelle jean et toi?"
_NAME_ENDS = frozenset((
    "und", "et", "och", "og", "ou", "oder", "aber", "mais", "pero", "mas", "ich", "je", "yo", "io", "eu", "jag",
    "jeg", "ik", "bin", "suis", "soy", "sono", "sou", "aus",
))  # fmt: skip


@lru_cache(maxsize=1)
def _person_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Common first names and surnames, and the words that are none (English, game and chat words)."""
    return load_gazetteer().common_names, english_words() | ORDINARY_WORDS | CHAT_WORDS


def _name_goes_on(word: str, capitalised: bool) -> bool:
    """A word after a stated name is more of it when it is a common name ("smith") or no word we know
    ("kowalski", "müller"), written as the name began: who writes "Tim" capitalised writes his surname so,
    and "mein Sohn Tim spielt" ends at "Tim". "and", "lol" or an English verb ends it."""
    if (capitalised and not word[0].isupper()) or word.lower() in _NAME_ENDS:
        return False
    names, words = _person_lists()
    key = match_key(word)
    return key in names or key not in words


# What a name said after a relative's word is followed by when a verb of its own comes next: "my wife rose
# says hi", "my son jake said hi", or any verb in the past, "uncle rose visited". A common name that is also a
# word ("rose", "made") is the verb it can be when anything else follows ("my dad rose early", "my mom made
# dinner") and the name when these or nothing do.
_NAME_THEN = frozenset((
    "is", "was", "has", "had", "and", "or", "will", "would", "can", "could", "just", "also", "too", "who",
    "said", "says", "did", "does", "doesn't", "didn't", "isn't", "wasn't", "can't", "won't", "told", "tells",
    "plays", "played", "wants", "wanted", "loves", "likes", "thinks", "lives", "works", "got", "gets", "went",
    "goes", "sends", "sent", "lol",
))  # fmt: skip
# Words before a relative's or a person's name that say it in English ("my wife zorvath"), a title or a
# relative's word written in lower case as chat writes it ("uncle zorvath", "mrs. kowalczyk": a game's title
# is capitalised, "Uncle Owen")
_TITLES = ("uncle", "aunt", "auntie", "grandma", "grandpa", "granny", "nana", "mr", "mrs", "ms", "dr", "prof")
_ENGLISH_MY = frozenset(("my", "our", *_TITLES))
_POSSESSIVE_S = re.compile(r"['’]s$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’-]*)")


def _kin_named(word: str, after: str | None, english: bool) -> bool:
    """After "my wife" a word is a name when it is written as one: a common name ("sarah", "Rose", "max"),
    or capitalised and no plain word ("Zorvath"), or, after an English "my", any word no list knows
    ("zorvath": "meine Frau kocht" is German). A common name that is also a word is the name only where a
    name would stand (``after``: :data:`_NAME_THEN`, the clause's end, or its own "'s"). "my wife is away",
    "my son plays" and "my dad rose early" name nobody."""
    if _PSEUDONYM_LIKE.fullmatch(word):
        return False  # this tool's own output where a player's name stood
    names, words = _person_lists()
    possessive = _POSSESSIVE_S.search(word) is not None
    key = match_key(_POSSESSIVE_S.sub("", word))
    if key not in words:
        return key in names or word[0].isupper() or english
    if key not in names:
        return False
    return (
        word[0].isupper()
        or possessive
        or after is None
        or after.lower() in _NAME_THEN
        or after.endswith("ed")
    )


def _name_extent(match: re.Match[str]) -> tuple[int, int] | None:
    """The name after a phrase that says one follows: its first word (after a relative's word, only a word
    written as a name), then the next words while they go on being a name, or a list of names ("my sons
    jake and max")."""
    found = match.groupdict()
    group = "first" if found.get("first") is not None else "kin"
    rest = (found.get("rest") or "").split()
    if group == "kin":
        english = (found.get("my") or "").lower() in _ENGLISH_MY
        if not _kin_named(found["kin"], _after(match, rest), english):
            return None
    end = match.end(group)
    capitalised = found[group][0].isupper()
    for index, word in enumerate(rest):
        if group == "kin" and word.lower() == "and" and index + 1 < len(rest):
            if not _kin_named(rest[index + 1], None, english):  # a name's place, whatever follows
                break
            end = match.string.index(rest[index + 1], match.string.index(word, end)) + len(rest[index + 1])
            break
        if not _name_goes_on(word, capitalised):
            break
        end = match.string.index(word, end) + len(word)
    return match.start(group), end


def _after(match: re.Match[str], rest: list[str]) -> str | None:
    """The word after a name's first word (None at the clause's end): the match holds up to two more."""
    if rest:
        return rest[0]
    following = _NEXT_WORD.match(match.string, match.end())
    return following.group(1) if following else None


DETECTORS: tuple[Detector, ...] = (
    Detector(
        "handles",
        "[id]",
        # Numbers that find one account, so one person: a Switch friend code ("SW-1234-5678-9012"), any
        # friend or trainer code after its name, a QQ or ICQ number after its name ("QQ号 12345678", "icq:
        # 123456789"). First, before "code is 1234" takes the head of a friend code for a PIN and leaves
        # the rest, and before the phone rule takes the digits for a phone number.
        _compile(
            r"(?i)(?<![\w-])(sw-\d{4}[ -]?\d{4}[ -]?\d{4})(?![\w-])",
            r"(?i)(?<![^\W_])(?:(?:friend|trainer|switch|3ds|ds)[ -]?(?:code|id)|fc)(?![^\W_])"
            # (Steam's friend codes have 8 to 10 digits)
            r"(?:\s+(?:is|was)\s+|\s*[:=#]\s*|\s+)((?:sw-)?\d{4}[ -]?\d{4}[ -]?\d{4}|\d{6,12})(?![\w-])",
            r"(?i)(?<![a-z0-9])(?:qq|icq)(?:\s*(?:号码?|號碼?|number|no\.?|nr\.?|#|id|uin))?"
            r"(?:\s+(?:is|was)\s+|\s*[:=#]\s*|\s*)(\d{5,11})(?!\d)",
            group=1,
        ),
        needles=(
            "sw-",
            "friend",
            "trainer",
            "switch",
            "ds id",
            "ds-id",
            "dsid",
            "code",
            "fc",
            "qq",
            "icq",
        ),
        literal_needles=True,
    ),
    Detector(
        "private_keys",
        "[private-key]",
        _compile(
            r"-----BEGIN[A-Z ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END[A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            r"PuTTY-User-Key-File-\d.*",
            # A public key line ends with its comment, usually user@host: both are private.
            r"\b(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s+AAAA[0-9A-Za-z+/]+=*"
            r"(?:[ \t]+[^\s@]+@[^\s]+)?",
            flags=re.DOTALL,
        ),
        needles=("private key", "putty", "ssh-", "ecdsa-"),
    ),
    Detector(
        "webhooks",
        "[webhook]",
        _compile(
            r"https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/\d+/[\w\-]+",
            r"https://hooks\.slack\.com/services/[\w/]+",
            flags=re.IGNORECASE,
        ),
        needles=("webhooks/", "hooks.slack"),
    ),
    Detector(
        "url_credentials",
        "[credentials]",
        # The user name of "user:password@host" is PII too, not only the password.
        _compile(r"://([^\s/?#@:\[\]]+:[^\s/?#@\[\]]*)@", group=1),
        needles=("://",),
    ),
    Detector(
        "url_credentials",
        "[credentials]",
        # "bob:hunter2@db.example.com", "bob:pw@10.0.0.5:3306": a login and password before a host, no scheme.
        _compile(
            r"(?<![^\s\"'(<=,;])([^\s/?#@:\[\]\"']{1,64}:[^\s/?#@\[\]\"']{1,128})@(?=[A-Za-z0-9\[])", group=1
        ),
        needles=("@",),
    ),
    Detector(
        "urls",
        "[url]",
        # Every link, whole: query tokens, key paths and profile ids live in URLs of every service.
        _compile(
            r"\b[a-z][a-z0-9+.-]{1,15}://[^\s<>\"'`]+",
            rf"(?<![\w.@/-])(?:www\.)?(?:[a-z0-9-]+\.)+(?:{_COMMON_TLDS})/[^\s<>\"'`]*",
            r"(?<![\w.@/-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>\"'`]*",
            # three or more labels under a common top-level domain, in any case ("Bob.Smith.Blogspot.com")
            rf"(?<![\w.@/-])(?:[a-z0-9-]+\.){{2,8}}(?:{_COMMON_TLDS})(?![\w.@-]|\.\w)",
            flags=re.IGNORECASE,
        )
        # Any other top-level domain: a lower-case host with a path ("linktr.ee/x", "api.example.eu/v1?key=…"),
        # or with three or more labels ("bobsmith.carrd.co"). A bare "a.b" stays: file names, "e.g.", "v1.2".
        + _compile(
            rf"(?<![\w.@/-]){_HOST_LABEL}(?:\.{_HOST_LABEL})*\.[a-z]{{2,24}}/[^\s<>\"'`]*",
            rf"(?<![\w.@/-]){_HOST_LABEL}(?:\.{_HOST_LABEL}){{1,8}}\.[a-z]{{2,24}}(?![\w.@-]|\.\w)[^\s<>\"'`]*",
        ),
        needles=(
            "://",
            "www.",
            ".com/",
            ".net/",
            ".org/",
            ".io/",
            ".gg/",
            ".tv/",
            ".me/",
            ".co/",
            ".uk/",
            ".de/",
            ".fr/",
            ".ly/",
            ".app/",
            ".dev/",
            ".link/",
            ".info/",
            ".xyz/",
        ),
        trigger=re.compile(rf"\.[a-z]{{2,24}}[./]|\.(?i:{_COMMON_TLDS})\b|[a-z0-9]\.[a-z0-9-]+\.[a-z]{{2}}"),
    ),
    Detector(
        "tokens",
        "[token]",
        _compile(*_TOKEN_FORMATS),
        needles=("xox", "oauth:", "k_live_", "k_test_"),
        trigger=_LONG_RUN,
        widen=True,
    ),
    Detector(
        "tokens",
        "[token]",
        _compile(r"_authToken=\S+", flags=re.IGNORECASE),
        needles=("_authtoken",),
        literal_needles=True,
    ),
    Detector(
        "tokens",
        "[token]",
        _compile(r"(?<![A-Za-z0-9_=-])eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.?[A-Za-z0-9_.+/=-]*"),
        needles=("eyj",),
        validate=_jwt_ok,
        widen=True,
    ),
    Detector(
        "tokens",
        "[token]",
        _compile(
            r"\b(?:bearer\s+|authorization\s*[:=]\s*(?:(?:basic|bearer|token)\s+)?)([\w\-.~+/]{8,}=*)",
            flags=re.IGNORECASE,
            group=1,
        ),
        needles=("bearer", "authorization"),
    ),
    Detector(
        "secret_values",
        "[secret]",
        # "Cookie: a=b; c=d", "Set-Cookie: …": the whole header value.
        _compile(r"(?i)\b(?:set-)?cookies?[ \t]*[:=][ \t]*+(?!\[secret\]\s*$)([^\n]+)", group=1),
        needles=("cookie",),
    ),
    Detector(
        "passwords",
        "[password]",
        # password=…, "db_pass": "…", secret: …, API_KEY = …: the value, to the end of the line unless quoted.
        _compile(
            rf"(?i)(?<![a-z])(?:{_STRONG_KEYS})[\w-]{{0,60}}{_ASSIGN}"
            rf"(?:{_QUOTED}|(?P<value>(?!\[)[^\s\"'`,;][^\n\"'`]*?))(?=[\"'`]?[ \t]*(?:[,;\n]|$))",
            group=_VALUE,
        ),
        needles=("pass", "pwd", "secret", "contrase", "key", "token"),
        validate=_secret_value_ok,
    ),
    Detector(
        "passwords",
        "[password]",
        # mysql and its tools take the password glued to -p: "mysql -u root -phunter2", "-p'x y'".
        _compile(
            r"(?i:\b(?:mysql\w*|mariadb\w*)\b)[^\n]{0,200}?\s-p(?:(?P<q>[\"'])(?P<quoted>[^\"'\n]{1,200})(?P=q)"
            r"|(?P<value>[^\s\"'\[][^\s]*))",
            group=_VALUE,
        ),
        needles=("mysql", "mariadb"),
        validate=_secret_value_ok,
    ),
    Detector(
        "passwords",
        "[password]",
        _compile(
            # A wallet's recovery words: "seed: abandon ability …", "mnemonic is …", "my 24 words: 1. x 2. y …".
            rf"(?<![\w-])(?:{_SEED_NAMES})(?>\s*[:=]\s*|\s+(?:is|was|are)\s*:?\s*){_SEED_WORDS}",
            # without "is" or ":" only a name no sentence starts with: "seed the field then water every …" stays
            r"(?<![\w-])(?:mnemonic|wallet\s+seed|(?:seed|recovery|backup)\s+(?:phrase|words|sentence)"
            rf"|(?:12|24)[ -]words?)\s+{_SEED_WORDS}",
            flags=re.IGNORECASE,
            group=1,
        ),
        # "2 word", not "12 word": a first character no needle began with ("1") sends every number to the search
        needles=("seed", "mnemonic", "recovery", "backup", "2 word", "2-word", "24 word", "24-word"),
        literal_needles=True,
    ),
    Detector(
        "passwords",
        "[password]",
        # Before the PIN rule, which would take "123" of "code 123-456-789" and leave the rest.
        _compile(
            # A lock's combination: "combo is 12-34-56", "safe combination 24 36 12", "my locker is 4821".
            # ("la combinaison du cadenas est 12 34 56": the lock's name may follow, and "is" in its language)
            rf"(?<![\w-])(?:{_COMBINATIONS})(?:s|'s)?(?>\s*[:=#]\s*|\s+(?:(?:{_IS})\s+)?)({_COMBO_GROUPS})(?![\d.-])",
            # with the lock named, before or after, one number is its code too: "locker code 4821", "the code to
            # my safe is 4821"
            rf"(?<![\w-])(?:(?:{_LOCKS})\s+(?:{_COMBINATIONS})(?:s|'s)?|(?:{_COMBINATIONS})\s+"
            rf"(?:of|for|to|du|de|del|della|des)\s+(?:(?:the|my|a|la|le|el|il)\s+)?(?:{_LOCKS}))"
            rf"(?>\s*[:=#]\s*|\s+(?:(?:{_IS})\s+)?)({_COMBO_GROUPS}|\d{{3,8}})(?![\d.-])",
            rf"(?<![\w-])(?:{_LOCKS})(?:'s)?(?>\s*[:=#]\s*|\s+(?:is|was)\s+)({_COMBO_GROUPS})(?![\d.-])",
            # one number only after a padlock's name, said or not: "my locker is 4821", "locker 4821"
            r"(?<![\w-])(?:(?:bike\s+|pad)?lock|locker|cadenas|candado|lucchetto|spind|casier|taquilla|armadietto)"
            r"(?:'s)?(?>\s*[:=#]\s*|\s+(?:(?:is|was)\s+)?)(\d{3,8})(?![\d.-])",
            # after any other lock's a number no count starts with, or one the clause ends on: "safe 0417",
            # "door 4821." ("the vault is 250 meters north" is a distance)
            rf"(?<![\w-])(?:{_LOCKS})(?:'s)?\s+(0\d{{2,7}}(?![\d.-])|\d{{3,8}}(?=\s*(?:[,;!?()]|\.(?!\d)|$)))",
            flags=re.IGNORECASE,
            group=1,
        ),
        needles=(
            "combo",
            "combi",
            "kombi",
            "zahlenschloss",
            "code",
            "lock",
            "safe",
            "vault",
            "gate",
            "door",
            "cadenas",
            "candado",
            "lucchetto",
            "schloss",
            "tresor",
            "spind",
            "casier",
            "taquilla",
            "armadietto",
            "cassaforte",
            "caja fuerte",
            "coffre",
        ),
        literal_needles=True,
    ),
    Detector(
        "passwords",
        "[password]",
        _compile(
            # "password hunter2", "pw: x", "pw -> x", "my password is x": the word itself says what follows
            # (in the languages players write: Passwort ist x, mot de passe: x, contraseña es x, hasło: x).
            # Said with "is", ":" or "=", the value may be a passphrase of words: the rest of the clause.
            rf"(?<![\w-])(?:{_PASSWORD_WORDS})(?>'s\s+|\s*(?:[:=]|->|=>|-)\s*|\s+(?:{_IS})\s+){_PHRASE}",
            rf"(?<![\w-])(?:{_PASSWORD_WORDS})\s+[\"'`]?((?!\[)(?!(?:{_NOT_A_VALUE})\b)[^\s\"'`,;]+)",
            # "the pw for the guild bank alt is x": the value after a later "is", in the same clause.
            rf"(?<![\w-])(?:{_PASSWORD_WORDS})\s+(?:{_NOT_A_VALUE})\b[^.!?\n:=]{{0,40}}?\s(?:{_IS})\s+{_PHRASE}",
            # A security question's answer opens the account as a password does: "maiden name: kowalczyk".
            rf"(?<![\w-])(?:{_SECURITY_ANSWERS})(?:\s+answer)?(?>\s*[:=]\s*|\s+(?:is|was)\s+){_PHRASE}",
            # A one-time or recovery code with letters: "steam guard code 7XK2P", "2fa code is 38kd9".
            r"(?<![\w-])(?:verification|verify|auth(?:entication|enticator)?|security|confirmation|log-?in|sign-?in"
            r"|2fa|mfa|otp|one-time|guard|recovery|backup|reset)\s+codes?(?:'s)?(?>\s*[:=#]\s*|\s+(?:is\s+|was\s+)?)"
            r"((?=[A-Za-z]{0,11}\d)[A-Za-z0-9]{4,12})(?![\w-])",
            # "pin is 1234", "secret: x", "api key = x": ordinary words, so only with "is", ":" or "=".
            r"(?<![\w-])(?:pass|passcode|pin|secret|token|api[ _-]?key|access[ _-]?token|auth[ _-]?token"
            r"|client[ _-]?secret|private[ _-]?key)(?>\s*[:=]\s*|\s+is\s+)[\"'`]?((?!\[)[^\s\"'`,;]+)",
            # PINs and codes: "pin 4821", "my pin's 4821", "bank code: 1234", "combo 0042", a card's "cvv 123",
            # and every code of a list: "backup codes 84729163 19283746".
            r"(?<![\w-])(?:pin(?:[ _-]?(?:code|number|no))?|passcode|code|combo|combination|cvv2?|cvc2?|csc)"
            r"(?:s|'s)?(?>\s*[:=#]\s*|\s+(?:is\s+|was\s+|are\s+)?)(\d{3,8}(?:(?:,\s*|\s+)\d{3,8})*)(?!\d)",
            # what it opens said between: "the pin for my card is 4821", "the code to the gate was 0417"
            r"(?<![\w-])(?:pin(?:[ _-]?(?:code|number))?|passcode|code|combo|combination)\s+(?:for|to|of|on)\s"
            r"[^.!?\n:=]{0,40}?\s(?:is|was)\s+(\d{3,8})(?!\d)",
            flags=re.IGNORECASE,
            group=1,
        ),
        needles=(
            "pass",
            "pw",
            "pin",
            "secret",
            "token",
            "key",
            "code",
            "combo",
            "combination",
            "cvv",
            "cvc",
            "csc",
            "security",
            "maiden",
            "memorable",
            "first pet",
            "recovery",
            "seed phrase",
            *_PASSWORD_NAMES,
        ),
    ),
    Detector(
        "secret_values",
        "[secret]",
        # X-Auth: …, sessionid=…, sig=…, license_key: …: one value, when it could be a secret.
        _compile(
            rf"(?i)(?<![\w.-])(?:[\w.-]*?[_.-])?(?:{_WEAK_KEYS}){_ASSIGN}"
            rf"(?:{_QUOTED}|(?P<value>(?!\[)[^\s\"'`,;&]{{4,}}))",
            # name=value where the value is a long base64/hex run (cookies, bare tokens).
            r"(?<![\w-])[\w.-]{1,40}=(?P<value>[A-Za-z0-9+/_%-]{16,}={0,2})(?![\w+/=%-])",
            group=_VALUE,
        ),
        needles=(
            "x-",
            "auth",
            "sess",
            "sid",
            "cookie",
            "credential",
            "creds",
            "sig",
            "hmac",
            "csrf",
            "xsrf",
            "otp",
            "2fa",
            "mfa",
            "nonce",
            "key",
            "licen",
            "serial",
            "activation",
        ),
        trigger=re.compile(r"=[A-Za-z0-9+/_%-]{16}"),
        validate=_secret_value_ok,
    ),
    Detector(
        "license_keys",
        "[license-key]",
        # Store keys printed with spaces, or spaces and dashes ("4HJ7K 9PQ2M ZX8WN": Steam, Windows, Epic):
        # three or more groups of five capitals and digits, two of them mixing both. Groups of four are
        # weapon and model codes in game text ("DL44 E11X T21B"), left to the dashed form below. First, so
        # a dashed tail is not taken alone and its head left.
        _compile(r"(?<![\w-])[A-Z0-9]{5}(?:[ -][A-Z0-9]{5}){2,7}(?![\w-])"),
        trigger=re.compile(r"[A-Z0-9]{5}[ -][A-Z0-9]{5}"),
        validate=lambda m: (
            sum(_MIXED_GROUP.fullmatch(g) is not None for g in re.split("[ -]", m.group(0))) >= 2
        ),
    ),
    Detector(
        "license_keys",
        "[license-key]",
        _compile(
            r"(?<![\w-])(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){3,7}(?![\w-])",
            # Three or more groups mixing letters and digits ("7KQ2-M9XF-3PLA"), any case.
            r"(?<![\w-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]{4,6}(?:-[A-Za-z0-9]{4,6}){2,7}"
            r"(?![\w-])",
        ),
        trigger=re.compile(r"-[A-Za-z0-9]{4}"),
        validate=lambda m: not m.group(0).isdigit() and not _DATE_LIKE.match(m.group(0)),
    ),
    Detector(
        "emails",
        "[email]",
        _compile(
            # any letters in the domain ("exämple.de"); spaces around the @ ("bob.smith @ gmail.com")
            r"(?<![\w.+%-])[\w.+%-]+ ?@ ?[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}"
        ),
        needles=("@",),
    ),
    Detector(
        "emails",
        "[email]",
        # written out to get past filters: "bob at example dot com", "bob(at)example.com", "bob [at] x [dot] de"
        _compile(
            rf"(?i)(?<![\w.+%-])[\w.+%-]+(?:{_AT})[\w-]+(?:(?:{_DOT})[\w-]+)*?(?:{_DOT})(?:{_TLDS})\b",
            # a free mail service named without its domain: "gwen at protonmail", "gwen @ gmail"
            rf"(?i)(?<![\w.+%-])[\w.+%-]{{1,64}}(?:{_AT}|@)(?:{_MAIL_SERVICES})(?![\w-])",
        ),
        needles=(" at ", "@"),
        trigger=re.compile(r"(?i)[(\[{<]at[)\]}>]"),  # "(at]" as well as "(at)": the pattern takes any pair
    ),
    Detector(
        "emails",
        "[email]",
        # after its name, in whatever shape: "my email is gwen at yahoo", "e-mail: gwen_k": no domain needed
        _compile(
            rf"(?i)(?<![\w-])e-?mail(?:\s+(?:address|addy))?(?>\s*[:=]\s*|\s+(?:is|was)\s+)((?!\[)"
            r"(?:[\w.+-]{1,64}\s*(?:@|\(at\)|\[at\]|\bat\b)\s*[\w-]{2,40}(?:\.[\w-]{2,20}){0,3}"
            rf"|(?={_HANDLE_SHAPE})[^\s,;]{{3,64}}))",
            group=1,
        ),
        needles=("mail",),
    ),
    Detector(
        "logins",
        "[login]",
        # user@host (ssh, scp, a machine login): no top-level domain needed.
        _compile(r"(?<![\w.+%@-])[A-Za-z0-9._-]+@[A-Za-z0-9][A-Za-z0-9-]{0,62}(?![\w.@-])")
        # user@ before an IP address, bracketed or already a marker ("ssh bob@203.0.113.5"): the user.
        + _compile(r"(?<![\w.+%@-])([A-Za-z0-9._-]+)@(?=\[|\d{1,3}(?:\.\d{1,3}){3}(?![\d.]))", group=1)
        # "my login is x", "username: x", "IGN: x", "discord: x": the value only. A platform's name also says
        # what follows where the speaker hands out their own: "add me on discord x", "my psn x", "ign x".
        + _compile(
            rf"(?i)(?<![\w-])(?:{_LOGIN_NAMES})(?>\s*[:=]\s*|\s+(?:is|was)\s+){_LOGIN_VALUE}",
            rf"(?i)(?<![\w-])(?:me|us|hmu)\s+on\s+(?:{_PLATFORMS})\s+(?!(?:{_NOT_A_HANDLE})\b){_LOGIN_VALUE}",
            rf"(?i)(?<![\w-])(?:my\s+(?:{_PLATFORMS})|(?:{_PLATFORMS})[ _-]?{_ACCOUNT_WORD}|ign|battle\s?tag)\s+"
            rf"(?={_HANDLE_SHAPE}){_LOGIN_VALUE}",
            # "paypal me gwenk", "venmo me at gwen-kowal": the app's name as a verb, then where to send
            rf"(?i)(?<![\w-])(?:{_PAYMENT_APPS})\s+(?:me|us)\s+(?:(?:at|to)\s+)?(?![$\d@])(?!(?:at|{_NOT_A_HANDLE})\b)"
            + _LOGIN_VALUE,
            # an Xbox gamertag may hold spaces: "gamertag Gwen Kowal", "my gamertag is xX Gwen Xx"
            r"(?i)(?<![\w-])gamer\s?tag(?>\s*[:=]\s*|\s+(?:is|was)\s+|\s+)(?!(?:a|an|the|my|is|was)\b)"
            r"([A-Za-z0-9]{1,15}(?:[ \t](?-i:[A-Z0-9])[A-Za-z0-9]{0,14}){0,2}(?:#\d{3,6})?)",
            # "login tgreen80", "username gwen_k": a handle with a letter ("login 3 failed" is no login).
            rf"(?i)(?<![\w-])(?:login|user(?:[ _-]?name)?)\s+(?=[^\s,;]*[^\W\d_])(?={_HANDLE_SHAPE}){_LOGIN_VALUE}",
            # A WeChat id written in Chinese, with no space to tell its name from the words before:
            # "加我微信 gwenk88", "微信号：gwen_k"
            rf"(?:微信号?|weixin\s+id)\s*[:=]?\s*{_NOT_A_PSEUDONYM}([A-Za-z][A-Za-z0-9_-]{{5,19}})(?![\w-])",
            # A Wi-Fi network's name: "ssid gwenhome5g", "wifi name: gwen house", "the wifi is gwenhome5g".
            rf"(?i)(?<![\w-])(?:ssid|(?:wifi|wi-fi|wlan|network|router|hotspot)[ _-]?name)"
            rf"(?>\s*[:=]\s*|\s+(?:is|was)\s+|\s+){_NETWORK_NAME}",
            rf"(?i)(?<![\w-])(?:wifi|wi-fi|wlan|hotspot)(?>\s*[:=]\s*|\s+(?:is|was)\s+)(?!(?:{_NETWORK_STATES})\b)"
            + _NETWORK_NAME,
            group=1,
        )
        # A computer's name often carries its owner's: "gwens-macbook-pro", "Gwen's MacBook Air",
        # "DESKTOP-GWEN42", "LAPTOP-8F3KQ2LM" (the whole name: its random part is a machine id too).
        + _compile(
            rf"(?i)(?<![\w'-])[a-z0-9][\w'-]{{0,30}}?(?:'s\s+|s?-)(?:{_APPLE_DEVICES})"
            r"(?:[ -](?:pro|air|mini|max|\d{1,2}))*(?![\w-])",
            # the part after "desktop-" is a name's when it has a digit or is in capitals ("laptop-stand" is not)
            r"(?<![\w-])(?i:desktop|laptop)-(?:(?=[A-Za-z]*\d)[A-Za-z0-9]{3,15}|[A-Z0-9]{3,15})(?![\w-])",
            r"(?<![\w-])WIN-(?=[A-Z]*\d)[A-Z0-9]{6,15}(?![\w-])",
        ),
        needles=(
            "@",
            "login",
            "log-in",
            "user",
            "account",
            "acct",
            "uid",
            "ign",
            "handle",
            *_PLATFORM_NEEDLES,
            *_DEVICE_NEEDLES,
            "微信",
            "ssid",
            "wifi",
            "wi-fi",
            "wlan",
            "hotspot",
            "network",
            "router",
        ),
        trigger=_SHORT_PLATFORM_SAID,
    ),
    Detector(
        "handles",
        "[handle]",
        _compile(
            r"<@[!&]?\d{5,20}>|<#\d{5,20}>",  # Discord mentions
            # Discord's name#1234, Battle.net's, Xbox's and Epic's name#12345 (a game's "Mission #12" is spaced)
            r"(?<![\w#])[\w.]{2,32}#\d{4,6}(?!\d)",
            r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.-]{1,31}(?<![.-])",  # @handle, Venmo's with dashes: @gwen-k
            r"(?<![\w$])\$[A-Za-z][A-Za-z0-9_]{1,19}(?![\w$])",  # a Cash App $cashtag ("$20" is money)
            r"(?<![\w/.-])/?u/[A-Za-z0-9_-]{3,20}(?![\w/-])",  # a Reddit user, u/gwen
            r"\bSTEAM_[0-5]:[01]:\d{1,12}\b|\[U:1:\d{1,12}\]",  # Steam ids
        ),
        needles=("@", "#", "$", "steam_", "[u:1:", "u/"),
    ),
    Detector(
        "unc_paths",
        "[path]",
        # \\HOST\share\user\… (and its escaped forms): host, share and user are all private.
        _compile(r"(?<![\w\\:])(?:\\\\|\\\\\\\\|//)[A-Za-z0-9._$-]+(?:\\+|/)[^\s\"'<>|]*"),
        needles=("\\\\", "//"),
    ),
    Detector(
        "path_users",
        "[user]",
        _compile(
            # C:\Users\X, C:\\Users\\X, C:%5CUsers%5CX, /home/X, /Users/X, file:///C:/Users/X. A name may hold
            # spaces when a separator follows it ("C:\Users\John Smith\Documents").
            rf"(?:\b[A-Za-z]:)?{_NOT_AFTER_SEP}{_SEP}++(?:users|home|documents and settings){_SEP}++"
            rf"(?!\[user\])((?:[^\\/%\"'<>|:*?\r\n]{{1,64}}?(?={_SEP}))|[^\\/%\s\"'<>|:*?]+)",
            flags=re.IGNORECASE,
            group=1,
        )
        # ~X/…: a shell's short form of X's home folder names X as /home/X does.
        + _compile(rf"(?<![\w~])~([A-Za-z_][\w.-]{{0,31}})(?={_SEP})", group=1),
        needles=("users", "home", "settings", "~"),
    ),
    Detector(
        "mac_addresses",
        "[mac]",
        _compile(
            rf"{_NO_NUMBER_BEFORE}(?<!:)[0-9A-Fa-f]{{2}}([:-])[0-9A-Fa-f]{{2}}(?:\1[0-9A-Fa-f]{{2}}){{4}}"
            rf"{_NO_ALNUM_AFTER}(?![:-]\w)",
            # Cisco's form, three dotted groups of four: "3c22.fb9a.110f" (with a letter: "2024.0101.1200" is
            # a date or a version)
            rf"{_NO_NUMBER_BEFORE}(?<!\.)(?=[\d.]*[A-Fa-f])[0-9A-Fa-f]{{4}}(?:\.[0-9A-Fa-f]{{4}}){{2}}"
            rf"{_NO_ALNUM_AFTER}(?!\.\w)",
        )
        # after its name, twelve hex digits with no separator: "my mac is 3c22fb9a110f"
        + _compile(
            r"(?i:(?<![^\W_])mac(?:\s+address)?(?:\s+(?:is|was)\s+|\s*[:=]\s*|\s+))([0-9A-Fa-f]{12})(?![^\W_])",
            group=1,
        ),
        needles=("mac",),
        trigger=re.compile(r"[:-][0-9A-Fa-f]{2}[:-]|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\."),
    ),
    Detector(
        "ibans",
        "[iban]",
        _compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"),
        trigger=re.compile(r"\b[A-Z]{2}\d{2} ?[A-Z0-9]{4}"),  # the pattern's own head
        validate=_iban_ok,
    ),
    Detector(
        "ibans",
        "[iban]",
        # After its name a bank account needs no checksum or capitals: "iban: gb82west12345698765432",
        # "kontonummer 1234567890", "sort code 12-34-56", "bic is deutdeff".
        _compile(
            rf"(?i:(?<![^\W_])(?:{_BANK_WORDS})(?![^\W_])(?:\s+(?:is|was)\s+|\s*[:#=]\s*|\s+))(?P<account>{_BANK_VALUE})"
            r"(?![^\W_])",
            r"(?i:(?<![^\W_])(?:bic|swift)(?:[ -]?code)?(?:\s+(?:is|was)\s+|\s*[:=]\s*))"
            r"(?P<bic>[A-Za-z]{6}[A-Za-z0-9]{2}(?:[A-Za-z0-9]{3})?)(?![^\W_])",
            # said with neither, in capitals as banks print it: "swift DEUTDEFF", "my bic DEUTDEFF500"
            r"(?i:(?<![^\W_])(?:bic|swift)(?:[ -]?code)?)\s+(?P<bic>[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)(?![^\W_])",
            group=("account", "bic"),
        ),
        needles=(
            "iban",
            "bic",
            "swift",
            "account",
            "acct",
            "sort",
            "routing",
            "konto",
            "clabe",
            "rekening",
            "compte",
        ),
        trigger=re.compile(r"(?i)(?<![^\W_])(?:rib|aba|bsb)(?![^\W_])"),
        validate=_account_ok,
    ),
    Detector(
        "cards",
        "[card]",
        _compile(r"(?<![\d.-])(?:\d[ .-]?){12,18}\d(?![\d.])"),
        trigger=_DIGIT_RUN,
        validate=_luhn_ok,
    ),
    Detector(
        "handles",
        "[id]",
        # Discord snowflakes and 64-bit Steam ids: 17-19 digits.
        _compile(r"(?<![\d.])\d{17,19}(?![\d.])"),
        trigger=_DIGIT_RUN,
    ),
    Detector(
        "ipv6",
        "[ip]",
        _compile(
            rf"{_NO_ALNUM_BEFORE}(?<![:.])\[?(?P<addr>(?:[0-9A-Fa-f]{{0,4}}:){{2,7}}"
            r"(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?)"
            rf"(?:%\w+)?\]?(?::\d{{1,5}})?{_NO_ALNUM_AFTER}(?!:)"
        ),
        trigger=re.compile(r":[0-9A-Fa-f]*:"),
        validate=_ipv6_ok,
    ),
    Detector(
        "ipv4",
        "[ip]",
        _compile(
            rf"{_NO_ALNUM_BEFORE}(?<!\.)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){{3}}"
            rf"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?::\d{{1,5}})?{_NO_ALNUM_AFTER}(?!\.\d)",
            # defanged, as security write-ups and cautious players write them: 203[.]0[.]113[.]5
            rf"{_NO_ALNUM_BEFORE}(?<!\.)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)[\[(]\.[\])]){{3}}"
            rf"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?::\d{{1,5}})?{_NO_ALNUM_AFTER}",
        ),
        trigger=re.compile(r"\d\.\d+\.\d|\d[\[(]\.[\])]\d"),
    ),
    Detector(
        "street_addresses",
        "[location]",
        _compile(
            # A position on Earth: a latitude and longitude pair with the four or more decimals a phone or a
            # map gives ("52.520008, 13.404954"; game positions carry one or two), or either one named. Before
            # the phone rule, which reads some such pairs as one number.
            rf"(?<![\w.-]){_LATITUDE}\s*[,;/ ]\s*{_LONGITUDE}(?![\w.])",
            r"(?i)\b(?:lat(?:itude)?|lon|lng|long(?:itude)?)\s*[:=]?\s*-?\d{1,3}\.\d{2,}(?![\w.])",
        ),
        trigger=_EARTH_POSITION,
        needles=("lat", "lon", "lng"),
    ),
    Detector(
        "national_ids",
        "[id-number]",
        # A student's, employee's, insurance or policy number after its name: "student id: s1234567", "my
        # employee number is 99887", "policy no. POL-9988776", "Matrikelnummer 1234567".
        _compile(
            rf"(?i:(?<![^\W_])(?:{_MEMBER_WORDS})(?![^\W_]))[\s_]*(?:is[\s_]+|[:#=]\s*)?"
            rf"({_id_value(5)})(?![^\W_])(?!-)",
            group=1,
        ),
        needles=(
            "student",
            "employee",
            "staff",
            "payroll",
            "personnel",
            "badge",
            "insurance",
            "policy",
            "member",
            "nhs",
            "medicare",
            "medicaid",
            "claim",
            "customer",
            "client",
            "patient",
            "matricul",
            "matricol",
            "matrikel",
            "personalnummer",
            "versich",
            "kundennummer",
            "mitgliedsnummer",
            "policennummer",
            "numéro",
            "numero",
            "número",
            "polizza",
        ),
        literal_needles=True,
        validate=_member_number_ok,
    ),
    Detector(
        "street_addresses",
        "[location]",
        _compile(
            # Two patterns, each led by a character class rather than a look-behind, so the search skips
            # to the digits or the letters at once. Numbers first: degrees, minutes and seconds, then the
            # hemisphere ("51°30'26"N"; "90°" alone is an angle); a GPS's decimal minutes ("51 30.5N"); or
            # decimal degrees with both hemispheres ("51.5074 N, 0.1278 W").
            r"\d(?<![\w.]\d)(?:"
            rf"\d{{0,2}}(?:[.,]\d+)?\s?(?:°|o(?=\s?{_ARC_MINUTES}))\s?"
            rf"(?:{_ARC_MINUTES}\s?(?:{_ARC_SECONDS}\s?)?(?:{_HEMISPHERE})?|{_HEMISPHERE})"
            r"|\d{0,2}\s\d{1,2}\.\d+\s?[NSEW](?![^\W_])"
            r"|\d?\.\d{2,}\s?[NS],?\s\d{1,3}\.\d{2,}\s?[EW](?![^\W_]))",
            # The hemisphere first, a capital as maps write it: "N 51° 30.445", "N51 30.500", "W000 07.649"
            # (two decimals at least after "E" or "W": "E11 12.5" may be a blaster's name and a number)
            rf"[NSEW](?<![^\W_][NSEW])(?:\s?{_DEGREES}(?:\s?\d{{1,2}}(?:[.,]\d+)?'?)?"
            r"|(?<=[NS])\s?\d{1,2}\s\d{1,2}\.\d+(?![\w.])|(?<=[EW])\s?\d{1,3}\s\d{1,2}\.\d{2,}(?![\w.]))",
        ),
        needles=("°",),
        trigger=_EARTH_POSITION,
        literal_needles=True,  # every match holds "°" or one of the trigger's shapes
    ),
    Detector(
        "phones",
        "[phone]",
        _compile(
            rf"{_NO_ALNUM_BEFORE}(?<!\+)(?:\+\d{{1,3}}[ .-]?)?(?:\(\d{{1,5}}\)[ .-]?)?\d{{2,5}}"
            rf"(?:[ .-]?\d{{2,8}}){{1,4}}{_NO_ALNUM_AFTER}",
            # a country code, then groups of 1-4 digits: "+33 6 12 34 56 78", "+61 4 1234 5678"
            rf"{_NO_ALNUM_BEFORE}(?<!\+)\+\d{{1,3}}(?:[ .-]\d{{1,4}}){{2,6}}{_NO_ALNUM_AFTER}",
            # an area code, a slash, the number: "030/1234567" (a trunk 0 first)
            rf"{_NO_ALNUM_BEFORE}(?<![/.])0\d{{2,5}}/\d{{5,9}}{_NO_ALNUM_AFTER}(?![/.]\d)",
        ),
        trigger=_PHONE_RUN,
        validate=_phone_ok,
    ),
    Detector(
        "phones",
        "[phone]",
        # a number after its name or a word asking to be called, however written: "tel: 5551234567", "mobile
        # 0171/12345678", "phone is 555 0123", "call me on 612 345 678", "text me 4155550199", "Handy 0171 234567"
        _compile(
            rf"(?i:(?<![^\W_])(?:{_PHONE_WORDS})(?![^\W_])(?>\s*(?:no\.?|number|nr\.?|#))?(?>\s+me)?"
            r"(?>\s+(?:on|at|is|was)(?![^\W_]))?)"
            r"(?>\s*[:=#]?\s*)(\+?\d[\d .()/-]{5,18}\d)(?![^\W_])",
            group=1,
        ),
        needles=(*_PHONE_NAMES, "call", "text", "ring", "reach", "num"),
        validate=_named_phone_ok,
    ),
    Detector(
        "national_ids",
        "[id-number]",
        _compile(
            rf"{_NO_NUMBER_BEFORE}(?P<area>\d{{3}})-(?P<group>\d{{2}})-(?P<serial>\d{{4}}){_NO_ALNUM_AFTER}(?!-)"
        ),
        trigger=re.compile(r"\d{3}-\d{2}-\d{4}"),
        validate=_ssn_ok,
    ),
    Detector(
        "national_ids",
        "[id-number]",
        # Named, in any country's shape: "SIN 046 454 286", "NI number AB 12 34 56 C", "passport X1234567",
        # "steuernummer 12/345/67890", "codice fiscale RSSMRA85T10A562S", "my social is 321 54 9877"
        _compile(
            rf"(?i:(?<![^\W_])(?:{_ID_WORDS})(?![^\W_]))[\s_]*(?:is[\s_]+|[:#=]\s*)?"
            rf"({_ID_VALUE})(?![^\W_])(?!-)",
            group=1,
        ),
        needles=(
            *(name for name in _ID_NAMES if len(name) > 4),
            # the name and its "number" spaced or run together, "id no", "idnumber", "tax#"
            *(
                f"{name}{gap}{word}"
                for name in ("id", "ni", "tax", "identity", "personal")
                for gap in ("", " ")
                for word in ("n", "#")
            ),
            "licen",
        ),
        trigger=re.compile(
            rf"(?i)(?<![^\W_])(?:{'|'.join(n for n in _ID_NAMES if len(n) <= 4)})(?:number|no|nr|#|(?![^\W_]))"
        ),
        validate=_named_id_ok,
    ),
    Detector(
        "national_ids",
        "[id-number]",
        # A vehicle's plate after its name: "plate: KX-4412-B", "my reg is AB12 CDE", "license plate ABC 1234".
        _compile(
            rf"(?i:(?<![^\W_])(?:{_PLATE_NAMES})(?![^\W_]))(?:\s+is\s+|\s*[:#=]\s*|\s+)"
            rf"({_PLATE_VALUE})(?![^\W_])(?!-)",
            rf"(?i:(?<![^\W_])(?:{_PLATE_LINKED})(?![^\W_]))(?:\s+is\s+|\s*[:#=]\s*)({_PLATE_VALUE})(?![^\W_])(?!-)",
            group=1,
        ),
        needles=(
            "plate",
            "reg",
            "rego",
            "vrn",
            "kennzeichen",
            "nummernschild",
            "immatricul",
            "matr",
            "targa",
            "tablica",
            "kenteken",
        ),
        validate=_plate_ok,
    ),
    Detector(
        "birth_dates",
        "[birth-date]",
        _compile(
            rf"(?i)(?<![\w.-])(?:{_BIRTH_WORDS})\s*(?:(?:{_BIRTH_LINKS})\s*|[:=]\s*){{0,2}}({_BIRTH_DATE})(?!\d)",
            # an age and the day or month it is reached: "I turn 35 on march 3rd", "turning 21 in may" (both go)
            rf"(?i)(?<![\w.-])(?:turn(?:s|ing|ed)?|be)\s+(\d{{1,3}}\s+(?:(?:on|in)\s+(?:{_BIRTH_DATE}|{_MONTH_NAME})"
            r"|(?:next|this)\s+(?:week|month)|tomorrow|today))(?!\d)",
            # a stated age: "im 35 years old", "a 35-year-old", "35 y/o", "age: 35", "my age is 35"
            r"(?i)(?<![\w.-])(\d{1,2})(?:\s*-?\s*(?:years?|yrs?|yo)[\s-]*old|\s*(?:y/o|y\.o\.|yo))(?![\w/])",
            r"(?i)(?<![\w-])(?:my\s+age(?:'s|\s+is)|age\s*[:=]|aged)\s*(\d{1,2})(?![\d.,:])",
            # age, sex and place as chat asks them: "asl 35/f/leeds", "35/m/uk"
            r"(?i)(?<![\w-])(?:asl|a/s/l)\s*[:=?]?\s+(?!\[)([^\s,;.!?]{1,40})",
            r"(?i)(?<![\w/.])(\d{1,2}\s*/\s*[mf]\s*/\s*[^\s,;.!?/]{2,30})(?![\w/])",
            # an age said with where one lives: "I am 34 and live in leeds", "i'm 34 from leeds"
            rf"(?i)(?<![\w-])(?:i'?m|i\s+am)\s+(\d{{1,2}})(?=\s*(?:,\s*|and\s+|&\s+)?(?:i\s+)?{_RESIDENCE}\s)",
            group=1,
        ),
        needles=(*_BIRTH_NAMES, "turn", "be ", "old", "y/o", "yo", "y.o.", "age", "asl", "a/s/l"),
        trigger=re.compile(r"(?i)\bi(?:'?m|\s+am)\s+\d|\d\s*/\s*[mf]\s*/"),
    ),
    Detector(
        "street_addresses",
        "[address]",
        _compile(
            # 221B Baker Street, 12 north main st. apt 4
            rf"(?i)(?<![\w.-])\d{{1,5}}[a-z]?,?\s+(?:[a-z][\w'.-]*\s+){{1,3}}(?:{_STREET})\b\.?"
            r"(?:,?\s*(?:apt|apartment|suite|unit|flat|#)\.?\s*\w{1,6})?",
            # Hauptstraße 5, Kerkstraat 12, Musterweg 17, Lindenallee 3
            rf"(?i)\b[\w'-]{{1,60}}(?:{_STREET_SUFFIXES})\s+\d{{1,4}}[a-z]?\b",
        )
        # "I live at …", "and live in …", "i'm from …", "my address is …": the rest of the clause. An age
        # said between, "i'm 34 from …", is a birth date's marker by now.
        + _compile(
            rf"(?i)(?:(?:\b(?:i|we|and|also|still|now)|,)\s+(?!from){_RESIDENCE}|\b(?:i'?m|i\s+am|we're|we\s+are)"
            rf"(?:\s+\[birth-date\])?\s+{_RESIDENCE}|\bmy\s+(?:home\s+)?address\s+is|\baddress\s*:"
            r"|\bmy\s+home\s*town\s+is|\bhome\s*town\s*[:=])"
            r"\s+(?!\[address\])([^.!?\n]{3,60})",
            group=1,
        ),
        needles=(
            "live",
            "living",
            "resid",
            "based",
            "raised",
            "grew up",
            "born",
            "hometown",
            "home town",
            "m from",
            "re from",
            "] from",
            "address",
            *_STREET_SUFFIXES.split("|"),
            *_STREET_NEEDLES,
        ),
    ),
    Detector(
        "street_addresses",
        "[address]",
        # A workplace or school, to the end of the clause: "I work at Tesco in Leeds", "I'm a student at
        # Oxford", "i go to leeds uni", "je travaille chez …". Not "I work at night", "i study at home".
        _compile(
            rf"(?i)(?:\b(?:i|we|and|also|still|now|currently|i'?m|i\s+am|we're|we\s+are)\s+|,\s+)(?:{_WORKPLACE})\s+"
            rf"(?!(?:{_NOT_A_WORKPLACE})\b)(?!\[)([^.!?\n]{{2,60}})",
            # "I work as a nurse at St James": the work named, then where
            rf"(?i)\b(?:i|we|i'?m|i\s+am|we're|we\s+are)\s+work(?:ing)?\s+as\s+(?:an?\s+)?(?:\w+\s+){{0,2}}?(?:at|in|for)\s+"
            rf"(?!(?:{_NOT_A_WORKPLACE})\b)(?!\[)([^.!?\n]{{2,60}})",
            rf"(?i)\b(?:{_WORKPLACE_ABROAD})\s+(?!\[)([^.!?\n]{{2,60}})",
            rf"(?i)\b(?:i'?m|i\s+am|we're|we\s+are)\s+(?:an?\s+)?(?:\w+\s+)?(?:{trie_pattern(_OCCUPATIONS)})s?"
            rf"\s+(?:at|in|for)\s+(?!(?:{_NOT_A_WORKPLACE})\b)(?!\[)([^.!?\n]{{2,60}})",
            # a school named by its kind: "i go to leeds uni", "I attend Leeds Beckett University", "I'm at
            # Leeds uni" (one word of its name at least: "i'm at school" says nothing)
            r"(?i)\b(?:(?:i|we)\s+(?:go|went|attend|attended)\s+(?:to\s+)?|(?:i'?m|i\s+am|we're|we\s+are)\s+"
            r"(?:at|attending)\s+)(?!the\s)((?:[^\s.!?,]+\s+){1,4}?(?:uni|university|college|school|academy"
            r"|polytechnic|high|primary|elementary|secondary|gymnasium)\b)",
            r"(?i)\b(?:i'?m|i\s+am|we're|we\s+are)\s+at\s+(?:uni|university|college|school)\s+in\s+(?!\[)([^.!?\n]{2,60})",
            # named as one's own, written as a name: "my employer is Acme Corp", "my school is Leeds Grammar",
            # "my boss at Amazon said" ("my school is closed", "my job at the cantina" stay)
            r"(?i:\bmy\s+(?:employer|company|workplace|office|school|college|uni|university)\s+is\s+(?:at\s+|in\s+)?)"
            r"(?=[A-Z])([^.!?\n]{2,60})",
            r"(?i:\bmy\s+(?:boss|manager|coworkers?|co-workers?|colleagues?|job|shift|work|teacher|class)\s+at\s+)"
            r"(?=[A-Z])([^.!?\n]{2,60})",
            group=1,
        ),
        needles=(
            "work",
            "study",
            "studying",
            "teach",
            "intern",
            "volunteer",
            "arbeite",
            "studiere",
            "travaille",
            "tudie",
            "trabajo",
            "estudio",
            "lavoro",
            "studio",
            "trabalho",
            "estudo",
            " go ",
            "went ",
            "attend",
            "m at ",
            "re at ",
            *_OCCUPATIONS,
            *(
                f"my {what}"
                for what in ("employer", "company", "office", "school", "college", "uni", "boss", "manager")
            ),
            *(f"my {what}" for what in ("cowork", "co-work", "colleague", "job", "shift", "class")),
        ),
        literal_needles=True,
    ),
    Detector(
        "street_addresses",
        "[address]",
        # Addresses as most of Europe and Latin America write them: the street's word first, the house number
        # after its name ("Calle Mayor 23", "Via Roma 10", "ul. Kwiatowa 5"), or the number before the word
        # ("12 rue des Lilas"); then a postcode and a town after the number's comma (", 10115 Berlin").
        _compile(
            rf"(?<![\w.-])(?i:{_STREET_FIRST})\.?\s+(?:(?i:{_PARTICLES})\s+){{0,2}}[A-Z][\w'-]{{1,30}}"
            r"(?:\s+[A-Z][\w'-]{1,30}){0,2}\s+\d{1,4}[a-z]?(?![\w-])",
            rf"(?<![\w.-])\d{{1,4}}[a-z]?,?\s+(?i:{_STREET_FIRST})\s+(?:(?i:{_PARTICLES})\s+){{0,2}}"
            r"[A-Z][\w'-]{1,30}(?:\s+[A-Z][\w'-]{1,30}){0,2}",
        )
        # The number must stand alone (or be an address already replaced): a pseudonym ends in hex digits, and
        # "Player-…3f2, 5000 Credits from Giant Spider" is no house number, postcode and town.
        + _compile(
            r"(?:(?<![\w-])\d{1,4}[a-z]?|\[address\])"
            r"(,\s*(?:[A-Z]{1,2}-)?(?:\d{5}|\d{4}(?: ?[A-Z]{2}|-\d{3})?|\d{2}-\d{3})\s+[A-Z][^\W\d_]{2,30})",
            group=1,
        ),
        trigger=re.compile(rf"(?i:\b(?:{_STREET_FIRST})\b)|[\d\]][a-z]?,\s*(?:[A-Z]{{1,2}}-)?\d{{2}}"),
    ),
    Detector(
        "street_addresses",
        "[address]",
        _compile(
            # UK and Canadian postcodes, upper case as written on mail: SW1A 2AA, M1 1AE, K1A 0B1
            r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b",
            # a US state and its ZIP code after the town: Springfield, IL 62704; with no comma, where no lower-case
            # word follows, new york NY 10118 ("and DE 10000 damage" is a count)
            rf"(?:(?<=, )|(?<=,))(?:{_US_STATES}) \d{{5}}(?:-\d{{4}})?\b",
            rf"(?<=[^\W\d_] )(?:{_US_STATES}) \d{{5}}(?:-\d{{4}})?\b(?!\s*[a-z])",
            # named: "postcode 1017 GC", "zip: 90210", "PLZ 80331", "PO Box 1234"
            r"(?i:\b(?:post\s*code|postal\s*code|zip(?:\s*code)?|plz)\s*(?:is\s+|[:#]\s*)?"
            r"(?:\d{4,5}(?:-\d{4})?(?: ?[a-z]{2})?|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}|[a-z]\d[a-z] ?\d[a-z]\d)\b"
            r"|\bp\.? ?o\.? box \d{1,6}\b)",
        ),
        needles=("postcode", "post code", "postal", "zip", "plz", " box"),
        trigger=re.compile(r"\d[A-Z]|[A-Z],? \d{5}"),  # in every postcode shape above
    ),
    Detector(
        "health",
        "[health]",
        _compile(
            # "i have type 2 diabetes", "my wife has breast cancer", "he's in hospital with covid", "ich habe Krebs"
            rf"(?i)(?:{_PATIENT})(?:the\s+|le\s+|la\s+)?({_CONDITION})(?![\w-])",
            # "diagnosed with …": the condition, whatever it is, to the end of the clause
            r"(?i)\bdiagnosed\s+with\s+(?!\[)([^.!?\n,;]{3,60})",
            # a treatment said of a person: "i'm on antidepressants", "she's doing chemo", "sertraline 50mg"
            rf"(?i)(?<![\w-])((?:{trie_pattern(_TREATMENTS)})(?:\s+\d+\s?mg)?)(?![^\W_])",
            group=1,
        ),
        needles=(
            *_CONDITIONS,
            "stroke",
            "heart attack",
            "miscarriage",
            "seizure",
            "breakdown",
            "diagnosed",
            *_TREATMENTS,
        ),
    ),
    Detector(
        "real_names",
        "[name]",
        _compile(
            # "irl I'm Sam Carter", "my real name is sam", "my name is john smith", "call me Sam irl"
            r"(?i:\b(?:irl|in\s+real\s+life|real\s+name|rl\s+name|my\s+(?:(?:first|last|full|given)\s+|sur)?name)\b"
            r"[^\n.!?]{0,24}?(?:\bi\s*['’]?\s*m|\bi\s+am|\bis|['’]s|:|=|\bcalled))"
            rf"\s+(?P<first>{_PERSON_WORD}){_MORE_WORDS}",
            # "I'm called Tom", "i go by gwen" ("named after my grandpa" names no one here)
            rf"(?i:\b(?:i\s*['’]?\s*m|i\s+am)\s+(?:called|named)|\bi\s+go\s+by)\s+(?!(?i:{_NOT_A_NAME})\b)"
            rf"(?P<first>{_PERSON_WORD}){_MORE_WORDS}",
            # "call me on 555…", "call me back": a phone call asked for, no name
            rf"(?i:\bcall\s+me)\s+(?!(?i:{_NOT_A_NAME})\b)(?P<first>{_PERSON_WORD}){_MORE_WORDS}",
            # "je m'appelle jean dupont", "ich heiße hans", "me llamo juan", "mi chiamo giovanni", "меня зовут …"
            rf"(?i:(?<![^\W_])(?:{trie_pattern(_NAME_IS)}))(?:\s*[:,]\s*|\s+)(?P<first>{_PERSON_WORD}){_MORE_WORDS}",
            rf"(?:{_NAME_IS_UNSPACED})\s*(?P<first>[^\W\d_]{{1,4}})",
            # "my brother's name is tom", "my wife is called mark": the next word, whatever it is
            rf"(?i:(?<![^\W_])(?:{_MY})\s+{_KIN_KIND}(?:{_KIN})(?:{_KIN_CALLED}))\s+(?P<first>{_PERSON_WORD}){_MORE_WORDS}",
            # "my wife sarah", "my son, Jake,", "meine Frau Anna", "mum, Jane, is here": a word written as a name
            rf"(?i:(?<![^\W_])(?P<my>{_MY})\s+{_KIN_KIND}(?:{_KIN}))(?:\s*[,(]\s*|\s+)(?P<kin>{_PERSON_WORD}){_MORE_WORDS}",
            rf"(?i:(?<![^\W_])(?:{_FAMILY})),\s+(?P<kin>{_PERSON_WORD}){_MORE_WORDS}(?=\s*[,)])",
            # "uncle zorvath visited", "mrs. kowalczyk said": a title in lower case, no possessive needed
            rf"(?<![^\W_])(?P<my>{trie_pattern(_TITLES)})\.?\s+(?P<kin>{_PERSON_WORD}){_MORE_WORDS}",
        ),
        needles=(
            "irl",
            "real life",
            "real name",
            "rl name",
            "my name",
            "my first name",
            "my last name",
            "my full name",
            "my given name",
            "my surname",
            "m called",
            "am called",
            "m named",
            "am named",
            "go by",
            "call me",
            *_NAME_IS,
            "我叫",
            "名字",
            "名前",
            "이름",
            # a relative's word after a possessive, or before a comma
            *(f"{my} " for my in _MY_WORDS),
            *(f"{kin}," for kin in _KIN_NAMES),
            *_TITLES,
        ),
        literal_needles=True,
        extent=_name_extent,
    ),
    Detector(
        "high_entropy",
        "[token]",
        ((_RANDOM_RUN, 0),),
        trigger=_LONG_RUN,
        validate=_looks_random,
    ),
)

# The fast path: a string none of these hit cannot hold a secret, and skips every detector.
_ALL_NEEDLES = tuple(sorted({n for d in DETECTORS for n in d.needles}))
_TRIGGERS = tuple({d.trigger.pattern: d.trigger for d in DETECTORS if d.trigger is not None}.values())
# One search instead of a hundred: every needle, on the lower-cased text.
_ANY_NEEDLE = re.compile(trie_pattern(_ALL_NEEDLES))
_MAX_ROUNDS = 8


def might_hold_secret(text: str, lowered: str) -> bool:
    if _ANY_NEEDLE.search(lowered) is not None:
        return True
    return any(trigger.search(text) is not None for trigger in _TRIGGERS)


_PLAIN = re.compile(r"[^`\t\n\r\f\v]*")  # ASCII that normalize_text would change only in its spaces


def normalized(text: str) -> str:
    """``normalize_text(text)``; plain ASCII with single spaces (most log lines) is returned at once."""
    if text.isascii() and _PLAIN.fullmatch(text) and "  " not in text and text.strip() == text:
        return text
    return normalize_text(text)


Found = tuple[tuple[str, int], ...]
"""What one cleaning counted, per category: a memo keeps it beside the result and adds it on every hit."""


def add_found(counts: MutableMapping[str, int], found: Found, times: int = 1) -> None:
    """``found`` added ``times`` over to ``counts``: a remembered cleaning counts as if it ran again (every
    memo of a cleaning here and in the sanitizer replays its counts this way)."""
    for category, number in found:
        counts[category] = counts.get(category, 0) + number * times


def scrub(text: str, counts: MutableMapping[str, int]) -> str:
    """``text`` normalized, every secret in it replaced by its marker; one per replacement added to ``counts``."""
    if len(text) > MEMO_LENGTH:
        return _scrub(text, counts)
    result, found = _memo_scrub(text)
    if found:
        add_found(counts, found)
    return result


def _scrubbed(text: str) -> tuple[str, Found]:
    found: dict[str, int] = {}
    return _scrub(text, found), tuple(found.items())


def _scrub(text: str, counts: MutableMapping[str, int]) -> str:
    text = normalized(text)
    lowered = text.lower()
    if not might_hold_secret(text, lowered):
        return text
    # A marker can give a later or earlier detector the boundary it needed ("0004pw: x" → "[card]pw: x"),
    # so rounds repeat until nothing changes: that makes scrubbing idempotent.
    for _ in range(_MAX_ROUNDS):
        changed = False
        for detector in DETECTORS:
            if not detector.may_match(text, lowered):
                continue
            spans = detector.spans(text)
            if spans:
                text = _replace(text, spans, detector.marker)
                lowered = text.lower()
                counts[detector.category] = counts.get(detector.category, 0) + len(spans)
                changed = True
        if not changed:
            break
    return text


def _replace(text: str, spans: list[tuple[int, int]], marker: str) -> str:
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(marker)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def find_secrets(text: str) -> list[str]:
    """Categories of every secret left in ``text``: every detector, no shortcut (the fail-closed check)."""
    if len(text) <= MEMO_LENGTH:
        return list(_memo_findings(text))
    return list(_findings(text))


def _findings(text: str) -> tuple[str, ...]:
    text = normalized(text)
    lowered = text.lower()
    return tuple(d.category for d in DETECTORS if d.worth_scanning(text, lowered) and d.found_in(text))


# The re-scan sees the same keys, zones, skills and ids in every payload (every key of a small file is also
# one of every other file's): the full scan of an exact string is remembered. Long strings (chat text) are
# rarely repeated and would make the memo big, so they are scanned each time.
MEMO_LENGTH = 200  # the longest string a memo here (or the re-scan's class check) remembers
_memo_findings = lru_cache(maxsize=16_384)(_findings)  # at most a few MB
# Scrubbing too: a user's sessions repeat the same keys, zones and action lines, and each session cleans
# its strings afresh (its cleaners' caches depend on its player names; the secrets part does not).
_memo_scrub = lru_cache(maxsize=16_384)(_scrubbed)


SENSITIVE_KEY = re.compile(
    r"(?i)^(?:.*[_\-. ])?(?:password|passwd|passphrase|pwd|pass|secret|client_?secret|token|access_?token"
    r"|auth_?token|refresh_?token|api_?key|apikey|access_?key|private_?key|secret_?key|auth|authorization"
    r"|cookie|session_?token|credentials?|webhook(?:_?url)?|license(?:_?key)?|email|e_?mail|phone|ip"
    r"|ip_?address|user_?name|username|login)$"
)
REDACTED = "[redacted]"
# Every marker this module writes: the only bracketed words later rules may take for already clean.
MARKERS: frozenset[str] = frozenset({d.marker for d in DETECTORS} | {REDACTED})


def is_sensitive_value(name: str, value: object) -> bool:
    """A not yet redacted value under a secret-sounding key ("password", "api_key", "webhook_url"…)."""
    if value in (None, "", [], {}, REDACTED) or isinstance(value, bool):
        return False
    return SENSITIVE_KEY.match(name) is not None
