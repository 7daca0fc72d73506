"""``Sanitizer``: a cleaned copy of a :class:`Session`, with a report of what was removed.

Rules (docs/privacy.md says them to users):

* every field is cleaned by its privacy class in ``fields.FIELDS``: game vocabulary passes when known and
  has unknown words pseudonymized, free text is reduced to a category and the known things it names, ids
  are kept whole or replaced whole by a keyed digest (``vocabulary.py``, ``identifiers.py``);
* privately addressed text (whispers, tells, officer alerts, "[Tell] From X: …" action lines) never
  leaves; shared-channel text leaves only with ``include_communications`` (``channels.py``);
* encounters are dropped (and counted) unless ``include_player_encounters``;
* other players' names become keyed pseudonyms in every field and free text (``sanitize_data``); in chat
  text, so does every word that could name a player no list knows (``chat.py``);
* secrets and PII are replaced by markers in every string, always: ``sanitize_data=False`` is the user's
  choice to show player names, never a choice to upload a password.

Text is normalized first (NFKC, no zero-width characters, one apostrophe and dash). Output depends only on
the session, the options and the key, so the same input gives the same payload.
"""

from __future__ import annotations

import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
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
from swgdb_bridge.payload import MAX_TEXT_CHARS
from swgdb_bridge.sanitize import detectors
from swgdb_bridge.sanitize.channels import is_shared, quotes_private_text
from swgdb_bridge.sanitize.chat import ChatRule, chat_rule
from swgdb_bridge.sanitize.cleaned import Cleaned
from swgdb_bridge.sanitize.detectors import Found, add_found
from swgdb_bridge.sanitize.fields import INPUT_KEYS, SLOWDOWN_REASONS, Privacy, privacy_of
from swgdb_bridge.sanitize.gazetteer import Gazetteer, load_gazetteer
from swgdb_bridge.sanitize.identifiers import upload_file_name
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
from swgdb_bridge.sanitize.vocabulary import Vocabulary

_CACHE_LIMIT = 200_000  # distinct strings remembered per cleaner (bot logs repeat lines a lot)
_CHARACTER = re.compile(r"[^\W\d_][\w'-]{0,59}(?: [^\W\d_][\w'-]{0,30}){0,2}")
MAX_CHARACTER = 50
_TEXT = operator.attrgetter("text")  # an action line's: read for every line of a session
PRIVATE_LINE = "[private message]"

Step = Callable[[str, dict[str, int]], str]
_Cache = dict[str, tuple[str, Found]]
K = TypeVar("K")
V = TypeVar("V")


class CachedCleaner:
    """One cleaning step over strings, its results cached by exact string (logs repeat the same lines).

    Counts of what the step replaced go to ``counts``, cache hits included. A string the step leaves as it
    was comes back as itself (the same object), so a record none of whose strings changed can be kept whole.
    """

    def __init__(self, step: Step, counts: MutableMapping[str, int], cache: _Cache | None = None) -> None:
        """``cache``: another cleaner's, when this one cleans by the same step (the same results)."""
        self._step = step
        self._counts = counts
        self._cache: _Cache = cache if cache is not None else {}

    @overload
    def clean(self, text: str) -> str: ...
    @overload
    def clean(self, text: None) -> None: ...

    def clean(self, text: str | None) -> str | None:
        if text is None:
            return None
        hit = self._cache.get(text) or self._miss(text)
        if hit[1]:
            add_found(self._counts, hit[1])
        return hit[0]

    def tally(self, texts: Iterable[str | None]) -> None:
        """Count what cleaning each of ``texts`` would count, without cleaning them: each distinct string
        once, its counts times its occurrences (what :meth:`clean` adds per call, as the cache is exact)."""
        for text, times in Counter(texts).items():
            if text is not None:
                add_found(self._counts, (self._cache.get(text) or self._miss(text))[1], times)

    def _miss(self, text: str) -> tuple[str, Found]:
        found: dict[str, int] = {}
        result = self._step(text, found)
        if len(result) > MAX_TEXT_CHARS:
            result = self._within_cap(text, result, found)
        hit = (text if result == text else result, tuple(found.items()))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = hit
        return hit

    def _within_cap(self, text: str, result: str, found: dict[str, int]) -> str:
        """The cleaning of as many of ``text``'s first words as fit the payload's cap once cleaned.

        A pseudonym or a marker can be longer than what it replaced, so a line the log held within the cap
        may outgrow it, and one text over the cap would refuse the whole session. The text is cut before
        cleaning, at a space, so the result keeps the shape its field's class allows (the re-scan checks).
        """
        while len(result) > MAX_TEXT_CHARS:
            text = _first_words(text, len(text) * MAX_TEXT_CHARS // len(result))  # shorter each time
            found.clear()
            result = self._step(text, found)
        return result


def _first_words(text: str, most: int) -> str:
    """``text`` cut to at most ``most`` characters, at its last space there if it has one."""
    head = text[: max(most, 0)]
    space = head.rfind(" ")
    return head[:space].rstrip() if space > 0 else head


class Replaying(Generic[K, V]):
    """``clean`` once per distinct key, the counts it added replayed on every later call with that key.

    For a record's several strings at once: one lookup instead of one per string, counts as if each call
    had cleaned them (every cleaner here is exact per string, so its result and counts never vary).
    """

    def __init__(self, clean: Callable[[K], V], counts: MutableMapping[str, int]) -> None:
        self._clean = clean
        self._counts = counts
        self._memo: dict[K, tuple[V, Found]] = {}

    def clean(self, key: K) -> V:
        hit = self._memo.get(key)
        if hit is None:
            before = dict(self._counts)
            result = self._clean(key)
            added = tuple((c, n - before.get(c, 0)) for c, n in self._counts.items() if n != before.get(c, 0))
            if len(self._memo) >= _CACHE_LIMIT:
                self._memo.clear()
            hit = self._memo[key] = (result, added)
        elif hit[1]:
            add_found(self._counts, hit[1])
        return hit[0]


def text_step(names: NameMatcher | None, gazetteer: Gazetteer) -> Step:
    """Normalize, replace secrets, then names (multi-word game entities are never names)."""

    def multi_word_entities(text: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in gazetteer.find(text) if " " in text[m.start : m.end].strip()]

    def step(text: str, found: dict[str, int]) -> str:
        result, hits = names.replace(detectors.scrub(text, found), multi_word_entities)  # type: ignore[union-attr]
        if hits:
            found["player_names"] = found.get("player_names", 0) + hits
        return result

    def secrets_only(text: str, found: dict[str, int]) -> str:
        return detectors.scrub(text, found)

    return step if names is not None else secrets_only


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
        self.gazetteer = load_gazetteer()
        self.vocabulary = Vocabulary(self.gazetteer, self._pseudonymize)
        self._known_names = frozenset(n for n in known_names if n and n.strip())
        matcher = self._matcher(self._known_names, KEPT_PHRASES)
        self._text = CachedCleaner(text_step(matcher, self.gazetteer), {})

    def pseudonym(self, name: str) -> str:
        """The stable keyed pseudonym of a player name, e.g. "Player-3f9a1c2b7d4e"."""
        return self._pseudonymize(name)

    def identifier(self, text: str) -> str:
        """The id uploaded for ``text``: itself when harmless, else a keyed digest of all of it."""
        return self._pseudonymize.identifier(text)

    def clean_text(self, text: str) -> str:
        """``text`` normalized, with secrets, PII and the known player names replaced."""
        return self._text.clean(text)

    def sanitize_session(
        self, session: Session, players: frozenset[str] | None = None
    ) -> tuple[Session, SanitizeReport]:
        """A new, cleaned Session (the input is not changed) and the counts of what was removed.

        The cleaned session shares what cleaning leaves as it was: its messages, encounters, alerts, AFK
        and stuck periods, actions and loot are read-only views that clean a record when it is read
        (``cleaned.Cleaned``), and an unchanged XP gain or credit change is the input's own record. The
        counts are complete when this returns. Treat both sessions as read-only from here on.

        ``players``: :func:`player_names` of ``session``, when the caller needs them too and has them.
        """
        report = SanitizeReport(enabled=self.options.sanitize_data)
        names = frozenset()
        if self.options.sanitize_data:
            names = self._known_names | (player_names(session) if players is None else players)
        matcher = self._matcher(names, kept_phrases(session), logged_phrases(session))
        cleaned = _SessionCleaner(self, session, matcher, report.counts).session(session)
        return cleaned, report

    def _matcher(
        self, names: Iterable[str], kept: Iterable[str], logged: Iterable[str] = ()
    ) -> NameMatcher | None:
        if not self.options.sanitize_data:
            return None
        wanted = (name for name in with_parts(names) if not is_pseudonym(name.strip()))
        mapping = {name: self._pseudonymize(name) for name in wanted}
        return name_matcher(mapping, kept, logged) if mapping else None


def kept_phrases(session: Session) -> list[str]:
    """Phrases that are never player names: NPCs and places we know, and the user's own character."""
    own = [session.character_name] if session.character_name else []
    return list(dict.fromkeys([*KEPT_PHRASES, *own]))


def logged_phrases(session: Session) -> list[str]:
    """The game text this session's log gives: its quest names, planets and cities. Not known to be safe (a
    bounty or a player city names a player), so a distinctive player name in one is still replaced."""
    quests = [q.quest_name for q in session.quests]
    places = [p for visit in session.locations for p in (visit.planet, visit.city) if p]
    return list(dict.fromkeys([*quests, *places]))  # 1M visits name a few places


def player_names(session: Session) -> frozenset[str]:
    """Other players named in a raw session: encounters, senders, group/trade/duel/tell action lines.
    A "player" called like a kept phrase (a known NPC or place, the user's own character) is taken for that
    instead; one called like the log's own quest or place is still a player (that text is not known safe)."""
    found = {e.player_name for e in session.encounters}
    found.update(m.sender for m in session.messages if m.sender)
    found.update(a.sender for a in session.guild_alerts if a.sender)
    found.update(names_in_actions(set(map(_TEXT, session.actions))))
    not_players = {key(p) for p in kept_phrases(session)}
    return frozenset(
        n for n in found if n.strip() and key(n) not in not_players and not is_pseudonym(n.strip())
    )


class _SessionCleaner:
    """One pass over one Session. Constructors are called positionally: 1M events must stay cheap."""

    def __init__(
        self,
        owner: Sanitizer,
        session: Session,
        names: NameMatcher | None,
        counts: MutableMapping[str, int],
        caches: defaultdict[str, _Cache] | None = None,
    ) -> None:
        """``caches``: another cleaner's of the same session and names, shared (see :meth:`_views`)."""
        self._options = owner.options
        self._owner = owner
        self._own = key(session.character_name or "")
        self._names = names
        self._counts = counts
        self._caches = caches = caches if caches is not None else defaultdict(dict)
        step = text_step(names, owner.gazetteer)
        vocabulary = owner.vocabulary
        self._strings = CachedCleaner(step, counts, caches["strings"])
        self._games = CachedCleaner(
            lambda t, found: _game(vocabulary, step(t, found), found), counts, caches["games"]
        )
        self._texts = CachedCleaner(
            lambda t, found: _reduce(vocabulary, t, step(t, found), found), counts, caches["texts"]
        )
        self._lines = CachedCleaner(lambda t, found: _line(step, t, found), counts, caches["lines"])
        self._c = self._s = self._strings.clean  # _s for strings, _c for optional ones
        self._game, self._free, self._line = self._games.clean, self._texts.clean, self._lines.clean
        self._talk = self._s
        if self._options.sanitize_data:
            mentions, pseudonym = chat_rule(), owner.pseudonym
            self._talk = CachedCleaner(
                lambda t, found: _talk(mentions, pseudonym, step(t, found), found), counts, caches["talk"]
            ).clean
        f = self._field
        self._afk_reason = f("event_data.afk_periods[].reason")
        self._stuck_location = f("event_data.stuck_events[].location")
        self._stuck_reason = f("event_data.stuck_events[].reason")
        self._met_at = f("event_data.player_encounters[].location")

    def _count(self, category: str, number: int = 1) -> None:
        self._counts[category] = self._counts.get(category, 0) + number

    def _cleaner(self, path: str) -> CachedCleaner:
        """The cleaner ``fields.FIELDS`` names for a payload field; unclassified fields are free text."""
        privacy = privacy_of(path) or Privacy.FREE_TEXT
        if privacy is Privacy.GAME:
            return self._games
        if privacy is Privacy.FREE_TEXT:
            return self._texts
        return self._strings

    def _field(self, path: str) -> Callable[[Any], Any]:
        return self._cleaner(path).clean

    def _player(self, name: str | None) -> str | None:
        """A name field (sender, encounter): always a pseudonym, unless it is the user's own character."""
        if name is None or not name.strip() or key(name) == self._own or is_pseudonym(name):
            return name
        self._count("player_names")
        return self._owner.pseudonym(name)

    def session(self, s: Session) -> Session:
        return Session(
            session_id=self._identifier(s),
            character_name=self._character(s.character_name),
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
            **self._views(s),
            declared_breakdowns={
                self._s(name): self._keys(
                    breakdown, self._field(f"xp_data.{name}_breakdown.<key>"), lambda old, new: old + new
                )
                for name, breakdown in s.declared_breakdowns.items()
            },
            declared_metrics=self._keys(s.declared_metrics, self._s, lambda _old, new: new),
            original_keys=self._schema_keys(s.original_keys),
            notes=[self._line(n) for n in s.notes],
            extra=self._extra(s.extra),
            **self._assembled(s),
        )

    def _assembled(self, s: Session) -> dict[str, Any]:
        """The facts ``assemble`` adds (kills, heroic loot, credit curve, XP per skill, sources, warnings),
        each cleaned by its field's class; sources keep only file names (a path holds the OS user name)."""
        f = self._field
        loot = {
            name: f(f"event_data.heroic_loot[].{name}") for name in ("item", "instance", "boss", "rarity")
        }

        def cleaned(name: str, value: str | None) -> str | None:
            return None if value is None else loot[name](value)

        heroic = [
            HeroicLoot(
                i.timestamp,
                loot["item"](i.item),
                i.quantity,
                cleaned("instance", i.instance),
                cleaned("boss", i.boss),
                cleaned("rarity", i.rarity),
            )
            for i in s.heroic_loot
        ]
        return {
            "kills": self._keys(s.kills, f("event_data.kills_by_creature.<key>"), operator.add),
            "heroic_loot": heroic,
            "credit_curve": list(s.credit_curve),  # times and balances only
            "xp_by_skill": self._keys(s.xp_by_skill, f("xp_data.skill_breakdown.<key>"), operator.add),
            "sources": [
                SourceRef(
                    Path(upload_file_name(self._owner.identifier, r.path.name)),
                    r.format,
                    r.taken,
                    r.digest,
                    r.truncated,
                )
                for r in s.sources
            ],
            "warnings": [self._free(w) for w in s.warnings],
            "truncated": s.truncated,
        }

    def _identifier(self, s: Session) -> str:
        """The id, kept whole or digested whole; without one, the file's name (or start and character)."""
        raw = s.session_id.strip()
        if not raw:
            raw = s.source_path.stem if s.source_path is not None else f"{s.start_time:%Y%m%d_%H%M%S}"
        upload = self._owner.identifier(raw)
        if upload != raw:
            self._count("ids_digested")
        return upload

    def _character(self, name: str | None) -> str | None:
        """The user's own character: kept when it has a name's shape, else left out ("unknown")."""
        if name is None:
            return None
        clean = self._s(name).strip()[:MAX_CHARACTER]
        return clean if _CHARACTER.fullmatch(clean) else None

    def _progress(self, s: Session) -> dict[str, list[Any]]:
        """XP, credits, quests and places: strings cleaned by their field's class, every number as it was.

        The serializer reads these lists whole (sums, breakdowns, rates). An XP gain or credit change whose
        strings all come out of cleaning as they went in is kept, not copied: bot logs repeat a few skill,
        zone and source names that are game vocabulary, so most records need no second copy.
        """
        c, f = self._c, self._field
        xp_profession, xp_skill = f("xp_data.xp_events[].profession"), f("xp_data.xp_events[].skill")
        xp_quest, xp_zone = f("xp_data.xp_events[].quest_name"), f("xp_data.xp_events[].zone")

        def xp_strings(strings: tuple[str | None, ...]) -> tuple[str | None, ...]:
            profession, skill, source, quest, zone = strings
            return xp_profession(profession), xp_skill(skill), c(source), xp_quest(quest), xp_zone(zone)

        # a bot names a few skills, zones and sources: each combination is cleaned once
        xp_cleaned = Replaying(xp_strings, self._counts).clean

        def xp(g: XPGain) -> XPGain:
            strings = (g.profession, g.skill, g.source, g.quest_name, g.zone)
            cleaned = xp_cleaned(strings)
            if cleaned == strings:  # the same objects: cleaning returns an unchanged string itself
                return g
            profession, skill, source, quest, zone = cleaned
            return XPGain(
                g.timestamp, g.amount, profession, skill, source, quest, zone, g.level_before, g.level_after
            )

        quest_name, quest_zone = (
            f("quest_data.quest_events[].quest_name"),
            f("quest_data.quest_events[].zone"),
        )
        planet, city = f("location_data.location_events[].planet"), f("location_data.location_events[].city")
        return {
            "xp_gains": [xp(g) for g in s.xp_gains],
            "credit_changes": [
                x
                if (source := c(x.source)) is x.source
                else CreditChange(x.timestamp, x.amount, source, x.balance_after)
                for x in s.credit_changes
            ],
            "quests": [
                QuestCompletion(
                    q.timestamp,
                    quest_name(q.quest_name),
                    c(q.quest_type),
                    c(q.reward_type),
                    q.reward_amount,
                    quest_zone(q.zone),
                )
                for q in s.quests
            ],
            "locations": [
                LocationVisit(
                    v.timestamp,
                    planet(v.planet),
                    city(v.city),
                    v.coordinates,
                    v.departure,
                    v.duration_minutes,
                    c(v.purpose),
                )
                for v in s.locations
            ],
        }

    def _views(self, s: Session) -> dict[str, Sequence[Any]]:
        """The lists the serializer reads only in part (a payload keeps the ends of a long one) or only
        counts (action lines, loot), as views that clean a record when it is read (``cleaned.py``).

        What cleaning every record would count is counted here: action lines and loot by distinct string
        (the cleaners are exact per string), the other records one by one, their cleaned copies dropped.
        """
        # cleans as this one does, from the same caches, and counts nothing: the counting is done here
        read = _SessionCleaner(self._owner, s, self._names, {}, self._caches)
        self._lines.tally(map(_TEXT, s.actions))
        self._games.tally(chain.from_iterable((d.item, d.zone) for d in s.loot))
        for count, records in (
            (self._message, s.messages),
            (self._alert, s.guild_alerts),
            (self._afk, s.afk_periods),
            (self._stuck, s.stuck_events),
        ):
            for record in records:
                count(record)
        return {
            "messages": Cleaned(s.messages, read._message),
            "encounters": self._encounters(s.encounters, read),
            "guild_alerts": Cleaned(s.guild_alerts, read._alert),
            "afk_periods": Cleaned(s.afk_periods, read._afk),
            "stuck_events": Cleaned(s.stuck_events, read._stuck),
            "actions": Cleaned(s.actions, read._action),
            "loot": Cleaned(s.loot, read._drop),
        }

    def _action(self, a: Action) -> Action:
        return Action(a.timestamp, self._line(a.text))

    def _drop(self, d: LootDrop) -> LootDrop:
        return LootDrop(d.timestamp, self._game(d.item), self._game(d.zone))

    def _afk(self, p: AfkPeriod) -> AfkPeriod:
        return AfkPeriod(p.start_time, p.end_time, p.duration_minutes, self._afk_reason(p.reason))

    def _stuck(self, e: StuckEvent) -> StuckEvent:
        return StuckEvent(
            e.timestamp, self._stuck_location(e.location), self._stuck_reason(e.reason), e.duration_seconds
        )

    def _message(self, m: ChatMessage) -> ChatMessage:
        shared = is_shared(m.channel)
        text = self._chat(shared, m.message)
        if m.message and not text:
            self._count("messages_removed")
        return ChatMessage(m.timestamp, m.channel, self._sender(m.sender, shared), text, m.response_sent)

    def _alert(self, a: GuildAlert) -> GuildAlert:
        shared = is_shared(a.alert_type)
        message, reply = self._chat(shared, a.message), self._chat(shared, a.reply_message)
        if (a.message and not message) or (a.reply_message and not reply):
            self._count("guild_alerts_removed")
        return GuildAlert(
            a.timestamp,
            self._sender(a.sender, shared),
            message,
            self._c(a.alert_type),
            self._c(a.priority),
            a.auto_reply_sent,
            reply or None,
        )

    def _chat(self, shared: bool, text: str | None) -> str:
        """Shared-channel text with ``include_communications``, cleaned; otherwise nothing."""
        if text and shared and self._options.include_communications:
            return self._talk(text)
        return ""

    def _sender(self, name: str | None, shared: bool = True) -> str | None:
        """A pseudonym; a shared channel's sender keeps the name only when ``sanitize_data`` is off."""
        return self._player(name) if self._options.sanitize_data or not shared else self._c(name)

    def _encounters(self, encounters: list[PlayerEncounter], read: _SessionCleaner) -> Sequence[Any]:
        if not self._options.include_player_encounters:
            self._count("encounters_removed", len(encounters))
            return []
        for encounter in encounters:
            self._encounter(encounter)
        return Cleaned(encounters, read._encounter)

    def _encounter(self, e: PlayerEncounter) -> PlayerEncounter:
        return PlayerEncounter(
            e.timestamp,
            self._sender(e.player_name) or "",
            self._met_at(e.location),
            e.distance,
            self._c(e.interaction_type),
        )

    def _keys(
        self, mapping: Mapping[str, Any], clean: Callable[[Any], Any], combine: Callable[[Any, Any], Any]
    ) -> dict[str, Any]:
        """``mapping`` with cleaned keys; two keys that clean to one are combined."""
        result: dict[str, Any] = {}
        for name, value in mapping.items():
            cleaned = clean(name)
            result[cleaned] = combine(result[cleaned], value) if cleaned in result else value
        return result

    def _schema_keys(self, names: list[str]) -> list[str]:
        """Key names of the input file that its format defines; others (anything a user added) dropped."""
        kept = [n for n in names if n in INPUT_KEYS]
        if len(kept) < len(names):
            self._count("keys_dropped", len(names) - len(kept))
        return kept

    def _extra(self, extra: dict[str, Any]) -> dict[str, Any]:
        """``extra`` cleaned; the parts that reach the payload by their field's class."""
        result = self._value(extra)
        if isinstance(extra.get("character_id"), str):
            result["character_id"] = self._character(extra["character_id"])
        if isinstance(extra.get("fastest_skills"), list):
            skill = self._field("xp_data.fastest_skills[]")
            result["fastest_skills"] = [skill(x) for x in extra["fastest_skills"] if isinstance(x, str)]
        if isinstance(extra.get("slowdowns"), list):
            result["slowdowns"] = [self._slowdown(x) for x in extra["slowdowns"] if isinstance(x, Mapping)]
        return result

    def _slowdown(self, slowdown: Mapping[str, Any]) -> dict[str, Any]:
        """A declared slowdown: its skill is game text, its reason a word of the fixed list or "other" (a
        label's shape says nothing: "pw_hunter2" is one)."""
        reason = slowdown.get("reason")
        return {
            **slowdown,
            "skill": self._field("xp_data.slowdowns_detected[].skill")(str(slowdown.get("skill", ""))),
            "reason": reason if isinstance(reason, str) and reason in SLOWDOWN_REASONS else "other",
        }

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


def _game(vocabulary: Vocabulary, text: str, found: dict[str, int]) -> str:
    result = vocabulary.game(text)
    if result != text:
        found["unknown_words"] = found.get("unknown_words", 0) + 1
    return result


def _talk(rule: ChatRule, pseudonym: Callable[[str], str], text: str, found: dict[str, int]) -> str:
    """Chat text: the players it only mentions become pseudonyms too (``chat.py``)."""
    result, hits = rule.replace(text, pseudonym)
    if hits:
        found["player_names"] = found.get("player_names", 0) + hits
    return result


def _line(step: Step, text: str, found: dict[str, int]) -> str:
    """An action or note line: a quoted private message is removed whole, anything else cleaned."""
    if quotes_private_text(text):
        found["messages_removed"] = found.get("messages_removed", 0) + 1
        return PRIVATE_LINE
    return step(text, found)


def _reduce(vocabulary: Vocabulary, raw: str, text: str, found: dict[str, int]) -> str:
    """Free text: its category and known things; a quoted private message is a "message", whatever it says."""
    found["free_text_reduced"] = found.get("free_text_reduced", 0) + 1
    return "message" if quotes_private_text(raw) else vocabulary.reduce(text)
