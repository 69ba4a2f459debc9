"""The cache between builds: a data-only encoding of model values, findings
and converted pages (:mod:`.codec`), and the cache folder that holds them
(:mod:`.disk`).

May import: ``findings``, ``protocol``, ``parse``, ``repository``,
``model``, ``runtime``: the values it may store come from there.
Must not import: ``analysis``, ``load``, ``rules`` or anything above them.
"""
