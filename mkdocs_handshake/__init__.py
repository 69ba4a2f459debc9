"""mkdocs-handshake: an MkDocs plugin and the ``mkdocs-handshake check``
command that read a governance repository, check it and render its pages.

Each top-level folder is one stage or one concern; ``ARCHITECTURE.md``
beside this file lists them and the directions in which they may import
each other (``tests/test_import_graph.py`` enforces it).
"""
