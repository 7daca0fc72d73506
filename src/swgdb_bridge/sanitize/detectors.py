"""Secret and PII detectors: find them in a string, replace them by category markers ("[email]", "[token]").

Token formats and ``key = value`` assignments come from detect-secrets' plugin classes: we reuse their
compiled patterns offline, as a library, and never call their ``verify`` (no network). What detect-secrets
has no plugin for (emails, all IP addresses, phones, cards, user names inside paths, "password X" prose,
webhooks, license keys) is hand-written here.

Each detector has cheap necessary conditions (``needles``, ``trigger``). Strings that meet none skip every
detector (the fast path for millions of action lines). :func:`find_secrets`, the fail-closed re-scan,
ignores those conditions, so one that is too narrow shows up as a refused upload, never as a leak.

Patterns are written (or anchored) so that no input makes them backtrack quadratically.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from functools import lru_cache

from detect_secrets.plugins import keyword as ds_keyword
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector

Validator = Callable[[re.Match[str]], bool]

# detect-secrets plugins whose patterns recognise a token by its own shape.
_TOKEN_PLUGINS = (
    AWSKeyDetector,
    AzureStorageKeyDetector,
    DiscordBotTokenDetector,
    GitHubTokenDetector,
    GitLabTokenDetector,
    MailchimpDetector,
    OpenAIDetector,
    PypiTokenDetector,
    SendGridDetector,
    SlackDetector,
    SquareOAuthDetector,
    StripeDetector,
    TelegramBotTokenDetector,
    TwilioKeyDetector,
)
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=.]")
# A token's start holds no "=" or "/": those belong to "t=" or "url/" before it.
_TOKEN_HEAD = re.compile(r"[A-Za-z0-9_\-]")
_SEP = r"(?:\\+|/|%5[cC]|%2[fF])"
_NOT_AFTER_SEP = r"(?<![\\/])(?<!%5[cC])(?<!%2[fF])"  # start at a run of separators, never inside one


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of secret: how to find it, what replaces it, and when it cannot be there.

    A string can hold it only if it contains one of ``needles`` (lowercase substrings) or ``trigger``
    matches: necessary conditions, cheap enough to test on every string.
    """

    category: str  # the report's count key
    marker: str
    patterns: tuple[tuple[re.Pattern[str], int], ...]  # (pattern, group whose span is replaced)
    needles: tuple[str, ...] = ()
    trigger: re.Pattern[str] | None = None
    validate: Validator | None = None
    widen: bool = False  # grow a token match to the whole run of token characters, so no tail is left
    literal_needles: bool = False  # every match contains a needle: even the full re-scan may skip on none

    def worth_scanning(self, text: str, lowered: str) -> bool:
        """For the full re-scan: False only where a match is impossible, not merely unlikely."""
        return not self.literal_needles or self.may_match(text, lowered)

    def may_match(self, text: str, lowered: str) -> bool:
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
                start, end = match.span(group)
                if start < covered or (self.validate is not None and not self.validate(match)):
                    continue
                if self.widen:
                    start, end = covered_span = _widen(text, start, end)
                    covered = covered_span[1]
                if end > start:
                    yield start, end


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
    return JwtTokenDetector.is_formally_valid(match.group(0))


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


_LONG_RUN = re.compile(r"\S{20}")  # every token format is 20+ characters without a space, or has a needle
_DIGIT_RUN = re.compile(r"\d[\d .()+\-]{6,}\d")  # phones and cards: 8+ characters of digits and separators
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
    return digits >= 10 and ("(" in text or any(c in text for c in " .-"))


def _ipv6_ok(match: re.Match[str]) -> bool:
    candidate = match.group("addr")
    if not any(c not in ":" for c in candidate):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


# ---- the detectors -----------------------------------------------------------------------------------


def _compile(*patterns: str, flags: int = 0, group: int = 0) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple((re.compile(p, flags), group) for p in patterns)


def _plugin_patterns(plugins: Iterable[type]) -> tuple[tuple[re.Pattern[str], int], ...]:
    denylists = (plugin.denylist for plugin in plugins)  # type: ignore[attr-defined]
    return tuple((pattern, 0) for denylist in denylists for pattern in denylist)


_KEYWORD_PATTERNS = tuple(ds_keyword.CONFIG_DENYLIST_REGEX_TO_GROUP.items())

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "private_keys",
        "[private-key]",
        _compile(
            r"-----BEGIN[A-Z ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END[A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            r"PuTTY-User-Key-File-\d.*",
            flags=re.DOTALL,
        ),
        needles=("private key", "putty"),
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
        # detect-secrets' BasicAuthDetector reports only the password; the user name is PII too.
        _compile(r"://([^\s/?#@:\[\]]+:[^\s/?#@\[\]]*)@", group=1),
        needles=("://",),
    ),
    Detector(
        "tokens",
        "[token]",
        _plugin_patterns(_TOKEN_PLUGINS)
        # Stripe-like keys the plugin does not know: test and publishable keys, any length.
        + _compile(r"(?<![A-Za-z0-9])[rsp]k_(?:live|test)_[0-9A-Za-z]{10,}"),
        needles=("xox",),
        trigger=_LONG_RUN,
        widen=True,
    ),
    Detector(
        "tokens",
        "[token]",
        _plugin_patterns([NpmDetector]),
        needles=("_authtoken",),  # its ".+" backtracks over long lines: only run it where it can match
        widen=True,
        literal_needles=True,
    ),
    Detector(
        "tokens",
        "[token]",
        # The plugin's pattern, tried only where a token can start (unanchored: quadratic on "eyJeyJ…").
        ((re.compile(r"(?<![A-Za-z0-9_=-])" + JwtTokenDetector.denylist[0].pattern), 0),),
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
        "passwords",
        "[password]",
        _KEYWORD_PATTERNS,
        needles=("key", "pass", "pwd", "secret", "contrase"),
    ),
    Detector(
        "passwords",
        "[password]",
        _compile(
            # "password hunter2", "pw: x", "my password is x": the word itself says what follows.
            r"(?<![\w-])(?:password|passwd|passphrase|pwd|pw)(?:'s)?(?>\s*[:=]\s*|\s+(?:is\s+|was\s+)?)"
            r"[\"'`]?((?!\[)[^\s\"'`,;]+)",
            # "pin is 1234", "secret: x", "api key = x": ordinary words, so only with "is", ":" or "=".
            r"(?<![\w-])(?:pass|passcode|pin|secret|token|api[ _-]?key|access[ _-]?token|auth[ _-]?token"
            r"|client[ _-]?secret|private[ _-]?key)(?>\s*[:=]\s*|\s+is\s+)[\"'`]?((?!\[)[^\s\"'`,;]+)",
            flags=re.IGNORECASE,
            group=1,
        ),
        needles=("pass", "pw", "pin", "secret", "token", "key"),
    ),
    Detector(
        "license_keys",
        "[license-key]",
        _compile(r"(?<![\w-])(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){3,7}(?![\w-])"),
        trigger=re.compile(r"-[A-Z0-9]{4}"),
    ),
    Detector(
        "emails",
        "[email]",
        _compile(
            r"(?<![\w.+%-])[\w.+%-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
        ),
        needles=("@",),
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
        ),
        needles=("users", "home", "settings"),
    ),
    Detector(
        "cards",
        "[card]",
        _compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?!\d)"),
        trigger=_DIGIT_RUN,
        validate=_luhn_ok,
    ),
    Detector(
        "ipv6",
        "[ip]",
        _compile(
            r"(?<![\w:.])\[?(?P<addr>(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?)"
            r"(?:%\w+)?\]?(?::\d{1,5})?(?![\w:])"
        ),
        trigger=re.compile(r":[0-9A-Fa-f]*:"),
        validate=_ipv6_ok,
    ),
    Detector(
        "ipv4",
        "[ip]",
        _compile(
            r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
            r"(?::\d{1,5})?(?!\w|\.\d)"
        ),
        trigger=re.compile(r"\d\.\d+\.\d"),
    ),
    Detector(
        "phones",
        "[phone]",
        _compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]?\d{2,8}){1,4}(?!\w)"),
        trigger=_DIGIT_RUN,
        validate=_phone_ok,
    ),
)


# The fast path: a string none of these hit cannot hold a secret, and skips every detector.
_ALL_NEEDLES = tuple(sorted({n for d in DETECTORS for n in d.needles}))
_TRIGGERS = tuple({d.trigger.pattern: d.trigger for d in DETECTORS if d.trigger is not None}.values())
_MAX_ROUNDS = 8


def might_hold_secret(text: str, lowered: str) -> bool:
    if any(needle in lowered for needle in _ALL_NEEDLES):
        return True
    return any(trigger.search(text) is not None for trigger in _TRIGGERS)


def scrub(text: str, counts: MutableMapping[str, int]) -> str:
    """Replace every secret in ``text`` by its marker; add one per replacement to ``counts``."""
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
    if len(text) <= _MEMO_LENGTH:
        return list(_memo_findings(text))
    return list(_findings(text))


def _findings(text: str) -> tuple[str, ...]:
    lowered = text.lower()
    return tuple(d.category for d in DETECTORS if d.worth_scanning(text, lowered) and d.found_in(text))


# The re-scan sees the same keys, zones, skills and ids in every payload (every key of a small file is also
# one of every other file's): the full scan of an exact string is remembered. Long strings (chat text) are
# rarely repeated and would make the memo big, so they are scanned each time.
_MEMO_LENGTH = 200
_memo_findings = lru_cache(maxsize=16_384)(_findings)  # at most a few MB


SENSITIVE_KEY = re.compile(
    r"(?i)^(?:.*[_\-. ])?(?:password|passwd|passphrase|pwd|pass|secret|client_?secret|token|access_?token"
    r"|auth_?token|refresh_?token|api_?key|apikey|access_?key|private_?key|secret_?key|auth|authorization"
    r"|cookie|session_?token|credentials?|webhook(?:_?url)?|license(?:_?key)?|email|e_?mail|phone|ip"
    r"|ip_?address|user_?name|username|login)$"
)
REDACTED = "[redacted]"


def is_sensitive_value(name: str, value: object) -> bool:
    """A not yet redacted value under a secret-sounding key ("password", "api_key", "webhook_url"…)."""
    if value in (None, "", [], {}, REDACTED) or isinstance(value, bool):
        return False
    return SENSITIVE_KEY.match(name) is not None
