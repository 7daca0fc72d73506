"""``python -m swgdb_bridge`` runs the same command line as ``swgdb-bridge``."""

from swgdb_bridge.cli import main

main()
