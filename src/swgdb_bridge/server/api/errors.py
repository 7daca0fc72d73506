"""Every error the API returns has one JSON shape: ``{"error": CODE, "message": TEXT, "fields": [...]}``.

``fields`` lists validation problems by path (``xp_data.xp_events[0].amount``) with pydantic's message,
never the offending value: a rejected payload may hold private text, and error bodies end up in logs.
It lists the first ``max_fields`` problems only (the message gives the full count), and every path and
message is cut to :data:`MAX_FIELD_TEXT` characters (a path holds the payload's dictionary keys), so an
error answer has a fixed maximum size however much was wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

MAX_FIELD_TEXT = 200
"""Longest path or message of one listed validation problem; longer ones end in an ellipsis."""
DEFAULT_MAX_FIELDS = 20

UNAUTHORIZED_MESSAGE = (
    "The request signature could not be verified. Check the user hash and API key, "
    "and sign every request anew (fresh nonce, current time)."
)


class ApiProblem(Exception):
    """Raised anywhere in a request to answer with an error body; carries extra headers (Retry-After...)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = list(fields)
        self.headers = dict(headers or {})


def unauthorized() -> ApiProblem:
    """The one 401 for every signature failure, so its body tells an attacker nothing (user enumeration)."""
    return ApiProblem(401, "unauthorized", UNAUTHORIZED_MESSAGE)


def field_path(loc: Iterable[int | str]) -> str:
    """``("xp_data", "xp_events", 0, "amount")`` → ``xp_data.xp_events[0].amount``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FIELD_TEXT else text[: MAX_FIELD_TEXT - 1] + "…"


def validation_fields(
    errors: Iterable[Mapping[str, Any]], *, limit: int = DEFAULT_MAX_FIELDS
) -> list[dict[str, str]]:
    """The first ``limit`` pydantic errors as ``{"path", "message", "type"}``, each cut to a fixed size,
    dropping ``input`` (it may be private content)."""
    return [
        {
            "path": _cut(field_path(err.get("loc", ()))),
            "message": _cut(str(err["msg"])),
            "type": _cut(str(err["type"])),
        }
        for err in islice(errors, limit)
    ]


def invalid_payload(exc: ValidationError, what: str, max_fields: int = DEFAULT_MAX_FIELDS) -> ApiProblem:
    count = exc.error_count()
    fields = validation_fields(exc.errors(include_input=False, include_url=False), limit=max_fields)
    shown = "see 'fields'" if count <= max_fields else f"the first {max_fields} are in 'fields'"
    message = f"{what} failed validation ({count} problem{'s' if count != 1 else ''}); {shown}."
    return ApiProblem(422, "validation_failed", message, fields=fields)


def error_body(problem: ApiProblem) -> dict[str, Any]:
    body: dict[str, Any] = {"error": problem.code, "message": problem.message}
    if problem.fields:
        body["fields"] = problem.fields
    return body


def problem_response(problem: ApiProblem) -> JSONResponse:
    return JSONResponse(error_body(problem), status_code=problem.status, headers=problem.headers)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, FastAPI's own included, through one error shape (crashes: app.RequestContext)."""

    async def on_problem(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiProblem)
        return problem_response(exc)

    async def on_request_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = validation_fields(exc.errors())  # query parameters: a handful at most
        return problem_response(
            ApiProblem(422, "validation_failed", "Invalid request parameters.", fields=fields)
        )

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return problem_response(ApiProblem(exc.status_code, code, str(exc.detail), headers=exc.headers))

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
