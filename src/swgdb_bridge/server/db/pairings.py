"""Pairings: how a user's bridge gets its credentials without anyone copying an API key.

Two ways in, one table and one redeeming step (``docs/protocol.md``, "Pairing"):

- **invite**: the operator runs ``server invite NAME``; a user is created and a one-time code printed
  (:mod:`swgdb_bridge.pairing`). ``swgdb-bridge login CODE`` redeems it.
- **device**: ``swgdb-bridge login`` without a code asks for a pairing; it gets a short user code to approve
  on the dashboard of a signed-in browser, and a long device code to poll with (RFC 8628's shape).

Redeeming is one conditional UPDATE (approved, unredeemed, unexpired → redeemed), so a code works once even
with several server processes; it then rotates the user's key at once (grace 0), so the new bridge holds
the only working key. Codes are stored as HMACs under a key derived from the server secret: a copy of the
database alone cannot be searched for a live code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, delete, insert, select, update

from swgdb_bridge.pairing import PairingCodeError, new_pairing_code, normalize_code
from swgdb_bridge.server.db.engine import writer
from swgdb_bridge.server.db.storage import StorageError
from swgdb_bridge.server.db.tables import pairings, users

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from swgdb_bridge.server.db.storage import Storage

INVITE_LIFETIME = timedelta(hours=24)
MAX_INVITE_LIFETIME = timedelta(days=30)
DEVICE_LIFETIME = timedelta(minutes=10)
DEVICE_POLL_SECONDS = 5
_HASH_PURPOSE = b"pairing codes v1"


class PairingRefused(Exception):
    """A code or device code that cannot be redeemed. ``code`` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Invite:
    user_hash: str
    code: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class DeviceStart:
    device_code: str = field(repr=False)
    user_code: str
    expires_at: datetime


@dataclass(frozen=True)
class Credentials:
    user_hash: str
    name: str
    api_key: str = field(repr=False)


class Pairings:
    """The pairing table's operations, over one :class:`Storage` (its engine, users, keys and secret)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._hash_key = storage.derive_key(_HASH_PURPOSE)

    def invite(self, name: str, now: datetime, lifetime: timedelta = INVITE_LIFETIME) -> Invite:
        """A new user and a one-time code that hands them their credentials, valid for ``lifetime``."""
        if not timedelta(0) < lifetime <= MAX_INVITE_LIFETIME:
            raise ValueError(f"an invite lasts more than 0 and at most {MAX_INVITE_LIFETIME.days} days")
        user_hash, _unshown_key = self.storage.add_user(name, now=now)  # replaced when the code is redeemed
        code = new_pairing_code()
        with writer(self.storage.engine).begin() as connection:
            user_id = connection.scalar(select(users.c.id).where(users.c.user_hash == user_hash))
            connection.execute(
                insert(pairings).values(
                    kind="invite",
                    code_hash=self._hash(normalize_code(code)),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + lifetime,
                    approved_at=now,
                )
            )
        return Invite(user_hash=user_hash, code=code, expires_at=now + lifetime)

    def start_device(self, now: datetime) -> DeviceStart:
        """A pending device pairing: a user code to approve in a browser, a device code to poll with."""
        user_code, device_code = new_pairing_code(), secrets.token_urlsafe(32)
        with writer(self.storage.engine).begin() as connection:
            connection.execute(delete(pairings).where(pairings.c.expires_at < now))
            connection.execute(
                insert(pairings).values(
                    kind="device",
                    code_hash=self._hash(normalize_code(user_code)),
                    device_hash=self._hash(device_code),
                    created_at=now,
                    expires_at=now + DEVICE_LIFETIME,
                )
            )
        return DeviceStart(device_code=device_code, user_code=user_code, expires_at=now + DEVICE_LIFETIME)

    def approve_device(self, user_hash: str, typed_code: str, now: datetime) -> bool:
        """Give a pending device pairing to ``user_hash`` (a signed-in dashboard user); ``False`` if none."""
        try:
            code_hash = self._hash(normalize_code(typed_code))
        except PairingCodeError:
            return False
        user_id = select(users.c.id).where(users.c.user_hash == user_hash, users.c.revoked_at.is_(None))
        with writer(self.storage.engine).begin() as connection:
            changed = connection.execute(
                update(pairings)
                .where(
                    pairings.c.code_hash == code_hash,
                    pairings.c.kind == "device",
                    pairings.c.approved_at.is_(None),
                    pairings.c.expires_at > now,
                )
                .values(user_id=user_id.scalar_subquery(), approved_at=now)
            ).rowcount
        return changed == 1

    def redeem_code(self, typed_code: str, now: datetime) -> Credentials:
        """The credentials behind an invite code, once; raises :class:`PairingRefused`."""
        try:
            code_hash = self._hash(normalize_code(typed_code))
        except PairingCodeError as error:
            raise PairingRefused("invalid_code", str(error)) from None
        claimed = self._claim(and_(pairings.c.code_hash == code_hash, pairings.c.kind == "invite"), now)
        if claimed is None:
            raise PairingRefused(
                "invalid_code",
                "This pairing code is unknown, used or expired: ask the server's operator for a new invite.",
            )
        return claimed

    def redeem_device(self, device_code: str, now: datetime) -> Credentials:
        """The credentials of an approved device pairing, once; pending or dead ones raise."""
        device_hash = self._hash(device_code)
        claimed = self._claim(pairings.c.device_hash == device_hash, now)
        if claimed is not None:
            return claimed
        with self.storage.engine.connect() as connection:
            row = connection.execute(
                select(pairings.c.approved_at, pairings.c.expires_at).where(
                    pairings.c.device_hash == device_hash
                )
            ).first()
        if row is not None and row.approved_at is None and row.expires_at > now:
            raise PairingRefused("authorization_pending", "Not approved yet: keep polling.")
        raise PairingRefused("expired_token", "This pairing expired or was used; start again.")

    def cancel_on(self, connection: Connection, user_id: int, now: datetime) -> None:
        """End the user's unredeemed pairings (approved devices, invites), in the caller's transaction:
        when the user's keys are revoked, a device approved before (perhaps by whoever held a leaked key)
        must not receive a new key after."""
        connection.execute(
            update(pairings)
            .where(
                pairings.c.user_id == user_id, pairings.c.redeemed_at.is_(None), pairings.c.expires_at > now
            )
            .values(expires_at=now)
        )

    def _claim(self, which: object, now: datetime) -> Credentials | None:
        """Mark one live, approved pairing redeemed and rotate its user's key, in ONE transaction: a failure
        (a revoked user, a locked database) rolls the claim back, so a code is never spent without a key."""
        with writer(self.storage.engine).begin() as connection:
            user_id = connection.execute(
                update(pairings)
                .where(
                    which,  # type: ignore[arg-type]
                    pairings.c.approved_at.is_not(None),
                    pairings.c.redeemed_at.is_(None),
                    pairings.c.expires_at > now,
                )
                .values(redeemed_at=now)
                .returning(pairings.c.user_id)
            ).scalar()
            if user_id is None:
                return None
            row = connection.execute(
                select(users.c.user_hash, users.c.name).where(users.c.id == user_id)
            ).one()
            try:
                api_key = self.storage.rotate_key_on(connection, row.user_hash, timedelta(0), now)
            except StorageError:
                raise PairingRefused("invalid_code", "This account is revoked; ask the operator.") from None
        self.storage.key_cache.forget(row.user_hash)
        return Credentials(user_hash=row.user_hash, name=row.name, api_key=api_key)

    def _hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
