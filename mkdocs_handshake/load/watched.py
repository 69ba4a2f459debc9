"""The files a load read that a watcher must know of: ``mkdocs serve``
watches ``docs_dir`` only, and the Master Spec (or any governance file)
beside it would never trigger a rebuild."""

from __future__ import annotations

from pathlib import Path

from ..model.governance import GovernanceModel
from ..repository.layout import Layout


def watched_paths(layout: Layout, model: GovernanceModel | None, docs_dir: Path) -> list[Path]:
    """Every governance file and folder the build reads that lies
    outside ``docs_dir`` (those inside it are watched already)."""
    root = layout.root
    docs = docs_dir.resolve()
    names = {
        layout.spec_current, layout.packets, layout.task_board,
        layout.signature_audit, layout.gate_log,
    }
    if model is not None:
        names.update(file for file, _version in model.sibling_specs)
        names.update(model.protocol_files)
        names.update(model.document_ids)
        if model.spec is not None:
            names.add(model.spec.file)
    paths = []
    for name in sorted(names):
        path = (root / name).resolve()
        if path.exists() and not path.is_relative_to(docs) and path.is_relative_to(root):
            paths.append(path)
    return paths
