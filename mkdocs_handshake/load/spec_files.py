"""Where the load finds what it reads besides the configured files: the
Master Spec SPEC_CURRENT names, its older siblings, the protocol files,
the documents SPEC_ANCHORs point into, and mentions of the current spec."""

from __future__ import annotations

import logging
import re
from pathlib import Path, PurePosixPath

from ..repository.discover import walk_names
from ..repository.layout import Layout
from ..model.basics import Loc, ParseIssue
from ..model.packet import Packet
from ..model.spec import SpecPointer
from ..parse.requirements import find_requirement_ids
from ..repository.source import SourceText
from .spec_bundle import repo_path
from .file_reader import Collector

#: The plugin's log (MkDocs shows it as "handshake: ..."); plain Python
#: callers see it through the standard logging module.
_log = logging.getLogger("mkdocs.plugins.handshake")

SPEC_FILE = re.compile(r"master[ _-]?spec.*?v(\d+(?:\.\d+)+)\.md$", re.IGNORECASE)
_CURRENT_SPEC_MENTION = re.compile(r"Master[ _-]?Spec[ _-]*v(\d+\.\d+)", re.IGNORECASE)
_CURRENT_WORDS = re.compile(r"\b(current|latest|authoritative)\b", re.IGNORECASE)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def find_spec_file(layout: Layout, name: str, pointer_file: str) -> str | None:
    """Resolve a spec name from SPEC_CURRENT.md: as written relative to the
    root, beside SPEC_CURRENT.md, or anywhere under root by file name.

    Only files inside the root are candidates: a name that leads outside it
    (``../x/Master_Spec_v9.md``, an absolute path) raises
    :class:`OutsideRoot`. The search by file name skips :data:`~mkdocs_handshake.repository.discover.SKIP_DIRS`
    and says (on the ``mkdocs.plugins.handshake`` log) that it searched and,
    when several files match, which it took."""
    root = layout.root.resolve()
    outside = False
    for candidate in (name, str(Path(pointer_file).parent / name)):
        path = (layout.root / candidate).resolve()
        if not path.is_relative_to(root):
            outside = outside or path.is_file()
            continue
        if path.is_file():
            return path.relative_to(root).as_posix()
    if outside:
        raise OutsideRoot(name)
    base_name = Path(name).name
    found = _search(layout, root, base_name)
    if not found:
        return None
    if len(found) > 1:
        _log.warning(
            "handshake: governance: SPEC_CURRENT names %s; %d files of that name are under the root (%s), using %s; "
            "write its path relative to the root in SPEC_CURRENT to choose",
            name, len(found), ", ".join(found), found[0],
        )
    else:
        _log.warning(
            "handshake: governance: SPEC_CURRENT names %s, found only by searching the root, at %s; write that path in SPEC_CURRENT",
            name, found[0],
        )
    return found[0]


def is_markdown_name(name: str) -> bool:
    """Whether a path names a markdown file, by its extension."""
    return PurePosixPath(name).suffix.casefold() in (".md", ".markdown")


def find_entrypoint(out: Collector, layout: Layout, pointer: SpecPointer) -> str | None:
    """The file a JSON SPEC_CURRENT names as the current spec, when it is in
    the checkout: an indexed manifest (see :mod:`.spec_bundle`), or a
    markdown file the caller reads as a single spec; an issue at the
    pointer's line otherwise. Under an ``entrypoint_type`` this reader does
    not know by name, a markdown file is still read as a single spec (it
    can be nothing else to a markdown reader); any other file is refused,
    since a JSON file of an unknown kind is no manifest to trust. The path
    is the repository's: it is never looked up by file name, since every
    bundle has a manifest of the same name."""
    if len(pointer.spec_names) != 1:
        return None
    name, loc = pointer.spec_names[0]
    known = not pointer.entrypoint_type or pointer.entrypoint_type == "indexed_manifest"
    if not known and not is_markdown_name(name):
        out.issues.append(ParseIssue("PARSE-004", loc, f"SPEC_CURRENT names its spec by entrypoint_type {pointer.entrypoint_type!r}, which this reader does not know (it reads indexed_manifest, or a markdown file); no spec is read", pointer.entrypoint_type, pointer.file))
        return None
    try:
        found = repo_path(layout.root, name, pointer.file)
    except ValueError:
        out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which is outside the root folder; it is not read", name, name))
        return None
    if found is None:
        out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which does not exist under the root (an archived or removed bundle?)", name, name))
    return found


class OutsideRoot(ValueError):
    """SPEC_CURRENT names a spec file that lies outside the root."""


def _search(layout: Layout, root: Path, base_name: str) -> list[str]:
    """Files called ``base_name`` under ``root``, sorted (see
    :func:`~mkdocs_handshake.repository.discover.walk_names` for what the walk skips)."""
    return walk_names(root, {base_name}, excluded=layout.search_excludes)[base_name]


def find_sibling_specs(layout: Layout, spec_file: str) -> tuple[tuple[str, str], ...]:
    """(file, version) of every Master Spec file beside the current one, for
    the rules that ask whether the current one is the latest."""
    folder = (layout.root / spec_file).parent
    siblings = []
    for path in sorted(folder.glob("*.md")):
        match = SPEC_FILE.search(path.name)
        if match:
            siblings.append((path.relative_to(layout.root).as_posix(), match.group(1)))
    return tuple(siblings)


def find_protocol_files(layout: Layout, exclude: set[str]) -> list[str]:
    """The files the layout's ``protocols`` patterns match, without the
    governance files the load reads anyway (``exclude``)."""
    found: set[str] = set()
    for pattern in layout.protocols:
        for path in layout.root.glob(pattern):
            if path.is_file():
                found.add(path.relative_to(layout.root).as_posix())
    return sorted(found - exclude)


def current_spec_mentions(src: SourceText, packet: Packet | None) -> list[tuple[str, Loc]]:
    """Places that name a Master Spec version *as current*.

    In a packet: the version in its SPEC_CURRENT field. In a protocol file: a
    "Master Spec vNN.NN" on a line that also says current / latest /
    authoritative. Other version mentions are history and are left alone."""
    mentions: list[tuple[str, Loc]] = []
    if packet is not None:
        for occurrence in packet.fields.get("SPEC_CURRENT", ()):
            line = src.line(occurrence.loc.line)
            for match in re.finditer(r"v(\d+\.\d+)", occurrence.value):
                column = line.find(match.group(0))
                mentions.append((match.group(1), Loc(src.path, occurrence.loc.line, column + 1 if column >= 0 else occurrence.loc.column)))
        return mentions
    for number, line in enumerate(src.lines, start=1):
        if "spec" not in line.lower() or not _CURRENT_WORDS.search(line):
            continue
        for match in _CURRENT_SPEC_MENTION.finditer(line):
            mentions.append((match.group(1), Loc(src.path, number, match.start() + 1)))
    return mentions


def anchored_document_ids(out: Collector, packets: list[Packet]) -> dict[str, tuple[str, ...]]:
    """Requirement ids of every other document a SPEC_ANCHOR points into
    (``[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md``), for ANCHOR-007. A
    document that does not exist gets no key; the rule reports that."""
    documents = sorted({anchor.document for packet in packets for anchor in packet.spec_anchors if anchor.document})
    found: dict[str, tuple[str, ...]] = {}
    for document in documents:
        read = out.read(document, required=False, what="anchored document")
        if read:
            found[document] = tuple(dict.fromkeys(find_requirement_ids(read[0].text)))
    return found
