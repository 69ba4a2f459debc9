"""``python -m mkdocs_handshake check``: the same as the ``mkdocs-handshake`` command."""

from .cli import run

run()
