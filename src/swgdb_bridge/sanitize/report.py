"""What the sanitizer did, as counts per category. It goes into the payload's metadata: never a value."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every category the sanitizer counts, so a report always has the same keys (zeros included).
CATEGORIES = (
    "messages_removed",
    "guild_alerts_removed",
    "encounters_removed",
    "player_names",
    "emails",
    "ipv4",
    "ipv6",
    "phones",
    "cards",
    "passwords",
    "tokens",
    "webhooks",
    "license_keys",
    "private_keys",
    "url_credentials",
    "path_users",
    "sensitive_keys",
    "urls",
    "secret_values",
    "logins",
    "handles",
    "unc_paths",
    "mac_addresses",
    "ibans",
    "street_addresses",
    "national_ids",
    "birth_dates",
    "health",
    "real_names",
    "high_entropy",
    "ids_digested",
    "keys_dropped",
    "unknown_words",
    "free_text_reduced",
)


@dataclass
class SanitizeReport:
    """``enabled``: were player names pseudonymized (``sanitize_data``); ``counts``: replacements made."""

    enabled: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    def to_dict(self) -> dict[str, object]:
        """The shape of the payload's ``metadata.sanitization_report``."""
        return {"enabled": self.enabled, "counts": dict(sorted(self.counts.items()))}
