"""Loading a governance repository into a :class:`GovernanceModel`.

This is the only stage that touches the file system. It reads every
governance file through :func:`~mkdocs_handshake.source.read_source` (so
damaged encodings are repaired and recorded), hands each to its parser, and
assembles the model. A file that cannot be read becomes a PARSE-001 issue,
never an exception: the rules decide what that means for the build.

Parsed files are cached by content hash (:class:`ParseCache`) so that
``mkdocs serve`` re-parses only what changed; the 1.5 MB spec of the
reference corpus is the expensive one. The cache can be kept on disk between
builds (:mod:`.disk_cache`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, ClassVar, Iterable, TypeVar

from . import disk_cache, graph, parallel
from .realpath import RealPaths
from .discover import discover_layout, walk_names
from .layout import Layout
from .lifecycle import with_lifecycles
from .model import (
    Board,
    EncodingIssue,
    GovernanceModel,
    Loc,
    MicroTask,
    Packet,
    PacketFile,
    ParseIssue,
    ProtocolInfo,
    Registry,
    SignatureUse,
    Spec,
    Refinement,
    SpecPointer,
    TextFacts,
)
from .parse.audit import parse_audit
from .parse.board import parse_board
from .parse.gate_log import parse_gate_log
from .parse.markdown import tokenize
from .contract_schemas import SchemaSet, find_schemas, validate
from .packet_sources import PacketSource, packet_sources
from .parse.contract import Contract, as_contract, parse_contract, parse_microtask, parse_registry_json, read_json
from .parse.packets import parse_packet
from .parse.refinement import parse_refinement
from .parse.registry import parse_registry
from .parse.requirements import find_requirement_ids
from .phase_gate import find_phase_checklist, find_phase_claims
from .parse.signatures import SIGNATURE_TOKEN, find_signature_uses
from .parse.spec import parse_spec
from .parse.spec_pointer import parse_spec_pointer
from .spec_bundle_load import load_bundle, load_module, manifest_modules, repo_path, sibling_bundles
from .parse.text_facts import text_facts
from .progress import SILENT, Progress
from .profiles import Evidence, Profile, choose_profile, load_profile, shipped
from .protocol import TemplateFacts, missing_phrases, moved_target, template_facts
from .source import SourceText
from . import semantic
from .mapping import RequirementIndex, map_done_means

T = TypeVar("T")

#: The plugin's log (MkDocs shows it as "handshake: ..."); plain Python
#: callers see it through the standard logging module.
_log = logging.getLogger("mkdocs.plugins.handshake")

SPEC_FILE = re.compile(r"master[ _-]?spec.*?v(\d+(?:\.\d+)+)\.md$", re.IGNORECASE)
_CURRENT_SPEC_MENTION = re.compile(r"Master[ _-]?Spec[ _-]*v(\d+\.\d+)", re.IGNORECASE)
_CURRENT_WORDS = re.compile(r"\b(current|latest|authoritative)\b", re.IGNORECASE)


@dataclass
class ParseCache:
    """Parsed results keyed by (parser, path) and the bytes' SHA-256.

    ``hits``/``misses`` count lookups since the cache was made (of the
    kinds the cache file holds, not :attr:`MEMORY_ONLY`); ``used`` holds
    the keys looked up since the latest :func:`load_repo` began, so
    :meth:`persist` stores what the repo needs now and drops files that were
    deleted. Kinds in :attr:`KEEP_UNUSED` are looked up only when an
    enclosing result missed (a DAG drawing, inside the pages of a build
    whose pages came from the cache), so their entries are kept unused."""

    KEEP_UNUSED: ClassVar[frozenset[str]] = frozenset({"dot_svg"})
    #: Kinds kept for this process only: cheaper to compute again than to
    #: store (the repaired text of a page; a packet's ``model.json`` entry,
    #: findings, header and phase-gate text; the spec's ``model.json``
    #: entry and requirement index; the DAG's transitive reduction),
    #: and looked up after a second process may have written the cache.
    MEMORY_ONLY: ClassVar[frozenset[str]] = frozenset({
        "page_source", "packet_json", "spec_json", "per_packet", "packet_header", "phase_text", "requirement_index", "dag_reduction",
    })

    entries: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    used: set[tuple[str, str]] = field(default_factory=set)
    changed: bool = False
    #: Keys of the file on disk as last read or written.
    stored: frozenset[tuple[str, str]] = frozenset()
    #: Results computed ahead of the load that asks for them (in this
    #: process or a second one, see :func:`_parse_in_two_processes`): their
    #: first lookup counts as computed, not reused.
    fresh: set[tuple[str, str]] = field(default_factory=set)
    #: While a list: the keys computed since it was last taken
    #: (:meth:`take_journal`), so a second process can send what it computed.
    journal: list[tuple[str, str]] | None = None
    #: Rows of the cache file encoded ahead of writing it: key -> (digest, text).
    encoded: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def get(self, kind: str, src: SourceText, digest: str, parse: Callable[[SourceText], T]) -> T:
        return self.lookup(kind, src.path, digest, lambda: parse(src))

    def lookup(self, kind: str, name: str, digest: str, compute: Callable[[], T]) -> T:
        """The cached result for ``(kind, name)`` if it was computed from the
        input with this ``digest``; otherwise compute and keep it. Later
        stages cache through this too (a generated page's HTML, keyed by
        the hash of its markdown)."""
        key = (kind, name)
        self.used.add(key)
        stored = kind not in self.MEMORY_ONLY
        cached = self.entries.get(key)
        if cached and cached[0] == digest:
            if key in self.fresh:
                self.fresh.discard(key)
                self.misses += stored
            else:
                self.hits += stored
            return cached[1]  # type: ignore[return-value]
        self.misses += stored
        if stored:
            self.changed = True
        result = compute()
        self.entries[key] = (digest, result)
        if self.journal is not None:
            self.journal.append(key)
        return result

    def adopt(self, *computed: dict[tuple[str, str], tuple[str, object]]) -> None:
        """Keep results computed ahead of their lookup (see :attr:`fresh`)."""
        for entries in computed:
            for key, value in entries.items():
                self.entries[key] = value
                self.fresh.add(key)
                self.used.add(key)
                self.changed = True

    def take_journal(self, skip: frozenset[str] = frozenset()) -> dict[tuple[str, str], tuple[str, object]]:
        """The entries computed since the journal was started or last taken
        (kinds in ``skip`` and :attr:`MEMORY_ONLY` left out: they are for
        this process only); the journal starts again empty."""
        keys, self.journal = self.journal or [], []
        skip = skip | self.MEMORY_ONLY
        return {key: self.entries[key] for key in keys if key in self.entries and key[0] not in skip}

    def mark_stored(self, keys: tuple[tuple[str, str], ...]) -> None:
        """Another process wrote the cache file with these entries (and
        this cache has adopted them): nothing is left to write."""
        self.stored = frozenset(keys)
        self.changed = False

    def forget(self, kind: str, name: str) -> None:
        """Drop one result, so the next lookup computes it again."""
        self.entries.pop((kind, name), None)
        self.used.discard((kind, name))
        self.changed = True

    def inputs_digest(self, *extra: str, keys: Iterable[tuple[str, str]] | None = None) -> str:
        """One digest of every input the latest :func:`load_repo` read (each
        file's parser and content hash), or of ``keys`` only, plus ``extra``:
        the key under which later stages cache what they compute from the
        model alone."""
        digest = hashlib.sha256()
        for kind, name in sorted(self.used if keys is None else keys):
            digest.update(f"{kind}\0{name}\0{self.entries[(kind, name)][0]}\n".encode())
        for text in extra:
            digest.update(b"\1" + text.encode())
        return digest.hexdigest()

    def restore(self, folder: Path) -> str:
        """Add the entries stored in ``folder`` (those already in memory win).
        Returns why nothing was restored, or an empty string."""
        stored, reason = disk_cache.read_entries(folder)
        for key, value in stored.items():
            self.entries.setdefault(key, value)
        self.stored = frozenset(stored)
        return reason

    def encode_ahead(self, busy: Callable[[], bool] = lambda: True) -> None:
        """Encode the rows the cache file will hold, while ``busy()`` says
        this process would only wait (the loader's, while its child parses
        the spec): the write that follows the rules then has less to do."""
        for key, (digest, value) in list(self.entries.items()):
            if not busy():
                return
            if key[0] in self.MEMORY_ONLY or self.encoded.get(key, ("",))[0] == digest:
                continue
            try:
                self.encoded[key] = (digest, disk_cache.encode_row(key[0], key[1], digest, value))
            except (TypeError, ValueError):
                continue  # the write reports what cannot be stored

    def persist(self, folder: Path) -> str:
        """Write the entries the latest load used, if any is new or the file
        holds entries no longer used (a deleted packet). Returns an error
        text, or an empty string."""
        keep = self._handover()
        if keep is None:
            return ""
        error = disk_cache.write_entries(folder, keep, self.encoded)
        self._handed_over(keep, written=not error)
        return error

    def persist_in_child(self, folder: Path) -> Callable[[], str]:
        """:meth:`persist` in a second process (:func:`.parallel.start`), so
        the caller's next work runs meanwhile. Returns the function that
        waits for it and returns the error text; when no child could write
        the file, that function writes it here."""
        keep = self._handover()
        if keep is None:
            return lambda: ""
        pending = parallel.start(lambda: disk_cache.write_entries(folder, keep, self.encoded))

        def finish() -> str:
            finished, error = pending.finish() if pending is not None else (False, None)
            self._handed_over(keep, written=finished and not error)
            return self.persist(folder)  # nothing left to write once the child did

        return finish

    def _handover(self) -> dict[tuple[str, str], tuple[str, object]] | None:
        """What :meth:`persist` would write now; None when the file is up to
        date. Until :meth:`_handed_over` says how the write went, the cache
        counts as stored: a result computed meanwhile marks it changed again."""
        keep = self._to_keep()
        if not self.changed and frozenset(keep) == self.stored:
            return None
        self.changed = False
        return keep

    def _handed_over(self, keep: dict[tuple[str, str], tuple[str, object]], written: bool) -> None:
        if written:
            self.stored = frozenset(keep)
        else:
            self.changed = True

    def _to_keep(self) -> dict[tuple[str, str], tuple[str, object]]:
        return {
            key: value for key, value in sorted(self.entries.items())
            if (key in self.used or key[0] in self.KEEP_UNUSED) and key[0] not in self.MEMORY_ONLY
        }


@dataclass
class _Collector:
    """Everything the individual files contribute beyond their parsed objects."""

    layout: Layout
    cache: ParseCache
    encoding: list[EncodingIssue] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    uses: list[SignatureUse] = field(default_factory=list)
    sources: dict[str, SourceText] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    real_paths: RealPaths = field(default_factory=RealPaths)

    def read(self, relative: str, *, required: bool = True, what: str = "file") -> tuple[SourceText, str] | None:
        if relative in self.sources:  # read once per load, whatever reads it again
            return self.sources[relative], self.digests[relative]
        try:
            refusal = _refusal(self.layout, relative, self.real_paths)
            if refusal:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} {refusal}; it is not read", relative, relative))
                return None
            data = (self.layout.root / relative).read_bytes()
            note = _not_text(data)
            if note:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} {note}; it is not read", relative, relative))
                return None
        except FileNotFoundError:
            if required:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} does not exist", relative, relative))
            return None
        except OSError as error:
            if required:
                reason = "is a folder, expected a file" if isinstance(error, IsADirectoryError) else (error.strerror or str(error))
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} cannot be read: {reason}", relative, relative))
            return None
        digest = hashlib.sha256(data).hexdigest()
        src = self.cache.get("source", _Raw(relative, data), digest, _decode_raw)
        self.encoding.extend(src.issues)
        self.sources[relative] = src
        self.digests[relative] = digest
        return src, digest

    def derived(self, kind: str, src: SourceText, compute: Callable[[SourceText], T]) -> T:
        """A fact computed from one file's text alone (its signature uses,
        its phase claims), cached with the file's parse."""
        try:
            return self.cache.get(kind, src, self.digests[src.path], compute)
        except Exception as error:  # noqa: BLE001 - as in parse(): a finding, not a failed build
            self.issues.append(ParseIssue("PARSE-001", Loc(src.path, 1), f"{src.path} could not be read for {kind.replace('_', ' ')} ({_error_text(error)})", src.path, src.path))
            return ()  # type: ignore[return-value]

    def parse(
        self,
        relative: str,
        kind: str,
        parser: Callable[[SourceText], tuple[T, list[ParseIssue]]],
        *,
        what: str,
        required: bool = True,
    ) -> tuple[T, SourceText] | None:
        """Read one file, parse it (cached by content hash) and collect its
        parse issues: the step every governance file goes through."""
        read = self.read(relative, required=required, what=what)
        if read is None:
            return None
        src, digest = read
        try:
            result, issues = self.cache.get(kind, src, digest, parser)
        except Exception as error:  # noqa: BLE001 - one bad file is a finding, never a failed build
            self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} could not be parsed ({_error_text(error)}); its content is left out", relative, relative))
            return None
        self.issues.extend(issues)
        return result, src


#: Control bytes that do not occur in text (NUL and the C0 range, except
#: tab, line feed, vertical tab, form feed, carriage return and escape).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27})


def _refusal(layout: Layout, relative: str, real: RealPaths | None = None) -> str:
    """Why ``relative`` must not be read, or "". A file that resolves
    (through a symbolic link or ``..``) outside the root could be any file
    of the machine that builds the site, and what is read is published;
    a file past the size limit would take minutes and gigabytes."""
    real = real if real is not None else RealPaths()
    root = real.folder(layout.root)
    path = real.of(layout.root / relative)
    if not path.is_relative_to(root):
        return "resolves to a file outside the root folder (a symbolic link or '..')"
    try:
        status = path.stat()
    except OSError:
        return ""  # the read that follows says what is wrong
    size = status.st_size if stat.S_ISREG(status.st_mode) else 0
    if size > layout.max_file_bytes:
        return f"is {_megabytes(size)}, larger than the limit of {_megabytes(layout.max_file_bytes)} (option max_file_mb)"
    return ""


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _not_text(data: bytes) -> str:
    """Why ``data`` is not a text file, or "". A binary file read as text
    would be dozens of bogus "damaged encoding" findings; a few stray
    control bytes in a text file are damage PARSE-002 reports instead.
    UTF-16 (with its byte order mark) is text: :func:`.source.decode` reads it."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" not in sample:
        return ""
    if sum(sample.count(byte) for byte in _BINARY_BYTES) * 20 > len(sample):
        return "is a binary file, not text"
    return ""


def _error_text(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__


@dataclass(frozen=True)
class _Raw:
    path: str
    data: bytes


def _decode_raw(raw: _Raw) -> SourceText:  # type: ignore[misc]
    from .source import decode

    return decode(raw.data, raw.path)


def _uses_in(src: SourceText) -> tuple[SignatureUse, ...]:
    """Signature uses in a file that is its own subject (spec, protocols)."""
    return tuple(find_signature_uses(src, src.path))


def _claims_in(src: SourceText) -> tuple[tuple[str, Loc, str], ...]:
    return tuple(find_phase_claims(src))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


#: Folders the spec search never enters: version control, dependencies,
#: caches and build output (the configured site and cache folders are
#: excluded through :attr:`Layout.search_excludes` as well).


def _find_spec_file(layout: Layout, name: str, pointer_file: str) -> str | None:
    """Resolve a spec name from SPEC_CURRENT.md: as written relative to the
    root, beside SPEC_CURRENT.md, or anywhere under root by file name.

    Only files inside the root are candidates: a name that leads outside it
    (``../x/Master_Spec_v9.md``, an absolute path) raises
    :class:`OutsideRoot`. The search by file name skips :data:`.discover.SKIP_DIRS`
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


def _find_entrypoint(out: _Collector, layout: Layout, pointer: SpecPointer) -> str | None:
    """The file a JSON SPEC_CURRENT names as the current spec, when it is an
    indexed manifest in the checkout (see :mod:`.spec_bundle_load`); an issue
    at the pointer's line otherwise. The path is the repository's: it is
    never looked up by file name, since every bundle has a manifest of
    the same name."""
    if len(pointer.spec_names) != 1:
        return None
    name, loc = pointer.spec_names[0]
    if pointer.entrypoint_type and pointer.entrypoint_type != "indexed_manifest":
        out.issues.append(ParseIssue("PARSE-004", loc, f"SPEC_CURRENT names its spec by entrypoint_type {pointer.entrypoint_type!r}, which this reader does not know (it reads indexed_manifest); no spec is read", pointer.entrypoint_type, pointer.file))
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
    :func:`.discover.walk_names` for what the walk skips)."""
    return walk_names(root, {base_name}, excluded=layout.search_excludes)[base_name]


def _sibling_specs(layout: Layout, spec_file: str) -> tuple[tuple[str, str], ...]:
    folder = (layout.root / spec_file).parent
    siblings = []
    for path in sorted(folder.glob("*.md")):
        match = SPEC_FILE.search(path.name)
        if match:
            siblings.append((path.relative_to(layout.root).as_posix(), match.group(1)))
    return tuple(siblings)


def _protocol_files(layout: Layout, exclude: set[str]) -> list[str]:
    found: set[str] = set()
    for pattern in layout.protocols:
        for path in layout.root.glob(pattern):
            if path.is_file():
                found.add(path.relative_to(layout.root).as_posix())
    return sorted(found - exclude)


def _current_spec_mentions(src: SourceText, packet: Packet | None) -> list[tuple[str, Loc]]:
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


def _document_ids(out: _Collector, packets: list[Packet]) -> dict[str, tuple[str, ...]]:
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


_BACKTICKED_JSON = re.compile(r"`([^`\s]+\.json)`")
#: How far into the markdown registry a pointer to its JSON authority is looked for.
_REGISTRY_HEAD_LINES = 30


def _load_registry(out: _Collector, profile: Profile) -> Registry | None:
    """The traceability registry: the profile's file, or the one file of
    that name under the root. When its head names a JSON file (in
    backticks) whose ``schema_id`` the profile reads as a registry, that
    JSON is the registry and the markdown its projection."""
    paths = _existing_or_found(out.layout, [profile.registry])
    if len(paths) != 1:
        return None
    parsed = out.parse(paths[0], "registry", parse_registry, what="WP traceability registry", required=False)
    if parsed is None or not profile.contract.registry_schema_ids:
        return parsed[0] if parsed else None
    head = "\n".join(parsed[1].lines[:_REGISTRY_HEAD_LINES])
    for named in dict.fromkeys(_BACKTICKED_JSON.findall(head)):
        relative = named if (out.layout.root / named).is_file() else (Path(paths[0]).parent / Path(named).name).as_posix()
        if not (out.layout.root / relative).is_file():
            continue
        read = out.read(relative, required=False, what="WP traceability registry")
        if read is None:
            continue
        data, _lines, _issues = read_json(read[0])
        if data is None or data.get("schema_id") not in profile.contract.registry_schema_ids:
            continue
        found = out.parse(relative, "registry_json", parse_registry_json, what="WP traceability registry")
        if found and found[0] is not None:
            return found[0]
    return parsed[0]


def _candidate_profiles(layout: Layout) -> list[Profile]:
    """The profiles whose layouts say where to look for a template and
    protocol text: the forced one, or every shipped one (newest first)."""
    if layout.profile != "auto":
        return [load_profile(layout.profile, layout.root.as_posix())]
    return [load_profile(name) for name in reversed(shipped())]


def _existing_or_found(layout: Layout, paths: list[str]) -> list[str]:
    """``paths`` that exist; when none does, the files under the root that
    bear one of their names (a repository that moved its governance)."""
    present = [path for path in paths if "*" not in path and (layout.root / path).is_file()]
    # A pattern (``.GOV/roles/*/*_PROTOCOL.md``: one protocol per role
    # folder) stands for every file it matches.
    present += sorted(
        path.relative_to(layout.root).as_posix() for pattern in paths if "*" in pattern for path in layout.root.glob(pattern) if path.is_file()
    )
    if present:
        return list(dict.fromkeys(present))
    found = walk_names(layout.root, {Path(path).name for path in paths if "*" not in path})
    return sorted({path for matches in found.values() for path in matches})


def _read_template(out: _Collector, candidates: list[Profile]) -> tuple[str, TemplateFacts | None]:
    """The repository's packet template (a MOVED shim followed once)."""
    paths = _existing_or_found(out.layout, list(dict.fromkeys(path for profile in candidates for path in profile.template_paths)))
    for path in paths:
        read = out.read(path, required=False, what="packet template")
        if read is None:
            continue
        src = read[0]
        target = out.derived("template_moved", src, moved_target)
        if target:
            moved = out.read(target, required=False, what="packet template")
            if moved is None:
                continue
            path, src = target, moved[0]
        return path, out.derived("template_facts", src, template_facts)
    return "", None


def _protocol_evidence(out: _Collector, layout: Layout) -> tuple[ProtocolInfo, Profile]:
    """Choose the profile the repository is judged by, and record why."""
    candidates = _candidate_profiles(layout)
    template_file, facts = _read_template(out, candidates)
    texts: list[str] = []
    protocol_files: list[str] = []
    for path in _existing_or_found(layout, list(dict.fromkeys(path for profile in candidates for path in profile.protocol_paths))):
        read = out.read(path, required=False, what="protocol file")
        if read:
            protocol_files.append(path)
            texts.append(read[0].text)
    if template_file:
        texts.append(out.sources[template_file].text)
    folded = "\n".join(texts).casefold()
    evidence = Evidence(template_file, frozenset(facts.labels) if facts else frozenset(), facts.format_version if facts else "", folded)
    if layout.profile != "auto":
        profile, reason, certain = candidates[0], f"the 'profile' option names {layout.profile}", True
    else:
        profile, reason, certain = choose_profile(evidence)
    info = ProtocolInfo(
        profile=profile.id,
        profile_source=profile.source,
        reason=reason,
        certain=certain,
        template_file=template_file,
        template_labels=facts.labels if facts else (),
        template_sections=facts.sections if facts else (),
        packet_format_version=facts.format_version if facts else "",
        protocol_files=tuple(protocol_files),
        missing_phrases=missing_phrases(profile.evidence_phrases(), folded) if protocol_files else (),
    )
    return info, profile


def load_repo(layout: Layout, cache: ParseCache | None = None, progress: Progress = SILENT, *, mappings: bool = True) -> GovernanceModel:
    """Read and parse every governance file under ``layout.root``;
    ``progress`` hears how many packets are done during a long parse.
    ``mappings=False`` leaves the DONE_MEANS mappings for :func:`link_cached`
    to add later (the plugin maps in its second process, see on_files)."""
    cache = cache if cache is not None else ParseCache()
    cache.used = set()
    cache.fresh = set()
    layout, ambiguities = discover_layout(layout)
    out = _Collector(layout, cache)
    for problem in ambiguities:
        option = problem.split(":", 1)[0]
        out.issues.append(ParseIssue("PARSE-001", Loc(getattr(layout, option), 1), problem, getattr(layout, option), getattr(layout, option)))
    mentions: list[tuple[str, Loc]] = []
    claims: list[tuple[str, Loc, str]] = []
    checklist: list[tuple[str, Loc, str, bool]] = []

    protocol, profile = _protocol_evidence(out, layout)
    registry: Registry | None = None
    if profile.registry:
        registry = _load_registry(out, profile)

    pointer: SpecPointer | None = None
    spec: Spec | None = None
    spec_file: str | None = None
    sibling_specs: tuple[tuple[str, str], ...] = ()
    manifest_file: str | None = None
    parsed_pointer = out.parse(layout.spec_current, "spec_current", parse_spec_pointer, what="SPEC_CURRENT file")
    if parsed_pointer and parsed_pointer[0] is not None:
        pointer, src = parsed_pointer
        out.uses.extend(out.derived("signature_uses", src, _uses_in))
        named = pointer.distinct_spec_names()
        if pointer.format == "json":
            manifest_file = _find_entrypoint(out, layout, pointer)
        elif len(named) == 1:
            (name, loc), = named
            outside = False
            try:
                spec_file = _find_spec_file(layout, name, layout.spec_current)
            except OutsideRoot:
                outside = True
                out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which is outside the root folder; it is not read", name, name))
            if spec_file is None and not outside:
                out.issues.append(ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which does not exist under the root", name, name))

    markers = (profile.approval_marker,) if profile.approval_marker else ()
    packet_dir = layout.root / layout.packets
    sources, _empty_folders = packet_sources(layout.root, layout.packets, profile.packet_readers)
    packet_files = [source.markdown for source in sources if source.markdown]
    governance_files = {layout.spec_current, layout.task_board, layout.signature_audit}
    protocol_files = _protocol_files(layout, governance_files)
    module_files = manifest_modules(out, manifest_file) if manifest_file else []
    _parse_in_two_processes(layout, cache, spec_file, packet_files, protocol_files, markers, progress, module_files)

    if spec_file is not None:
        spec, spec_uses = _load_spec(out, spec_file)
        out.uses.extend(spec_uses)
        sibling_specs = _sibling_specs(layout, spec_file)
    elif manifest_file is not None:
        spec = load_bundle(out, manifest_file, pointer)
        for module in spec.bundle.modules if spec is not None and spec.bundle is not None else ():
            if module.path in out.sources:  # the signatures a module carries, as a single spec's
                out.uses.extend(out.derived("signature_uses", out.sources[module.path], _uses_in))
        sibling_specs = sibling_bundles(layout.root, manifest_file)

    packets: list[Packet] = []
    facts: dict[str, TextFacts] = {}
    if not packet_dir.is_dir():
        out.issues.append(ParseIssue("PARSE-001", Loc(layout.packets, 1), f"the configured packets folder {layout.packets} does not exist", layout.packets, layout.packets))
    schemas = find_schemas(layout.root, profile.contract.schemas) if profile.contract.schemas else None
    out.issues.extend(schemas.problems if schemas else ())
    for done, source in enumerate(sources):
        progress.tick(done, len(sources))
        loaded = _load_source(out, source, profile, markers, schemas)
        if loaded is None:
            continue
        packet, uses, packet_mentions, packet_claims, packet_facts = loaded
        packets.append(packet)
        out.uses.extend(uses)
        mentions.extend(packet_mentions)
        claims.extend(packet_claims)
        facts[packet.file] = packet_facts

    board, board_claims, board_checklist = _load_board(out, required=True)
    claims.extend(board_claims)
    checklist.extend(board_checklist)

    parsed_audit = out.parse(layout.signature_audit, "audit", parse_audit, what="signature audit log")
    audit = parsed_audit[0] if parsed_audit else None

    parsed_gates = out.parse(layout.gate_log, "gate_log", parse_gate_log, what="gate log", required=False)
    gate_events = parsed_gates[0] if parsed_gates else ()

    for relative in protocol_files:
        protocol_uses, protocol_mentions = _load_protocol_file(out, relative)
        out.uses.extend(protocol_uses)
        mentions.extend(protocol_mentions)

    model = GovernanceModel(
        root=layout.root.as_posix(),
        spec_pointer=pointer,
        spec=spec,
        packets=tuple(packets),
        board=board,
        audit=audit,
        gate_events=tuple(gate_events),
        signature_uses=tuple(sorted(out.uses, key=lambda use: (use.loc, use.signature))),
        encoding_issues=tuple(sorted(out.encoding, key=lambda issue: (issue.loc, issue.kind, issue.original))),
        parse_issues=tuple(sorted(out.issues, key=lambda issue: (issue.loc, issue.rule, issue.message))),
        sibling_specs=sibling_specs,
        protocol_files=tuple(protocol_files),
        spec_version_mentions=tuple(sorted(mentions, key=lambda mention: mention[1])),
        phase_claims=tuple(sorted(claims, key=lambda claim: claim[1])),
        phase_checklist=tuple(sorted(checklist, key=lambda item: item[1])),
        document_ids=_document_ids(out, packets),
        protocol=protocol,
        registry=registry,
        text_facts=facts,
        refinements=_refinements(layout, out.cache, profile),
        stub_files=_stub_files(layout, out.cache, profile),
    )
    model = with_lifecycles(model, profile)
    # The last files' tokens are kept for the parsers that read a file
    # twice in a row; past the load they only cost memory (the 2.7 MB spec
    # is 150,000 objects every later collection of the build walks).
    tokenize.cache_clear()
    return link(model, cache, out.digests) if mappings else model


PacketParts = tuple[Packet, tuple[SignatureUse, ...], tuple[tuple[str, Loc], ...], tuple[tuple[str, Loc, str], ...], TextFacts]


def _load_source(out: _Collector, source: PacketSource, profile: Profile, markers: tuple[str, ...], schemas: SchemaSet | None = None) -> PacketParts | None:
    """One packet by the repository's resolution order (see
    :mod:`.packet_sources`): a contract the profile's reader recognises and
    that says it is the primary record is the packet, its ``packet.md`` a
    projection; otherwise the markdown packet is. A contract whose schema no
    reader of the profile knows is reported (PARSE-005), not guessed at."""
    if not source.folder:
        return _load_packet(out, source.markdown, markers)
    contract = _read_contract(out, source.contract, profile) if source.contract else None
    legacy = (PacketFile(source.legacy, "legacy"),) if source.legacy else ()
    if contract is not None and contract.authority in profile.contract.primary:
        files = (PacketFile(source.contract, "contract"),) + ((PacketFile(source.markdown, "projection"),) if source.markdown else ()) + legacy
        _validate(out, source.contract, source.wp, schemas)
        packet = replace(contract.packet, era=profile.id, files=files, micro_tasks=_micro_tasks(out, source, profile, schemas))
        lock = (SignatureUse(packet.signature, packet.signature_loc, "lock", packet.id),) if packet.signature and packet.signature_loc and SIGNATURE_TOKEN.fullmatch(packet.signature) else ()
        return packet, lock, (), (), TextFacts()
    if not source.markdown:
        return None
    loaded = _load_packet(out, source.markdown, markers)
    if loaded is None:
        return None
    files = (PacketFile(source.markdown, "markdown"),) + ((PacketFile(source.contract, "secondary"),) if contract is not None else ()) + legacy
    return (replace(loaded[0], era=profile.id, files=files, micro_tasks=_micro_tasks(out, source, profile, schemas)), *loaded[1:])


def _validate(out: _Collector, relative: str, subject: str, schemas: SchemaSet | None) -> None:
    """PKT-024 issues of one contract against the repository's schemas,
    cached with the file's parse (keyed by the schemas' digest too)."""
    if schemas is None or not schemas.schemas:
        return
    read = out.read(relative, required=False, what="contract")
    if read is None:
        return

    def check(src: SourceText) -> tuple[ParseIssue, ...]:
        data, lines, _problems = read_json(src)
        return tuple(validate(src, data, lines, schemas, subject)) if data is not None else ()

    out.issues.extend(out.derived(f"schema_issues:{schemas.digest}", read[0], check))


def _read_contract(out: _Collector, relative: str, profile: Profile) -> Contract | None:
    """The packet contract, when its ``schema_id`` is one the profile reads."""
    parsed = out.parse(relative, f"contract:{profile.id}", lambda src: parse_contract(src, profile.contract), what="packet contract")
    if not parsed or parsed[0] is None:
        return None
    contract = as_contract(parsed[0])
    if contract.schema_id not in profile.contract.schema_ids:
        said = f"schema_id {contract.schema_id!r}" if contract.schema_id else "no schema_id"
        known = ", ".join(profile.contract.schema_ids) or "none"
        out.issues.append(ParseIssue(
            "PARSE-005", contract.packet.title_loc or Loc(relative, 1),
            f"the packet contract {relative} has {said}; the profile in force ({profile.id}) reads {known}, so its era cannot be told and it is not read",
            contract.schema_id, contract.packet.id,
        ))
        return None
    return contract


def _micro_tasks(out: _Collector, source: PacketSource, profile: Profile, schemas: SchemaSet | None = None) -> tuple[MicroTask, ...]:
    """The packet's micro-task contracts (part of the packet, not packets)."""
    found: list[MicroTask] = []
    for relative in source.micro_tasks:
        parsed = out.parse(relative, f"microtask:{profile.id}", lambda src: parse_microtask(src, profile.contract), what="micro-task contract")
        if not parsed or parsed[0] is None:
            continue
        task = parsed[0]
        if profile.contract.microtask_schema_ids and task.schema_id not in profile.contract.microtask_schema_ids:
            said = f"schema_id {task.schema_id!r}" if task.schema_id else "no schema_id"
            out.issues.append(ParseIssue("PARSE-005", task.loc, f"the micro-task contract {relative} has {said}, which the profile in force ({profile.id}) does not read", task.schema_id, source.wp))
            continue
        _validate(out, relative, source.wp, schemas)
        found.append(task)
    return tuple(found)


def _load_spec(out: _Collector, spec_file: str) -> tuple[Spec | None, tuple[SignatureUse, ...]]:
    """The Master Spec and the signatures it carries."""
    parsed = out.parse(spec_file, "spec", parse_spec, what="Master Spec")
    if not parsed:
        return None, ()
    spec, src = parsed
    return spec, tuple(out.derived("signature_uses", src, _uses_in))


def _load_board(out: _Collector, *, required: bool) -> tuple[Board | None, tuple[tuple[str, Loc, str], ...], tuple[tuple[str, Loc, str, bool], ...]]:
    """The task board with the phase claims and checklist written on it."""
    parsed = out.parse(out.layout.task_board, "board", parse_board, what="task board", required=required)
    if not parsed:
        return None, (), ()
    board, src = parsed
    return (
        board,
        tuple(out.derived("phase_claims", src, _claims_in)),
        tuple(out.derived("phase_checklist", src, lambda text: tuple(find_phase_checklist(text)))),
    )


def _load_protocol_file(out: _Collector, relative: str) -> tuple[tuple[SignatureUse, ...], tuple[tuple[str, Loc], ...]]:
    """The signatures a protocol file uses and the spec versions it names as current."""
    read = out.read(relative, what="protocol file")
    if not read:
        return (), ()
    src, _ = read
    return (
        tuple(out.derived("signature_uses", src, _uses_in)),
        tuple(out.derived("spec_mentions", src, lambda text: tuple(_current_spec_mentions(text, None)))),
    )


def _load_packet(out: _Collector, relative: str, markers: tuple[str, ...]) -> PacketParts | None:
    """One packet and the facts its text alone gives: signature uses, spec
    version mentions, phase claims, text facts."""
    parsed = out.parse(relative, "packet", parse_packet, what="task packet")
    if not parsed:
        return None
    packet, src = parsed
    return (
        packet,
        tuple(out.derived("signature_uses", src, lambda text: tuple(find_signature_uses(text, packet.id)))),
        tuple(out.derived("spec_mentions", src, lambda text: tuple(_current_spec_mentions(text, packet)))),
        tuple(out.derived("phase_claims", src, _claims_in)),
        out.derived(f"text_facts:{'|'.join(markers)}", src, lambda text: text_facts(text, markers)),
    )


#: Below this many bytes still to parse a second process costs more (fork,
#: pickling) than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


def _parse_in_two_processes(
    layout: Layout, cache: ParseCache, spec_file: str | None, packet_files: list[str], protocol_files: list[str],
    markers: tuple[str, ...], progress: Progress, module_files: list[str] | None = None,
) -> None:
    """Fill the cache with the parses of the spec, the packets, the board,
    the audit log, the gate log and the protocol files using two processes
    (:func:`.parallel.share`): a forked child works down the files from the
    largest (so the spec's tokens leave with it), this process up from the
    smallest, and the child's results are adopted into the cache. The load that follows then finds every result in the cache
    and collects issues and facts exactly as it does after a warm start, so
    the model does not depend on where anything was parsed.

    Only files whose parse is not in the cache count. Without a second
    process (one CPU, threads, ``HANDSHAKE_PROCESSES=1``) this does nothing
    and the load parses as it always did."""
    jobs: list[tuple[int, str, Callable[[_Collector], object]]] = []
    if spec_file is not None:
        jobs.append((_stale_size(layout, cache, "spec", spec_file), spec_file, lambda out: _load_spec(out, spec_file)))
    for relative in module_files or ():
        jobs.append((_stale_size(layout, cache, "spec_module", relative), relative, lambda out, name=relative: load_module(out, name)))
    for relative in packet_files:
        jobs.append((_stale_size(layout, cache, "packet", relative), relative, lambda out, name=relative: _load_packet(out, name, markers)))
    jobs.append((_stale_size(layout, cache, "board", layout.task_board), layout.task_board, lambda out: _load_board(out, required=False)))
    for relative, kind, parser in ((layout.signature_audit, "audit", parse_audit), (layout.gate_log, "gate_log", parse_gate_log)):
        jobs.append((_stale_size(layout, cache, kind, relative), relative, lambda out, name=relative, kind=kind, parser=parser: out.parse(name, kind, parser, what=kind, required=False)))
    for relative in protocol_files:
        jobs.append((_stale_size(layout, cache, "spec_mentions", relative), relative, lambda out, name=relative: _load_protocol_file(out, name)))
    jobs = [job for job in jobs if job[0] > 0]
    if sum(size for size, _, _ in jobs) < PARALLEL_MIN_BYTES or not parallel.fork_allowed():
        return
    out = _Collector(layout, cache)  # one per process: the child has its own copy
    ordered = [lambda job=job: _quietly(job, out) for _size, _name, job in sorted(jobs, key=lambda job: (-job[0], job[1]))]
    counts = (cache.hits, cache.misses)
    cache.journal = []
    try:
        # What the child computed since it last sent, without the decoded
        # texts: decoding a file again here costs a tenth of unpickling it
        # (12 MB for 1,000 packets).
        # While the child finishes the spec, this process imports what the
        # rules will need first (networkx) and encodes its own results for
        # the cache file.
        def idle(busy: Callable[[], bool]) -> None:
            graph.prepare()
            cache.encode_ahead(busy)

        adopted = parallel.share(ordered, lambda: cache.take_journal(skip=frozenset({"source"})), progress.tick, idle=idle)
        parsed_here = cache.take_journal()
    finally:
        cache.journal = None
    cache.hits, cache.misses = counts
    cache.adopt(parsed_here, *adopted)


def _quietly(job: Callable[[_Collector], object], out: _Collector) -> None:
    """Parse ahead of the load; a failure is left for the load itself to
    meet again and report."""
    try:
        job(out)
    except Exception:  # noqa: BLE001
        pass


def _stale_size(layout: Layout, cache: ParseCache, kind: str, relative: str) -> int:
    """The size of ``relative`` when its ``kind`` parse is not in the cache
    for its current bytes (0 when it is, or the file cannot be read)."""
    try:
        data = (layout.root / relative).read_bytes()
    except OSError:
        return 0
    entry = cache.entries.get((kind, relative))
    if entry is not None and entry[0] == hashlib.sha256(data).hexdigest():
        return 0
    return len(data)


def _refinements(layout: Layout, cache: ParseCache, profile: Profile) -> dict[str, Refinement]:
    """Each WP's technical refinement file. Its encoding damage and
    signatures are not the packet's: the refinement is judged only through
    the packet it activates (PKT-020), so nothing here reaches the PARSE or
    SIG rules."""
    folder = layout.root / profile.refinements if profile.refinements else None
    if folder is None or not folder.is_dir():
        return {}
    found: dict[str, Refinement] = {}
    for path in sorted(folder.glob("WP-*.md")):
        relative = path.relative_to(layout.root).as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            continue  # an unreadable refinement is reported as missing by the rule that needs it
        digest = hashlib.sha256(data).hexdigest()
        src = cache.get("source", _Raw(relative, data), digest, _decode_raw)
        found[path.stem] = cache.get("refinement", src, digest, parse_refinement)
    return found


def _stub_files(layout: Layout, cache: ParseCache, profile: Profile) -> tuple[str, ...]:
    """The stub folder's file names; kept in the cache under their digest
    so that a stub added or removed changes the inputs digest (and the
    cached findings with it)."""
    folder = layout.root / profile.stubs if profile.stubs else None
    if folder is None or not folder.is_dir():
        return ()
    names = tuple(path.relative_to(layout.root).as_posix() for path in sorted(folder.glob("WP-*.md")))
    return cache.lookup("stub_files", profile.stubs, hashlib.sha256("\0".join(names).encode("utf-8")).hexdigest(), lambda: names)


def link_cached(model: GovernanceModel, cache: ParseCache) -> GovernanceModel:
    """:func:`link` for a model :func:`load_repo` made with ``mappings=False``
    into ``cache``: the files' content hashes are those of their parses."""
    files = ([("spec", model.spec.file)] if model.spec else []) + [("packet", packet.file) for packet in model.packets]
    digests = {name: cache.entries[(kind, name)][0] for kind, name in files if (kind, name) in cache.entries}
    return link(model, cache, digests)


def link(model: GovernanceModel, cache: ParseCache | None = None, digests: dict[str, str] | None = None) -> GovernanceModel:
    """Derived facts that need more than one file: DONE_MEANS mappings.

    A packet's mapping depends on the packet and the spec only, so with a
    cache (and the files' content hashes) it is kept under both hashes."""
    # The requirements are indexed at most once per build, and only when a
    # packet's mapping is not in the cache; each packet is then mapped
    # against its own anchored sections only. A process that links again
    # (serve) keeps the index in memory while the spec is unchanged.
    built: list[RequirementIndex] = []
    spec_digest = (digests or {}).get(model.spec.file, "") if model.spec else ""
    if cache is not None and spec_digest:
        spec_digest = f"{spec_digest}:{semantic.signature()}"  # mappings made with another embedding (or none) are made again

    def build_index() -> RequirementIndex:
        return RequirementIndex.build(model.spec.by_number() if model.spec else {})

    def index() -> RequirementIndex:
        if not built:
            kept = cache is not None and model.spec is not None and spec_digest
            built.append(cache.lookup("requirement_index", model.spec.file, spec_digest, build_index) if kept else build_index())  # type: ignore[union-attr]
        return built[0]

    mappings = {}
    for packet in model.packets:
        packet_digest = (digests or {}).get(packet.file)
        if cache is None or not packet_digest:
            mappings[packet.id] = map_done_means(packet, index())
        else:
            mappings[packet.id] = cache.lookup(
                "done_mappings", packet.file, f"{packet_digest}:{spec_digest}", lambda found=packet: map_done_means(found, index())
            )
    return replace(model, done_mappings=mappings)
