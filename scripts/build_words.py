#!/usr/bin/env python3
"""Regenerate the English word list (``src/swgdb_bridge/sanitize/data/words/english.txt``).

The chat rule (``swgdb_bridge/sanitize/chat.py``) lets a word through when it is ordinary English. The list
must hold the words people write and not the rare ones an invented player name may spell ("Tath", "Gris"),
so it is SCOWL's size-35 American list (Kevin Atkinson's Spell Checker Oriented Word Lists, permissive
licence, copyright notice in ``data/words/SOURCES.json``), as Debian ships it in the ``wamerican-small``
package. Only the lower-case entries are kept: SCOWL writes proper nouns capitalised, so "dane" and
"john" are not in the list while "will" and "mark" are (the chat rule treats a word that is also a common
first name or surname with care). Possessives are dropped (the rule strips "'s"); contractions are kept.

    apt-get install wamerican-small
    .venv/bin/python scripts/build_words.py [--source /usr/share/dict/american-english-small]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from swgdb_bridge.sanitize.lexicon import WORDS_DIR

_ENTRY = re.compile(r"[a-z]{3,}(?:'(?!s\Z)[a-z]+)?")
DEFAULT_SOURCE = Path("/usr/share/dict/american-english-small")


def build(source: Path, out_dir: Path) -> int:
    """Write ``english.txt`` and ``SOURCES.json`` from a SCOWL list; the number of words written."""
    entries = source.read_text(encoding="utf-8").splitlines()
    words = sorted({w for w in entries if _ENTRY.fullmatch(w)})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "english.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    sources = {
        "english.txt": {
            "source": "SCOWL size 35, american-words + contractions (Debian package wamerican-small 2020.12.07)",
            "selection": "lower-case entries of 3+ letters, possessives dropped",
            "words": len(words),
            "copyright": "Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and "
            "sell these word lists, the associated scripts, the output created from the scripts, and its "
            "documentation for any purpose is hereby granted without fee, provided that the above copyright "
            "notice appears in all copies and that both that copyright notice and this permission notice "
            "appear in supporting documentation. Kevin Atkinson makes no representations about the "
            'suitability of this array for any purpose. It is provided "as is" without express or implied '
            "warranty.",
        }
    }
    (out_dir / "SOURCES.json").write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")
    return len(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    print(f"{build(args.source, WORDS_DIR)} words written to {WORDS_DIR}")


if __name__ == "__main__":
    main()
