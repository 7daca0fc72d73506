"""Defer the import of ``requests``, which detect-secrets imports only for its plugins' ``verify`` calls.

We use detect-secrets' patterns offline and never call ``verify``, yet ``import requests`` (urllib3, charset
detection, certificates) cost ~0.3 s of every command that sanitizes. A placeholder module stands in for it
until one of its attributes is used, which our code never does; then it imports the real module and
forwards to it, so ``import requests`` keeps working for anyone. (``importlib.util.LazyLoader`` cannot do
this on Python 3.11: the next ``import requests`` reads ``__spec__`` and so runs the module.) This module
must be imported before detect-secrets: the package ``__init__`` imports it first.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then loads it and forwards to it."""

    def __getattr__(self, attribute: str) -> Any:  # only called for attributes the placeholder lacks
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        vars(self).update(vars(real))
        return getattr(real, attribute)


def defer(name: str) -> None:
    """Put a placeholder for ``name`` in ``sys.modules``, unless it is already imported or not installed."""
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _Deferred(name)


defer("requests")
