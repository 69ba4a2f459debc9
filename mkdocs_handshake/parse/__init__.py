"""Parsers: one module per governance document, each a pure function from a
:class:`~mkdocs_handshake.repository.source.SourceText` to model objects plus the
:class:`~mkdocs_handshake.model.basics.ParseIssue` list of what it could not read.

May import: ``repository``, ``model``, ``runtime``.
Must not import: ``protocol`` or anything above it; a parser reads text
and knows nothing of profiles, rules or pages.
"""
