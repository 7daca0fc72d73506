"""Export as JSON, CSV or XML: one session's full view, or the (filtered) session list.

- JSON: the same documents the library returns.
- CSV: the list is one row per session (lists joined with ``;``); one session is its timeline, one row per
  record of every event list (section, timestamp, amount, the other fields as ``key=value`` pairs). Names
  come from session files, so every cell is neutralized the OWASP way (:func:`textsafe.spreadsheet_safe`):
  a character called ``=HYPERLINK(...)`` opens in a spreadsheet as text, not as a formula.
- XML: the document as elements; a dict key that is not a valid XML name becomes ``<entry key="...">``.
  Characters XML 1.0 forbids (a ``\x01`` in a name from a session file) are shown as escapes
  (:func:`textsafe.xml_safe`): written raw, they would make the whole file unreadable to any XML parser.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson

from swgdb_bridge.textsafe import spreadsheet_safe, xml_safe
from swgdb_bridge.viewer.errors import ExportFormatError, ExportWriteError

FORMATS = ("json", "csv", "xml")
TIMELINE_COLUMNS = ("section", "list", "timestamp", "amount", "details")
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportFormatError(f"cannot export as {fmt!r}; use one of {', '.join(FORMATS)}")


def write(path: Path, text: str) -> None:
    """Write an export; a path that cannot be written is an error naming it, not a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportWriteError(
            f"cannot write the export to {path} ({exc.strerror or exc}); pick a folder that exists and "
            "you can write to, or leave out --output to print it"
        ) from None


def render(document: dict[str, Any] | list[dict[str, Any]], fmt: str) -> str:
    """Text of ``document`` (a session view, or a list of summary dicts) in ``fmt``."""
    check_format(fmt)
    if fmt == "json":
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "csv":
        return _list_csv(document) if isinstance(document, list) else _timeline_csv(document)
    if isinstance(document, list):
        root = ET.Element("sessions")
        for row in document:
            _fill(ET.SubElement(root, "session"), row)
    else:
        root = ET.Element("session")
        _fill(root, document)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return "" if value is None else value


def _csv(columns: list[str] | tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """The one CSV writer: a header, then each row with every cell spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(_cell(value)) for key, value in row.items()} for row in rows)
    return out.getvalue()


def _list_csv(rows: list[dict[str, Any]]) -> str:
    return _csv(list(rows[0]), rows) if rows else ""


def timeline(view: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per record of every event list in a session view, in section order."""
    rows = []
    for section, content in view["sections"].items():
        for name, records in content.items():
            if not isinstance(records, list):
                continue
            for record in records:
                if not isinstance(record, dict):
                    continue
                rest = {k: v for k, v in record.items() if k not in ("timestamp", "amount") and v is not None}
                rows.append(
                    {
                        "section": section,
                        "list": name,
                        "timestamp": record.get("timestamp") or record.get("start_time") or "",
                        "amount": _cell(record.get("amount")),
                        "details": "; ".join(f"{k}={_cell(v)}" for k, v in rest.items()),
                    }
                )
    return rows


def _timeline_csv(view: dict[str, Any]) -> str:
    return _csv(TIMELINE_COLUMNS, timeline(view))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            child = (
                ET.SubElement(element, key)
                if _XML_NAME.fullmatch(key)
                else ET.SubElement(element, "entry", key=xml_safe(key))
            )
            _fill(child, item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, "item"), item)
    elif value is not None:
        element.text = str(value).lower() if isinstance(value, bool) else xml_safe(value)
