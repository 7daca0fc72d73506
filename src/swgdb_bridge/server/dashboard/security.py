"""Response headers every dashboard response carries.

The CSP allows our own scripts, styles and images only: no inline script or style anywhere (the templates
use none), no framing, no form posts elsewhere. SVG chart images carry their own stricter policy, because
pygal puts the chart's CSS in a ``<style>`` element inside the SVG; as images they can run no script.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
STATIC_CACHE = "no-cache"
"""Stylesheet, script and icon may be kept, but are checked (by ``ETag``) before each use: their URLs carry
no version, so an upgrade's files must show at once."""
COMMON = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


class SecurityHeaders:
    """ASGI middleware: adds the headers; pages and data are ``no-store``, static files :data:`STATIC_CACHE`
    (said here, or the server's default ``no-store`` would apply to them too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(f"{scope.get('root_path', '')}/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers[name] = value
                is_svg = headers.get("content-type", "").startswith("image/svg+xml")
                headers["Content-Security-Policy"] = SVG_CSP if is_svg else PAGE_CSP
                headers["Cache-Control"] = STATIC_CACHE if static else "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
