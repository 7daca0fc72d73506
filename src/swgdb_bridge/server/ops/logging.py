"""Server logging for ``server run``: uvicorn's text lines, or one JSON object per line (``--log-format json``).

The request id comes from the app's ``RequestContext`` middleware (``X-Request-ID``, its access line);
:class:`RequestIdContext` copies it into a context variable so that *every* record logged while a request
is handled — the access line, a crash, a storage warning in a worker thread — carries it as a field.
Records hold what the code chose to log and nothing more: exceptions are written as their type and stack
frames, never their message (it may quote SQL parameters, i.e. session content), as the app's text log does.
Text that came from a client (the request path, the method) goes through :func:`loggable` first, so a
``%0A`` cannot forge a log line nor a ``%1B`` reach an operator's terminal, in either format.
"""

from __future__ import annotations

import copy
import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")

request_id_var: ContextVar[str | None] = ContextVar("swgdb_request_id", default=None)

MAX_LOGGED_CHARS = 512
"""Longest piece of client text in a log line; the rest is replaced by an ellipsis."""


def loggable(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """``text`` on one line and harmless on a terminal: every non-printable character (control, line
    separator, bidi override) and the backslash itself are written as Python escapes, cut to ``limit``."""
    shown = "".join(
        char if char.isprintable() and char != "\\" else char.encode("unicode_escape").decode("ascii")
        for char in text[: limit + 1]
    )
    return shown if len(text) <= limit else shown[:limit] + "…"


class RequestIdContext:
    """Publishes the current request's id to :data:`request_id_var` (mounted inside ``RequestContext``).

    Not reset on the way out on purpose: the variable lives in the request's own task context, and the
    access line is written by the outer middleware after this one returns.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = scope.get("state", {}).get("request_id")
        if request_id is not None:
            request_id_var.set(request_id)
        await self.app(scope, receive, send)


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"?, "error_type"?, "stack"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
            entry["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return orjson.dumps(entry).decode()


def log_config(log_format: LogFormat = "text") -> dict[str, Any]:
    """Uvicorn's logging config with our ``swgdb_bridge`` loggers added, as text or as JSON lines."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format {log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["swgdb_bridge"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    if log_format == "json":
        for name in ("default", "access"):
            config["formatters"][name] = {"()": f"{__name__}.JsonFormatter"}
    return config
