#!/usr/bin/env python3
"""Regenerate the game gazetteer (``src/swgdb_bridge/sanitize/data/gazetteer/``) from public sources.

Sources (names only: names are facts; no code or text is copied):

- SWGEmu's server scripts, ``swgemu/Core3`` (a bare git dir or a checkout): planets and city regions from
  ``MMOCoreORB/sql/datatables.sql`` (``player_waypoint_planets``, ``clientregion_*``), named regions from
  ``bin/scripts/managers/planet/*_regions.lua``, creatures and NPCs from ``bin/scripts/mobile/**``
  (``customName`` when set, else the template identifier: ``womp_rat`` -> "womp rat"), loot items from
  ``bin/scripts/loot/items/**`` (file identifiers), skills and professions from ``skill_skills``.
  The string tables (.stf) that hold the game's display names are not in that repository, so most names
  are derived from identifiers.
- The MS11 bot's data folder, ``R21Digital/Project-MorningStar`` ``data/``: quest, collection, heroic,
  loot-table, trainer, map and route files (YAML/JSON), read by key (``name``, ``planet``, ``city``, ...).
  Its session logs and samples of bot output are skipped: they are output, not reference data.
- Common first names and surnames (Faker's person providers, Latin-script locales) for the safety rule:
  a single-word entry that is a common first name or surname is dropped (see docs/gazetteer.md), and the
  list is shipped as ``common_names.txt`` for the tests and the sanitizer.

    .venv/bin/python scripts/build_gazetteer.py --core3 PATH --ms11 PATH [--faker PATH_TO_FAKER_PACKAGE_DIR]

PATH may be a bare git dir (read at HEAD) or a work tree.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from swgdb_bridge.sanitize.gazetteer import (
    DATA_DIR,
    KINDS,
    admits_entry,
    match_key,
    tokens_of_key,
)

try:
    import yaml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - dev dependency
    yaml = None


# --------------------------------------------------------------------------- reading a repository


class Repo:
    """Read files of a bare git dir at HEAD, or of a work tree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bare = not (path / ".git").exists() and (path / "HEAD").exists()

    def commit(self) -> str:
        git_dir = self.path if self.bare else self.path / ".git"
        out = subprocess.run(
            ["git", f"--git-dir={git_dir}", "rev-parse", "HEAD"], capture_output=True, text=True, check=False
        )
        return out.stdout.strip() or "unknown"

    def files(self, prefix: str) -> list[str]:
        if self.bare:
            out = subprocess.run(
                ["git", f"--git-dir={self.path}", "ls-tree", "-r", "--name-only", "HEAD", prefix],
                capture_output=True,
                text=True,
                check=True,
            )
            return [line for line in out.stdout.splitlines() if line]
        base = self.path / prefix
        return [str(p.relative_to(self.path)) for p in base.rglob("*") if p.is_file()]

    def read(self, path: str) -> str:
        if self.bare:
            out = subprocess.run(
                ["git", f"--git-dir={self.path}", "show", f"HEAD:{path}"], capture_output=True, check=True
            )
            data = out.stdout
        else:
            data = (self.path / path).read_bytes()
        return data.decode("utf-8", errors="replace")

    def read_many(self, paths: list[str]) -> dict[str, str]:
        """Many blobs in one ``git cat-file --batch`` call (mobile templates are thousands of files)."""
        if not self.bare:
            return {p: self.read(p) for p in paths}
        proc = subprocess.run(
            ["git", f"--git-dir={self.path}", "cat-file", "--batch"],
            input="".join(f"HEAD:{p}\n" for p in paths).encode(),
            capture_output=True,
            check=True,
        )
        out, pos, result = proc.stdout, 0, {}
        for p in paths:
            nl = out.index(b"\n", pos)
            header = out[pos:nl].split()
            pos = nl + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            result[p] = out[pos : pos + size].decode("utf-8", errors="replace")
            pos += size + 1
        return result


# --------------------------------------------------------------------------- collecting names


class Collector:
    def __init__(self) -> None:
        self.names: dict[str, dict[str, str]] = {k: {} for k in KINDS}  # kind -> key -> canonical
        self.sources: dict[str, dict[str, int]] = {k: defaultdict(int) for k in KINDS}
        self.quest_leads: set[str] = set()
        self.skill_categories: set[str] = set()

    def add(self, kind: str, name: str, source: str) -> None:
        name = re.sub(r"\s*\([^)]*\)", "", name)  # "Axkva Min (Enraged)" -> "Axkva Min"
        name = re.sub(r"\s+", " ", name).strip(" \t\"'.,;:\u200b")
        if kind in ("city", "region", "creature", "item"):
            name = re.sub(r"^(a|an|the) (?=\w)", "", name, flags=re.IGNORECASE)
        if not _plausible(name):
            return
        key = match_key(name)
        if not key:
            return
        if key in self.names[kind]:
            if self.names[kind][key].islower() and not name.islower():
                self.names[kind][key] = name  # prefer the written form ("Lord Nyax") to an identifier's
            return
        self.names[kind][key] = name
        self.sources[kind][source] += 1


_GENERIC = {
    "unknown",
    "any",
    "none",
    "null",
    "true",
    "false",
    "n/a",
    "na",
    "tbd",
    "todo",
    "test",
    "sample",
    "example",
    "default",
    "demo",
    "other",
    "misc",
    "normal",
    "hard",
    "easy",
    "medium",
    "common",
    "uncommon",
    "rare",
    "epic",
    "legendary",
    "active",
    "inactive",
    "yes",
    "no",
    "multiple",
    "various",
    "all",
    "none_specified",
    "unspecified",
}


def _plausible(name: str) -> bool:
    if not 2 <= len(name) <= 60 or not re.search(r"[A-Za-z]", name):
        return False
    if re.search(r"[:/\\@{}<>|=\[\]#%$]|\.(iff|lua|json|yaml|py)\b", name):
        return False
    if len(name.split()) > 7:
        return False
    # placeholders of the bot's sample data: "Location 3", "Session Item 2", "Any planet", "MS11 Vendor"
    if re.fullmatch(
        r"(npc|item|mob|quest|player|location|zone|route|step)\s*-?\d+", name, re.IGNORECASE
    ) or re.search(r"real-time|session item", name, re.IGNORECASE):
        return False
    if re.match(r"(any|all|session|ms11)\b", name, re.IGNORECASE):
        return False
    if re.search(
        r"\b(test|sample|demo|duplicate|example|wiki|discovered|unique test)\b", name, re.IGNORECASE
    ):
        return False
    if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", name) and "_novice" not in name:
        return bool(re.fullmatch(r"(combat|crafting|science|social|outdoors|force|jedi|pilot)_\w+", name))
    return name.lower() not in _GENERIC


def words_of(identifier: str) -> str:
    """``womp_rat`` -> ``womp rat``; trailing numbers and level/variant markers dropped."""
    s = identifier.strip().lower()
    if not re.fullmatch(r"[a-z]{1,3}(_\d+)+", s):  # keep "ig_88"
        s = re.sub(r"(_\d+)+$", "", s)
    s = re.sub(r"_(lvl|level)_?\d+$", "", s)
    return s.replace("_", " ").strip()


_PLANET_PREFIX = re.compile(
    r"^(corellia|dantooine|dathomir|endor|lok|naboo|rori|talus|tatooine|yavin4|yavin) (?=\w+ \w)"
)


def _city_name(words: str) -> str:
    """``lok nyms stronghold`` -> ``Nyms Stronghold`` (matches "Nym's Stronghold"), planet prefix dropped."""
    return titled(_PLANET_PREFIX.sub("", words))


def titled(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in words.split())


# --------------------------------------------------------------------------- Core3


# Identifiers of spawn and build areas, not places a player would name.
_SPAWN_AREA_WORDS = {"nobuild", "newbie", "easy", "medium", "hard", "spawn", "sdungeon", "nospawn"}


_OBJECT_ITEM_FOLDERS = ("medicine", "loot", "food", "dice", "instrument")
_MISSION_TYPES = "MMOCoreORB/src/server/zone/objects/mission/MissionTypes.h"
_VARIANT = re.compile(r"^(s\d+|sm|lg|med|[a-f]|\d+|v\d+|schematic|quest|filler\d*|generic|lvl\d+)$")


def object_words(stem: str) -> str:
    """``crafted_stimpack_sm_s1_a`` -> ``stimpack``: variant suffixes and the ``crafted`` prefix dropped."""
    words = stem.lower().split("_")
    while words and _VARIANT.match(words[-1]):
        words.pop()
    if words and words[0] in ("crafted", "object", "loot"):
        words.pop(0)
    return " ".join(w for w in words if not re.fullmatch(r"\d+", w))


def _read_or_empty(repo: Repo, path: str) -> str:
    try:
        return repo.read(path)
    except subprocess.CalledProcessError:
        return ""


def _verb_forms(words: set[str]) -> set[str]:
    """Mission type names as title verbs: ``hunting`` -> also ``hunt``; ``escort2me`` dropped."""
    out = set()
    for w in words:
        if not w.isalpha():
            continue
        out.add(w)
        if w.endswith("ing") and len(w) > 6:
            out.add(w[:-3])
    return out


def _sql_rows(sql: str, table: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for m in re.finditer(rf"INSERT INTO `{table}` VALUES (.*?);\n", sql, re.DOTALL):
        for row in re.finditer(r"\((.*?)\)(?:,|$)", m.group(1)):
            rows.append([v.strip().strip("'") for v in re.findall(r"'(?:[^'\\]|\\.)*'|[^,]+", row.group(1))])
    return rows


def _region_id(ref: str) -> tuple[str, str] | None:
    m = re.match(r"@(\w+?)_region_names:(\w+)$", ref)
    return (m.group(1), m.group(2)) if m else None


def collect_core3(repo: Repo, c: Collector) -> None:
    src = "swgemu/Core3"
    sql = repo.read("MMOCoreORB/sql/datatables.sql")

    planets = []
    for row in _sql_rows(sql, "player_waypoint_planets"):
        name = row[0]
        if name == "default" or name.startswith("space_"):
            continue
        planets.append(name)
        c.add("planet", titled(name), src)
        m = re.match(r"([a-z]+)(\d)$", name)
        if m:  # yavin4 -> "Yavin 4", "Yavin IV"
            c.add("planet", f"{titled(m.group(1))} {m.group(2)}", src)
            roman = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}[m.group(2)]
            c.add("planet", f"{titled(m.group(1))} {roman}", src)

    city_ids: set[str] = set()
    for table in sorted(set(re.findall(r"INSERT INTO `(clientregion_\w+)`", sql))):
        for row in _sql_rows(sql, table):
            rid = _region_id(row[0])
            if rid:
                city_ids.add(rid[1])
                c.add("city", _city_name(words_of(rid[1])), src)

    for path in repo.files("MMOCoreORB/bin/scripts/managers/planet"):
        if not path.endswith("_regions.lua"):
            continue
        for ref in re.findall(r'\{"(@\w+_region_names:\w+)"', repo.read(path)):
            rid = _region_id(ref)
            if not rid:
                continue
            ident = re.sub(r"^[nsew]{1,2}_", "", rid[1])  # w_dune_sea_1 -> dune_sea
            words = words_of(ident)
            if set(words.split()) & _SPAWN_AREA_WORDS or words in {words_of(x) for x in city_ids}:
                continue
            c.add("region", _city_name(words), src)

    # creatures and NPCs
    mobile = [p for p in repo.files("MMOCoreORB/bin/scripts/mobile") if p.endswith(".lua")]
    mobile = [p for p in mobile if "/lair/" not in p and "/spawn/" not in p and "/conversations/" not in p]
    for text in repo.read_many(mobile).values():
        m = re.search(r'addCreatureTemplate\(\s*\w+\s*,\s*"(\w+)"', text)
        if not m:
            continue
        mob_type = re.search(r"mobType\s*=\s*(\w+)", text)
        kind = "creature" if mob_type and mob_type.group(1) in ("MOB_CARNIVORE", "MOB_HERBIVORE") else "npc"
        custom = re.search(r'customName\s*=\s*"([^"]+)"', text)
        if custom:
            name = re.sub(r"^(a|an|the)\s+", "", custom.group(1).strip(), flags=re.IGNORECASE)
            name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
            c.add(kind, name, src)
        else:
            c.add(kind, words_of(m.group(1)), src)
        obj = re.search(r'objectName\s*=\s*"@mob/creature_names:(\w+)"', text)
        if obj and not custom:
            c.add(kind, words_of(obj.group(1)), src)

    for path in repo.files("MMOCoreORB/bin/scripts/loot/items"):
        if path.endswith(".lua") and not path.endswith("serverobjects.lua"):
            c.add("item", object_words(Path(path).stem), src)
    for folder in _OBJECT_ITEM_FOLDERS:
        for path in repo.files(f"MMOCoreORB/bin/scripts/object/tangible/{folder}"):
            stem = Path(path).stem
            if (
                path.endswith(".lua")
                and stem not in ("objects", "serverobjects")
                and not stem.startswith("base_")
            ):
                words = object_words(stem)
                if words:
                    c.add("item", words, src)

    # Templates: mission and theme-park mission types (quest titles start with these verbs).
    leads = {
        m.lower()
        for m in re.findall(r"^\s*([A-Z][A-Z0-9]+)\s*=", _read_or_empty(repo, _MISSION_TYPES), re.MULTILINE)
    }
    for path in repo.files("MMOCoreORB/bin/scripts/screenplays"):
        if path.endswith(".lua"):
            leads.update(re.findall(r'missionType\s*=\s*"([a-z]+)"', repo.read(path)))
    c.quest_leads.update(_verb_forms(leads))

    for row in _sql_rows(sql, "skill_skills"):
        name = row[0]
        if not re.fullmatch(r"[a-z0-9_]+", name or ""):
            continue
        c.add("skill", name, src)
        if name.endswith("_novice"):
            parts = name[: -len("_novice")].split("_")
            c.add("profession", " ".join(parts[1:]) or parts[0], src)
            if len(parts) >= 2:
                c.skill_categories.add(parts[0])


# --------------------------------------------------------------------------- MS11


_MS11_SKIP = re.compile(
    r"^data/(character_sessions|character_stats|character_profiles|conversation_logs|"
    r"vendor_history|vendors|macros|sessions|recovery|processed|profiler|"
    r"combat_feedback|player_|encounters|faction_data/DemoCharacter|heroics/completions|heroics/lockouts|"
    r"quest_tracker|bug_reports|shortcuts|dialogue|dialogue_nlu|quest_completion|progress_tracker|"
    r"enhanced_progress|todo_list|task_planner|preflight|bh/|bounty|bounties|jedi_bounty|build_showcase|"
    r"bazaar|commands|dangerous_macros|internal_index|metadata_index|templates|tools|quest_templates|"
    r"swgtracker_cache|wiki_raw|stats|meta/|checklists)"
)

_KEY_KIND = {
    "planet": "planet",
    "planets": "planet",
    "city": "city",
    "cities": "city",
    "capital": "city",
    "major_cities": "city",
    "starports": "region",
    "shuttleports": "region",
    "zone": "region",
    "zones": "region",
    "region": "region",
    "location": "region",
    "locations": "region",
    "npc": "npc",
    "npc_name": "npc",
    "giver": "npc",
    "quest_giver": "npc",
    "boss": "npc",
    "bosses": "npc",
    "boss_name": "npc",
    "item": "item",
    "items": "item",
    "item_name": "item",
    "drops": "item",
    "loot": "item",
    "rewards_items": "item",
    "creature": "creature",
    "creatures": "creature",
    "mob": "creature",
    "mobs": "creature",
    "enemy_type": "creature",
    "enemies": "creature",
    "profession": "profession",
    "professions": "profession",
    "profession_types": "profession",
    "landmarks": "region",
    "mission_givers": "npc",
    "priority_targets": "item",
    "target_items": "item",
    "quest": "quest",
    "quest_name": "quest",
    "quests": "quest",
}


def _name_kind(path: str) -> str | None:
    """Kind of a ``name``/``title`` value, by the file it sits in."""
    p = path.lower()
    for needle, kind in (
        ("mission_locations", "region"),
        ("data/maps/", "region"),
        ("quest", "quest"),
        ("collection", "quest"),
        ("space_quests", "quest"),
        ("heroic", "npc"),
        ("rls_mobs", "creature"),
        ("mob_", "creature"),
        ("loot", "item"),
        ("rare_loot", "item"),
        ("target_items", "item"),
        ("armor_sets", "item"),
        ("mounts", "item"),
        ("recipes", "item"),
        ("gear", "item"),
        ("trainer", "npc"),
        ("professions", "profession"),
        ("static_builds", "profession"),
        ("skills", "skill"),
    ):
        if needle in p:
            return kind
    return None


def _ms11_value(c: Collector, kind: str, value: object, src: str) -> None:
    if isinstance(value, str):
        v = value
        if re.fullmatch(r"[a-z0-9_]+", v) and kind in ("planet", "city", "region", "item", "creature"):
            v = titled(words_of(v))
        elif re.fullmatch(r"[a-z0-9_]+", v) and kind == "profession":
            v = words_of(v)
        c.add(kind, v, src)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str):
                _ms11_value(c, kind, v, src)


def _walk_ms11(
    c: Collector,
    path: str,
    node: object,
    src: str,
    parent_key: str | None = None,
    grand_key: str | None = None,
) -> None:
    """``name`` values take the kind of their parent key ("professions": [{name}]), or of the key above a
    mapping of records ("profession_types": {tka: {name}}), or else of the file they sit in."""
    if isinstance(node, dict):
        for k, v in node.items():
            key = str(k).lower()
            if key in ("name", "title", "display_name") and isinstance(v, str):
                kind = _KEY_KIND.get(parent_key or "") or _KEY_KIND.get(grand_key or "") or _name_kind(path)
                if kind:
                    c.add(kind, v, src)
            elif key in _KEY_KIND:
                kind = _KEY_KIND[key]
                if isinstance(v, (str, list)):
                    _ms11_value(c, kind, v, src)
                if isinstance(v, (dict, list)):
                    _walk_ms11(c, path, v, src, key, parent_key)
            else:
                _walk_ms11(c, path, v, src, key, parent_key)
    elif isinstance(node, list):
        for v in node:
            _walk_ms11(c, path, v, src, parent_key, grand_key)


# Reference data of the bot outside data/: loot targets, quest, loot-table, map and skill files.
_MS11_EXTRA = (
    "src/config/loot_targets.json",
    "src/data/loot_targets.json",
    "src/data/skills.json",
    "src/data/gcw-planets.json",
    "src/data/json/quests/",
    "src/data/loot_tables/",
    "src/data/maps/",
)
# Sample session logs and farming logs the bot keeps in data/: only these keys are read from them (names
# of quests and items; never senders, players or free text).
_MS11_OUTPUT_KEYS = {
    "data/session_logs/": {"quest_name": "quest"},
    "data/rls_farming_sessions/": {"item": "item", "items": "item", "target_items_found": "item"},
}


def _walk_keys(c: Collector, node: object, keys: dict[str, str], src: str) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in keys and isinstance(v, (str, list)):
                _ms11_value(c, keys[k], v, src)
            else:
                _walk_keys(c, v, keys, src)
    elif isinstance(node, list):
        for v in node:
            _walk_keys(c, v, keys, src)


def collect_ms11(repo: Repo, c: Collector) -> None:
    src = "R21Digital/Project-MorningStar"
    paths = repo.files("data")
    for extra in _MS11_EXTRA:
        paths.extend(repo.files(extra.rstrip("/")) if extra.endswith("/") else [extra])
    paths.append("src/data/heroics/boss_kills.json")
    for path in paths:
        if _MS11_SKIP.match(path) or not path.endswith((".json", ".yaml", ".yml")):
            continue
        text = repo.read(path)
        try:
            doc = json.loads(text) if path.endswith(".json") else (yaml.safe_load(text) if yaml else None)
        except Exception as exc:
            print(f"skipped {path}: {type(exc).__name__}", file=sys.stderr)
            continue
        if doc is None:
            continue
        output_keys = next(
            (keys for prefix, keys in _MS11_OUTPUT_KEYS.items() if path.startswith(prefix)), None
        )
        if output_keys is not None:
            _walk_keys(c, doc, output_keys, src)
            continue
        if path.endswith("boss_kills.json"):  # also holds players' aliases: the bosses section only
            for boss in (doc.get("bosses") or {}).values() if isinstance(doc, dict) else []:
                if isinstance(boss, dict) and isinstance(boss.get("name"), str):
                    c.add("npc", boss["name"], src)
            continue
        stem = Path(path).stem
        if path.startswith("data/loot_tables/"):
            c.add("creature", titled(words_of(stem)) if "_" in stem else stem, src)
        if path.startswith("data/maps/") and path.endswith("zones.json") and isinstance(doc, dict):
            for name, info in doc.items():
                kind = "city" if isinstance(info, dict) and info.get("type") == "city" else "region"
                c.add(kind, name, src)
        if path.endswith("planetary_routes.json") and isinstance(doc, dict):
            for planet, cities in doc.items():
                c.add("planet", titled(words_of(planet)), src)
                for city in cities if isinstance(cities, list) else []:
                    if isinstance(city, str):
                        c.add("city", _city_name(words_of(city)), src)
        if path.endswith("heroics_index.yml") and isinstance(doc, dict):
            for ident in doc.get("heroics") or {}:
                c.add("npc", titled(words_of(ident)), src)
        if "space_quests" in path and isinstance(doc, dict):
            for section in doc.values():
                if isinstance(section, dict):
                    for name in section:
                        if " " in name:
                            c.add("region", name, src)
        _walk_ms11(c, path, doc, src)


# --------------------------------------------------------------------------- names (safety rule)


# Surnames only from the locales of most players: other locales' surname lists hold many ordinary
# words once accents are folded (hr_HR "Medić" -> "medic", de_AT "Stock", en_IE "Mountain").
_SURNAME_LOCALES = {"en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "sv_SE", "pl_PL"}


def common_names(faker_path: str | None) -> set[str]:
    if faker_path:
        sys.path.insert(0, faker_path)
    names: set[str] = set()
    locales = "en_US en_GB en_IE de_DE de_AT fr_FR es_ES es_MX it_IT nl_NL pl_PL pt_BR pt_PT "
    locales += "sv_SE da_DK no_NO fi_FI cs_CZ sk_SK hu_HU ro_RO hr_HR sl_SI et_EE lv_LV lt_LT tr_TR id_ID"
    for loc in locales.split():
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ImportError:
            continue
        attrs = ["first_names", "first_names_male", "first_names_female"]
        if loc in _SURNAME_LOCALES:
            attrs.append("last_names")
        for attr in attrs:
            for name in getattr(provider, attr, ()) or ():
                key = match_key(name)
                if key and re.fullmatch(r"[a-z]+(?:[-' ][a-z]+)*", key):
                    names.add(key)
    if not names:
        raise SystemExit("no name list: pass --faker PATH (a folder holding the 'faker' package)")
    return names


# --------------------------------------------------------------------------- writing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--core3", type=Path, required=True)
    ap.add_argument("--ms11", type=Path, required=True)
    ap.add_argument("--faker", help="folder holding the 'faker' package, if not importable")
    ap.add_argument("--out", type=Path, default=DATA_DIR)
    args = ap.parse_args(argv)

    core3, ms11 = Repo(args.core3), Repo(args.ms11)
    c = Collector()
    collect_core3(core3, c)
    collect_ms11(ms11, c)
    names = common_names(args.faker)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "common_names.txt").write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")

    dropped: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = {}
    seen: dict[str, str] = {}
    for kind in KINDS:  # KINDS is in priority order: a key goes to the first kind that has it
        kept = []
        for key, canonical in sorted(c.names[kind].items()):
            if key in seen:
                continue
            if not admits_entry(kind, key, names):
                dropped[kind].append(canonical)
                continue
            seen[key] = kind
            kept.append(canonical)
        counts[kind] = len(kept)
        body = "\n".join(sorted(kept, key=str.casefold)) + "\n"
        (out / f"{kind}.txt").write_text(body, encoding="utf-8")

    # Words that start a quest title: mission types (Core3) and first words of the known quest titles.
    # Mission types are kept even when they are also surnames ("hunt"): the words after them must still be
    # game vocabulary. First words of titles are kept only when they are not common names.
    leads = set(c.quest_leads)
    for canonical in c.names["quest"].values():
        toks = tokens_of_key(match_key(canonical))
        if len(toks) >= 2 and toks[0].isalpha() and len(toks[0]) >= 4 and toks[0] not in names:
            leads.add(toks[0])
    templates = {
        "quest_leads": sorted(leads),
        "skill_categories": sorted(c.skill_categories),
    }
    (out / "templates.json").write_text(json.dumps(templates, indent=1) + "\n", encoding="utf-8")

    meta = {
        "format": "one UTF-8 name per line per kind file; matching keys are computed with match_key()",
        "sources": {
            "swgemu/Core3": core3.commit(),
            "R21Digital/Project-MorningStar": ms11.commit(),
            "common_names": "Faker person providers (Latin-script locales), first names and surnames",
        },
        "counts": counts,
        "templates": {k: len(v) for k, v in templates.items()},
        "common_names": len(names),
        "dropped_by_safety_rule": {k: len(v) for k, v in dropped.items()},
        "per_source": {k: dict(v) for k, v in c.sources.items()},
    }
    (out / "SOURCES.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for kind in KINDS:
        print(f"{kind:11} {counts[kind]:6}  (dropped by the safety rule: {len(dropped[kind])})")
    print("examples dropped:", {k: v[:8] for k, v in dropped.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
