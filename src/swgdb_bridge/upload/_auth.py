"""Signing as an ``httpx.Auth``: each request is signed over the path and body bytes actually sent.

httpx runs an auth flow for every request it sends, once the body is final. So a compressed body is
signed as compressed, the path is signed as it goes on the request line (query string included), and a
retry — a new request — carries a fresh nonce and timestamp, which the server's replay guard requires.
The signing rules live in :mod:`swgdb_bridge.protocol`, the one module the server verifies with too.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from swgdb_bridge.protocol import sign_request


class SignedAuth(httpx.Auth):
    """Adds the five protocol v1 headers to every request. The key signs; it never travels nor prints."""

    requires_request_body = True

    def __init__(self, api_key: str, user_hash: str) -> None:
        self._api_key = api_key
        self.user_hash = user_hash

    def __repr__(self) -> str:
        return f"SignedAuth(user_hash={self.user_hash!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        target = request.url.raw_path.decode("ascii")  # path + "?query", as on the request line
        request.headers.update(
            sign_request(self._api_key, self.user_hash, request.method, target, request.content)
        )
        yield request
