"""Pairing codes: short, human-typable, one-time codes such as ``K7QF-M2XD-9``.

Eight symbols of Crockford's base32 (no I, L, O or U, so nothing reads as another symbol) carry 40 random
bits; a ninth is a Luhn mod 32 check symbol, so a single mistyped symbol or a swap of two neighbours is
caught on the user's machine before any request is made. Reading is forgiving: case, spaces, dashes and
the look-alikes O→0 and I/L→1 do not matter.

Both sides use this module (the server to mint and check codes, the client to check what the user typed),
which is why it sits in the shared contract at the package root.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class PairingCodeError(ValueError):
    """What the user typed is not a pairing code; the message says what is wrong with it."""


def new_pairing_code() -> str:
    """A fresh random code, formatted for people: ``XXXX-XXXX-C``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_code(body + check_symbol(body))


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol of ``body`` (symbols of :data:`ALPHABET`)."""
    total = 0
    for position, symbol in enumerate(reversed(body)):
        value = _VALUE[symbol] * (2 if position % 2 == 0 else 1)
        total += value // 32 + value % 32
    return ALPHABET[(32 - total % 32) % 32]


def normalize_code(typed: str) -> str:
    """The code's nine symbols, upper-case and without separators; raises :class:`PairingCodeError`.

    The result (body + check symbol) is what the server hashes, so every way of typing one code agrees.
    """
    symbols = "".join(typed.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(symbols) != BODY_LENGTH + 1:
        raise PairingCodeError(
            f"a pairing code has {BODY_LENGTH + 1} letters and digits (like K7QF-M2XD-9); "
            f"this one has {len(symbols)}"
        )
    unknown = sorted({symbol for symbol in symbols if symbol not in _VALUE})
    if unknown:
        raise PairingCodeError(f"a pairing code never contains {', '.join(map(repr, unknown))}")
    if check_symbol(symbols[:BODY_LENGTH]) != symbols[-1]:
        raise PairingCodeError("the code's last symbol does not match the others: check it for a typo")
    return symbols


def format_code(symbols: str) -> str:
    """``K7QFM2XD9`` → ``K7QF-M2XD-9``."""
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"
