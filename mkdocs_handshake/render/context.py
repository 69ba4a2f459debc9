"""What every renderer needs: the model, the findings, and URL helpers.

Generated pages live under ``output_dir`` (default ``governance``) at stable
paths, so people can link to them:

* ``index.md`` (overview), ``dag.md``, ``phase-gate.md``, ``traceability.md``,
  ``findings.md``
* ``packets/<WP-ID>.md``
* ``spec/<chapter>.md`` with one HTML anchor per section number

Generated pages are converted to HTML by :mod:`.html`, not by MkDocs, so
no link is rewritten after the fact: every link, in markdown or in raw HTML
(the DAG SVG, table cells built in HTML), carries the final relative URL
:meth:`RenderContext.href` computes the way MkDocs would for the current
``use_directory_urls`` setting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable, Mapping, TypeVar

from ..findings.finding import Finding
from ..rules.engine import RulePlan
from ..model.records import SignatureRow
from ..model.governance import GovernanceModel
from ..model.packet import Packet
from ..model.spec import Section
from ..analysis.phase_claims import PacketPhaseText, scan_packet
from ..analysis.phase_basics import PhaseGate
from ..analysis.phase_gate import evaluate_phase_gate

if TYPE_CHECKING:
    import networkx as nx

    from ..load.git_history import History
    from ..protocol.profiles import Profile
    from ..rules.remedy import Revisions

    from ..analysis.mapping_index import RequirementIndex


T = TypeVar("T")


def chapter_of(number: str) -> str:
    """The chapter a section number belongs to: ``2.3.12.1`` -> ``2``."""
    return number.split(".", 1)[0]


@lru_cache(maxsize=65536)
def _relative_url(here: str, there: str) -> str:
    """Relative URL from page URL ``here`` to page URL ``there`` (both
    relative to the site root). Memoised: a corpus build asks for the same
    few thousand pairs again and again, and ``relpath`` is slow."""
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    if not base:
        relative = there or "./"
    else:
        relative = posixpath.relpath(there or ".", base.rstrip("/") or ".")
        if there.endswith("/") and not relative.endswith("/"):
            relative += "/"
    if relative == "./" or relative == ".":
        relative = "./"
    return relative


@lru_cache(maxsize=65536)
def wp_key(wp: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order for WP ids, so ``WP-1-Foo-v10`` follows ``WP-1-Foo-v9``.
    Kept per id: the pages sort the same ids many times."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", wp) if part)


@dataclass(frozen=True)
class HeaderInputs:
    """Digests of what packet headers are made from, for a process that
    renders them again and again (``mkdocs serve``): ``shared`` covers
    every input file but the packets, ``packets`` each packet file's own
    side (its parse, its lifecycle, the DONE_MEANS mapping it shows)."""

    shared: str
    packets: Mapping[str, str]


@dataclass(frozen=True)
class Judging:
    """What every packet's protocol block reads: the profile in force, the
    repository's git history (None outside git, with ``why``), the
    signatures the audit marks INVALID and the revisions of each family."""

    profile: Profile
    history: History | None
    why: str
    invalid: frozenset[str]
    revisions: Revisions


@dataclass(frozen=True)
class RenderContext:
    model: GovernanceModel
    findings: tuple[Finding, ...]
    output_dir: str = "governance"
    use_directory_urls: bool = True
    #: The date the pages judge and show; always given (see EngineConfig.as_of).
    as_of: dt.date = field(kw_only=True)
    dot_available: bool = True
    options: Mapping[str, object] = field(default_factory=dict)
    #: Which rules ran and which did not, with why (engine.rule_plan).
    rule_plan: tuple[RulePlan, ...] = ()
    #: Where ``docs_dir`` is, relative to the governance root (posix), or
    #: None when it is not under the root or not known (the CLI). A packet
    #: file under it is already a page of the site: that page is annotated
    #: in place and every link to the packet points at it.
    docs_dir: str | None = None
    #: Paths (relative to docs_dir) MkDocs does not build; never a packet's page.
    excluded_docs: frozenset[str] = frozenset()
    #: ``memo(kind, name, digest, compute)``: the plugin's cache, for work
    #: worth keeping between builds (the ``dot`` runs); None computes always.
    memo: Callable[[str, str, str, Callable[[], object]], object] | None = field(default=None, compare=False, repr=False)
    #: Given, packet headers are kept in ``memo`` between builds (see
    #: :func:`.packet_page.kept_packet_header`).
    header_inputs: HeaderInputs | None = field(default=None, compare=False, repr=False)
    #: Warnings for the build log from rendering (a failed ``dot`` run),
    #: appended by the page renderers; the plugin logs them.
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)
    #: Why ``dot`` gave no drawing earlier in this build (a timeout, output
    #: that is not SVG, ...): the drawings that follow are not tried again,
    #: so a hanging ``dot`` costs one timeout and one warning, not one per page.
    dot_failures: list[str] = field(default_factory=list, compare=False, repr=False)

    def cached(self, kind: str, name: str, source: str, compute: Callable[[], T]) -> T:
        """``compute()``, or its result from an earlier build for the same ``source``."""
        if self.memo is None:
            return compute()
        return self.memo(kind, name, hashlib.sha256(source.encode("utf-8")).hexdigest(), compute)  # type: ignore[return-value]

    @cached_property
    def judging(self) -> Judging:
        """The profile the packets are judged by, the git dates it reads
        and the facts the remedy needs, worked out once per build (each
        packet page shows its share, see :mod:`.packet_protocol`)."""
        from ..rules.context import profile_of
        from ..rules.engine import clause_history
        from ..rules.remedy import invalid_signatures, revisions

        profile = profile_of(self.model)
        history, why = clause_history(self.model, profile)
        return Judging(profile, history, why, invalid_signatures(self.model), revisions(self.model))

    @cached_property
    def header_site_key(self) -> str:
        """A digest of what every packet header reads beyond its own packet:
        the other input files, where pages are and how URLs look, every
        packet's id, status and lifecycle (a neighbour's badge), and the
        dependency graph (the neighbours)."""
        shared = self.header_inputs.shared if self.header_inputs else ""
        directory = [(p.id, p.file, p.declared_id, p.status.value, p.status_raw, p.lifecycle.value) for p in self.model.packets]
        site = (self.output_dir, self.use_directory_urls, self.docs_dir, sorted(self.excluded_docs), self.as_of.isoformat())
        text = repr((shared, site, directory, sorted(self.docs_pages.items()), sorted(self.dependencies.items())))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # ---- paths (relative to docs_dir) --------------------------------
    def page_path(self, name: str) -> str:
        return posixpath.join(self.output_dir, name)

    def packet_page(self, wp: str) -> str:
        """The one page of a packet: its own file when that is a docs page,
        else the generated ``packets/<id>.md``."""
        packet = self.packets_by_id.get(wp)
        if packet is not None and packet.file in self.docs_pages:
            return self.docs_pages[packet.file]
        return self.generated_packet_page(wp)

    def generated_packet_page(self, wp: str) -> str:
        """``packets/<id>.md`` under ``output_dir``: the page itself for a
        packet outside ``docs_dir``, a redirect to its own page otherwise."""
        return self.page_path(f"packets/{wp}.md")

    @cached_property
    def docs_pages(self) -> Mapping[str, str]:
        """Packet file (relative to the root) -> its path relative to
        ``docs_dir``, for every packet file that is a docs page."""
        if self.docs_dir is None:
            return {}
        prefix = "" if self.docs_dir in ("", ".") else self.docs_dir.rstrip("/") + "/"
        pages: dict[str, str] = {}
        for packet in self.model.packets:
            page = packet.file[len(prefix):]
            if packet.file.startswith(prefix) and page.endswith(".md") and page not in self.excluded_docs:
                pages[packet.file] = page
        return pages

    def spec_page(self, number: str) -> str:
        return self.page_path(f"spec/{chapter_of(number)}.md")

    # ---- URLs --------------------------------------------------------
    def url_of(self, page: str) -> str:
        """Site URL (relative to site root) MkDocs gives the page ``page``."""
        stem = page[:-3] if page.endswith(".md") else page
        if self.use_directory_urls:
            if stem == "index" or stem.endswith("/index"):
                stem = stem[: -len("index")]
                return stem
            return stem + "/"
        return stem + ".html"

    def href(self, from_page: str, to_page: str, fragment: str = "") -> str:
        """The relative URL from one generated page to another."""
        relative = _relative_url(self.url_of(from_page), self.url_of(to_page))
        return relative + (f"#{fragment}" if fragment else "")

    # ---- indexes -----------------------------------------------------
    @cached_property
    def packets_by_id(self) -> Mapping[str, Packet]:
        index: dict[str, Packet] = {}
        for packet in self.model.packets:
            index.setdefault(packet.id, packet)
        return index

    @cached_property
    def sections_by_number(self) -> Mapping[str, Section]:
        index: dict[str, Section] = {}
        for section in self.model.spec.numbered_sections() if self.model.spec else ():
            index.setdefault(section.number, section)
        return index

    @cached_property
    def requirement_index(self) -> "RequirementIndex":
        """The spec's requirements indexed once for every page that maps
        DONE_MEANS of a model built without the loader."""
        from ..analysis.mapping_index import RequirementIndex

        return RequirementIndex.build(self.model.spec.by_number() if self.model.spec else {}, spec=self.model.spec)

    @cached_property
    def phase_gates(self) -> tuple[PhaseGate, ...]:
        """The phase gates, evaluated once for every page that shows them
        (overview and phase-gate report)."""
        return tuple(evaluate_phase_gate(self.model, self.findings, self.as_of, self.graph, scan=self._scan_packet))

    def _scan_packet(self, packet: Packet) -> PacketPhaseText:
        """:func:`~mkdocs_handshake.analysis.phase_claims.scan_packet`, kept with the headers (its result
        depends on the packet alone)."""
        return self.kept_for_packet("phase_text", packet, lambda: scan_packet(packet))

    def kept_for_packet(self, kind: str, packet: Packet, compute: Callable[[], T], also: Callable[[], str] | None = None) -> T:
        """``compute()``, kept in ``memo`` under the packet's own inputs
        (:class:`HeaderInputs`) and ``also()``, what else it reads; computed
        every time without header inputs (any run but ``mkdocs serve``)."""
        own = self.header_inputs.packets.get(packet.file) if self.header_inputs is not None else None
        if own is None or self.memo is None:
            return compute()
        key = hashlib.sha256(f"{own}\0{also() if also else ''}".encode("utf-8")).hexdigest()
        return self.memo(kind, packet.file, key, compute)  # type: ignore[return-value]

    @cached_property
    def findings_by_subject(self) -> Mapping[str, tuple[Finding, ...]]:
        index: dict[str, list[Finding]] = {}
        for finding in self.findings:
            index.setdefault(finding.subject, []).append(finding)
        return {key: tuple(value) for key, value in index.items()}

    @cached_property
    def packets_with_id(self) -> Mapping[str, tuple[Packet, ...]]:
        """Id -> every packet file that uses it (more than one is PKT's duplicate id)."""
        index: dict[str, list[Packet]] = {}
        for packet in self.model.packets:
            index.setdefault(packet.id, []).append(packet)
        return {key: tuple(value) for key, value in index.items()}

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The dependency graph, built once for the DAG, the packet pages and
        the phase gates."""
        from ..analysis.graph import dependency_graph

        return dependency_graph(self.model)

    @cached_property
    def dependencies(self) -> Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """WP id -> (upstream, downstream) ids, each in natural order.

        Built from the one dependency graph of the build, so a packet page
        looks its neighbours up instead of rebuilding the graph (which made
        the packet pages quadratic in the number of packets)."""
        graph = self.graph
        return {
            node: (tuple(sorted(graph.predecessors(node), key=wp_key)), tuple(sorted(graph.successors(node), key=wp_key)))
            for node in graph.nodes
        }

    @cached_property
    def audit_rows_by_signature(self) -> Mapping[str, tuple[SignatureRow, ...]]:
        index: dict[str, list[SignatureRow]] = {}
        for row in self.model.audit.rows if self.model.audit else ():
            index.setdefault(row.signature, []).append(row)
        return {key: tuple(sorted(rows, key=lambda r: r.loc)) for key, rows in index.items()}

    @cached_property
    def anchored_sections(self) -> Mapping[str, tuple[str, ...]]:
        """Section number -> WP ids whose SPEC_ANCHOR names it (natural order)."""
        index: dict[str, set[str]] = {}
        for packet in self.model.packets:
            for anchor in packet.spec_anchors:
                if anchor.number:
                    index.setdefault(anchor.number, set()).add(packet.id)
        return {number: tuple(sorted(wps, key=wp_key)) for number, wps in index.items()}

    @cached_property
    def sections_by_chapter(self) -> Mapping[str, tuple[Section, ...]]:
        """Chapter -> its sections in document order."""
        index: dict[str, list[Section]] = {}
        for section in self.model.spec.numbered_sections() if self.model.spec else ():
            index.setdefault(chapter_of(section.number), []).append(section)
        return {key: tuple(value) for key, value in index.items()}

    @cached_property
    def findings_by_file(self) -> Mapping[str, tuple[Finding, ...]]:
        """File -> the findings in it; a remedy finding on a revision is
        also listed under the locked packet whose defects it names."""
        index: dict[str, list[Finding]] = {}
        for finding in self.findings:
            index.setdefault(finding.loc.file, []).append(finding)
            for file in sorted({part.loc.file for part in finding.parts} - {finding.loc.file}):
                index.setdefault(file, []).append(finding)
        return {key: tuple(value) for key, value in index.items()}
