"""The client side of the wire: settings, the durable outbox, the signed HTTP client and the uploader.

``config`` loads :class:`UploadConfig`; ``prepare`` turns session files into payloads (sources → sanitize →
serialize); ``outbox`` queues them durably; ``client`` signs and sends; ``uploader`` and ``watch`` run the
whole loop. Nothing here is imported by the server, nor by an earlier stage.
"""
