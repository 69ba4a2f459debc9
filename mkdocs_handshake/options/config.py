"""The plugin's options as MkDocs sees them (``plugins: - handshake: {...}``).

:mod:`.options` declares the same options without MkDocs, for the command
line and for resolving them; a test keeps the two in step.

Paths are relative to ``root``, which is relative to the folder of
``mkdocs.yml``; governance files may live outside ``docs_dir`` (the reference
corpus keeps its Master Spec at the repository top).
"""

from __future__ import annotations

import datetime as dt

from mkdocs.config import base
from mkdocs.config import config_options as c

DEFAULT_PATHS = {
    "spec_current": "docs/SPEC_CURRENT.md",
    "packets": "docs/task_packets",
    "task_board": "docs/TASK_BOARD.md",
    "signature_audit": "docs/SIGNATURE_AUDIT.md",
    "gate_log": "docs/ORCHESTRATOR_GATES.json",
}


# YAML reads an unquoted 2026-11-20 as a date; accept both spellings.
DateOrText = (str, dt.date)


class WaiverConfig(base.Config):
    """One excused finding: which rule, for which WP or file, why, approved
    when, and until when (a date, or a phase such as ``Phase 1``)."""

    rule = c.Type(str)
    target = c.Type(str)
    reason = c.Type(str)
    approved = c.Type(DateOrText, default="")
    expires = c.Type(DateOrText, default="")


class HandshakeConfig(base.Config):
    enabled = c.Type(bool, default=True)
    root = c.Type(str, default=".")
    spec_current = c.Type(str, default=DEFAULT_PATHS["spec_current"])
    packets = c.Type(str, default=DEFAULT_PATHS["packets"])
    task_board = c.Type(str, default=DEFAULT_PATHS["task_board"])
    signature_audit = c.Type(str, default=DEFAULT_PATHS["signature_audit"])
    gate_log = c.Type(str, default=DEFAULT_PATHS["gate_log"])
    output_dir = c.Type(str, default="governance")
    rules = c.Type(dict, default={})
    waivers = c.ListOfItems(c.SubConfig(WaiverConfig), default=[])
    fail_on = c.Choice(("error", "warning", "never"), default="error")
    as_of = c.Optional(c.Type(DateOrText))
    dag_max_nodes = c.Type(int, default=60)
    #: List every packet page and spec chapter in the navigation. A repo with
    #: hundreds of packets may switch it off: every page of the site carries
    #: the whole nav, and the pages stay linked from the overview, the DAG
    #: and the traceability matrix.
    nav_packets = c.Type(bool, default=True)
    #: ``auto`` chooses the protocol profile from the repository's packet
    #: template and protocol text; a shipped id (``handshake-2026-02``) or a
    #: YAML file relative to ``root`` forces one.
    profile = c.Type(str, default="auto")
    #: Judge closed, superseded and legacy packets by every rule (an audit
    #: of history); by default they keep only the board, signature and
    #: audit-log checks, since signed packets are immutable.
    history = c.Type(bool, default=False)
    cache = c.Type(bool, default=True)
    #: Seconds one ``dot`` run may take before the DAG falls back to a list.
    dot_timeout = c.Type((int, float), default=60)
    #: Governance files larger than this many megabytes are reported and not
    #: read: a log pasted into a packet by accident should not take minutes.
    max_file_mb = c.Type((int, float), default=10)
    cache_dir = c.Type(str, default=".cache/plugin/handshake")
    #: Findings recorded by ``mkdocs-handshake check --write-baseline``:
    #: known debt, listed but not failing (relative to ``root``).
    baseline = c.Type(str, default="")
