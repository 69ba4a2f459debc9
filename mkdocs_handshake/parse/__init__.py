"""Parsers: one module per governance document, each a pure function from a
:class:`~mkdocs_handshake.source.SourceText` to model objects plus the
:class:`~mkdocs_handshake.model.ParseIssue` list of what it could not read."""
