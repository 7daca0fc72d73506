"""Small test utilities imported as ``helpers.<name>`` (``tests/`` is on ``sys.path``, like ``fixtures``)."""
