"""The pairing endpoints (``/v1/pairing/…``) and the signed account endpoints (``/v1/auth/…``).

Pairing is unsigned by nature (the caller has no key yet), so it is charged per client address before any
work, and only guessable input (an invite code) costs from the small guessing budget; a device code is a
256-bit secret and may be polled at the announced interval. The account endpoints are signed like uploads:
``dashboard-link`` hands the key's own user a one-time dashboard login link, ``revoke`` ends the user's keys.
"""

import base64
import hashlib
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from swgdb_bridge.server.api.body import parse_json, read_capped
from swgdb_bridge.server.api.errors import ApiProblem, invalid_payload
from swgdb_bridge.server.api.public_url import link_base
from swgdb_bridge.server.api.routes import ErrorBody, signed_route
from swgdb_bridge.server.api.verify import ClientAddressLimit, VerifiedRequest, Verifier
from swgdb_bridge.server.dashboard.auth import LINK_LIFETIME, dashboard_link, end_logins_on
from swgdb_bridge.server.db.engine import writer
from swgdb_bridge.server.db.pairings import DEVICE_POLL_SECONDS, Credentials, PairingRefused, Pairings
from swgdb_bridge.server.settings import ServerSettings

if TYPE_CHECKING:
    from swgdb_bridge.server.db.storage import Storage

MAX_PAIRING_BODY = 1024


class RedeemRequest(BaseModel):
    """Exactly one of ``code`` (an invite) or ``device_code`` (an approved device pairing)."""

    model_config = ConfigDict(extra="forbid")
    code: str | None = Field(default=None, max_length=40)
    device_code: str | None = Field(default=None, max_length=100)


class Paired(BaseModel):
    user_hash: str
    name: str
    api_key: str


class DevicePairing(BaseModel):
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


class LoginLink(BaseModel):
    url: str
    expires_in: int


class Revoked(BaseModel):
    revoked: bool


_PAIR_STYLE = "body{font-family:sans-serif;max-width:40em;margin:3em auto}"
_PAIR_SCRIPT = 'document.getElementById("url").textContent = location.href'
PAIR_PAGE = f"""<!doctype html><meta charset="utf-8"><title>Pair swgdb-bridge</title>
<style>{_PAIR_STYLE}</style>
<h1>Pair your bridge</h1>
<p>On the computer that runs your bot, run:</p>
<pre>swgdb-bridge login <span id="url">THIS-PAGE'S-ADDRESS</span></pre>
<p>The code after <code>#</code> in this page's address is your one-time pairing code; it never reaches the
server until your bridge redeems it.</p>
<script>{_PAIR_SCRIPT}</script>
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


PAIR_PAGE_CSP = (
    f"default-src 'none'; script-src {_csp_hash(_PAIR_SCRIPT)}; style-src {_csp_hash(_PAIR_STYLE)}; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The page's own inline script and style, by hash, and nothing else: the page shows the pairing code from
its address, so nothing injected into it may run or send it anywhere."""


def build_pairing_router(storage: "Storage", settings: ServerSettings) -> APIRouter:
    """``/pair`` (a static help page), ``/v1/pairing/{device,redeem}`` and ``/v1/auth/{dashboard-link,revoke}``."""
    router = APIRouter()
    pairing = Pairings(storage)
    verified = Depends(Verifier(storage, settings))
    per_address = Depends(
        ClientAddressLimit(storage, settings, "pairing-ip", settings.pairing_per_ip_requests)
    )
    guesses = ClientAddressLimit(storage, settings, "pairing-code-ip", settings.pairing_code_guesses_per_ip)

    @router.get("/pair", response_class=HTMLResponse, include_in_schema=False)
    async def pair_page() -> HTMLResponse:
        return HTMLResponse(PAIR_PAGE, headers={"Content-Security-Policy": PAIR_PAGE_CSP})

    @router.post(
        "/v1/pairing/device",
        response_model=DevicePairing,
        dependencies=[per_address],
        responses={code: {"model": ErrorBody} for code in (421, 429)},
    )
    async def start_device(request: Request) -> DevicePairing:
        """Ask for a device pairing: approve ``user_code`` on your dashboard, then poll ``redeem``."""
        page = f"{link_base(request, settings)}/dashboard/pair"
        started = await run_in_threadpool(pairing.start_device, settings.utcnow())
        return DevicePairing(
            device_code=started.device_code,
            user_code=started.user_code,
            verification_uri=page,
            verification_uri_complete=f"{page}?code={started.user_code}",
            expires_in=int((started.expires_at - settings.utcnow()).total_seconds()),
            interval=DEVICE_POLL_SECONDS,
        )

    @router.post(
        "/v1/pairing/redeem",
        response_model=Paired,
        dependencies=[per_address],
        responses={code: {"model": ErrorBody} for code in (400, 413, 415, 422, 428, 429)},
        openapi_extra={"requestBody": _json_body(RedeemRequest)},
    )
    async def redeem(request: Request) -> Paired:
        """Exchange an invite code, or an approved device code, for the user's credentials (once)."""
        asked = _redeem_request(parse_json(await read_capped(request, MAX_PAIRING_BODY)))
        if asked.code is not None:
            await guesses(request)
            redeem_it = partial(pairing.redeem_code, asked.code)
        else:
            redeem_it = partial(pairing.redeem_device, str(asked.device_code))
        try:
            credentials: Credentials = await run_in_threadpool(redeem_it, settings.utcnow())
        except PairingRefused as refused:
            status = 428 if refused.code == "authorization_pending" else 400
            raise ApiProblem(status, refused.code, refused.message) from None
        return Paired(user_hash=credentials.user_hash, name=credentials.name, api_key=credentials.api_key)

    @router.post(
        "/v1/auth/dashboard-link",
        response_model=LoginLink,
        **signed_route("A one-time dashboard login link", responses={421: {"model": ErrorBody}}),
    )
    async def login_link(request: Request, signed: Annotated[VerifiedRequest, verified]) -> LoginLink:
        """A one-time login link to the signing user's own dashboard (valid once, 15 minutes)."""
        url = await run_in_threadpool(
            dashboard_link, storage, signed.user_hash, link_base(request, settings), now=settings.now()
        )
        return LoginLink(url=url, expires_in=int(LINK_LIFETIME / timedelta(seconds=1)))

    @router.post("/v1/auth/revoke", response_model=Revoked, **signed_route("End the user's API keys"))
    async def revoke(signed: Annotated[VerifiedRequest, verified]) -> Revoked:
        """End every API key of the signing user now (the user stays: pair again for a new key)."""
        await run_in_threadpool(_revoke_access, pairing, signed.user_hash, settings.utcnow())
        return Revoked(revoked=True)

    return router


def _revoke_access(pairing: Pairings, user_hash: str, now: datetime) -> None:
    """End the user's keys and, in the same transaction, everything a key could open without the owner:
    dashboard logins and links (a key asks for links) and unredeemed pairings (a dashboard approves
    devices). Otherwise whoever held a leaked key keeps a browser that approves a device of theirs, which
    then receives a fresh key: the revocation would undo itself."""
    storage = pairing.storage
    with writer(storage.engine).begin() as connection:
        user_id = storage.expire_keys_on(connection, user_hash, now)
        end_logins_on(connection, user_id, now)
        pairing.cancel_on(connection, user_id, now)
    storage.key_cache.forget(user_hash)


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}


def _redeem_request(document: Any) -> RedeemRequest:
    try:
        asked = RedeemRequest.model_validate(document)
    except ValidationError as exc:
        raise invalid_payload(exc, "The pairing request") from None
    if (asked.code is None) == (asked.device_code is None):
        raise ApiProblem(422, "validation_failed", 'Send exactly one of "code" or "device_code".')
    return asked
