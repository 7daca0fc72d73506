"""swgdb-bridge: MS11 session logs → sanitized, signed uploads → a SWGDB dashboard.

The public names are the original design's. They are resolved lazily (PEP 562) so that importing one
layer (say ``swgdb_bridge.payload`` in the server) never drags in another (the HTTP client).
"""

from __future__ import annotations

from swgdb_bridge._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "SessionLogSerializer": "swgdb_bridge.serialize",
    "SWGDBAPIClient": "swgdb_bridge.upload.client",
    "SWGDBUploadManager": "swgdb_bridge.upload.uploader",
    "SessionUploader": "swgdb_bridge.upload.uploader",
    "UploadConfig": "swgdb_bridge.upload.config",
    "SessionLogViewer": "swgdb_bridge.viewer",
    "SessionPayload": "swgdb_bridge.payload",
    "BridgeError": "swgdb_bridge.errors",
}

__all__ = list(_EXPORTS) + ["__version__"]  # noqa: RUF005 (a starred dict hides the names from linters)
__getattr__ = lazy_exports(__name__, _EXPORTS)
