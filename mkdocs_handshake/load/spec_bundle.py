"""Loading the Master Spec that a JSON SPEC_CURRENT names: an indexed bundle.

The paths a JSON SPEC_CURRENT and a manifest write are relative to the
repository's top (``.GOV/spec/master-spec-v02.195/INDEX.json``); module
paths are relative to the manifest's folder. The repository's top is the
configured root, or failing that the folder above SPEC_CURRENT from which
the written path exists, so a root that is the repository or the folder
holding it both work. Nothing outside the root is read: a path that leads
out of it, or names a folder the checkout does not hold (an archived
bundle), is one PARSE-001 issue at the place that names it, and the rest of
the bundle is still read.

Module texts go through the loader's parse cache (kind ``spec_module``),
so a rebuild parses only the modules that changed.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Callable, Protocol, TypeVar

from ..repository.layout import Layout
from ..model.basics import Loc, ParseIssue
from ..model.spec import Spec, SpecBundle, SpecModule, SpecPointer
from ..repository.source import SourceText
from ..parse.json_text import JsonProblem
from ..parse.spec_bundle import (
    Manifest,
    assemble,
    front_matter,
    manifest_data_issue,
    parse_spec_module,
    read_changelog,
    read_index,
    read_manifest,
)

T = TypeVar("T")


class _Collector(Protocol):
    """What this module needs of the loader's collector (:mod:`.load`):
    reading a file once per load, parsing it through the cache, and the
    issues and digests it gathers."""

    layout: Layout
    issues: list[ParseIssue]
    digests: dict[str, str]

    def read(self, relative: str, *, required: bool = True, what: str = "file") -> tuple[SourceText, str] | None: ...

    def parse(
        self, relative: str, kind: str, parser: Callable[[SourceText], tuple[T, list[ParseIssue]]], *, what: str, required: bool = True,
    ) -> tuple[T, SourceText] | None: ...


def repo_path(root: Path, written: str, beside: str) -> str | None:
    """``written`` (a repository path) as a path relative to ``root``: as
    written, or under a folder above ``beside`` (the file that names it)
    from which it exists. None when no such file is inside the root; raises
    :class:`ValueError` when the path leads out of the root."""
    clean = written.strip().replace("\\", "/")
    if not clean:
        return None
    if clean.startswith("/") or PurePosixPath(clean).is_absolute():
        raise ValueError(clean)
    bases = ["", *[str(parent) for parent in PurePosixPath(beside).parents if str(parent) != "."]]
    for base in dict.fromkeys(bases):
        joined = posixpath.normpath(posixpath.join(base, clean)) if base else posixpath.normpath(clean)
        if joined == ".." or joined.startswith("../"):
            if not base:
                raise ValueError(clean)
            continue
        if (root / joined).is_file():
            return joined
    return None


def module_path(manifest_file: str, bundle_path: str) -> str | None:
    """A module's path relative to root (it is written relative to the
    manifest's folder); None when it leads out of the root."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(manifest_file), bundle_path.replace("\\", "/")))
    if joined == ".." or joined.startswith("../") or PurePosixPath(bundle_path).is_absolute():
        return None
    return joined


_FOLDER_VERSION = re.compile(r"v(\d+(?:\.\d+)+)$", re.IGNORECASE)


def sibling_bundles(root: Path, manifest_file: str) -> tuple[tuple[str, str], ...]:
    """``(manifest, version)`` of every bundle beside the current one: a
    folder next to its folder that holds a manifest of the same name, with a
    version at the end of its name (``master-spec-v02.196``), so SPEC-002
    can tell a newer bundle the pointer was not moved to."""
    folder = (root / manifest_file).parent
    name = PurePosixPath(manifest_file).name
    found = []
    for sibling in sorted(folder.parent.iterdir()) if folder.parent.is_dir() else ():
        match = _FOLDER_VERSION.search(sibling.name)
        if match and sibling != folder and sibling.is_dir() and (sibling / name).is_file():
            found.append(((sibling / name).relative_to(root).as_posix(), match.group(1)))
    return tuple(found)


def manifest_modules(out: _Collector, manifest_file: str) -> list[str]:
    """The module files a manifest names that are in the checkout (for
    parsing them ahead of the load); [] when it cannot be read."""
    read = out.read(manifest_file, required=False, what="spec manifest")
    if read is None:
        return []
    try:
        manifest = read_manifest(read[0])
    except JsonProblem:
        return []
    found = []
    for entry in manifest.entries:
        path = module_path(manifest_file, entry.bundle_path)
        if path and (out.layout.root / path).is_file():
            found.append(path)
    return found


def load_module(out: _Collector, path: str) -> tuple[Spec, SourceText] | None:
    """One module parsed through the cache (what the two-process parse runs)."""
    return out.parse(path, "spec_module", parse_spec_module, what="spec module", required=False)


def _side_file(out: _Collector, pointer: SpecPointer | None, manifest: Manifest, pointer_key: str, written: str, what: str) -> tuple[str, Loc]:
    """The resolver index or changelog: as SPEC_CURRENT names it, else as
    the manifest does. ``("", loc)`` when neither names one or it cannot be
    found (an issue says so in the second case)."""
    named = pointer.value_of(pointer_key) if pointer is not None else None
    value, loc = named if named else (written, manifest.version_loc)
    if not value:
        return "", loc
    try:
        found = repo_path(out.layout.root, value, loc.file)
    except ValueError:
        out.issues.append(ParseIssue("PARSE-001", loc, f"the {what} {value} lies outside the root folder; it is not read", value, loc.file))
        return "", loc
    if found is None:
        out.issues.append(ParseIssue("PARSE-001", loc, f"the {what} {value} is not in the checkout; it is not read", value, loc.file))
        return "", loc
    return found, loc


def load_bundle(out: _Collector, manifest_file: str, pointer: SpecPointer | None) -> Spec | None:
    """The bundle ``manifest_file`` heads, as one :class:`Spec` (None when
    the manifest itself cannot be read: PARSE-001 says why)."""
    read = out.read(manifest_file, what="spec manifest")
    if read is None:
        return None
    src = read[0]
    try:
        manifest = read_manifest(src)
    except JsonProblem as problem:
        out.issues.append(manifest_data_issue(src, problem))
        return None
    out.issues.extend(manifest.issues)
    modules: list[tuple[SpecModule, Spec | None]] = []
    for order, entry in enumerate(manifest.entries, start=1):
        path = module_path(manifest_file, entry.bundle_path)
        base = SpecModule(
            path=path or entry.bundle_path, bundle_path=entry.bundle_path, order=order, title=entry.title,
            manifest_loc=entry.loc, present=False, manifest_version=entry.spec_version,
            expected_sha256=entry.sha256, expected_byte_count=entry.byte_count, heading_count=entry.heading_count,
        )
        if path is None:
            out.issues.append(ParseIssue("PARSE-001", entry.loc, f"the manifest names the module {entry.bundle_path}, which lies outside the root folder; it is not read", entry.bundle_path, manifest_file))
            modules.append((base, None))
            continue
        if not (out.layout.root / path).is_file():
            out.issues.append(ParseIssue("PARSE-001", entry.loc, f"the manifest names the module {entry.bundle_path}, which does not exist ({path}); the other modules are read", entry.bundle_path, manifest_file))
            modules.append((base, None))
            continue
        parsed = load_module(out, path)
        if parsed is None:
            modules.append((base, None))
            continue
        spec, module_src = parsed
        _, version, version_loc = front_matter(module_src)
        digest = out.digests[path]
        raw = (out.layout.root / path).read_bytes()
        module = SpecModule(
            path=path, bundle_path=entry.bundle_path, order=order, title=entry.title, manifest_loc=entry.loc,
            present=True, declared_version=version.lstrip("vV"), declared_version_loc=version_loc,
            manifest_version=entry.spec_version, sha256=digest, byte_count=len(raw), carriage_returns=raw.count(b"\r"),
            line_count=len(module_src.lines), expected_sha256=entry.sha256,
            expected_byte_count=entry.byte_count, heading_count=entry.heading_count,
            section_count=sum(1 for section in spec.sections if section.kind == "heading"),
            headings_read=sum(1 for section in spec.sections if section.kind != "list-item"),
            text=module_src.text,
        )
        modules.append((module, spec))
    index_file, _ = _side_file(out, pointer, manifest, "current_spec.resolver_index_path", manifest.resolver_index, "resolver index")
    index_version, index_loc, index_modules, index_read = "", None, (), False
    if index_file:
        index_read_src = out.read(index_file, required=False, what="resolver index")
        if index_read_src is not None:
            try:
                index_version, index_loc, index_modules = read_index(index_read_src[0])
                index_read = True
            except JsonProblem as problem:
                out.issues.append(ParseIssue("PARSE-001", Loc(index_file, problem.line), f"the resolver index {index_file} is {problem}; it is not compared with the manifest", index_file, index_file))
    changelog_file, _ = _side_file(out, pointer, manifest, "current_spec.changelog_path", manifest.changelog, "spec changelog")
    versions: tuple[tuple[str, Loc], ...] = ()
    changelog_read = False
    if changelog_file:
        changelog_src = out.read(changelog_file, required=False, what="spec changelog")
        if changelog_src is not None:
            versions, changelog_issues = read_changelog(changelog_src[0])
            out.issues.extend(changelog_issues)
            changelog_read = True
    bundle = SpecBundle(
        manifest=manifest_file,
        folder=posixpath.dirname(manifest_file),
        version=manifest.version,
        version_loc=manifest.version_loc,
        modules=tuple(module for module, _ in modules),
        resolver_index=index_file,
        index_read=index_read,
        index_version=index_version,
        index_version_loc=index_loc,
        index_modules=index_modules,
        changelog=changelog_file,
        changelog_read=changelog_read,
        changelog_versions=versions,
    )
    return assemble(manifest, modules, bundle)
