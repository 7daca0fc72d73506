"""Output shared by the command modules: one way to print ``--json`` answers."""

from __future__ import annotations

import sys
from typing import Any


def emit_json(data: Any) -> None:
    """``data`` as indented JSON, alone on stdout (scripts parse it; tables and progress go elsewhere)."""
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
