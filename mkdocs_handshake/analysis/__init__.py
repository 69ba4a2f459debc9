"""Facts derived from the model that the loader, the rules and the pages
share: the mapping of DONE_MEANS onto the spec (:mod:`.mapping`, its
parts ``mapping_*`` and :mod:`.traceability`, :mod:`.semantic`,
:mod:`.resolve`), the phase gate (:mod:`.phase_gate` with
:mod:`.phase_basics`, :mod:`.phase_claims`) and the waivers judged by it,
the packet dependency graph, micro-tasks and module anchors.

May import: ``findings``, ``protocol``, ``parse``, ``repository``,
``model``, ``runtime``.
Must not import: ``cache``, ``load``, ``rules``, ``render``, ``report`` or
anything above them; they ask these questions, these modules answer them.
"""
