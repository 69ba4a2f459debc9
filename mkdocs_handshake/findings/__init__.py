"""Findings: the :class:`~.finding.Finding` type every rule returns, how a
run judges them (:mod:`.config`: the date, severity overrides, waivers,
the baseline; kept here so options resolve without importing the rules),
and what is done to the findings of a run as a set: duplicates folded into
one (:mod:`.duplicates`) and a recorded baseline applied (:mod:`.baseline`).

May import: ``model``, ``protocol`` (a profile names what counts as a
duplicate), and everything below them.
Must not import: ``analysis``, ``cache``, ``load``, ``rules`` or anything
above them; the rules import findings, not the other way round.
"""
