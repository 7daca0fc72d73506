"""An OS keyring that lives in the test process (in place of Windows Credential Manager or a Keychain)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import keyring
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Keys in a dict; ``asked`` notes every lookup, so a test can also prove a command never looked."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.asked: list[tuple[str, str]] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[service, username] = password

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        return self.items.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username))


@contextlib.contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A :class:`MemoryKeyring` as the process's keyring for the ``with`` block, the previous one after."""
    memory, previous = MemoryKeyring(), keyring.get_keyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)
