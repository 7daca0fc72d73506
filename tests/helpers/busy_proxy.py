"""An HTTPS proxy on loopback that answers every tunnelled request itself: "busy, come back in an hour".

A program that builds its own client for a remote server (the design's demo talks to
``https://api.swgdb.com/v1``) is pointed here with ``HTTPS_PROXY``; this proxy accepts the ``CONNECT``,
speaks TLS with a certificate for that host from a throwaway CA (trustme; the program trusts it through
``SSL_CERT_FILE``) and answers each request ``503`` with ``Retry-After: 3600``. Nothing leaves the machine,
and a client that caps how long it waits inline gives up on the first answer instead of spending its whole
backoff against a refused connection. The answer travels over real TLS, so it also checks the client's
TLS set-up (the CA store it loads, the server name it checks).
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from pathlib import Path
from types import TracebackType

import trustme

from helpers.servers import serving_thread

MAX_HEAD_BYTES = 64 * 1024
BODY = b'{"error": "busy", "message": "a stand-in for the server: come back in an hour"}'
ANSWER = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(BODY), BODY)
)


def _read_head(stream: socket.socket | ssl.SSLSocket) -> bytes:
    """Bytes up to the end of an HTTP head (the blank line), or whatever arrived before the peer stopped."""
    head = b""
    while b"\r\n\r\n" not in head and len(head) < MAX_HEAD_BYTES:
        chunk = stream.recv(4096)
        if not chunk:
            break
        head += chunk
    return head


class _Tunnel(socketserver.BaseRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        head = _read_head(self.request)
        if not head.startswith(b"CONNECT "):
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n\r\n")
            return
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        try:
            with self.server.tls.wrap_socket(self.request, server_side=True) as tls:
                if _read_head(tls):
                    tls.sendall(ANSWER)
                    with self.server.lock:
                        self.server.answered += 1
        except (ssl.SSLError, OSError):
            return  # a client that hung up or refused the certificate: nothing to answer


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Tunnel)
        self.tls = tls
        self.answered = 0
        self.lock = threading.Lock()


class BusyServerProxy:
    """``with BusyServerProxy(folder, "api.swgdb.com") as proxy:`` then run the program with ``proxy.env``."""

    def __init__(self, folder: Path, *hosts: str) -> None:
        authority = trustme.CA()
        self.ca_file = folder / "busy-proxy-ca.pem"
        authority.cert_pem.write_to_path(str(self.ca_file))
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(*hosts).configure_cert(tls)
        self._server = _ProxyServer(tls)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = serving_thread(self._server, "busy-proxy")

    @property
    def answered(self) -> int:
        """How many requests got the 503 over TLS (a client that refused the certificate is not counted)."""
        return self._server.answered

    @property
    def env(self) -> dict[str, str]:
        """What the program's environment needs: every scheme through this proxy, this CA trusted."""
        return {
            "HTTPS_PROXY": self.url,
            "HTTP_PROXY": self.url,
            "ALL_PROXY": self.url,
            "NO_PROXY": "",
            "SSL_CERT_FILE": str(self.ca_file),
        }

    def __enter__(self) -> BusyServerProxy:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
