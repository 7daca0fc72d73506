"""Dashboard login: one-time links, then a signed session cookie.

``dashboard_link`` (the ``server dashboard-link`` command and the demo) stores the SHA-256 of a random
token and prints ``BASE/dashboard/login?token=TOKEN``. The token travels in the query string because the
server's access log records paths without query strings. Opening the link only shows a "Sign in" button:
chat apps and mail scanners fetch links to preview them, and must neither spend the link nor receive a
session. The button's POST (token in the body) redeems it with one conditional UPDATE (unused and
unexpired → used), so it works once, even with several server processes, and never after 15 minutes.
Redeeming opens a browser session: a second random token, hashed in the same row, sent as a cookie signed
with a key derived from the server secret (a forged or tampered cookie is refused before the database is
asked). Logging out marks the row, so the cookie stops working server-side too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update

from swgdb_bridge.errors import UsageError
from swgdb_bridge.protocol import is_user_hash
from swgdb_bridge.server.dashboard.tables import dashboard_logins
from swgdb_bridge.server.db.engine import writer
from swgdb_bridge.server.db.tables import users

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Connection
    from starlette.requests import HTTPConnection

    from swgdb_bridge.server.db.storage import Storage

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
COOKIE_NAME = "swgdb_dashboard"
LOGIN_PATH = "/dashboard/login"
_COOKIE_PURPOSE = b"dashboard cookie v1"
_CSRF_CONTEXT = b"csrf\x00"


def cookie_name(scheme: str) -> str:
    """The login cookie's name. Over HTTPS it carries the ``__Host-`` prefix: browsers take a cookie of that
    name only from this very host (Secure, Path=/, no Domain), so a page on a sibling subdomain, or any
    plain-HTTP page of the domain, cannot plant one ("cookie tossing": a visitor signed in to the planter's
    account, where approving a pairing hands the visitor's computer the planter's key). Plain HTTP (a
    server on this machine) cannot carry the prefix."""
    return f"__Host-{COOKIE_NAME}" if scheme == "https" else COOKIE_NAME


def login_cookie(connection: HTTPConnection) -> str | None:
    """The login cookie a request carries, under the one name its scheme allows (see :func:`cookie_name`)."""
    return connection.cookies.get(cookie_name(connection.url.scheme))


def _plausible(token: str) -> bool:
    return bool(token) and len(token) <= 200


def _open_link(token: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a link row that can still sign in: this token's, unused, not expired, not ended
    (:func:`end_logins_on` ends links not yet used too)."""
    row = dashboard_logins.c
    return (
        row.link_hash == _token_hash(token),
        row.used_at.is_(None),
        row.link_expires_at > now,
        row.logged_out_at.is_(None),
    )


def end_logins_on(connection: Connection, user_id: int, now: datetime) -> None:
    """Log the user out of every browser and void every login link not yet used, in the caller's
    transaction: when the user's API keys are revoked, what a leaked key opened (a link it asked for,
    a browser signed in with that link) must end with the key."""
    row = dashboard_logins.c
    connection.execute(
        update(dashboard_logins)
        .where(row.user_id == user_id, row.logged_out_at.is_(None))
        .values(logged_out_at=now)
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc(moment: float | None) -> datetime:
    return datetime.now(UTC) if moment is None else datetime.fromtimestamp(moment, UTC)


def dashboard_link(storage: Storage, user_hash: str, base_url: str, *, now: float | None = None) -> str:
    """A login link for ``user_hash``, valid once for 15 minutes from ``now`` (Unix seconds, default: now).

    Raises :class:`UsageError` when no active user has that hash. The user's dead rows (unused expired
    links, ended or logged-out sessions) are cleared here, so the table stays as small as the live logins.
    """
    created = _utc(now)
    token = secrets.token_urlsafe(32)
    with writer(storage.engine).begin() as conn:
        user_id = is_user_hash(user_hash) and conn.scalar(
            select(users.c.id).where(users.c.user_hash == user_hash, users.c.revoked_at.is_(None))
        )
        if not user_id:
            raise UsageError(
                f"no active user with hash {user_hash[:80]!r}: check it with the output of `swgdb-bridge "
                "server add-user`, and pass the same --database-url the server uses"
            )
        conn.execute(delete(dashboard_logins).where(dashboard_logins.c.user_id == user_id, _dead(created)))
        conn.execute(
            insert(dashboard_logins).values(
                user_id=user_id,
                link_hash=_token_hash(token),
                created_at=created,
                link_expires_at=created + LINK_LIFETIME,
            )
        )
    return f"{base_url.rstrip('/')}{LOGIN_PATH}?token={token}"


def _dead(now: datetime) -> ColumnElement[bool]:
    row = dashboard_logins.c
    return or_(
        and_(row.used_at.is_(None), row.link_expires_at <= now),
        row.session_expires_at <= now,
        row.logged_out_at.is_not(None),
    )


@dataclass(frozen=True, slots=True)
class DashboardUser:
    """Who is looking at the dashboard. ``user_id`` scopes every query; ``csrf_token`` guards POSTs.

    ``name`` is shown on every page: someone lured into signing in with another's link (login CSRF by
    phishing) must see whose account would receive what they do, above all a device pairing."""

    user_id: int
    user_hash: str
    login_id: int
    name: str
    csrf_token: str = field(repr=False)  # a secret of this login: never in a repr or a traceback


class Authenticator:
    """Redeems links, reads and revokes browser sessions. ``clock`` gives Unix seconds (tests freeze it)."""

    def __init__(self, storage: Storage, clock: Callable[[], float]) -> None:
        self._storage = storage
        self._engine = storage.engine
        self._clock = clock

    @cached_property
    def _cookie_key(self) -> bytes:
        """Derived from the server secret on first use: the secret stays outside the database, and every
        process serving one database shares it, so a cookie from one process is good at all of them."""
        return self._storage.derive_key(_COOKIE_PURPOSE)

    @cached_property
    def _signer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._cookie_key, salt="dashboard-session")

    @cached_property
    def _csrf_key(self) -> bytes:
        return hmac.new(self._cookie_key, _CSRF_CONTEXT, hashlib.sha256).digest()

    def now(self) -> datetime:
        return _utc(self._clock())

    def usable(self, token: str) -> bool:
        """Whether :meth:`redeem` would accept ``token`` now; spends nothing (the login page asks first)."""
        if not _plausible(token):
            return False
        with self._engine.connect() as conn:
            return (
                conn.scalar(select(dashboard_logins.c.id).where(*_open_link(token, self.now()))) is not None
            )

    def redeem(self, token: str) -> str | None:
        """Use a link token once; returns the signed cookie value, or None (unknown, used or expired)."""
        if not _plausible(token):
            return None
        now = self.now()
        session_token = secrets.token_urlsafe(32)
        with writer(self._engine).begin() as conn:
            result = conn.execute(
                update(dashboard_logins)
                .where(*_open_link(token, now))
                .values(
                    used_at=now,
                    session_hash=_token_hash(session_token),
                    session_expires_at=now + SESSION_LIFETIME,
                )
            )
        return self._signer.dumps(session_token) if result.rowcount == 1 else None

    def user_for(self, cookie: str | None) -> DashboardUser | None:
        """The user behind a session cookie, or None if it is forged, logged out, expired or revoked."""
        session_token = self._unsign(cookie)
        if session_token is None:
            return None
        row = dashboard_logins.c
        query = (
            select(row.id, row.user_id, users.c.user_hash, users.c.name)
            .join(users, users.c.id == row.user_id)
            .where(
                and_(
                    row.session_hash == _token_hash(session_token),
                    row.logged_out_at.is_(None),
                    row.session_expires_at > self.now(),
                    users.c.revoked_at.is_(None),
                )
            )
        )
        with self._engine.connect() as conn:
            found = conn.execute(query).first()
        if found is None:
            return None
        return DashboardUser(
            found.user_id, found.user_hash, found.id, found.name, self._csrf_for(session_token)
        )

    def logout(self, user: DashboardUser) -> None:
        with writer(self._engine).begin() as conn:
            conn.execute(
                update(dashboard_logins)
                .where(dashboard_logins.c.id == user.login_id)
                .values(logged_out_at=self.now())
            )

    def csrf_ok(self, user: DashboardUser, submitted: str | None) -> bool:
        return submitted is not None and hmac.compare_digest(user.csrf_token.encode(), submitted.encode())

    def _unsign(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            value = self._signer.loads(cookie, max_age=int(SESSION_LIFETIME.total_seconds()))
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def _csrf_for(self, session_token: str) -> str:
        """Derived, not stored: the form token is a MAC of the session token the attacker cannot read."""
        return hmac.new(self._csrf_key, session_token.encode(), hashlib.sha256).hexdigest()
