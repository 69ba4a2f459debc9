"""Loading a governance repository into a
:class:`~mkdocs_handshake.model.governance.GovernanceModel`: the one stage
that reads the file system. :mod:`.assemble` runs the load; the parse cache
(:mod:`.parse_cache`), the reading of one file (:mod:`.file_reader`), one
loader per kind of file (:mod:`.governance_files`, :mod:`.spec_bundle`,
:mod:`.packet_sources`), the search for the spec (:mod:`.spec_files`), the
choice of profile (:mod:`.protocol_evidence`), parsing ahead in a second
process (:mod:`.parse_ahead`), git history and linking the loaded packets
to the spec (:mod:`.link`) are its parts.

May import: ``analysis``, ``cache``, ``findings``, ``protocol``, ``parse``,
``repository``, ``model``, ``runtime``.
Must not import: ``rules``, ``render``, ``report``, ``options`` or the
front ends.
"""
