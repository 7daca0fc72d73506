"""The demo (``swgdb-bridge demo``) and the sample-session generator it and the tests use.

No library module imports this package: it sits at the end of the pipeline and drives all of it.
"""
