"""One exception hierarchy for the whole bridge.

Every error a user can see names the thing it is about (file, field, session id) and says what to do;
callers catch :class:`BridgeError` to report and carry on with the rest of a batch.
"""

from __future__ import annotations

from pathlib import Path


class BridgeError(Exception):
    """Base of every error the bridge raises on purpose."""


class SessionFileError(BridgeError):
    """A session file that cannot be read or understood; the file is skipped, the batch goes on."""

    def __init__(self, path: Path | str, reason: str, field: str | None = None) -> None:
        self.path = Path(path)
        self.field = field
        self.reason = reason
        where = f" (field {field!r})" if field else ""
        super().__init__(f"{self.path}{where}: {reason}")


class SanitizationError(BridgeError):
    """Sanitized output still contains something a detector flags: we refuse to emit it (fail closed)."""


class ConfigError(BridgeError):
    """Missing or invalid configuration: the message names the setting and where it can be set."""


class UsageError(BridgeError):
    """What was asked cannot be done as asked: an unknown id, or a filter, pattern, format or output path
    the command cannot use. The message names the value and what would work instead."""


class StateError(BridgeError):
    """Local state (outbox, history, index, keys) is missing, locked or corrupt."""


class StateWriteError(StateError):
    """The disk refused a write to local state (full, over a quota or size limit, failing). The write was
    rolled back and the state is intact, so trying again once there is room loses nothing."""


class APIError(BridgeError):
    """The SWGDB server answered with an error, or could not be reached."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        self.status = status
        self.code = code
        super().__init__(message)


class AuthError(APIError):
    """Credentials were refused (401/403) or the clock is too far from the server's."""


class UploadError(APIError):
    """A session could not be delivered; it stays queued unless the failure is permanent."""
