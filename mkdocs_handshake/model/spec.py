"""The Master Spec as parsed: requirements, sections, the spec file or its
modular bundle, and the pointer that names the current one."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Mapping

from .basics import Loc


@dataclass(frozen=True)
class Requirement:
    """A normative sentence: an RFC 2119 keyword or a bracketed requirement id.

    ``keywords`` lists the RFC 2119 words in order of appearance, with the
    negation folded in ("MUST NOT"). ``strength`` is the strongest of them:
    "MUST" (MUST/SHALL/REQUIRED and negations), "SHOULD", "MAY", or "" when the
    sentence is normative only through an id.
    """

    text: str
    loc: Loc
    keywords: tuple[str, ...]
    strength: str
    ids: tuple[str, ...] = ()
    index: int = 0  # 1-based position among the section's requirements
    # Identifiers that are evidence for this requirement without being
    # requirements themselves: its own backticked terms and the names in the
    # code blocks that follow it in its section (a code block illustrates the
    # requirement before it). The DONE_MEANS matcher reads them.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """An addressable part of the spec.

    ``kind`` is ``"heading"`` or ``"list-item"`` for a numbered section: an
    item of an ordered list directly under a numbered heading is addressable
    as ``<heading>.<n>`` (the corpus cites ``§7.6.3.14``, item 14 under
    heading 7.6.3). ``"unnumbered"`` is a heading without a number and
    ``"embedded"`` a heading of a markdown document the spec writes out in a
    fence: both have ``number == ""``, no requirements (their sentences
    belong to the numbered ``parent``) and an ``anchor`` made from the title;
    everything that addresses by number reads only :attr:`numbered` sections.
    ``main_body`` is False for everything under a Roadmap / Future Work /
    Phase 2+ heading. ``out_of_order`` and ``duplicate`` record what PARSE-003
    reports; the section is kept either way.
    """

    number: str
    title: str
    level: int
    loc: Loc
    kind: str
    main_body: bool
    parent: str | None
    requirements: tuple[Requirement, ...] = ()
    ids: tuple[str, ...] = ()
    has_subsections: bool = False
    out_of_order: bool = False
    duplicate: bool = False
    end_line: int = 0  # last line of the section's own body (exclusive of subsections)
    anchor: str = ""  # stable HTML id for the section ("sec-2-3-12-1", "hd-steps")

    @property
    def numbered(self) -> bool:
        return bool(self.number)


@dataclass(frozen=True)
class Spec:
    file: str
    version: str  # from the file name, e.g. "02.93"; "" when the name has none
    title: str
    title_version: str  # version written in the top heading, "" when absent
    title_loc: Loc | None
    sections: tuple[Section, ...]
    changelog_versions: tuple[tuple[str, Loc], ...] = ()
    roadmap_headings: tuple[tuple[str, Loc], ...] = ()  # headings that open a Roadmap part
    #: Numbered headings written inside a code block that swallows spec
    #: text (PARSE-006): in the file, but no section.
    swallowed_headings: tuple[tuple[str, Loc], ...] = ()
    #: The indexed bundle this spec was read from (``file`` is then its
    #: manifest and each section's ``loc.file`` its module); None for a
    #: single markdown file.
    bundle: "SpecBundle | None" = None

    def numbered_sections(self) -> tuple[Section, ...]:
        """The sections the protocol can cite: headings and list items with a number."""
        return tuple(section for section in self.sections if section.numbered)

    def by_number(self) -> Mapping[str, tuple[Section, ...]]:
        index: dict[str, list[Section]] = {}
        for section in self.numbered_sections():
            index.setdefault(section.number, []).append(section)
        return {key: tuple(value) for key, value in index.items()}


@dataclass(frozen=True)
class SpecModule:
    """One module of an indexed spec bundle, as its manifest lists it and
    as it was found on disk.

    ``expected_*`` are the manifest's figures, the others what was read
    (``sha256`` of the bytes as checked out, ``byte_count`` their length).
    ``declared_version`` is the ``spec_version`` its front matter carries
    (without ``v``; "" when it carries none). ``present`` is False when the
    manifest names a file the checkout does not hold. ``text`` is the
    module's repaired text, kept for resolving anchors by name; it takes no
    part in comparisons and never goes into ``model.json``.
    """

    path: str  # relative to root
    bundle_path: str  # as the manifest writes it, relative to the bundle folder
    order: int  # 1-based position in the manifest's module order
    title: str
    manifest_loc: Loc  # the module's entry in the manifest
    present: bool = True
    declared_version: str = ""
    declared_version_loc: Loc | None = None
    manifest_version: str = ""  # the entry's own ``spec_version`` ("" when absent)
    sha256: str = ""
    byte_count: int = 0
    line_count: int = 0
    expected_sha256: str = ""
    expected_byte_count: int = -1  # -1 when the manifest gives none
    heading_count: int = -1  # the manifest's heading count, -1 when absent
    section_count: int = 0  # numbered headings read as sections
    #: Every heading read as a section (numbered, unnumbered, and those of
    #: markdown documents in fences): what ``heading_count`` counts, less the
    #: ``#`` lines of code comments.
    headings_read: int = 0
    carriage_returns: int = 0  # CR bytes in the file as checked out
    text: str = field(default="", compare=False, repr=False)

    def integrity(self) -> str:
        """How a module's bytes compare with its manifest entry:

        ``"match"`` the hash (or, without one, the byte count) agrees;
        ``"line-endings"`` it does not, but only as a checkout that changed the
        line endings would make it differ: the file has no CR where the manifest
        counted more bytes, at most one per line (or CRs where it counted
        fewer), so the content cannot be judged from this checkout;
        ``"mismatch"`` the bytes differ otherwise; ``"unknown"`` the module is
        absent or the manifest gives neither hash nor byte count."""
        if not self.present or (not self.expected_sha256 and self.expected_byte_count < 0):
            return "unknown"
        if self.expected_sha256:
            if self.sha256 == self.expected_sha256:
                return "match"
        elif self.byte_count == self.expected_byte_count:
            return "match"
        if self.expected_byte_count >= 0:
            lines = max(self.line_count - 1, 0)
            missing = self.expected_byte_count - self.byte_count
            if self.carriage_returns == 0 and 0 < missing <= lines:
                return "line-endings"
            if self.carriage_returns and 0 < -missing <= self.carriage_returns:
                return "line-endings"
        return "mismatch"


@dataclass(frozen=True)
class SpecBundle:
    """An indexed Master Spec bundle: a manifest naming its modules in order,
    a resolver index and a JSONL changelog (paths relative to root; "" when
    the bundle names none). ``index_*`` record what the resolver index
    says, ``changelog_versions`` the versions the changelog has entries for."""

    manifest: str
    folder: str
    version: str  # without ``v``
    version_loc: Loc
    modules: tuple[SpecModule, ...]
    resolver_index: str = ""
    index_read: bool = False
    index_version: str = ""
    index_version_loc: Loc | None = None
    index_modules: tuple[tuple[str, str, Loc], ...] = ()  # (bundle path, sha256, loc)
    changelog: str = ""
    changelog_read: bool = False
    changelog_versions: tuple[tuple[str, Loc], ...] = ()

    def module(self, path: str) -> SpecModule | None:
        for module in self.modules:
            if module.path == path or module.bundle_path == path:
                return module
        return None


@dataclass(frozen=True)
class SpecPointer:
    """What SPEC_CURRENT.md says: which spec file is current.

    A JSON pointer (``handshake.spec_current@1``) names its entry point in
    ``spec_names`` too, with ``entrypoint_type`` saying what it is
    (``indexed_manifest``); ``fields`` keeps every path-like field it has
    (``current_spec.resolver_index_path``, ...) as (key, value, loc). A
    provenance monolith it names (``source_baseline_path``) is one of those
    fields, never a spec name."""

    file: str  # the SPEC_CURRENT.md path
    spec_names: tuple[tuple[str, Loc], ...]  # every Master Spec file name it names
    governance_names: tuple[tuple[str, Loc], ...] = ()  # Codex / governance reference
    version: str = ""
    signatures: tuple[tuple[str, Loc], ...] = ()
    format: str = "markdown"  # "markdown" | "json"
    entrypoint_type: str = ""
    fields: tuple[tuple[str, str, Loc], ...] = ()

    def value_of(self, key: str) -> tuple[str, Loc] | None:
        for name, value, loc in self.fields:
            if name == key:
                return value, loc
        return None

    def distinct_spec_names(self) -> tuple[tuple[str, Loc], ...]:
        """Each spec file named once, at its first mention. A pointer that
        writes its file twice (as a path and again as a bare name, or in
        another case) still names one spec: the loader and SPEC-001 must
        count the same way, or the spec is found by one and lost by the other."""
        distinct: dict[str, tuple[str, Loc]] = {}
        for name, loc in self.spec_names:
            distinct.setdefault(file_key(name), (name, loc))
        return tuple(distinct.values())


def file_key(name: str) -> str:
    """A file name as written anywhere (path or bare, either slash, any
    case or Unicode form) reduced to what identifies the file it names."""
    return unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name).casefold()
