"""The ``/v1`` endpoints. Handlers are thin: verify → decode → validate → one storage call.

Uploads spend their claim (nonce, rate-limit hit) in the transaction that stores their sessions. A request
refused before it gets there (bad JSON, invalid payload) still spends its claim, in a transaction of its
own, so every signed request costs its nonce and one hit exactly once, whatever the answer.

Bodies are never declared as FastAPI body parameters: FastAPI would read and parse them before any
dependency runs, i.e. before the signature and size checks. The request schemas are added to the
OpenAPI document by hand instead (see :mod:`swgdb_bridge.server.api.openapi`).

The two upload routes are the hot path, so they skip FastAPI's machinery where it only adds cost: they
take the bare request and verify it in one call (no dependency to solve), do all their blocking work in
one worker-thread call, and answer with the bytes of their response model (``response_model`` still
documents them; FastAPI would otherwise validate and re-encode the object it is handed). At most
``Storage.writers`` ingests run at once per process: more threads would only queue on the database's
lock or pool, and pay for every hand-over of the GIL and the lock while they wait. Payloads are
checked by :func:`~swgdb_bridge.payload_fast.canonical_document` first, and by the payload
model whenever that shortcut cannot vouch for a document.

No ``from __future__ import annotations`` here: FastAPI must see the dependency objects that the route
signatures close over, not strings naming them.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from swgdb_bridge.payload import (
    SESSION_ID_MAX_LENGTH,
    SESSION_ID_PATTERN,
    SessionPayload,
    content_digest,
    is_session_id,
)
from swgdb_bridge.payload_fast import canonical_document
from swgdb_bridge.protocol import VERSION
from swgdb_bridge.server.api.body import check_json_budget, decode_body, parse_json
from swgdb_bridge.server.api.errors import ApiProblem, invalid_payload
from swgdb_bridge.server.api.openapi import SIGNED_HEADER_PARAMETERS, json_request_body
from swgdb_bridge.server.api.verify import (
    ClientAddressLimit,
    VerifiedRequest,
    Verifier,
    admitted,
    rate_limit_headers,
)
from swgdb_bridge.server.db.storage import NewSession, UnstorableSessionError, new_session
from swgdb_bridge.server.settings import ServerSettings

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import RateLimitDecision, Storage


class FieldProblem(BaseModel):
    path: str
    message: str
    type: str


class ErrorBody(BaseModel):
    error: str
    message: str
    fields: list[FieldProblem] = []


class RateLimitInfo(BaseModel):
    requests: int
    window_seconds: int


class Limits(BaseModel):
    max_body_bytes: int
    max_decompressed_bytes: int
    max_json_values: int
    max_batch_sessions: int
    max_clock_skew_seconds: int
    rate_limit: RateLimitInfo


class Info(BaseModel):
    api_version: str
    server_time: int
    limits: Limits


class Validation(BaseModel):
    valid: bool
    user_hash: str


UploadStatus = Literal["created", "unchanged", "updated"]


class UploadResult(BaseModel):
    session_id: str
    status: UploadStatus
    digest: str


class BatchItem(BaseModel):
    index: int
    session_id: str | None = None
    status: UploadStatus | Literal["rejected"]
    digest: str | None = None
    error: ErrorBody | None = None


class BatchResult(BaseModel):
    results: list[BatchItem]


class SessionState(BaseModel):
    session_id: str
    status: str
    digest: str
    received_at: datetime
    updated_at: datetime


class SessionPage(BaseModel):
    sessions: list[SessionState]
    next_cursor: str | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 413, 415, 422, 429)
}


def signed_route(
    summary: str, body_schema: str | None = None, responses: dict[int | str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Route options shared by every signed endpoint: documented headers, body schema, error shapes."""
    extra: dict[str, Any] = {"parameters": SIGNED_HEADER_PARAMETERS}
    if body_schema:
        extra["requestBody"] = json_request_body(body_schema)
    return {"summary": summary, "responses": {**_ERRORS, **(responses or {})}, "openapi_extra": extra}


_Result = TypeVar("_Result")


class Ingest:
    """Turns verified bytes into stored sessions; runs in a worker thread (gunzip, JSON, validation, SQL)."""

    def __init__(self, storage: "Storage", settings: ServerSettings) -> None:
        self.storage = storage
        self.settings = settings
        self._writers = CapacityLimiter(storage.writers)

    async def run(self, work: Callable[[VerifiedRequest], _Result], request: VerifiedRequest) -> _Result:
        """``work(request)`` in a worker thread, at most ``storage.writers`` at a time (module docstring)."""
        return await to_thread.run_sync(work, request, limiter=self._writers)

    def document(self, verified: VerifiedRequest) -> Any:
        body = decode_body(verified.body, verified.content_encoding, self.settings.max_decompressed_bytes)
        check_json_budget(body, self.settings.max_json_values)
        return parse_json(body)

    def one(self, request: VerifiedRequest) -> tuple[UploadResult, "RateLimitDecision"]:
        try:
            session = self._prepared(self.document(request), "The session payload")
        except ApiProblem:
            self._spend(request)
            raise
        try:
            admission, statuses = self.storage.admit(request.claim, [session])
        except UnstorableSessionError as exc:  # the client's data, not the server's health
            self._spend(request)
            raise _unstorable(session.session_id, exc) from None
        decision = admitted(admission, self.settings, request.request_id)
        return UploadResult(
            session_id=session.session_id, status=statuses[0], digest=session.digest
        ), decision

    def batch(self, request: VerifiedRequest) -> tuple[BatchResult, "RateLimitDecision"]:
        try:
            items = self._batch_items(self.document(request))
        except ApiProblem:
            self._spend(request)
            raise
        results: list[BatchItem | None] = []
        valid: list[tuple[int, NewSession]] = []
        for index, item in enumerate(items):
            try:
                valid.append((index, self._prepared(item, f"Session {index} of the batch")))
                results.append(None)
            except ApiProblem as problem:
                results.append(_rejected(index, _claimed_id(item), problem))
        sessions = [session for _, session in valid]
        try:
            admission, statuses = self.storage.admit(request.claim, sessions)
            decision = admitted(admission, self.settings, request.request_id)
            outcomes: list[BatchItem | str] = list(statuses)
        except UnstorableSessionError:  # some session cannot be stored: find which, one transaction each
            decision = self._spend(request)
            outcomes = [self._store_alone(request, index, session) for index, session in valid]
        for (index, session), outcome in zip(valid, outcomes, strict=True):
            results[index] = (
                outcome
                if isinstance(outcome, BatchItem)
                else BatchItem(
                    index=index, session_id=session.session_id, status=outcome, digest=session.digest
                )
            )
        return BatchResult(results=[item for item in results if item is not None]), decision

    def _spend(self, request: VerifiedRequest) -> "RateLimitDecision":
        """Spend the claim of a request that stores nothing; a replay or a user over budget is refused."""
        admission, _ = self.storage.admit(request.claim)
        return admitted(admission, self.settings, request.request_id)

    def _store_alone(self, request: VerifiedRequest, index: int, session: NewSession) -> BatchItem | str:
        try:
            [status] = self.storage.store_sessions(request.user_hash, [session], request.claim.now)
        except UnstorableSessionError as exc:
            return _rejected(index, session.session_id, _unstorable(session.session_id, exc))
        return status

    def _batch_items(self, document: Any) -> list[Any]:
        if (
            not isinstance(document, dict)
            or set(document) != {"sessions"}
            or not isinstance(document["sessions"], list)
        ):
            raise ApiProblem(
                422,
                "validation_failed",
                'A batch is a JSON object with one key, "sessions", holding a list of session payloads.',
                fields=[{"path": "sessions", "message": "required list of sessions", "type": "batch_shape"}],
            )
        items = document["sessions"]
        limit = self.settings.max_batch_sessions
        if len(items) > limit:
            raise ApiProblem(
                413,
                "batch_too_large",
                f"A batch holds at most {limit} sessions and this one has {len(items)}; "
                f"split it into batches "
                f"of {limit} or fewer.",
            )
        return items

    def _prepared(self, document: Any, what: str) -> NewSession:
        """The payload model's checks (its bounds keep every number within what the database can sum),
        then the row; the digest is the server's own, never the client's claim."""
        stored = canonical_document(document)
        if stored is None:  # not one the shortcut can vouch for: the model refuses it or normalizes it
            stored = self._validated(document, what)
        try:
            return new_session(stored["session_id"], content_digest(stored), stored)
        except ValueError as exc:  # storage's "valid but cannot be kept" (its message names the field)
            raise ApiProblem(422, "unstorable_session", str(exc)) from None

    def _validated(self, document: Any, what: str) -> dict[str, Any]:
        try:
            return SessionPayload.model_validate(document).to_document()
        except ValidationError as exc:
            raise invalid_payload(exc, what, self.settings.max_error_fields) from None


def _rejected(index: int, session_id: str | None, problem: ApiProblem) -> BatchItem:
    error = ErrorBody(error=problem.code, message=problem.message, fields=problem.fields)
    return BatchItem(index=index, session_id=session_id, status="rejected", error=error)


def _unstorable(session_id: str, exc: UnstorableSessionError) -> ApiProblem:
    """The database's reason (e.g. "integer out of range"), never the statement or its values."""
    return ApiProblem(
        422,
        "unstorable_session",
        f"Session {session_id!r} cannot be stored: {exc}. Check the numbers, dates and names in it.",
    )


def _answer(
    result: BaseModel, status: int, decision: "RateLimitDecision", settings: ServerSettings
) -> Response:
    """The upload's JSON answer as its response model dumps it (no nulls: a batch item has optional fields)."""
    return Response(
        result.model_dump_json(exclude_none=True),
        status_code=status,
        media_type="application/json",
        headers=rate_limit_headers(decision, settings.rate_limit_window_seconds),
    )


def _claimed_id(item: Any) -> str | None:
    """The rejected item's session id, echoed only when it is a well-formed id (never arbitrary text)."""
    claimed = item.get("session_id") if isinstance(item, dict) else None
    return claimed if is_session_id(claimed) else None


def _state(status: Any) -> SessionState:
    """The API's view of a stored ``SessionStatus``: the same fields, read by name."""
    return SessionState.model_validate(status, from_attributes=True)


def build_router(storage: "Storage", settings: ServerSettings) -> APIRouter:
    """All ``/v1`` routes, closed over one storage and one settings object."""
    router = APIRouter()
    verifier = Verifier(storage, settings)
    verified = Depends(verifier)
    validate_budget = Depends(
        ClientAddressLimit(storage, settings, "validate-ip", settings.validate_per_ip_requests)
    )
    ingest = Ingest(storage, settings)

    @router.get("/info", response_model=Info, summary="Server version, clock and limits (unsigned)")
    async def info() -> Info:
        s = settings
        limits = Limits(
            max_body_bytes=s.max_body_bytes,
            max_decompressed_bytes=s.max_decompressed_bytes,
            max_json_values=s.max_json_values,
            max_batch_sessions=s.max_batch_sessions,
            max_clock_skew_seconds=s.max_clock_skew_seconds,
            rate_limit=RateLimitInfo(
                requests=s.rate_limit_requests, window_seconds=s.rate_limit_window_seconds
            ),
        )
        return Info(api_version=VERSION, server_time=int(s.now()), limits=limits)

    @router.get(
        "/auth/validate",
        response_model=Validation,
        dependencies=[validate_budget],
        **signed_route("Check credentials"),
    )
    async def validate(request: Annotated[VerifiedRequest, verified]) -> Validation:
        return Validation(valid=True, user_hash=request.user_hash)

    @router.post(
        "/sessions/upload",
        response_model=UploadResult,
        status_code=201,
        **signed_route(
            "Upload one session (201 created, 200 unchanged or updated)",
            "SessionPayload",
            {200: {"model": UploadResult, "description": "Already stored: unchanged, or updated"}},
        ),
    )
    async def upload(request: Request) -> Response:
        result, decision = await ingest.run(ingest.one, await verifier.verify(request))
        status = 201 if result.status == "created" else 200
        return _answer(result, status, decision, settings)

    @router.post(
        "/sessions/batch-upload",
        response_model=BatchResult,
        response_model_exclude_none=True,
        **signed_route("Upload several sessions; each item succeeds or fails on its own", "BatchUpload"),
    )
    async def batch_upload(request: Request) -> Response:
        result, decision = await ingest.run(ingest.batch, await verifier.verify(request))
        return _answer(result, 200, decision, settings)

    @router.get(
        "/sessions/{session_id}/status",
        response_model=SessionState,
        **signed_route(
            "One session's state; 404 for unknown ids and other users' sessions",
            responses={404: {"model": ErrorBody}},
        ),
    )
    async def session_status(
        request: Annotated[VerifiedRequest, verified],
        session_id: Annotated[str, Path(pattern=SESSION_ID_PATTERN, max_length=SESSION_ID_MAX_LENGTH)],
    ) -> SessionState:
        found = await run_in_threadpool(storage.session_status, request.user_hash, session_id)
        if found is None:
            raise ApiProblem(404, "not_found", f"No session {session_id!r} has been uploaded by this user.")
        return _state(found)

    @router.get(
        "/sessions", response_model=SessionPage, **signed_route("The user's sessions, newest first, by pages")
    )
    async def list_sessions(
        request: Annotated[VerifiedRequest, verified],
        limit: Annotated[int, Query(ge=1, le=settings.list_max_limit)] = settings.list_default_limit,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
    ) -> SessionPage:
        try:
            rows, next_cursor = await run_in_threadpool(
                storage.list_sessions, request.user_hash, limit, cursor
            )
        except ValueError:
            raise ApiProblem(
                422,
                "validation_failed",
                "The cursor is not one this server handed out; start again without it.",
                fields=[{"path": "cursor", "message": "unknown cursor", "type": "cursor"}],
            ) from None
        return SessionPage(sessions=[_state(row) for row in rows], next_cursor=next_cursor)

    return router
