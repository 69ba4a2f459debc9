"""Finding the governance files from the root alone.

Repositories move their governance: the real one later kept everything
under ``.GOV/``, with the board and the audit log in
``.GOV/roles_shared/records/``. A path left at its default that does not
exist is therefore looked up under ``root`` by its file name; exactly one
match is used, several are reported (never a silent first pick), none
leaves the default in place for PARSE-001 to report. Paths the user set are
never second-guessed.

The walk is bounded: it skips VCS folders, dependency and build output,
caches and the built site, and stops after a fixed number of folders.
"""

from __future__ import annotations

import os
from dataclasses import fields, replace
from pathlib import Path, PurePosixPath

from .layout import Layout

#: Folder names never searched: VCS data, dependencies, caches, build output.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".cache", "__pycache__", ".venv", "venv",
    ".tox", ".mypy_cache", ".pytest_cache", "site", "dist", "build", "target",
})
MAX_DIRS = 20_000
#: MkDocs writes this into every site it builds: a folder holding it is a
#: built site whatever it is called (``site-preview/``, an old ``site_dir``),
#: and its copies of the governance files would make every name ambiguous.
BUILT_SITE_MARKER = "sitemap.xml.gz"
_DISCOVERABLE = ("spec_current", "packets", "task_board", "signature_audit", "gate_log")


def walk_names(
    root: Path, wanted: set[str], *, folders: bool = False, skip: frozenset[str] = SKIP_DIRS, excluded: tuple[str, ...] = (),
) -> dict[str, list[str]]:
    """Paths (relative, POSIX, sorted) of files - or folders - under ``root``
    whose name is in ``wanted``. Symbolic links to folders are not followed,
    folders named in ``skip`` or lying at an ``excluded`` path (the built
    site, the cache) are not entered, nor is any other site MkDocs built
    (:data:`BUILT_SITE_MARKER`), and a file that resolves outside the root
    is not a match."""
    found: dict[str, list[str]] = {name: [] for name in wanted}
    outside = {Path(path).resolve() for path in excluded}
    real_root = root.resolve()
    seen = 0
    for current, dirs, files in os.walk(root, followlinks=False):
        seen += 1
        if seen > MAX_DIRS:
            break
        here = Path(current)
        if BUILT_SITE_MARKER in files and seen > 1:
            dirs[:] = []
            continue
        dirs[:] = sorted(name for name in dirs if name not in skip and (not outside or (here / name).resolve() not in outside))
        for name in dirs if folders else files:
            if name in found and (folders or (here / name).resolve().is_relative_to(real_root)):
                found[name].append(PurePosixPath((here / name).relative_to(root).as_posix()).as_posix())
    return {name: sorted(paths) for name, paths in found.items()}


def discover_layout(layout: Layout) -> tuple[Layout, list[str]]:
    """``(layout, problems)``: defaults that do not exist replaced by the one
    file of that name under the root; a problem text for each ambiguity."""
    defaults = {item.name: item.default for item in fields(Layout) if item.name in _DISCOVERABLE}
    missing = {
        option: str(getattr(layout, option)) for option in _DISCOVERABLE
        if getattr(layout, option) == defaults[option] and not (layout.root / getattr(layout, option)).exists()
    }
    if not missing:
        return layout, []
    names = {option: PurePosixPath(path).name for option, path in missing.items()}
    files = walk_names(layout.root, {name for option, name in names.items() if option != "packets"})
    folders = walk_names(layout.root, {names["packets"]}, folders=True) if "packets" in names else {}
    changes: dict[str, str] = {}
    problems: list[str] = []
    for option, name in sorted(names.items()):
        candidates = (folders if option == "packets" else files).get(name, [])
        if len(candidates) == 1:
            changes[option] = candidates[0]
        elif len(candidates) > 1:
            problems.append(f"{option}: {missing[option]} does not exist and several files could be it ({', '.join(candidates)}); set the '{option}' option")
    return replace(layout, **changes), problems
