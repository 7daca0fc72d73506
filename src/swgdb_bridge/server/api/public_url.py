"""The address the server's links point at: the configured public URL, or its own address, never a stranger's.

``/v1/pairing/device`` and ``/v1/auth/dashboard-link`` answer with absolute links (a pairing page, a
one-time login link carrying its token). Built from the request's ``Host`` header, the sender would name
the host: ``Host: evil.example``, passed on by a proxy or kept by a cache, sends the user's browser and
token to evil.example. So:

- with ``public_url`` set (``SWGDB_PUBLIC_URL``, e.g. ``https://swgdb.example.org``) every link starts
  with it, whatever the request says;
- without it, a link is built from the request only when its ``Host`` names the socket the request
  arrived on (``127.0.0.1:8765``, ``[::1]:8765``, ``192.0.2.7:8765``; ``localhost`` too on a loopback
  socket). Any other ``Host`` gets ``421 Misdirected Request`` naming the setting: a server reached by a
  name (behind a proxy, say) must be told that name, it does not take it from whoever asks.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from starlette.requests import Request

from swgdb_bridge.server.api.errors import ApiProblem
from swgdb_bridge.server.settings import ServerSettings

PUBLIC_URL_ENV = "SWGDB_PUBLIC_URL"
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::(?P<port>[0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_public_url(raw: str) -> str:
    """``raw`` as ``scheme://host[:port]`` (http or https, nothing after the host); ValueError otherwise.

    The protocol is served at the root (docs/deploy.md), so a path, query or fragment would only produce
    links to pages that do not exist, and user information in a link would hand it to every browser.
    """
    if not raw.isascii() or not raw.isprintable() or " " in raw:
        raise ValueError("it must be printable ASCII without spaces")
    parts = urlsplit(raw.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        raise ValueError("it must be http:// or https:// and a host, e.g. https://swgdb.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("it must end at the host (and port): no path, query or fragment")
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    return f"{parts.scheme}://{parts.netloc.lower()}"


def link_base(request: Request, settings: ServerSettings) -> str:
    """The ``scheme://host[:port]`` the links of an answer to ``request`` start with (module docstring)."""
    if settings.public_url is not None:
        return settings.public_url
    if not _names_own_socket(request):
        raise ApiProblem(
            421,
            "misdirected_request",
            f"This server does not know its public address, so it makes links only for requests sent to "
            f"its own IP address and port. The operator sets {PUBLIC_URL_ENV} (docs/deploy.md).",
        )
    return f"{request.url.scheme}://{request.headers['host'].lower()}"


def _names_own_socket(request: Request) -> bool:
    """Whether the ``Host`` header is the address and port of the socket the request came in on."""
    server = request.scope.get("server")
    host = _HOST.fullmatch(request.headers.get("host", ""))
    if not server or server[1] is None or host is None:
        return False
    port = int(host["port"]) if host["port"] else _DEFAULT_PORTS.get(request.url.scheme)
    if port != server[1]:
        return False
    named = (host["v6"] or host["name"]).lower()
    return named == server[0].lower() or (named == "localhost" and _is_loopback(server[0]))


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
