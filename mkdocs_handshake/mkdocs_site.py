"""What the plugin reads from MkDocs' own structures: the user's docs files
as they name them, the theme's folders, whether an explicit nav already
links a page, ``docs_dir`` relative to the governance root, the repaired
text of a damaged docs page, and the docs files that are links leading
out of the repository."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from .repository.realpath import RealPaths
from .repository.source import decode


def docs_dir_in(root: Path, docs_dir: str) -> str | None:
    """``docs_dir`` relative to the governance root, or None when it is not
    under it (then no packet file is a docs page)."""
    try:
        relative = Path(docs_dir).resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def repaired_text(data: bytes, src_uri: str) -> str | None:
    """The repaired text of a page, or None when it needs no repair."""
    source = decode(data, src_uri)
    return source.text if source.issues else None


def nav_mentions(nav: object, path: str) -> bool:
    """Whether a nav structure already links to ``path``."""
    if isinstance(nav, str):
        return nav == path
    if isinstance(nav, dict):
        return any(nav_mentions(value, path) for value in nav.values())
    if isinstance(nav, list):
        return any(nav_mentions(value, path) for value in nav)
    return False


def docs_relative(file: File, config: MkDocsConfig) -> str:
    """A docs file as the user knows it: ``docs/governance/index.md``."""
    if file.abs_src_path:
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        relative = os.path.relpath(os.path.abspath(file.abs_src_path), os.path.abspath(base))
        return Path(relative).as_posix() if not relative.startswith("..") else Path(file.abs_src_path).as_posix()
    return file.src_uri


def theme_folders(config: MkDocsConfig) -> list[str]:
    """Top-level folders the theme copies into the site (``assets``, ``css``),
    and the search plugin's ``search/``: no place for generated pages."""
    names = {"search"}
    for folder in getattr(config.theme, "dirs", []) or []:
        try:
            names.update(entry.name for entry in Path(folder).iterdir() if entry.is_dir() and not entry.name.startswith("."))
        except OSError:
            continue
    return sorted(names)


def drop_outside_links(files: Files, config: MkDocsConfig, root: Path, log: logging.Logger | logging.LoggerAdapter) -> None:
    """Leave out docs files that are symbolic links to files outside the
    repository: MkDocs would publish ``docs/task_packets/WP-x.md ->
    /etc/passwd`` as a page and in the search index. (The loader already
    refuses to read it as a governance file; PARSE-001 names it.)"""
    docs = Path(config.docs_dir)
    real = RealPaths()
    allowed = (real.folder(root), real.folder(docs))
    for file in list(files):
        if file.generated_by or not file.abs_src_path:
            continue
        path = Path(file.abs_src_path)
        if not path.is_relative_to(docs):
            continue  # theme files
        target = real.of(path)
        if not any(target.is_relative_to(folder) for folder in allowed):
            files.remove(file)
            log.warning("%s links to a file outside the repository; it is left out of the site", docs_relative(file, config))
