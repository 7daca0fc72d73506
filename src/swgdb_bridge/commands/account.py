"""``swgdb-bridge login``, ``dashboard`` and ``logout``: your credentials without ever handling a key.

``login CODE`` redeems an operator's invite; ``login`` alone asks for a pairing to approve on the dashboard of
a browser that is already signed in (a device flow). The key lands in the OS keyring, else in an owner-only
config file, and is never printed. ``dashboard`` opens a one-time login link to your own dashboard.
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import typer

from swgdb_bridge.commands._options import INSECURE, prompt_client
from swgdb_bridge.commands._output import USAGE, emit_json, fail, reported
from swgdb_bridge.textsafe import visible

SERVER = typer.Option(
    None,
    "--server",
    help="The SWGDB server, e.g. https://swgdb.example.org (default: SWGDB_API_URL or config.toml).",
    show_default=False,
)
AS_JSON = typer.Option(False, "--json", help="Print machine-readable JSON alone on stdout.")


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("dashboard")(dashboard)
    app.command("logout")(logout)


def login(
    code: str = typer.Argument(
        None,
        help="The pairing code (K7QF-M2XD-9) or pairing link from your invite; leave out to approve this "
        "computer from a signed-in dashboard instead.",
        show_default=False,
    ),
    server: str = SERVER,
    as_json: bool = AS_JSON,
    insecure: bool = INSECURE,
) -> None:
    """Pair this computer with your SWGDB account; the API key goes to the OS keyring, never the screen."""
    from swgdb_bridge.pairing import normalize_code
    from swgdb_bridge.upload.config import default_config_file, read_config_file
    from swgdb_bridge.upload.credentials import save_credentials

    with _reported():
        read_config_file(
            default_config_file()
        )  # a broken config.toml is named now, not after the code is spent
        api_url, code = login_target(server, code)
        # no retries: redeeming spends the code, and a lost answer would spend it for nothing twice over
        with _login_client(api_url, insecure) as client:
            if code is not None:
                paired = client.redeem_pairing(code=normalize_code(code))
            else:
                paired = _device_flow(client, quiet=as_json)
        stored_in = save_credentials(api_url, paired["user_hash"], paired["api_key"])
    summary = {"user_hash": paired["user_hash"], "name": paired.get("name"), "api_url": api_url}
    if as_json:
        emit_json({**summary, "key_stored_in": stored_in})
        return
    _console().print(
        visible(f"Logged in as {paired.get('name')!r} (user hash {paired['user_hash']}) at {api_url}.")
        + f"\nAPI key stored in: {visible(stored_in)}.\nNext: `swgdb-bridge upload`, then `swgdb-bridge dashboard`.",
        markup=False,
        highlight=False,
    )


def dashboard(
    print_only: bool = typer.Option(False, "--print", help="Only print the link; do not open a browser."),
) -> None:
    """Open your SWGDB dashboard in the browser with a one-time login link (valid once, 15 minutes)."""
    from swgdb_bridge.upload.config import UploadConfig

    with _reported():
        config = UploadConfig.load()
        with prompt_client(config) as client:
            link = client.dashboard_link()
        _same_server(link, config.swgdb_api_url)
    if print_only or not webbrowser.open(link):
        typer.echo(visible(link))  # a token already (the client checks it); escaped all the same
    else:
        _console(stderr=True).print("Opened your dashboard in the browser.", markup=False)


def logout(
    revoke: bool = typer.Option(False, "--revoke", help="Also end your API keys on the server."),
) -> None:
    """Forget the stored API key on this computer (``--revoke``: and on the server too)."""
    from swgdb_bridge.upload.config import UploadConfig
    from swgdb_bridge.upload.credentials import forget_credentials

    with _reported():
        if revoke:
            config = UploadConfig.load()
            with prompt_client(config) as client:
                client.revoke_keys()
        forgot = forget_credentials()
    done = "Revoked your keys on the server and forgot" if revoke else "Forgot"
    message = f"{done} the local key." if forgot or revoke else "No stored key to forget."
    _console().print(message, markup=False)


def login_target(server: str | None, code: str | None) -> tuple[str, str | None]:
    """The API URL and code, from ``--server`` and CODE, or both from a pairing link (``…/pair#CODE``)."""
    from swgdb_bridge.errors import UsageError
    from swgdb_bridge.upload.config import UploadConfig, http_url_problem

    if code and code.startswith(("http://", "https://")):
        problem = http_url_problem(code)
        if problem:
            raise UsageError(f"the pairing link {code!r} cannot be used ({problem}); paste the whole link")
        link = urlsplit(code)
        if not link.fragment:
            raise UsageError(f"the pairing link {code!r} has no code after '#'; paste the whole link")
        base = f"{link.scheme}://{link.netloc}{link.path.removesuffix('/').removesuffix('/pair')}"
        server, code = server or base, link.fragment  # a server behind a path prefix keeps it
    base = server or UploadConfig.load().swgdb_api_url
    problem = http_url_problem(base)
    if problem:
        raise UsageError(
            f"--server {base!r} is not an http(s) address ({problem}), e.g. https://swgdb.example.org"
        )
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path if path.endswith('/v1') else path + '/v1'}", code


def _device_flow(client: Any, *, quiet: bool, sleep: Any = time.sleep) -> dict[str, Any]:
    """Ask for a pairing, show where to approve it, and poll until it is approved or expires."""
    from swgdb_bridge.errors import UploadError
    from swgdb_bridge.upload.client import TransientAPIError

    started = client.start_device_pairing()
    _console(stderr=True).print(  # the address and code are the server's words: shown, never obeyed
        visible(
            f"Open {started['verification_uri_complete']} in a browser signed in to your dashboard and "
            f"approve code {started['user_code']}. Waiting (Ctrl-C to stop) …"
        ),
        markup=False,
        highlight=False,
    )
    deadline = time.monotonic() + float(started.get("expires_in", 600))
    interval = min(max(float(started.get("interval", 5)), 1.0), 60.0)
    while time.monotonic() < deadline:
        sleep(interval)
        try:
            return client.redeem_pairing(device_code=started["device_code"])
        except UploadError as error:  # not approved yet, or a passing network or server fault: poll again
            if error.code != "authorization_pending" and not isinstance(error, TransientAPIError):
                raise
    raise UploadError("the pairing was not approved in time; run `swgdb-bridge login` again", code="expired")


def _same_server(link: str, api_url: str) -> None:
    """Open only links to the server we asked: a link elsewhere would hand a browser to a stranger's page."""
    from swgdb_bridge.errors import APIError

    ours, theirs = urlsplit(api_url), urlsplit(link)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        raise APIError(
            f"the server answered a login link for another address ({theirs.netloc!r}); not opened"
        )


def _login_client(api_url: str, insecure: bool) -> Any:
    """A client with no key yet (there may be no config before a login) that never retries (see ``login``;
    the device flow polls on its own)."""
    from swgdb_bridge.upload.client import SWGDBAPIClient

    return SWGDBAPIClient(api_url, "", "", max_retries=0, timeout=15, allow_insecure_http=insecure)


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True)


@contextmanager
def _reported() -> Iterator[None]:
    """The shared policy (:func:`reported`), plus: a mistyped pairing code is a usage error (2)."""
    from swgdb_bridge.pairing import PairingCodeError

    with reported():
        try:
            yield
        except PairingCodeError as exc:
            fail(str(exc), USAGE)
