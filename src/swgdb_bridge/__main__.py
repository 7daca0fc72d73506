"""``python -m swgdb_bridge`` runs the same command line as ``swgdb-bridge``."""

from swgdb_bridge.cli import main

if __name__ == "__main__":  # spawned worker processes re-import this module; they must not start the CLI
    main()
