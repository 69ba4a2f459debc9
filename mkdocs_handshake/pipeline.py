"""One build's governance work: load -> rules -> pages, each stage cached.

Every stage is a pure function of what it is given, so each result is kept
in the :class:`~mkdocs_handshake.load.parse_cache.ParseCache` under a digest of exactly
its inputs: the parsed files (their content hashes), the engine options for
the rules, the render options and the Graphviz binary for the pages. A build
in which no governance file and no option changed - a second local build, a
``serve`` rebuild after editing an ordinary page, CI with the cache folder
restored - reuses all of it; any change recomputes what depends on it.

The plugin calls :func:`run_pipeline` from ``on_files`` and
:func:`convert_page` for each generated page; neither needs MkDocs.
``model.json`` is not kept here: :func:`.report.export.write_model` streams it
into the site.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, TypeVar

from .findings.baseline import Stale, stale_entries
from .cache.disk import code_fingerprint, copy_kept, keep
from .rules.engine import EngineConfig, RulePlan, rule_plan, run_rules
from .report.export import packet_json, spec_json, write_model
from .findings.finding import Finding
from .repository.layout import Layout
from .load.parse_cache import ParseCache
from .load.link import link_cached
from .load.assemble import load_repo
from .model.governance import GovernanceModel
from .model.packet import Packet
from .runtime import parallel
from .runtime.collector import fewer_collections
from .runtime.progress import SILENT, Progress
from .rules.context import PacketMemo
from .render.context import HeaderInputs, RenderContext
from .model.page import RenderedPage
from .render.html import to_html
from .render.site import generate_annotations, generate_pages, redirect_pages


T = TypeVar("T")


@dataclass(frozen=True)
class RenderOptions:
    output_dir: str = "governance"
    use_directory_urls: bool = True
    dot_available: bool = True
    dag_max_nodes: int = 60
    dot_timeout: float = 60.0
    #: ``docs_dir`` relative to the governance root, or None (not under it,
    #: or no MkDocs site): packet files under it are annotated in place.
    docs_dir: str | None = None
    #: Markdown files under ``docs_dir`` that MkDocs does not build
    #: (``exclude_docs``, drafts): a packet there is not a page.
    excluded_docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Governance:
    """What one run produced, with what the debug log reports about it."""

    model: GovernanceModel
    findings: tuple[Finding, ...]
    context: RenderContext
    pages: Mapping[str, str]
    #: Docs page path -> markdown of the header shown above a packet file
    #: that is already a page (:func:`.render.site.generate_annotations`).
    annotations: Mapping[str, str]
    #: Digest of every input file the model was built from (and the root).
    inputs_digest: str
    load_seconds: float
    rules_seconds: float
    render_seconds: float
    cache_hits: int
    cache_misses: int
    #: Lines for the build log about tools that failed (Graphviz).
    warnings: tuple[str, ...] = ()
    #: Baseline entries no finding matches any more (empty without a baseline).
    stale: tuple[Stale, ...] = ()


def dot_identity() -> str:
    """Which Graphviz draws the DAG (path, size, mtime): an upgraded ``dot``
    may draw differently, so drawings and pages are not reused across it."""
    path = shutil.which("dot")
    if path is None:
        return "no dot"
    try:
        stat = Path(path).stat()
    except OSError:
        return path
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class Loaded:
    """The model of one build and what later stages key their caching on."""

    model: GovernanceModel
    #: Digest of every input file the model was built from (and the root).
    inputs_digest: str
    load_seconds: float
    cache_hits: int
    cache_misses: int
    #: The cache keys the load read: one per input file and parser.
    input_keys: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Checked:
    """What the rules and the renderers made of a model: everything of a
    :class:`Governance` except the model, small enough to send from a
    child process to its parent (no functions, no model)."""

    findings: tuple[Finding, ...]
    stale: tuple[Stale, ...]
    rule_plan: tuple[RulePlan, ...]
    pages: Mapping[str, str]
    annotations: Mapping[str, str]
    warnings: tuple[str, ...]
    rules_seconds: float
    render_seconds: float
    #: The DONE_MEANS mappings, made with the rules (:func:`.load.link.link_cached`).
    mappings: Mapping[str, object]


def run_pipeline(layout: Layout, engine: EngineConfig, render: RenderOptions, cache: ParseCache, progress: Progress = SILENT) -> Governance:
    """Load, check and render; ``progress`` gets one line per stage (and
    more while a long stage runs)."""
    loaded = load_stage(layout, cache, progress)
    return governance_of(loaded, check_stage(loaded, engine, render, cache, progress), engine, render, cache)


def load_stage(layout: Layout, cache: ParseCache, progress: Progress = SILENT) -> Loaded:
    started = time.perf_counter()
    hits, misses = cache.hits, cache.misses
    progress.start("parsing packets")
    model = load_repo(layout, cache, progress, mappings=False)  # check_stage maps
    hits, misses = cache.hits - hits, cache.misses - misses
    sections = len(model.spec.numbered_sections()) if model.spec else 0
    progress.done(f"loaded {len(model.packets):,} packets and {sections:,} spec sections ({hits:,} cached results reused, {misses:,} computed)")
    return Loaded(model, cache.inputs_digest(layout.root.as_posix()), time.perf_counter() - started, hits, misses, frozenset(cache.used))


def render_context(
    loaded: Loaded, engine: EngineConfig, render: RenderOptions, cache: ParseCache | None,
    findings: tuple[Finding, ...] = (), stale: tuple[Stale, ...] = (), plan: tuple[RulePlan, ...] = (),
    header_inputs: HeaderInputs | None = None,
) -> RenderContext:
    """The renderers' context. Without findings it still answers every
    question about pages and URLs (which pages exist, the nav), which
    depends on the model alone: the plugin plans the site with it before
    the rules have run."""
    dot = dot_identity()
    return RenderContext(
        model=loaded.model,
        findings=findings,
        output_dir=render.output_dir.strip("/"),
        use_directory_urls=render.use_directory_urls,
        as_of=engine.as_of,
        dot_available=render.dot_available,
        options={"dag_max_nodes": render.dag_max_nodes, "dot_timeout": render.dot_timeout, "stale_baseline": stale},
        rule_plan=plan,
        docs_dir=render.docs_dir,
        excluded_docs=frozenset(render.excluded_docs),
        # A drawing depends on its DOT source and on which Graphviz draws it.
        memo=None if cache is None else (lambda kind, name, digest, compute: cache.lookup(kind, name, f"{digest}:{dot}", compute)),
        header_inputs=header_inputs,
    )


def check_stage(
    loaded: Loaded, engine: EngineConfig, render: RenderOptions, cache: ParseCache, progress: Progress = SILENT,
    *, incremental: bool = False,
) -> Checked:
    """Rules, then pages, each cached under the digest of its inputs.
    ``incremental`` (a process that checks the same repository again and
    again: ``mkdocs serve``) also keeps the per-packet rules' findings on
    each packet and each packet's header, so the next run judges and
    renders again only what changed."""
    started = time.perf_counter()
    model = link_cached(loaded.model, cache)
    loaded = replace(loaded, model=model)
    rules_key, render_key = _stage_keys(loaded, engine, render)
    progress.start("checking")
    memo = _packet_memo(cache) if incremental else None
    findings = tuple(cache.lookup("stage", "findings", rules_key, lambda: tuple(run_rules(model, engine, memo))))
    stale = stale_entries(findings, engine.baseline) if engine.baseline is not None else ()
    progress.done(f"checked the rules: {len(findings):,} findings")
    checked = time.perf_counter()

    plan = rule_plan(model, engine)
    context = render_context(loaded, engine, render, cache, findings, stale, plan, _header_inputs(loaded, cache) if incremental else None)
    progress.start("rendering pages")
    pages = cache.lookup("stage", "pages", render_key, lambda: generate_pages(context, progress))
    annotations = cache.lookup("stage", "annotations", render_key, lambda: generate_annotations(context, progress))
    if context.warnings:
        # A tool failed (a dot timeout may be passing): draw again next build
        # rather than keep the fallback, and warn again until it works.
        cache.forget("stage", "pages")
    progress.done(f"rendered {len(pages):,} pages and {len(annotations):,} packet headers")
    return Checked(
        findings, tuple(stale), plan, pages, annotations, tuple(context.warnings), checked - started, time.perf_counter() - checked,
        model.done_mappings,
    )


def _packet_memo(cache: ParseCache) -> PacketMemo:
    """Per-packet results kept in ``cache`` (in memory only) under what the
    packet is made from: its file's bytes, as the parse of the file is
    cached, and the lifecycle the board and registry gave it
    (:func:`.load.assemble.load_repo` builds a packet from nothing else)."""

    packet_keys: dict[str, str] = {}

    def memo(kind: str, packet: Packet, scope_key: str, compute: Callable[[], T]) -> T:
        packet_key = packet_keys.get(packet.file)
        if packet_key is None:
            parsed = cache.entries.get(("packet", packet.file))
            if parsed is None or packet.files:  # a folder packet is made from several files (contract, micro-tasks)
                return compute()
            packet_key = packet_keys[packet.file] = _digest(parsed[0], packet.lifecycle.value, packet.lifecycle_reason)
        return cache.lookup("per_packet", f"{kind} {packet.file}", f"{packet_key}:{scope_key}", compute)

    return memo


def _header_inputs(loaded: Loaded, cache: ParseCache) -> HeaderInputs:
    """What packet headers are made from, as digests (see
    :class:`.render.context.HeaderInputs`): the files the load read but
    the packets, and for each packet its parse, lifecycle and mapping. A
    packet's header shows the DONE_MEANS mapping of its id, which the last
    file with that id made (:func:`.load.link.link`)."""
    files = {packet.file for packet in loaded.model.packets}
    others = [(kind, name) for kind, name in loaded.input_keys if name not in files and kind not in cache.MEMORY_ONLY]
    return HeaderInputs(cache.inputs_digest(keys=others), _packet_digests(loaded.model, cache))


def _packet_digests(model: GovernanceModel, cache: ParseCache) -> dict[str, str]:
    """Packet file -> a digest of what its entry of ``model.json`` and its
    header are made from: the file's bytes, the lifecycle the board gave
    it, and the mapping of its id (made from the bytes of the spec and of
    the last file with that id, see :func:`.load.link.link`). Packets whose
    parse or mapping is not in ``cache`` have none."""
    mapped_from = {packet.id: packet.file for packet in model.packets}
    digests: dict[str, str] = {}
    for packet in model.packets:
        parsed = cache.entries.get(("packet", packet.file))
        mapping = cache.entries.get(("done_mappings", mapped_from[packet.id]))
        if parsed is not None and mapping is not None:
            digests[packet.file] = _digest(parsed[0], mapping[0], packet.lifecycle.value, packet.lifecycle_reason)
    return digests


def _stage_keys(loaded: Loaded, engine: EngineConfig, render: RenderOptions) -> tuple[str, str]:
    """The digests the findings and the pages are cached under."""
    rules_key = _digest(loaded.inputs_digest, repr(engine))
    return rules_key, _digest(rules_key, repr(render), engine.as_of.isoformat(), dot_identity())


def check_is_cached(loaded: Loaded, engine: EngineConfig, render: RenderOptions, cache: ParseCache) -> bool:
    """Whether :func:`check_stage` would only read the cache (nothing
    changed since the build that stored it): then it is not worth a
    second process."""
    rules_key, render_key = _stage_keys(loaded, engine, render)
    wanted = {("stage", "findings"): rules_key, ("stage", "pages"): render_key, ("stage", "annotations"): render_key}
    return all(cache.entries.get(key, ("",))[0] == digest for key, digest in wanted.items())


def governance_of(loaded: Loaded, checked: Checked, engine: EngineConfig, render: RenderOptions, cache: ParseCache | None) -> Governance:
    loaded = replace(loaded, model=replace(loaded.model, done_mappings=checked.mappings))
    context = render_context(loaded, engine, render, cache, checked.findings, checked.stale, checked.rule_plan)
    return Governance(
        loaded.model, checked.findings, context, checked.pages, checked.annotations, loaded.inputs_digest,
        loaded.load_seconds, checked.rules_seconds, checked.render_seconds, loaded.cache_hits, loaded.cache_misses,
        checked.warnings, checked.stale,
    )


def convert_page(src_uri: str, markdown: str, cache: ParseCache, *, permalink: str | None = None, permalink_title: str = "Permanent link") -> RenderedPage:
    """A generated page as HTML, cached under the hash of its markdown and
    the heading options."""
    digest = _digest(str(permalink), permalink_title, markdown)
    return cache.lookup("page_html", src_uri, digest, lambda: to_html(markdown, permalink=permalink, permalink_title=permalink_title))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


#: The name of ``model.json`` in the site and of its copy in the cache folder.
MODEL_JSON = "model.json"


def write_model_json(governance: Governance, root_label: str, target: Path, keep_in: Path | None, cache: ParseCache | None = None) -> str:
    """Write ``model.json`` to ``target``, streamed (:func:`.report.export.write_model`).

    ``model.json`` depends on the input files and the code alone; with a
    cache folder (``keep_in``) a copy is kept there under that digest, so a
    build in which no governance file changed copies a file instead of
    encoding the model again (0.6 s at 1,000 packets, every warm build and
    every serve rebuild). A folder that cannot be written only loses that.
    Returns why a kept copy was not used when it was damaged or foreign
    (empty otherwise), for the caller's one line in the log."""
    digest = _digest(governance.inputs_digest, root_label, code_fingerprint())
    note = ""
    if keep_in is not None:
        reason = copy_kept(keep_in, MODEL_JSON, digest, target)
        if reason is None:
            return ""
        note = reason
    with target.open("w", encoding="utf-8") as stream:
        if cache is None:
            write_model(governance.model, root_label, stream)
        else:
            write_model(governance.model, root_label, stream, _packet_text(governance.model, cache), _spec_text(governance.model, cache))
    if keep_in is not None:
        keep(keep_in, MODEL_JSON, digest, target)
    return note


def _spec_text(model: GovernanceModel, cache: ParseCache) -> Callable[[], str]:
    """The spec's ``model.json`` entry, kept in ``cache`` (in memory only)
    under the spec file's bytes."""
    parsed = cache.entries.get(("spec", model.spec.file)) if model.spec else None
    if parsed is None:
        return lambda: spec_json(model)
    return lambda: cache.lookup("spec_json", model.spec.file, parsed[0], lambda: spec_json(model))  # type: ignore[union-attr]


def _packet_text(model: GovernanceModel, cache: ParseCache) -> Callable[[Packet], str]:
    """A packet's ``model.json`` entry, kept in ``cache`` (in memory only)
    under what it is made from (:func:`_packet_digests`)."""
    digests = _packet_digests(model, cache)

    def text(packet: Packet) -> str:
        key = digests.get(packet.file)
        if key is None:
            return packet_json(model, packet)
        return cache.lookup("packet_json", packet.file, key, lambda: packet_json(model, packet))

    return text


@dataclass(frozen=True)
class ChildResult:
    """What :func:`check_and_write` sends as soon as the rules and pages
    are done."""

    checked: Checked
    #: Cache entries the child computed (findings, pages, their HTML, drawings).
    computed: dict[tuple[str, str], tuple[str, object]]
    #: Every key the child looked up, reused ones included.
    used: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class ChildWrites:
    """What the child says when it has written its files."""

    #: The keys of the cache file the child wrote; None when it wrote none.
    stored: tuple[tuple[str, str], ...] | None
    model_written: bool
    #: How many packet redirects it wrote; -1 when it could not write them.
    redirects: int = -1
    #: Why the kept model.json was not used, when it was damaged or foreign.
    model_note: str = ""


def check_and_write(
    loaded: Loaded, engine: EngineConfig, options: RenderOptions, cache: ParseCache, *,
    convert: Callable[[Mapping[str, str], Mapping[str, str], ParseCache], None],
    root_label: str, cache_dir: Path | None, target: Path, site_dir: Path,
) -> ChildWrites:
    """The work of a build's second process (the MkDocs plugin starts it
    with :func:`.runtime.parallel.start`): the rules and the pages, with
    their HTML (``convert``, the plugin's conversion) so that the cache
    written below holds it; what it made is sent to the parent at once,
    then ``model.json``, the packet redirects and the cache are written
    while MkDocs converts the user's pages."""
    cache.journal = []
    with fewer_collections():
        checked = check_stage(loaded, engine, options, cache)
        # Their HTML now, so that the cache written below holds it.
        convert(checked.pages, checked.annotations, cache)
    # The parent may be waiting for a page: send before writing files.
    parallel.send(ChildResult(checked, cache.take_journal(), frozenset(cache.used)))
    governance = governance_of(loaded, checked, engine, options, cache)
    model_note = ""
    try:
        model_note = write_model_json(governance, root_label, target, cache_dir)
        model_written = True
    except OSError:
        model_written = False  # the parent writes it and reports why it cannot
    # MkDocs emptied the site folder before on_files and writes no
    # page at these paths, so they can be written while it builds.
    try:
        redirects = write_redirects(governance.context, site_dir)
    except OSError:
        redirects = -1  # the parent writes them and reports why it cannot
    stored = None
    if cache_dir is not None and not cache.persist(cache_dir):
        stored = tuple(cache.stored)  # the file holds exactly these now
    return ChildWrites(stored, model_written, redirects, model_note)


def write_redirects(context: RenderContext, site_dir: Path) -> int:
    """Write the ``packets/<id>/`` redirect of every packet that is its own
    docs page into ``site_dir`` (never outside it); returns how many."""
    written = 0
    for path, text in redirect_pages(context).items():
        target = (site_dir / path).resolve()
        if not target.is_relative_to(site_dir):
            continue  # a packet id with "../" in it: never write outside the site
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += 1
    return written
