"""Resolving many files' real paths without resolving their folder each time.

Every file the build reads or publishes is checked against the root it must
stay in (a symbolic link could point anywhere on the machine that builds
the site). ``Path.resolve`` walks every component of the path; with a
thousand packets in one folder that folder was walked a thousand times on
every build and every ``mkdocs serve`` rebuild.
"""

from __future__ import annotations

from pathlib import Path


class RealPaths:
    """``Path.resolve()`` with each folder resolved once. Make one per
    build: a folder replaced by a link during its life would be missed."""

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {}

    def folder(self, folder: Path) -> Path:
        key = str(folder)
        if key not in self._folders:
            self._folders[key] = folder.resolve()
        return self._folders[key]

    def of(self, path: Path) -> Path:
        """A file that is not itself a symbolic link (nor reached through
        ``..``) is where its resolved folder says."""
        if ".." in path.parts or path.is_symlink():
            return path.resolve()
        return self.folder(path.parent) / path.name
