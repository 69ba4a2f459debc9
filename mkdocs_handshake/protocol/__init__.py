"""What the orchestrator protocol asks for, version by version: the shipped
profiles (:mod:`.profiles`, YAML package data beside it), the lifecycle a
packet is in, revisions of a packet, what a repository's own packet
template says (:mod:`.template`), the JSON contract schemas, and the checks
of option values a profile shares with the options.

May import: ``model``, ``repository``, ``parse`` (a template is read with
the packet parser), ``runtime``.
Must not import: ``findings``, ``analysis``, ``load``, ``rules`` or
anything above them.
"""
