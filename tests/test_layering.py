"""The package's import direction, checked on the source: the folders draw the pipeline, the imports obey it.

Order (a module may import its own stage and any stage to its left):
contract (``model``, ``payload``, ``payload_fast``, ``protocol``, ``pairing``, ``errors``, ``paths``,
``textsafe``, ``_lazy``) → ``sources`` → ``assemble`` → ``sanitize`` → ``serialize`` → ``upload`` → ``viewer`` →
``commands`` / ``cli`` / ``demo`` / ``__main__``. ``server`` stands beside the client: it may import only the
contract and itself, and no client module imports it except ``commands`` and ``demo``, which drive both.

Every ``import`` counts, wherever it is written: inside functions and under ``TYPE_CHECKING`` too, since a
deferred import is still a dependency. A failure lists each offending edge by file and line.

The package's own ``__init__`` runs before any of its modules and eagerly defines only ``__version__``, so
it counts as contract; a name it exports lazily (``from swgdb_bridge import SessionLogViewer``) counts as
an import of the module that defines it, which is where the dependency really goes.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "swgdb_bridge"
ROOT = Path(__file__).resolve().parents[1] / "src" / PACKAGE
CONTRACT = frozenset(
    {"model", "payload", "payload_fast", "protocol", "pairing", "errors", "paths", "textsafe", "_lazy"}
)
CLIENT_ORDER = ("contract", "sources", "assemble", "sanitize", "serialize", "upload", "viewer", "top")
TOP = frozenset({"commands", "cli", "demo", "__main__"})
LAZY_EXPORTS: dict[str, str] = importlib.import_module(PACKAGE)._EXPORTS
DRIVES_BOTH = frozenset({"commands", "demo"})


@dataclass(frozen=True)
class Edge:
    file: Path
    line: int
    source: str
    target: str

    def __str__(self) -> str:
        return f"{self.file.relative_to(ROOT.parent)}:{self.line}: {self.source} imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


def _from_target(base: str, name: str) -> str:
    """The module ``from base import name`` depends on: a submodule, a lazy export's home, or ``base``."""
    if _is_module(f"{base}.{name}"):
        return f"{base}.{name}"
    return LAZY_EXPORTS.get(name, base) if base == PACKAGE else base


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of our package in ``path``: ``from pkg import sub`` names ``pkg.sub``."""
    importer, is_package = module_name(path), path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer, is_package)
            targets = [_from_target(base, alias.name) for alias in node.names]
        else:
            continue
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                yield node.lineno, target


def stage(module: str) -> str:
    """``swgdb_bridge.upload.client`` → ``upload``; contract modules → ``contract``; the public face → ``top``."""
    if module == PACKAGE:
        return "contract"
    first = module.split(".")[1]
    if first in CONTRACT:
        return "contract"
    return "top" if first in TOP else first


def allowed(source: str, target: str) -> bool:
    src, dst = stage(source), stage(target)
    if src == "server":
        return dst in ("server", "contract")
    if dst == "server":
        return source.split(".")[1] in DRIVES_BOTH
    return CLIENT_ORDER.index(dst) <= CLIENT_ORDER.index(src)


def all_edges() -> Iterator[Edge]:
    for path in sorted(ROOT.rglob("*.py")):
        source = module_name(path)
        for line, target in imported_modules(path):
            yield Edge(path, line, source, target)


def test_every_stage_is_known() -> None:
    """A new top-level folder or module must be placed in the order before it can pass unnoticed."""
    unknown = {stage(module_name(p)) for p in ROOT.rglob("*.py")} - {*CLIENT_ORDER, "server"}
    assert not unknown, f"place these in tests/test_layering.py's order: {sorted(unknown)}"


def test_no_module_imports_a_later_stage_and_server_and_client_stay_apart() -> None:
    edges = list(all_edges())
    assert len(edges) > 100, "the import walk found too few imports to be looking at the package"
    back = [str(edge) for edge in edges if not allowed(edge.source, edge.target)]
    assert not back, "imports against the pipeline's direction:\n" + "\n".join(back)


def test_the_rules_catch_back_edges() -> None:
    """The checker itself: each kind of forbidden edge is refused, the allowed ones pass."""
    refused = [
        ("swgdb_bridge.sources._discover", "swgdb_bridge.upload.config"),
        ("swgdb_bridge.sanitize.sanitizer", "swgdb_bridge.upload.config"),
        ("swgdb_bridge.payload", "swgdb_bridge.sources"),
        ("swgdb_bridge.server.app", "swgdb_bridge.upload.client"),
        ("swgdb_bridge.server.app", "swgdb_bridge.viewer"),
        ("swgdb_bridge.upload.client", "swgdb_bridge.server.app"),
        ("swgdb_bridge.viewer.tui", "swgdb_bridge.commands.upload"),
        ("swgdb_bridge.cli", "swgdb_bridge.server.app"),
    ]
    accepted = [
        ("swgdb_bridge.upload.client", "swgdb_bridge.payload"),
        ("swgdb_bridge.viewer.index", "swgdb_bridge.serialize"),
        ("swgdb_bridge.server.api.routes", "swgdb_bridge.protocol"),
        ("swgdb_bridge.commands.server", "swgdb_bridge.server.runner"),
        ("swgdb_bridge.demo.run", "swgdb_bridge.server.app"),
        ("swgdb_bridge.cli", "swgdb_bridge.commands.upload"),
        ("swgdb_bridge.server.app", "swgdb_bridge"),
    ]
    assert [edge for edge in refused if allowed(*edge)] == []
    assert [edge for edge in accepted if not allowed(*edge)] == []


def test_the_walk_reads_imports_inside_functions_and_relative_ones() -> None:
    init = ROOT / "server" / "dashboard" / "__init__.py"
    found = {target for _line, target in imported_modules(init)}
    assert "swgdb_bridge.server.dashboard.routes" in found  # imported inside mount_dashboard()
    assert "swgdb_bridge.server.dashboard.auth" in found
    relative = ast.parse("from ..payload import SessionPayload").body[0]
    assert isinstance(relative, ast.ImportFrom)
    assert _absolute(relative, "swgdb_bridge.upload.client", is_package=False) == "swgdb_bridge.payload"
    assert _absolute(relative, "swgdb_bridge.upload", is_package=True) == "swgdb_bridge.payload"
    assert _from_target(PACKAGE, "SessionLogViewer") == "swgdb_bridge.viewer"
    assert _from_target(PACKAGE, "__version__") == PACKAGE
    assert _from_target(PACKAGE, "protocol") == "swgdb_bridge.protocol"
