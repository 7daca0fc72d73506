"""The server's storage: engine, tables, atomic statements, keys, migrations, and the ``Storage`` facade."""
