"""Where the governance files live, resolved against a root folder.

This is the plain-Python twin of the plugin's configuration: the loader,
benchmarks and tests take a :class:`Layout`, so none of them need MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path
    spec_current: str = "docs/SPEC_CURRENT.md"
    packets: str = "docs/task_packets"
    task_board: str = "docs/TASK_BOARD.md"
    signature_audit: str = "docs/SIGNATURE_AUDIT.md"
    gate_log: str = "docs/ORCHESTRATOR_GATES.json"
    protocols: tuple[str, ...] = ("docs/*PROTOCOL*.md", "docs/START_HERE.md", "docs/ARCHITECTURE.md")
    #: ``auto`` (choose from the repository's template and protocol text),
    #: a shipped profile id, or a profile file relative to ``root``.
    profile: str = "auto"
    #: Files larger than this are reported (PARSE-001) and not read.
    max_file_bytes: int = 10 * 1024 * 1024
    #: Folders (relative to ``root``, or absolute) that the spec search never
    #: enters: the built site and the plugin's cache.
    search_excludes: tuple[str, ...] = ()

    def path(self, relative: str) -> Path:
        return self.root / relative


def governance_paths(layout: Layout) -> tuple[str, ...]:
    """The configured governance files and folders, relative to the root
    (what a commit must touch to change the governance state)."""
    return (layout.spec_current, layout.packets, layout.task_board, layout.signature_audit, layout.gate_log)
