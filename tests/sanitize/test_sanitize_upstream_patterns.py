"""Dev-only: our own token patterns agree with detect-secrets' verdicts on sample strings.

The sanitizer no longer imports detect-secrets (no network code, no import-time tricks); this test keeps the
patterns we wrote honest against the library's, where the library has one. It is skipped where
detect-secrets is not installed (it is a dev dependency only).
"""

from __future__ import annotations

import pytest

from swgdb_bridge.sanitize import detectors

plugins = pytest.importorskip("detect_secrets.plugins")

from detect_secrets.plugins.aws import AWSKeyDetector  # noqa: E402
from detect_secrets.plugins.github_token import GitHubTokenDetector  # noqa: E402
from detect_secrets.plugins.jwt import JwtTokenDetector  # noqa: E402
from detect_secrets.plugins.keyword import KeywordDetector  # noqa: E402
from detect_secrets.plugins.slack import SlackDetector  # noqa: E402
from detect_secrets.plugins.stripe import StripeDetector  # noqa: E402

SAMPLES = [
    (AWSKeyDetector, "aws AKIAIOSFODNN7EXAMPLE key"),
    (GitHubTokenDetector, "push with ghp_" + "a1B2" * 9),
    (SlackDetector, "slack xoxb-1234-5678-abcdefgh"),
    (StripeDetector, "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    (JwtTokenDetector, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"),
    (KeywordDetector, 'password = "hunter2hunter2"'),
    (KeywordDetector, "api_key: 9f8e7d6c5b4a3928"),
    (AWSKeyDetector, "Killed womp rat (+145 XP)"),
    (GitHubTokenDetector, "Completed quest: Escort the Jawa Trader"),
    (KeywordDetector, "Auto-loot: enabled"),
    (JwtTokenDetector, "eyJ is not a token on its own"),
]


@pytest.mark.parametrize(("plugin", "text"), SAMPLES, ids=lambda v: getattr(v, "__name__", str(v)[:24]))
def test_we_flag_whatever_the_library_flags_and_agree_on_game_lines(plugin: type, text: str) -> None:
    library_says = bool(list(plugin().analyze_line(filename="x.txt", line=text, line_number=1)))
    we_say = bool(detectors.find_secrets(text))
    assert we_say >= library_says  # we may be stricter ("api_key: x" in prose), never laxer
    if text[0].isupper() and " " in text and not library_says:  # the game lines below
        assert not we_say
