"""What ``server run`` hands its workers: settings from the environment, a clean metrics folder, JSON logs
that keep exception messages out, and clear refusals of bad options before any worker starts."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from swgdb_bridge.cli import app
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.server.api.public_url import PUBLIC_URL_ENV
from swgdb_bridge.server.ops.logging import JsonFormatter, log_config, request_id_var
from swgdb_bridge.server.ops.metrics import MULTIPROC_ENV
from swgdb_bridge.server.workers import SETTINGS_ENV, TRUSTED_PROXIES_ENV, metrics_dir, settings_from_env


def test_rate_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_from_env().rate_limit_requests == 120
    monkeypatch.setenv("SWGDB_RATE_LIMIT", "7")
    monkeypatch.setenv("SWGDB_RATE_LIMIT_WINDOW", "5")
    settings = settings_from_env()
    assert (settings.rate_limit_requests, settings.rate_limit_window_seconds) == (7, 5)


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5"])
def test_a_bad_rate_limit_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SWGDB_RATE_LIMIT_WINDOW", value)
    with pytest.raises(
        ConfigError, match=f"SWGDB_RATE_LIMIT_WINDOW='{value}' is not a positive whole number"
    ):
        settings_from_env()


NUMBER_LIMITS = [name for name in SETTINGS_ENV if name not in (TRUSTED_PROXIES_ENV, PUBLIC_URL_ENV)]


@pytest.mark.parametrize("name", NUMBER_LIMITS)
@pytest.mark.parametrize(
    "value", ["²", "١٢٠", "1_000", "1e3", "nan", "inf", "0x10", "9" * 5_000, "+5", "٣.٥"]
)
def test_number_limits_take_ascii_digits_only(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    """Was: ``str.isdigit`` and ``float`` took "²" (then ``int()`` raised: a traceback at startup), Arabic-
    Indic digits, "1_000", "1e3"; 5,000 digits were int()'s ValueError. Now one error naming the variable."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name}=.* in digits 0-9") as caught:
        settings_from_env()
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1",)),
        (" 10.0.0.0/8 , ::1,192.168.1.7/24", ("10.0.0.0/8", "::1", "192.168.1.0/24")),
        ("2001:DB8::/32", ("2001:db8::/32",)),
    ],
)
def test_trusted_proxies_are_addresses_and_networks(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: tuple[str, ...]
) -> None:
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, value)
    assert settings_from_env().trusted_proxies == expected


@pytest.mark.parametrize(
    "value",
    ["*", "127.0.0.1,*", "127.0.0.l", "10.0.0.0/33", "proxy.internal", "unix:/run/nginx.sock", "::1/x"],
)
def test_anything_else_as_a_trusted_proxy_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Was: passed to uvicorn as is, where ``*`` trusts every peer (anyone could name any client address and
    escape the per-address limits) and a typo is a name that never matches."""
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, value)
    with pytest.raises(ConfigError, match=f"{TRUSTED_PROXIES_ENV}=.* not an IP address or network"):
        settings_from_env()


@pytest.mark.parametrize("name", NUMBER_LIMITS)
def test_number_limits_in_digits_are_taken(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "12")
    assert getattr(settings_from_env(), SETTINGS_ENV[name][0]) == 12


def test_an_operator_metrics_folder_is_emptied_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_1234.db").write_bytes(b"old run")
    (folder / "keep.txt").write_text("not ours")
    monkeypatch.setenv(MULTIPROC_ENV, str(folder))
    with metrics_dir(workers=4) as used:
        assert used == str(folder)
        assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert folder.is_dir()


def test_several_workers_get_a_temporary_folder_one_worker_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    with metrics_dir(workers=1) as used:
        assert used is None
    with metrics_dir(workers=2) as used:
        assert used is not None and Path(used).is_dir()
        assert os.environ[MULTIPROC_ENV] == used
    assert not Path(used).exists()
    assert MULTIPROC_ENV not in os.environ


def test_json_lines_carry_the_request_id_and_no_exception_message() -> None:
    formatter = JsonFormatter()
    try:
        content = "INSERT ... " + "private chat text"  # not in the source line the stack shows
        raise ValueError(content)
    except ValueError:
        record = logging.LogRecord(
            "swgdb_bridge.server", logging.ERROR, __file__, 1, "boom %s", ("x",), sys.exc_info()
        )
    token = request_id_var.set("abc123")
    try:
        line = orjson.loads(formatter.format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "boom x" and line["request_id"] == "abc123" and line["level"] == "ERROR"
    assert line["error_type"] == "ValueError" and "raise ValueError" in line["stack"]
    assert "private chat text" not in orjson.dumps(line).decode()
    assert "request_id" not in orjson.loads(formatter.format(record))  # outside a request


def test_log_config_swaps_only_the_formatters() -> None:
    text, json = log_config("text"), log_config("json")
    assert json["formatters"]["default"] == {"()": "swgdb_bridge.server.ops.logging.JsonFormatter"}
    assert text["formatters"]["default"] != json["formatters"]["default"]
    assert text["loggers"]["swgdb_bridge"] == json["loggers"]["swgdb_bridge"]
    with pytest.raises(ValueError, match="not one of text, json"):
        log_config("xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--log-format", "xml"], "--log-format 'xml' is not one of: text, json"),
        (["--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_server_run_refuses_bad_options_before_serving(tmp_path: Path, args: list[str], message: str) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    result = CliRunner().invoke(app, ["server", "run", "--database-url", url, "--port", "0", *args])
    assert result.exit_code != 0 and message in result.output


def test_server_run_refuses_a_short_secret_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWGDB_SERVER_SECRET", "too-short")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    result = CliRunner().invoke(
        app, ["server", "run", "--database-url", url, "--workers", "2", "--port", "0"]
    )
    assert result.exit_code == 3  # configuration (the exit-code policy in commands/_output.py)
    assert "SWGDB_SERVER_SECRET is shorter than 32 characters" in result.output
    assert "too-short" not in result.output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://swgdb.example.org", "https://swgdb.example.org"),
        ("https://SWGDB.example.org:8443/", "https://swgdb.example.org:8443"),
        ("http://[2001:db8::1]:8765", "http://[2001:db8::1]:8765"),
    ],
)
def test_the_public_url_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    assert settings_from_env().public_url is None
    monkeypatch.setenv("SWGDB_PUBLIC_URL", value)
    assert settings_from_env().public_url == expected


@pytest.mark.parametrize(
    "value",
    [
        "swgdb.example.org",
        "ftp://swgdb.example.org",
        "https://user:pw@swgdb.example.org",
        "https://swgdb.example.org/sub",
        "https://swgdb.example.org/?x=1",
        "https://swgdb.example.org:99999",
        "https://swgdb.example.org\x1b[2J",
        "https:///nohost",
    ],
)
def test_a_bad_public_url_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SWGDB_PUBLIC_URL", value)
    with pytest.raises(ConfigError, match=r"SWGDB_PUBLIC_URL=.* is no public address"):
        settings_from_env()
