"""Pairing against the real server (SQLite and PostgreSQL): invites, device approvals, reuse, guessing."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from fixtures.live_server import ROOMY, Account, Api, FrozenClock
from helpers.http import http_client, sign_in
from swgdb_bridge.pairing import ALPHABET, check_symbol, format_code, normalize_code
from swgdb_bridge.server.db.pairings import Pairings
from swgdb_bridge.server.db.tables import pairings
from swgdb_bridge.server.settings import at


def invite(api: Api, name: str = "pilot", *, age: timedelta = timedelta(0)) -> tuple[str, str]:
    """A fresh invite made ``age`` ago (24 h lifetime): ``(user_hash, code)``."""
    made = Pairings(api.storage).invite(name, _now() - age)
    return made.user_hash, made.code


def _now() -> datetime:
    """The live server runs on the real clock."""
    return at(time.time())


def redeem(api: Api, **body: str) -> httpx.Response:
    return api.http.post("/v1/pairing/redeem", json=body)


def validates(api: Api, user_hash: str, api_key: str) -> bool:
    return api.signed(Account(user_hash, api_key), "GET", "/v1/auth/validate").status_code == 200


def test_an_invite_code_hands_over_working_credentials_once(live_api: Api) -> None:
    user_hash, code = invite(live_api, "Kaelen")
    answer = redeem(live_api, code=code.lower().replace("-", " "))  # however it is typed
    assert answer.status_code == 200, answer.text
    paired = answer.json()
    assert paired["user_hash"] == user_hash and paired["name"] == "Kaelen"
    Api.secrets.add(paired["api_key"])
    assert validates(live_api, user_hash, paired["api_key"])
    again = redeem(live_api, code=code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_code"


def test_expired_typoed_and_unknown_codes_are_refused_alike(live_api: Api) -> None:
    _, old = invite(live_api, age=timedelta(hours=25))
    _, fresh = invite(live_api)
    typo = fresh[:-1] + next(s for s in ALPHABET if s != fresh[-1])
    for code in (old, typo, _random_code()):
        answer = redeem(live_api.from_address("127.0.0.21"), code=code)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_code", code
    assert redeem(live_api, code=fresh).status_code == 200  # the typo did not burn the real code


def test_guessing_is_cut_off_per_address(server_factory: Callable[..., Api]) -> None:
    api = server_factory(replace(ROOMY, clock=FrozenClock(time.time())))  # one window: no reset mid-test
    guesser = api.from_address("127.0.0.22")
    answers = [redeem(guesser, code=_random_code()).status_code for _ in range(12)]
    assert answers[:10] == [400] * 10 and answers[10:] == [429, 429]
    _, code = invite(api)
    assert redeem(api.from_address("127.0.0.23"), code=code).status_code == 200


def test_a_code_redeemed_on_one_worker_is_dead_on_another(
    live_api: Api, server_factory: Callable[..., Api]
) -> None:
    other = server_factory()
    _, code = invite(live_api)
    statuses: list[int] = []
    start = threading.Barrier(2)

    def race(api: Api) -> None:
        start.wait()
        statuses.append(redeem(api, code=code).status_code)

    threads = [threading.Thread(target=race, args=(api,)) for api in (live_api, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 400]


def test_device_pairing_waits_for_approval_then_rotates_the_key(live_api: Api) -> None:
    account = live_api.account("Tirra")
    started = live_api.http.post("/v1/pairing/device").json()
    assert started["verification_uri_complete"].endswith(f"/dashboard/pair?code={started['user_code']}")
    pending = redeem(live_api, device_code=started["device_code"])
    assert pending.status_code == 428 and pending.json()["error"] == "authorization_pending"
    assert Pairings(live_api.storage).approve_device(account.user_hash, started["user_code"], _now())
    paired = redeem(live_api, device_code=started["device_code"]).json()
    Api.secrets.add(paired["api_key"])
    assert paired["user_hash"] == account.user_hash
    assert validates(live_api, account.user_hash, paired["api_key"])
    assert not validates(live_api, account.user_hash, account.api_key)  # logging in again replaced it
    assert redeem(live_api, device_code=started["device_code"]).json()["error"] == "expired_token"


def test_a_device_code_cannot_be_approved_twice_or_guessed(live_api: Api) -> None:
    first, second = live_api.account(), live_api.account()
    started = live_api.http.post("/v1/pairing/device").json()
    pairings = Pairings(live_api.storage)
    assert pairings.approve_device(first.user_hash, started["user_code"], _now())
    assert not pairings.approve_device(second.user_hash, started["user_code"], _now())
    assert redeem(live_api, device_code="x" * 43).json()["error"] == "expired_token"


def test_the_signed_account_endpoints_link_the_dashboard_and_revoke(live_api: Api) -> None:
    account = live_api.account()
    answer = live_api.signed(account, "POST", "/v1/auth/dashboard-link")
    assert answer.status_code == 200, answer.text
    link = answer.json()["url"]
    assert link.startswith(f"{live_api.url}/dashboard/login?token=")
    with http_client(follow_redirects=True) as browser:
        assert sign_in(browser, link).url.path == "/dashboard/"
    assert live_api.signed(account, "POST", "/v1/auth/revoke").json() == {"revoked": True}
    assert not validates(live_api, account.user_hash, account.api_key)
    assert live_api.http.post("/v1/auth/dashboard-link").status_code == 401  # unsigned


def test_answers_holding_secrets_are_never_stored_by_a_cache(live_api: Api) -> None:
    """An API key, a device code and a login link are credentials: like OAuth's token answers (RFC 6749
    5.1, RFC 8628 3.5) they must say ``no-store``, or a proxy or the client's HTTP cache may keep them."""
    account = live_api.account()
    _, code = invite(live_api)
    started = live_api.http.post("/v1/pairing/device")
    answers = {
        "device": started,
        "pending": redeem(live_api, device_code=started.json()["device_code"]),
        "invite": redeem(live_api, code=code),
        "dashboard-link": live_api.signed(account, "POST", "/v1/auth/dashboard-link"),
        "validate": live_api.signed(account, "GET", "/v1/auth/validate"),
        "unsigned": live_api.http.get("/v1/sessions"),
        "pair page": live_api.http.get("/pair"),
    }
    Api.secrets.add(answers["invite"].json()["api_key"])
    for name, answer in answers.items():
        assert answer.headers.get("cache-control") == "no-store", name


@pytest.mark.parametrize("body", [{}, {"code": "A", "device_code": "B"}, {"other": "x"}, {"code": 5}])
def test_malformed_pairing_requests_are_named(live_api: Api, body: dict[str, object]) -> None:
    answer = live_api.from_address("127.0.0.24").http.post("/v1/pairing/redeem", json=body)
    assert answer.status_code == 422 and answer.json()["error"] == "validation_failed"


def test_codes_catch_every_single_typo() -> None:
    code = normalize_code("K7QF-M2XD-" + check_symbol("K7QFM2XD"))
    for position in range(9):
        for symbol in ALPHABET:
            if symbol != code[position]:
                typo = code[:position] + symbol + code[position + 1 :]
                with pytest.raises(ValueError):
                    normalize_code(format_code(typo))


def _random_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return format_code(body + check_symbol(body))


def test_a_signed_in_browser_approves_a_device_on_the_pair_page(live_api: Api) -> None:
    account = live_api.account("Zorn")
    started = live_api.http.post("/v1/pairing/device").json()
    link = live_api.signed(account, "POST", "/v1/auth/dashboard-link").json()["url"]
    with http_client(follow_redirects=True) as browser:
        sign_in(browser, link)
        page = browser.get(started["verification_uri_complete"])
        assert page.status_code == 200 and f'value="{started["user_code"]}"' in page.text
        # A link someone sent pre-fills their code: the page names the account it would hand over, and warns.
        assert "<strong>Zorn</strong>" in page.text and "someone else sent you" in page.text
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert csrf is not None
        pair = f"{live_api.url}/dashboard/pair"
        forged = browser.post(pair, data={"code": started["user_code"], "csrf_token": "0" * 64})
        assert forged.status_code == 403
        assert redeem(live_api, device_code=started["device_code"]).status_code == 428
        wrong = browser.post(pair, data={"code": _random_code(), "csrf_token": csrf[1]})
        assert wrong.status_code == 400
        done = browser.post(pair, data={"code": started["user_code"], "csrf_token": csrf[1]})
        assert done.status_code == 200 and "Computer paired" in done.text
    paired = redeem(live_api, device_code=started["device_code"]).json()
    Api.secrets.add(paired["api_key"])
    assert paired["user_hash"] == account.user_hash


def test_a_code_whose_key_cannot_be_issued_is_not_spent(live_api: Api) -> None:
    """Claiming the code and issuing the key are one transaction: when issuing fails (here the account
    was revoked after the invite), the claim rolls back instead of burning the code for nothing."""
    user_hash, code = invite(live_api, "Revoked Later")
    live_api.storage.revoke(user_hash)
    before = _unredeemed(live_api)
    answer = redeem(live_api.from_address("127.0.0.25"), code=code)
    assert answer.status_code == 400 and "revoked" in answer.json()["message"]
    assert _unredeemed(live_api) == before


def _unredeemed(api: Api) -> int:
    query = select(func.count()).select_from(pairings).where(pairings.c.redeemed_at.is_(None))
    with api.storage.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def test_revoking_the_keys_ends_what_a_leaked_key_opened(live_api: Api) -> None:
    """Whoever holds a leaked key can mint dashboard links, sign in and approve a device of their own;
    ``logout --revoke`` (``/v1/auth/revoke``) must end all of it, or the thief's browser approves a new
    device and so gets a new key after the old one ended."""
    account = live_api.account("Leaky")
    spare_link = live_api.signed(account, "POST", "/v1/auth/dashboard-link").json()["url"]
    started = live_api.http.post("/v1/pairing/device").json()
    with http_client(base_url=live_api.url) as thief:
        sign_in(thief, live_api.signed(account, "POST", "/v1/auth/dashboard-link").json()["url"])
        assert thief.get("/dashboard/").status_code == 200
        assert Pairings(live_api.storage).approve_device(account.user_hash, started["user_code"], _now())
        assert live_api.signed(account, "POST", "/v1/auth/revoke").json() == {"revoked": True}
        assert thief.get("/dashboard/").status_code == 303  # back to the sign-in help
        with http_client(base_url=live_api.url) as later:
            assert sign_in(later, spare_link).status_code == 403
    answer = redeem(live_api, device_code=started["device_code"])
    assert answer.status_code == 400 and answer.json()["error"] == "expired_token"
    fresh = live_api.http.post("/v1/pairing/device").json()  # the owner pairs again: that still works
    assert Pairings(live_api.storage).approve_device(account.user_hash, fresh["user_code"], _now())
    paired = redeem(live_api, device_code=fresh["device_code"]).json()
    Api.secrets.add(paired["api_key"])
    assert validates(live_api, account.user_hash, paired["api_key"])


def _link_answers(api: Api, host: str) -> tuple[httpx.Response, httpx.Response]:
    """A device pairing and a dashboard link (signed by a fresh user) asked for with ``Host: host`` (and
    forwarding headers naming another host, which count for nothing)."""
    headers = {"Host": host, "X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}
    device = api.http.post("/v1/pairing/device", headers=headers)
    return device, api.signed(api.account(), "POST", "/v1/auth/dashboard-link", headers=headers)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:443", "127.0.0.1", "[::1]", "localhost:1"])
def test_links_are_never_built_from_a_host_that_is_not_the_servers_own(live_api: Api, host: str) -> None:
    """Was: both answers pointed at whatever ``Host`` said, a login token included. Now a ``Host`` other
    than the socket's own address (and port) gets 421 and no pairing or link is made for it."""
    before = _unredeemed(live_api)
    for answer in _link_answers(live_api, host):
        assert answer.status_code == 421 and answer.json()["error"] == "misdirected_request", answer.text
        assert "SWGDB_PUBLIC_URL" in answer.json()["message"] and "evil" not in answer.text
    assert _unredeemed(live_api) == before


def test_links_use_the_servers_own_address_or_localhost_on_loopback(live_api: Api) -> None:
    port = live_api.url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"LOCALHOST:{port}"):
        device, link = _link_answers(live_api, host)
        base = f"http://{host.lower()}"
        assert device.json()["verification_uri"] == f"{base}/dashboard/pair"
        assert link.json()["url"].startswith(f"{base}/dashboard/login?token=")


def test_a_configured_public_url_starts_every_link_whatever_the_host(
    server_factory: Callable[..., Api],
) -> None:
    api = server_factory(replace(ROOMY, public_url="https://swgdb.example.org"))
    for host in ("evil.example", api.url.removeprefix("http://")):
        device, link = _link_answers(api, host)
        assert device.json()["verification_uri_complete"].startswith(
            "https://swgdb.example.org/dashboard/pair?"
        )
        assert link.json()["url"].startswith("https://swgdb.example.org/dashboard/login?token=")
