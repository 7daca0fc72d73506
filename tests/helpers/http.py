"""Plain HTTP clients for tests that talk to a server on loopback the way a browser or a script would.

``httpx.Client()`` loads the CA store each time (~20 ms); hundreds of tests made one each. They share the
client's own :func:`~swgdb_bridge.upload.client.tls_context` instead, so this costs nothing per client and
nothing about the requests changes.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from swgdb_bridge.upload.client import tls_context


def http_client(**options: Any) -> httpx.Client:
    """``httpx.Client(**options)`` with the process's shared TLS context."""
    return httpx.Client(verify=tls_context(), **options)


def get(url: str, **options: Any) -> httpx.Response:
    """``httpx.get`` with the shared TLS context: for a one-off request (a readiness poll, a page)."""
    return httpx.get(url, verify=tls_context(), **options)


def post(url: str, **options: Any) -> httpx.Response:
    """``httpx.post`` with the shared TLS context."""
    return httpx.post(url, verify=tls_context(), **options)


_LOGIN_FORM = re.compile(
    r'<form class="login" method="post" action="([^"]+)">\s*<input type="hidden" name="token" value="([^"]*)">'
)


def sign_in(client: httpx.Client, link: str) -> httpx.Response:
    """Open a one-time dashboard link as a person does: load its page, press "Sign in". The POST's answer,
    or the page itself when it has no sign-in form (a spent or unknown link)."""
    page = client.get(link)
    form = _LOGIN_FORM.search(page.text)
    if form is None:
        return page
    return client.post(page.url.join(html.unescape(form[1])), data={"token": html.unescape(form[2])})
