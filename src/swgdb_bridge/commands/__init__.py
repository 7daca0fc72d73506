"""One module per subcommand group; each exposes ``register(app)`` and keeps heavy imports inside its commands."""
