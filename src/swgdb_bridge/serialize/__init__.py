"""Serialize: a normalized, sanitized session → the upload payload (a ``SealedPayload``: its bytes, read as
the ``SessionPayload`` model).

One module per payload section (``xp``, ``credits``, ``quests``, ``locations``, ``events``,
``performance``), the enum mappings in ``classify``, ids in ``identity``; ``serializer`` runs them in order.
"""

from swgdb_bridge.serialize.serializer import SERIALIZER_VERSION, SessionLogSerializer, shared_serializer

__all__ = ["SERIALIZER_VERSION", "SessionLogSerializer", "shared_serializer"]
