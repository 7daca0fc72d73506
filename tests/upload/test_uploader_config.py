"""Config precedence (flags > environment > config.toml > defaults) and ``swgdb-bridge config`` output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from helpers.cli import run
from swgdb_bridge.errors import ConfigError
from swgdb_bridge.upload.config import UploadConfig, default_config_file, load_with_sources, mask_secret

KEY = "sk-test-0123456789abcdefghijklmnop"
NUMBER_SETTINGS = ("retry_delay_seconds", "upload_interval_minutes", "max_retries")


def write_config(text: str) -> Path:
    path = default_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_file_then_environment_then_flags() -> None:
    path = write_config(
        'swgdb_api_url = "https://file.example/v1"\nuser_hash = "from-file"\nmax_retries = 7\n'
        'include_communications = true\nsession_dirs = ["~/bot/logs"]\n'
    )
    env = {"SWGDB_USER_HASH": "from-env", "MAX_RETRIES": "2"}
    config, sources = load_with_sources(env, user_hash="from-flag")
    assert config.swgdb_api_url == "https://file.example/v1" and sources["swgdb_api_url"] == f"file {path}"
    assert (config.user_hash, sources["user_hash"]) == ("from-flag", "command line")
    assert (config.max_retries, sources["max_retries"]) == (2, "environment")
    assert config.include_communications is True and config.session_dirs == [Path("~/bot/logs").expanduser()]
    assert sources["retry_delay_seconds"] == "default"
    assert UploadConfig.load(env).user_hash == "from-env"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_retries = [", "cannot be read"),
        ("api_secret = 'x'", "unknown setting 'api_secret'"),
        ("max_retries = 'many'", "max_retries = 'many' should be a whole number"),
        ("sanitize_data = 1", "should be true or false"),
        ("session_dirs = 'logs'", "session_dirs"),
    ],
)
def test_bad_config_files_name_file_and_setting(text: str, message: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_with_sources({})
    assert str(path) in str(caught.value)


def test_masking_never_shows_a_whole_key() -> None:
    assert mask_secret("") == "(not set)"
    assert mask_secret("short") == "********"
    assert mask_secret(KEY) == "********mnop"


def test_config_command_masks_the_key_and_names_sources(bridge_home: Path) -> None:
    write_config(f'api_key = "{KEY}"\n')
    env = {"SWGDB_BRIDGE_HOME": str(bridge_home), "SWGDB_USER_HASH": "abc123"}
    done = run("config", "--json", env=env)
    assert done.returncode == 0, done.stderr
    settings = orjson.loads(done.stdout)["settings"]
    assert settings["api_key"]["value"] == "********mnop" and settings["api_key"]["source"].startswith(
        "file "
    )
    assert settings["user_hash"] == {"value": "abc123", "source": "environment"}
    table = run("config", env=env)
    assert KEY not in done.stdout + done.stderr + table.stdout + table.stderr
    assert "********mnop" in table.stdout


@pytest.mark.parametrize("columns", ["60", "80"])
def test_config_shows_every_value_whole_in_a_narrow_terminal(bridge_home: Path, columns: str) -> None:
    """A user hash or URL cut to "438fcad9172ab3ad3114f9…" cannot be read back or copied: values fold."""
    user_hash = "438fcad9172ab3ad3114f9a13963b6db"
    env = {"SWGDB_BRIDGE_HOME": str(bridge_home), "SWGDB_USER_HASH": user_hash, "COLUMNS": columns}
    table = run("config", env=env).stdout
    assert "…" not in table
    assert user_hash in "".join(part for line in table.splitlines() for part in line.split("│")[2:3]).replace(
        " ", ""
    )


@pytest.mark.parametrize("url", ["ftp://x", "notaurl", "http://"])
def test_an_unusable_api_url_is_refused_at_load_naming_its_source(url: str) -> None:
    with pytest.raises(ConfigError, match=r"SWGDB_API_URL .* \(from environment\) is not an http\(s\) URL"):
        load_with_sources({"SWGDB_API_URL": url})


@pytest.mark.parametrize("url", ["https://user:hunter2@swgdb.example/v1", "ftp://hunter2@x"])
def test_credentials_in_the_api_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ConfigError, match="holds a user name or password") as caught:
        load_with_sources({"SWGDB_API_URL": url})
    assert "hunter2" not in str(caught.value)


def test_a_bad_number_in_the_environment_says_what_to_use() -> None:
    with pytest.raises(ConfigError, match=r"MAX_RETRIES='abc' is not a number; use a whole number >= 0"):
        load_with_sources({"MAX_RETRIES": "abc"})


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "NaN", "infinity", "-1", "1e999"])
@pytest.mark.parametrize("variable", [name.upper() for name in NUMBER_SETTINGS])
def test_numbers_that_are_no_usable_amount_are_refused_in_the_environment(variable: str, raw: str) -> None:
    """Was: ``float()`` took ``inf`` and ``nan``, so a retry delay of ``inf`` never ended and ``nan``
    passed the ``< 0`` check."""
    with pytest.raises(ConfigError, match=rf"{variable}='{raw}' (cannot be used|is not a number); use a"):
        load_with_sources({variable: raw})


@pytest.mark.parametrize(
    ("name", "number"),
    [
        *((name, number) for name in NUMBER_SETTINGS for number in ("inf", "-inf", "nan", "+nan", "1e999")),
        ("max_retries", "2.5"),
    ],
)
def test_numbers_that_are_no_usable_amount_are_refused_in_the_config_file(name: str, number: str) -> None:
    """Was: TOML's ``inf`` and ``nan`` were taken, ``max_retries = inf`` was an OverflowError traceback and
    ``max_retries = 2.5`` silently became 2."""
    path = write_config(f"{name} = {number}\n")
    with pytest.raises(ConfigError, match=rf"{name} = .* should be a (finite|whole) number >= 0") as caught:
        load_with_sources({})
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "value", ["123456789012345678901234567890", "['sk-live-0123456789']", "{k = 'sk-9876'}"]
)
def test_a_config_file_key_of_the_wrong_type_is_never_quoted(value: str) -> None:
    path = write_config(f"api_key = {value}\n")
    with pytest.raises(ConfigError, match=r"api_key = .* should be a string") as caught:
        load_with_sources({})
    message = str(caught.value).replace(str(path), "")
    assert "456789" not in message and "sk-" not in message and "9876" not in message


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _too_large(path: Path) -> None:
    path.write_text("# padding\n" * 120_000 + 'user_hash = "x"\n')


def _not_utf8(path: Path) -> None:
    path.write_bytes(b'user_hash = "\xff\xfe"\n')


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_fifo, "not a regular file"),  # was: every command hung at start, waiting for a writer
        (lambda path: path.symlink_to("/dev/zero"), "not a regular file"),  # was: memory filled up
        (lambda path: path.mkdir(), "not a regular file"),
        (_too_large, "larger than 1,048,576 bytes"),
        (_not_utf8, "not UTF-8 text"),  # was: a UnicodeDecodeError traceback
    ],
)
def test_only_a_regular_small_utf8_config_file_is_read(make, reason: str) -> None:
    path = default_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)
    with pytest.raises(ConfigError, match=f"config file .*{reason}"):
        load_with_sources({})
    done = run("config", env={})
    assert done.returncode == 3 and reason in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SWGDB_USER_HASH", "ü" * 32),  # was: UnicodeEncodeError building the header
        ("SWGDB_USER_HASH", "\udcff" * 32),  # bytes that were not UTF-8 in the environment
        ("SWGDB_USER_HASH", "abc\r\nX-Evil: 1"),  # was: "cannot reach the server (Illegal header value)"
        ("SWGDB_API_KEY", "\udcffsecret-part-0123456789"),  # was: UnicodeEncodeError signing the request
        ("SWGDB_API_KEY", "ключ-secret-part-0123456789"),
        ("SWGDB_API_KEY", "swgdb_secret-part 0123456789"),
    ],
)
def test_credentials_that_cannot_go_into_a_request_are_refused_by_name(variable: str, value: str) -> None:
    env = {"SWGDB_USER_HASH": "0" * 32, "SWGDB_API_KEY": KEY, variable: value}
    with pytest.raises(ConfigError, match=f"{variable} \\(from environment\\) is not") as caught:
        load_with_sources(env)
    assert "secret-part" not in str(caught.value)
    done = run("check", env=env)  # in-process: an exception would propagate here
    assert done.returncode == 3 and "secret-part" not in done.stdout + done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("error: ")], done.stderr


def test_the_configuration_loads_without_the_detectors() -> None:
    """Most commands read only the configuration; the detectors' few hundred patterns (0.1–0.2 s) wait for a
    command that sanitizes. A fresh interpreter, since this one has long imported everything."""
    code = (
        "import sys, swgdb_bridge.upload.config, swgdb_bridge.sanitize as s; "
        "print(sorted(m for m in sys.modules if m.startswith('swgdb_bridge.sanitize.'))); "
        "print(s.Sanitizer.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, home = done.stdout.splitlines()
    assert "swgdb_bridge.sanitize.detectors" not in loaded, loaded
    assert home == "swgdb_bridge.sanitize.sanitizer"  # the public names still work, imported on first use
