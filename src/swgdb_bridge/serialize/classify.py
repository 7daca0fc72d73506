"""Map the bots' free-form labels onto the upstream schema's enums.

Bot logs say "grinding", "Hunt the Krayt Dragon" or "bio_break"; the schema wants one of a few fixed words.
Each mapping is a keyword table checked in order (first hit wins), so a label is classified the same way
everywhere and the tables are the documentation (see ``docs/payload.md``).
"""

from __future__ import annotations

_Table = tuple[tuple[str, tuple[str, ...]], ...]


class Classifier:
    """A keyword table with a small memo: a 1M-event session repeats a handful of labels."""

    _MEMO_LIMIT = 4096

    def __init__(self, table: _Table) -> None:
        self.table = table
        self._memo: dict[str, str] = {}

    def __call__(self, label: str | None, default: str = "other") -> str:
        """The enum value for ``label`` (first table row with a keyword in it), else ``default``."""
        if not label:
            return default
        found = self._memo.get(label)
        if found is None:
            found = self._lookup(label.lower())
            if len(self._memo) < self._MEMO_LIMIT:
                self._memo[label] = found
        return found or default

    def _lookup(self, text: str) -> str:
        for value, keywords in self.table:
            if value == text or any(word in text for word in keywords):
                return value
        return ""


XP_SOURCES = Classifier(
    (
        ("combat", ("combat", "kill", "fight", "hunt", "grind")),
        ("quest", ("quest", "mission", "task")),
        ("crafting", ("craft", "artisan", "build", "survey", "harvest")),
        ("exploration", ("explor", "discover", "travel", "scout")),
        ("social", ("social", "entertain", "dance", "music", "heal", "group")),
    )
)

CREDIT_SOURCES = Classifier(
    (
        ("quest", ("quest",)),
        ("mission", ("mission", "terminal", "bounty")),
        ("vendor", ("vendor", "shop", "sale", "sell", "bought", "buy", "bazaar", "loot")),
        ("trade", ("trade", "transfer", "bank", "player")),
    )
)

# Order matters: "Crafting Supplies" is crafting, "Destroy the Imperial Base" a hunt.
QUEST_TYPES = Classifier(
    (
        ("craft", ("craft", "artisan", "workshop", "forge", "assemble")),
        ("delivery", ("escort", "deliver", "courier", "transport", "rescue")),
        (
            "hunt",
            ("clear", "hunt", "kill", "eliminate", "destroy", "slay", "exterminate", "bounty", "combat"),
        ),
        ("social", ("social", "entertain", "perform", "gathering", "dance", "music", "heal", "medical")),
        ("mission", ("mission", "recover", "retrieve", "survey", "collect", "scout", "recon", "investigate")),
    )
)

REWARD_TYPES = Classifier(
    (
        ("xp", ("xp", "experience")),
        ("credits", ("credit", "cash", "money")),
        ("items", ("item", "loot", "gear", "weapon", "armor")),
        ("faction", ("faction", "standing", "reputation")),
    )
)

SESSION_MODES = Classifier(
    (
        ("quest", ("quest", "mission")),
        ("combat", ("combat", "grind", "hunt", "farm", "kill", "bounty")),
        ("crafting", ("craft", "artisan", "survey", "harvest", "resource")),
        ("exploration", ("explor", "travel", "scout", "discover")),
        ("social", ("social", "entertain", "dance", "music", "medic", "heal", "group")),
    )
)

CHAT_TYPES = Classifier(
    (
        ("whisper", ("whisper",)),
        ("tell", ("tell", "private")),
        ("group_chat", ("group", "party")),
        ("guild_chat", ("guild",)),
    )
)

INTERACTIONS = Classifier(
    (
        ("whispered", ("whisper", "tell")),
        ("grouped", ("group", "party")),
        ("detected", ("detect", "seen", "nearby", "spotted")),
    )
)

# "guild_whisper" is a privately addressed alert: a shared guild alert ("guild", "guild_chat") is "other", so
# the payload never shows shared text under a private type (the sanitizer's channels.py draws the same line).
ALERT_TYPES = Classifier(
    (
        ("leader_message", ("leader",)),
        ("officer_message", ("officer",)),
        ("guild_whisper", ("whisper", "tell", "private")),
    )
)

PURPOSES = Classifier(
    (
        ("quest_hub", ("quest", "mission")),
        ("combat_grinding", ("combat", "grind", "hunt", "farm")),
        ("crafting_hub", ("craft", "artisan", "survey", "harvest")),
        ("travel", ("travel", "transit", "shuttle", "starport")),
    )
)

PRIORITIES = frozenset({"high", "medium", "low"})


def priority(label: str | None) -> str | None:
    text = (label or "").strip().lower()
    return text if text in PRIORITIES else None
