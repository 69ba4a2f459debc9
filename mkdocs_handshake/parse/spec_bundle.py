"""Reading an indexed Master Spec bundle: manifest, modules, index, changelog.

From May 2026 the Master Spec is a folder (``master-spec-vNN.NNN/``) that
SPEC_CURRENT names by its manifest, ``indexed-spec-manifest.json``:

* the manifest lists ``modules`` (``path`` relative to the bundle folder,
  ``title``, ``sha256``, ``byte_count``, ``heading_count``, ``spec_version``)
  and may give their order in ``reconstruction.module_order``; its own
  ``spec_version`` (or ``version``/``current_version``) is the bundle's
  version; ``module_resolver`` and ``changelog_path`` (or ``changelog.path``)
  name the resolver index and the changelog;
* each module is markdown opening with front matter between ``---`` lines
  (``spec_version: "v02.195"`` among others) and then the spec text;
* the resolver index (``INDEX.json``) repeats the module list and a version;
* the changelog (``spec-changelog.jsonl``) holds one JSON object per line,
  whose ``spec_version`` (or ``version``) is the version it records.

Each module's text is read by the same parser as a single spec file
(:func:`.spec.parse_spec`), with the front matter blanked out line for line
so every section keeps the module's own line numbers and the module as its
``loc.file``. The modules' sections, in manifest order, make the one
:class:`~mkdocs_handshake.model.spec.Spec` the rules read. Everything here is
plain text in, model out: the loader (:mod:`mkdocs_handshake.load.spec_bundle`)
does the reading.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Sequence

from ..model.basics import Loc, ParseIssue
from ..model.spec import Section, Spec, SpecBundle, SpecModule
from ..repository.source import SourceText
from .json_text import JsonProblem, key_line, key_loc, load_json, value_loc
from .spec import parse_spec
from .spec_pointer import plain_version

_FRONT_VERSION = re.compile(r"""^\s*spec_version\s*:\s*["']?\s*(?P<written>v?(?P<version>[\w.]+?))\s*["']?\s*$""", re.IGNORECASE)
#: Keys of the manifest that give the bundle's version, in order of preference.
VERSION_KEYS = ("spec_version", "current_version", "version")


@dataclass(frozen=True)
class ManifestEntry:
    bundle_path: str
    title: str
    loc: Loc
    sha256: str = ""
    byte_count: int = -1
    heading_count: int = -1
    spec_version: str = ""


@dataclass(frozen=True)
class Manifest:
    """What a manifest says, with the places it says it."""

    file: str
    version: str
    version_loc: Loc
    entries: tuple[ManifestEntry, ...]
    resolver_index: str = ""
    changelog: str = ""
    issues: tuple[ParseIssue, ...] = ()


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else -1


def _text(value: object) -> str:
    return value.strip().replace("\\", "/") if isinstance(value, str) else ""


def read_manifest(src: SourceText) -> Manifest:
    """The manifest's version, modules (in its order), index and changelog.

    Raises :class:`JsonProblem` when the file is not a JSON object with a
    ``modules`` list; a module entry without a ``path`` is an issue and is
    left out; a ``module_order`` naming a path no entry has is an issue."""
    data = load_json(src)
    if not isinstance(data, dict):
        raise JsonProblem("JSON, but not an object")
    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        raise JsonProblem("a manifest without a 'modules' list", key_line(src, "modules"))
    issues: list[ParseIssue] = []
    version_key = next((key for key in VERSION_KEYS if plain_version(data.get(key))), "")
    version = plain_version(data.get(version_key)) if version_key else ""
    version_loc = value_loc(src, _top_key_loc(src, version_key).line, str(data[version_key]).strip()) if version_key else Loc(src.path, 1)
    entries: dict[str, ManifestEntry] = {}
    line = key_line(src, "modules")
    for position, module in enumerate(modules, start=1):
        if not isinstance(module, dict):
            issues.append(ParseIssue("PARSE-001", Loc(src.path, line), f"module entry {position} of the manifest is not an object; it is left out", src.path, src.path))
            continue
        path = _text(module.get("path"))
        line = key_line(src, "path", line + 1) if path else line
        if not path:
            issues.append(ParseIssue("PARSE-001", Loc(src.path, line), f"module entry {position} of the manifest has no path; it is left out", src.path, src.path))
            continue
        if path in entries:
            continue
        entries[path] = ManifestEntry(
            bundle_path=path,
            title=_text(module.get("title")),
            loc=value_loc(src, line, path),
            sha256=_text(module.get("sha256")).lower(),
            byte_count=_int(module.get("byte_count")),
            heading_count=_int(module.get("heading_count")),
            spec_version=plain_version(module.get("spec_version")),
        )
    ordered = list(entries.values())
    reconstruction = data.get("reconstruction")
    order = reconstruction.get("module_order") if isinstance(reconstruction, dict) else None
    if isinstance(order, list) and order:
        named = [_text(path) for path in order if _text(path)]
        missing = [path for path in named if path not in entries]
        if missing:
            issues.append(ParseIssue(
                "PARSE-001", key_loc(src, "reconstruction", "module_order"),
                f"the manifest's module_order names {', '.join(missing)}, which no module entry has; the entries' own order is used",
                missing[0], src.path,
            ))
        else:
            ordered = [entries[path] for path in dict.fromkeys(named)] + [entry for path, entry in entries.items() if path not in named]
    changelog = _text(data.get("changelog_path"))
    if not changelog and isinstance(data.get("changelog"), dict):
        changelog = _text(data["changelog"].get("path"))
    return Manifest(
        file=src.path,
        version=version,
        version_loc=version_loc,
        entries=tuple(ordered),
        resolver_index=_text(data.get("module_resolver")),
        changelog=changelog,
        issues=tuple(issues),
    )


def _top_key_loc(src: SourceText, key: str) -> Loc:
    """The line of a top-level key: the last ``"key":`` written with the
    indentation of the file's first key (nested objects repeat names such
    as ``version``)."""
    pattern = re.compile(r'^(\s*)"' + re.escape(key) + r'"\s*:')
    indent = None
    for line in src.lines[1:]:
        stripped = line.lstrip()
        if stripped.startswith('"'):
            indent = len(line) - len(stripped)
            break
    found = 0
    for number, line in enumerate(src.lines, start=1):
        match = pattern.match(line)
        if match and (indent is None or len(match.group(1)) == indent):
            found = found or number
    return Loc(src.path, found or key_line(src, key))


def front_matter(src: SourceText) -> tuple[int, str, Loc | None]:
    """``(lines, version, loc)``: how many lines the leading ``---`` block
    takes (0 when there is none) and the ``spec_version`` it declares."""
    lines = src.lines
    if not lines or lines[0].strip() != "---":
        return 0, "", None
    version, loc = "", None
    for number in range(2, min(len(lines), 200) + 1):
        text = lines[number - 1]
        if text.strip() == "---":
            return number, version, loc
        match = _FRONT_VERSION.match(text)
        if match and not version:
            version, loc = match.group("version"), Loc(src.path, number, match.start("written") + 1)
    return 0, "", None


def without_front_matter(src: SourceText) -> SourceText:
    """The module with its front matter lines blanked: markdown would read
    the block as a rule and a setext heading, and the parser must see only
    spec text, at the lines the file has it."""
    count, _, _ = front_matter(src)
    if not count:
        return src
    rest = src.text.split("\n", count)
    body = rest[count] if len(rest) > count else ""
    return replace(src, text="\n" * count + body)


def parse_spec_module(src: SourceText) -> tuple[Spec, list[ParseIssue]]:
    """One module read as spec text (see :func:`without_front_matter`)."""
    return parse_spec(without_front_matter(src))


def read_index(src: SourceText) -> tuple[str, Loc | None, tuple[tuple[str, str, Loc], ...]]:
    """``(version, loc, modules)`` of a resolver index: its version and its
    modules as (path, sha256, loc). Raises :class:`JsonProblem`."""
    data = load_json(src)
    if not isinstance(data, dict):
        raise JsonProblem("JSON, but not an object")
    version_key = next((key for key in VERSION_KEYS if plain_version(data.get(key))), "")
    version = plain_version(data.get(version_key)) if version_key else ""
    modules: list[tuple[str, str, Loc]] = []
    listed = data.get("modules")
    line = key_line(src, "modules")
    for module in listed if isinstance(listed, list) else ():
        path = _text(module.get("path")) if isinstance(module, dict) else ""
        if path:
            line = key_line(src, "path", line + 1)
            modules.append((path, _text(module.get("sha256")).lower(), value_loc(src, line, path)))
    version_loc = value_loc(src, _top_key_loc(src, version_key).line, str(data[version_key]).strip()) if version_key else None
    return version, version_loc, tuple(modules)


def read_changelog(src: SourceText) -> tuple[tuple[tuple[str, Loc], ...], list[ParseIssue]]:
    """The versions a JSONL changelog has entries for, with their lines; a
    line that is not a JSON object is one issue and is skipped."""
    versions: list[tuple[str, Loc]] = []
    issues: list[ParseIssue] = []
    for number, line in enumerate(src.lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            issues.append(ParseIssue("PARSE-001", Loc(src.path, number), f"line {number} of the changelog {src.path} is not valid JSON ({error}); it is skipped", line[:120], src.path))
            continue
        if not isinstance(entry, dict):
            continue
        version = plain_version(entry.get("spec_version")) or plain_version(entry.get("version"))
        if version:
            versions.append((version, Loc(src.path, number)))
    return tuple(versions), issues


def mark_repeats(sections: Sequence[Section]) -> tuple[Section, ...]:
    """Sections of later modules whose number an earlier module's own
    heading already has are ``duplicate`` (the earlier one is what an anchor
    resolves to); within a module the parser has decided already."""
    owned: set[str] = set()
    out: list[Section] = []
    current_file = ""
    pending: set[str] = set()
    for section in sections:
        if section.loc.file != current_file:
            owned |= pending
            pending = set()
            current_file = section.loc.file
        if not section.numbered:  # addressed by title within its module, never by number
            out.append(section)
            continue
        if section.number in owned and not section.duplicate:
            section = replace(section, duplicate=True)
        elif not section.duplicate:
            pending.add(section.number)
        out.append(section)
    return tuple(out)


def assemble(manifest: Manifest, modules: Sequence[tuple[SpecModule, Spec | None]], bundle: SpecBundle, title: str = "") -> Spec:
    """The bundle as one :class:`Spec`: the modules' sections in manifest
    order, the bundle's version, the changelog versions of its JSONL
    changelog when it was read (else those the modules' text records)."""
    sections: list[Section] = []
    module_changelog: list[tuple[str, Loc]] = []
    roadmap: list[tuple[str, Loc]] = []
    swallowed: list[tuple[str, Loc]] = []
    first_title, first_loc = "", None
    for _module, spec in modules:
        if spec is None:
            continue
        sections.extend(spec.sections)
        module_changelog.extend(spec.changelog_versions)
        roadmap.extend(spec.roadmap_headings)
        swallowed.extend(spec.swallowed_headings)
        if not first_title and spec.title:
            first_title, first_loc = spec.title, spec.title_loc
    changelog = bundle.changelog_versions if bundle.changelog_read else tuple(module_changelog)
    return Spec(
        file=manifest.file,
        version=manifest.version,
        title=title or first_title,
        title_version="",
        title_loc=first_loc,
        sections=mark_repeats(sections),
        changelog_versions=tuple(changelog),
        roadmap_headings=tuple(roadmap),
        swallowed_headings=tuple(swallowed),
        bundle=bundle,
    )


def manifest_data_issue(src: SourceText, problem: JsonProblem) -> ParseIssue:
    return ParseIssue("PARSE-001", Loc(src.path, problem.line), f"the spec manifest {src.path} is {problem}; no spec is read from it", src.path, src.path)
