"""``Sanitizer``: a cleaned copy of a :class:`Session`, with a report of what was removed.

Rules (docs/privacy.md says them to users):

* message text of whispers, tells, group/guild chat and guild alerts is dropped unless
  ``include_communications``; kept text is cleaned like any other string;
* encounters are dropped (and counted) unless ``include_player_encounters``;
* other players' names become keyed pseudonyms in every field and free text (``sanitize_data``);
* secrets and PII are replaced by markers in every string, always: ``sanitize_data=False`` is the user's
  choice to show player names, never a choice to upload a password.

Output depends only on the session, the options and the key, so the same input gives the same payload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any, overload

from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    CreditBalance,
    CreditChange,
    GuildAlert,
    HeroicLoot,
    LocationVisit,
    LootDrop,
    PlayerEncounter,
    QuestCompletion,
    Session,
    SourceRef,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.sanitize import detectors
from swgdb_bridge.sanitize.keys import Pseudonymizer, load_pseudonym_key
from swgdb_bridge.sanitize.lexicon import KEPT_PHRASES
from swgdb_bridge.sanitize.names import (
    NameMatcher,
    is_pseudonym,
    key,
    name_matcher,
    names_in_actions,
    with_parts,
)
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sanitize.report import SanitizeReport

_CACHE_LIMIT = 200_000  # distinct strings remembered per text cleaner (bot logs repeat lines a lot)


class TextCleaner:
    """Secrets, then names, in one string; results cached, since action logs repeat the same lines.

    Counts of what was replaced go to ``counts``, cache hits included.
    """

    def __init__(self, names: NameMatcher | None, counts: MutableMapping[str, int]) -> None:
        self._names = names
        self._counts = counts
        self._cache: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}

    @overload
    def clean(self, text: str) -> str: ...
    @overload
    def clean(self, text: None) -> None: ...

    def clean(self, text: str | None) -> str | None:
        if text is None:
            return None
        hit = self._cache.get(text)
        if hit is None:
            hit = self._compute(text)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = hit
        if hit[1]:
            counts = self._counts
            for category, number in hit[1]:
                counts[category] = counts.get(category, 0) + number
        return hit[0]

    def _compute(self, text: str) -> tuple[str, tuple[tuple[str, int], ...]]:
        found: dict[str, int] = {}
        result = detectors.scrub(text, found)
        if self._names is not None:
            result, hits = self._names.replace(result)
            if hits:
                found["player_names"] = hits
        return result, tuple(found.items())


class Sanitizer:
    """Cleans sessions and strings under one set of options and one pseudonym key."""

    def __init__(
        self,
        options: SanitizeOptions | None = None,
        key: bytes | None = None,
        *,
        known_names: Iterable[str] = (),
    ) -> None:
        """``key`` None → this install's key; ``known_names``: player names ``clean_text`` replaces."""
        self.options = options or SanitizeOptions()
        self._pseudonymize = Pseudonymizer(key if key is not None else load_pseudonym_key())
        self._known_names = frozenset(n for n in known_names if n and n.strip())
        self._text = TextCleaner(self._matcher(self._known_names, KEPT_PHRASES), {})

    def pseudonym(self, name: str) -> str:
        """The stable keyed pseudonym of a player name, e.g. "Player-3f9a1c2b7d4e"."""
        return self._pseudonymize(name)

    def clean_text(self, text: str) -> str:
        """``text`` with secrets, PII and the known player names replaced."""
        return self._text.clean(text)

    def sanitize_session(self, session: Session) -> tuple[Session, SanitizeReport]:
        """A new, cleaned Session (the input is not changed) and the counts of what was removed."""
        report = SanitizeReport(enabled=self.options.sanitize_data)
        names = self._known_names | player_names(session) if self.options.sanitize_data else frozenset()
        matcher = self._matcher(names, kept_phrases(session))
        text = TextCleaner(matcher, report.counts)
        cleaned = _SessionCleaner(self, session, text, report.counts).session(session)
        return cleaned, report

    def _matcher(self, names: Iterable[str], kept: Iterable[str]) -> NameMatcher | None:
        if not self.options.sanitize_data:
            return None
        wanted = (name for name in with_parts(names) if not is_pseudonym(name.strip()))
        mapping = {name: self._pseudonymize(name) for name in wanted}
        return name_matcher(mapping, kept) if mapping else None


def kept_phrases(session: Session) -> list[str]:
    """Phrases that are never player names: NPCs and places we know, plus this session's own."""
    own = [session.character_name] if session.character_name else []
    quests = [q.quest_name for q in session.quests]
    places = [p for visit in session.locations for p in (visit.planet, visit.city) if p]
    return list(dict.fromkeys([*KEPT_PHRASES, *own, *quests, *places]))  # 1M visits name a few places


def player_names(session: Session) -> frozenset[str]:
    """Other players named in a raw session: encounters, senders, group/trade/duel/tell action lines."""
    found = {e.player_name for e in session.encounters}
    found.update(m.sender for m in session.messages if m.sender)
    found.update(a.sender for a in session.guild_alerts if a.sender)
    found.update(names_in_actions({a.text for a in session.actions}))
    not_players = {key(p) for p in kept_phrases(session)}
    return frozenset(
        n for n in found if n.strip() and key(n) not in not_players and not is_pseudonym(n.strip())
    )


class _SessionCleaner:
    """One pass over one Session. Constructors are called positionally: 1M events must stay cheap."""

    def __init__(
        self, owner: Sanitizer, session: Session, text: TextCleaner, counts: MutableMapping[str, int]
    ) -> None:
        self._options = owner.options
        self._pseudonymize = owner.pseudonym
        self._c = self._s = text.clean  # _s for strings, _c for optional ones: one call either way
        self._own = key(session.character_name or "")
        self._counts = counts

    def _count(self, category: str, number: int = 1) -> None:
        self._counts[category] = self._counts.get(category, 0) + number

    def _player(self, name: str | None) -> str | None:
        """A name field (sender, encounter): always a pseudonym, unless it is the user's own character."""
        if name is None or not name.strip() or key(name) == self._own or is_pseudonym(name):
            return name
        self._count("player_names")
        return self._pseudonymize(name)

    def session(self, s: Session) -> Session:
        return Session(
            session_id=self._s(s.session_id),
            character_name=s.character_name,
            start_time=s.start_time,
            end_time=s.end_time,
            source_format=s.source_format,
            source_path=Path(self._s(str(s.source_path))) if s.source_path is not None else None,
            mode=self._c(s.mode),
            xp_start=s.xp_start,
            xp_end=s.xp_end,
            xp_gained=s.xp_gained,
            credits_start=s.credits_start,
            credits_end=s.credits_end,
            credits_gained=s.credits_gained,
            **self._progress(s),
            messages=[self._message(m) for m in s.messages],
            encounters=self._encounters(s.encounters),
            guild_alerts=[self._alert(a) for a in s.guild_alerts],
            **self._happenings(s),
            declared_breakdowns={
                self._s(name): self._keys(breakdown, lambda old, new: old + new)
                for name, breakdown in s.declared_breakdowns.items()
            },
            declared_metrics=self._keys(s.declared_metrics, lambda _old, new: new),
            original_keys=[self._s(k) for k in s.original_keys],
            notes=[self._s(n) for n in s.notes],
            extra=self._value(s.extra),
            **self._assembled(s),
        )

    def _assembled(self, s: Session) -> dict[str, Any]:
        """The facts ``assemble`` adds (kills, heroic loot, credit curve, XP per skill, sources, warnings).

        Creature, skill, item, boss and instance names are game vocabulary: kept only when the text cleaner leaves
        them untouched (a name that held a secret or a player's name is dropped whole, and counted), never
        rewritten. Sources keep only file names (a path holds the OS user name); warnings are cleaned text.
        """
        heroic = [
            HeroicLoot(
                i.timestamp,
                i.item,
                i.quantity,
                self._game(i.instance),
                self._game(i.boss),
                self._game(i.rarity),
            )
            for i in s.heroic_loot
            if self._game(i.item)
        ]
        return {
            "kills": {name: n for name, n in s.kills.items() if self._game(name)},
            "heroic_loot": heroic,
            "credit_curve": [CreditBalance(b.timestamp, b.balance) for b in s.credit_curve],
            "xp_by_skill": {skill: xp for skill, xp in s.xp_by_skill.items() if self._game(skill)},
            "sources": [
                SourceRef(
                    Path(self._s(r.path.name)),
                    self._s(r.format),
                    tuple(map(self._s, r.taken)),
                    r.digest,
                    r.truncated,
                )
                for r in s.sources
            ],
            "warnings": [self._s(w) for w in s.warnings],
            "truncated": s.truncated,
        }

    def _game(self, name: str | None) -> str | None:
        """A game name as it is, or ``None`` (counted) when cleaning would change it: never half a name."""
        if name is None or self._s(name) == name:
            return name
        self._count("game_names_removed")
        return None

    def _progress(self, s: Session) -> dict[str, list[Any]]:
        """XP, credits, quests and places: strings cleaned, every number as it was."""
        c = self._c
        return {
            "xp_gains": [
                XPGain(
                    g.timestamp,
                    g.amount,
                    c(g.profession),
                    c(g.skill),
                    c(g.source),
                    c(g.quest_name),
                    c(g.zone),
                    g.level_before,
                    g.level_after,
                )
                for g in s.xp_gains
            ],
            "credit_changes": [
                CreditChange(x.timestamp, x.amount, c(x.source), x.balance_after) for x in s.credit_changes
            ],
            "quests": [
                QuestCompletion(
                    q.timestamp,
                    self._s(q.quest_name),
                    c(q.quest_type),
                    c(q.reward_type),
                    q.reward_amount,
                    c(q.zone),
                )
                for q in s.quests
            ],
            "locations": [
                LocationVisit(
                    v.timestamp,
                    self._s(v.planet),
                    c(v.city),
                    v.coordinates,
                    v.departure,
                    v.duration_minutes,
                    c(v.purpose),
                )
                for v in s.locations
            ],
        }

    def _happenings(self, s: Session) -> dict[str, list[Any]]:
        """AFK periods, stuck events, action lines and loot."""
        c = self._c
        return {
            "afk_periods": [
                AfkPeriod(p.start_time, p.end_time, p.duration_minutes, c(p.reason)) for p in s.afk_periods
            ],
            "stuck_events": [
                StuckEvent(e.timestamp, c(e.location), c(e.reason), e.duration_seconds)
                for e in s.stuck_events
            ],
            "actions": self._actions(s.actions),
            "loot": [LootDrop(d.timestamp, self._s(d.item), c(d.zone)) for d in s.loot],
        }

    def _actions(self, actions: list[Action]) -> list[Action]:
        clean = self._s
        return [Action(a.timestamp, clean(a.text)) for a in actions]

    def _message(self, m: ChatMessage) -> ChatMessage:
        if self._options.include_communications:
            text = self._s(m.message)
        else:
            text = ""
            if m.message:
                self._count("messages_removed")
        return ChatMessage(m.timestamp, m.channel, self._sender(m.sender), text, m.response_sent)

    def _alert(self, a: GuildAlert) -> GuildAlert:
        if self._options.include_communications:
            message, reply = self._s(a.message), self._c(a.reply_message)
        else:
            message, reply = "", None
            if a.message or a.reply_message:
                self._count("guild_alerts_removed")
        return GuildAlert(
            a.timestamp,
            self._sender(a.sender),
            message,
            self._c(a.alert_type),
            self._c(a.priority),
            a.auto_reply_sent,
            reply,
        )

    def _sender(self, name: str | None) -> str | None:
        return self._player(name) if self._options.sanitize_data else self._c(name)

    def _encounters(self, encounters: list[PlayerEncounter]) -> list[PlayerEncounter]:
        if not self._options.include_player_encounters:
            self._count("encounters_removed", len(encounters))
            return []
        return [
            PlayerEncounter(
                e.timestamp,
                self._sender(e.player_name) or "",
                self._c(e.location),
                e.distance,
                self._c(e.interaction_type),
            )
            for e in encounters
        ]

    def _keys(self, mapping: Mapping[str, Any], combine: Callable[[Any, Any], Any]) -> dict[str, Any]:
        """``mapping`` with cleaned keys; two keys that clean to one are combined."""
        result: dict[str, Any] = {}
        for name, value in mapping.items():
            cleaned = self._s(name)
            result[cleaned] = combine(result[cleaned], value) if cleaned in result else value
        return result

    def _value(self, value: Any, name: str | None = None) -> Any:
        """Any JSON-like value: strings cleaned, anything under a sensitive key name redacted."""
        if name is not None and detectors.is_sensitive_value(name, value):
            self._count("sensitive_keys")
            return detectors.REDACTED
        if isinstance(value, str):
            return self._s(value)
        if isinstance(value, Mapping):
            return {self._s(str(k)): self._value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._value(v) for v in value]
        return value
