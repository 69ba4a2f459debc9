"""The governance rules. Importing this package registers every rule.

One module per rule family (PARSE, SPEC, PKT, ANCHOR, DONE, SIG, BOARD, DEP,
PHASE), each rule a decorated function in it; see :mod:`.base`. The PKT
family is large enough to be split by the clause its rules enforce, over
the ``pkt_*`` modules listed in id order (they share :mod:`.pkt_reading`). The
workflow gates the repository's own validators check (issue 9) sit in
:mod:`.workflow`, under the PKT and BOARD ids of what they judge; the
contract era's (issue 20) in :mod:`.contract`.

May import: ``load`` (the engine reads git history), ``analysis``,
``cache``, ``findings``, ``protocol``, ``parse``, ``repository``, ``model``,
``runtime``.
Must not import: ``render``, ``report``, ``options`` or the front ends.
"""

from __future__ import annotations

import importlib

from .base import REGISTRY, Rule, rule

FAMILIES = ("parse", "spec", "spec_bundle", "pkt_identity", "pkt_template", "pkt_state", "pkt_lists", "pkt_lock", "anchor", "done", "sig", "board", "dep", "phase", "workflow", "contract", "projection", "remedy")

for _family in FAMILIES:
    importlib.import_module(f"{__name__}.{_family}")

__all__ = ["REGISTRY", "Rule", "rule", "FAMILIES"]
