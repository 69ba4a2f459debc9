"""Finding and reading the governance repository's files: the configured
paths (:mod:`.layout`) and their discovery, decoding text with its damage
recorded (:mod:`.source`), refusing files that resolve outside the root,
and the date a build judges by.

May import: ``model``, ``runtime``.
Must not import: the parsers or anything above them; reading a file does
not know what it means.
"""
