"""MkDocs wiring. Nothing here parses, checks or renders: each event hands
work to the plain-Python stages (load -> rules -> render) and passes their
results back to MkDocs.

* ``on_config``: resolve and check paths and options.
* ``on_files``: restore the disk cache once, load the model
  (:func:`.pipeline.load_stage`, parsing in two processes where that is safe)
  and add the generated pages and their nav section, which depend on the
  model alone (:func:`.render.site.page_paths`). In a build the rules, pages,
  their HTML and the writes of ``model.json`` and the cache then run in a
  forked child (:meth:`HandshakePlugin._check_in_child`) while MkDocs
  converts the user's pages; ``serve``, one-CPU machines and builds in which
  nothing changed run :func:`.pipeline.check_stage` here instead.
* ``on_page_read_source``: hand MkDocs the markdown of the generated pages
  (waiting for the child's results the first time) and the repaired text of
  pages that are not valid UTF-8, so a damaged packet does not crash the build.
* ``on_page_markdown`` / ``on_page_content``: the generated pages are
  converted by :mod:`.render.html` (markdown-it-py), not by Python-Markdown;
  MkDocs gets an empty document to convert and our HTML and table of
  contents in its place. A packet file that is itself a docs page gets a
  slot under its title for the governance header, instead of a second page.
* ``on_post_page``: fill that slot with the packet's header.
* ``on_post_build``: collect the child, write what it did not
  (``model.json``, the cache), ``findings.json`` and the ``packets/<id>/``
  redirects (not under serve), and fail the build when ``fail_on`` says so.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data as get_markdown_meta

from .cache import disk as disk_cache
from .runtime import parallel
from .runtime.collector import fewer_collections
from .options.config import HandshakeConfig
from .rules.engine import summarize
from .report.build_log import log_findings
from .report.export import dumps, findings_document
from .findings.finding import Finding
from .repository.layout import Layout
from .load.parse_cache import ParseCache
from .model.governance import GovernanceModel
from .options.settings import OptionError, resolve as resolve_options
from .mkdocs_site import docs_dir_in, docs_relative, drop_outside_links, nav_mentions, repaired_text, theme_folders
from .pipeline import (
    Checked, ChildResult, ChildWrites, Governance, Loaded, RenderOptions, check_and_write, check_is_cached, check_stage, convert_page,
    governance_of, load_stage, render_context, write_model_json, write_redirects,
)
from .runtime.progress import Progress
from .render.dot_program import dot_missing_message
from .render.docs_pages import ANNOTATION_SLOT, annotated, too_large_page
from .render.context import RenderContext
from .model.page import RenderedPage
from .load.watched import watched_paths
from .render.site import annotated_pages, extra_files, nav_entries, page_paths, redirect_paths
from .repository.source import SourceText

log = get_plugin_logger(__name__.rsplit(".", 1)[0].replace("mkdocs_", ""))


PAGE_EVENTS = ("on_page_read_source", "on_page_markdown", "on_page_content", "on_post_page")


def _own_time(event: Callable[..., Any]) -> Callable[..., Any]:
    """Count the handler's time in the build's account of the plugin's own
    part, which the build logs at debug level when it ends."""

    @functools.wraps(event)
    def timed(self: HandshakePlugin, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return event(self, *args, **kwargs)
        finally:
            self.own_seconds[event.__name__] = self.own_seconds.get(event.__name__, 0.0) + time.perf_counter() - started

    return timed


class HandshakePlugin(BasePlugin[HandshakeConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache = ParseCache()
        self.command = "build"
        self.model: GovernanceModel | None = None
        self.findings: list[Finding] = []
        self.layout: Layout | None = None
        self.cache_dir: Path | None = None
        self.governance: Governance | None = None
        self.cache_restored = False
        #: src_uri -> markdown of every page generated in this build.
        self.generated: dict[str, str] = {}
        #: src_uri -> header markdown of every packet file that is a docs page.
        self.annotations: dict[str, str] = {}
        #: src_uri -> the conversion on_page_content hands MkDocs.
        self.page_html: dict[str, RenderedPage] = {}
        self.permalink: str | None = None
        #: Progress of MkDocs' own page building and of the final writes.
        self.page_progress = Progress(log.info)
        self.pages_done = 0
        #: What the last build of this ``mkdocs serve`` session logged (see
        #: :func:`.report.build_log.log_key`); None before its first build.
        self.logged: Counter[tuple[object, ...]] | None = None
        self.pages_total = 0
        self.permalink_title = "Permanent link"
        #: ``output_dir`` as checked and normalised by on_config.
        self.output_dir = "governance"
        #: The rules and pages running in a second process (see on_files).
        self.checking: parallel.Pending | None = None
        self.loaded: Loaded | None = None
        self.render_options = RenderOptions()
        #: Generated pages and annotated packet pages of this build, known
        #: from the model before their content is.
        self.planned: frozenset[str] = frozenset()
        self.annotated: frozenset[str] = frozenset()
        self.model_written = False
        #: Seconds spent in each event handler during this build (see _own_time).
        self.own_seconds: dict[str, float] = {}
        #: Packet redirects the check child wrote; -1 when it wrote none.
        self.redirects_written = -1

    # -- configuration -------------------------------------------------
    def load_config(self, options: dict[str, Any], config_file_path: str | None = None):  # type: ignore[override]
        """Unknown option names are errors here, not MkDocs' default warning:
        a misspelt ``packet:`` would otherwise silently validate nothing."""
        errors, warnings = super().load_config(options, config_file_path)
        kept = []
        for key, message in warnings:
            if "Unrecognised configuration name" in str(message):
                errors.append((key, f"unknown option {key!r} for the handshake plugin"))
            else:
                kept.append((key, message))
        return errors, kept

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    @_own_time
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.own_seconds = {}  # a new build (serve loads the config before each)
        if not self.config.enabled:
            return config
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            settings = resolve_options(
                dict(self.config), base=base, config_file=Path(config.config_file_path) if config.config_file_path else None,
                reserved_folders=tuple(theme_folders(config)), search_excludes=(str(Path(config.site_dir).resolve()),),
            )
        except OptionError as error:
            raise PluginError(f"handshake: {error}") from None
        self.layout = settings.layout
        self.cache_dir = settings.cache_dir
        self.engine_config = settings.engine
        self.output_dir = self.config.output_dir.strip("/")
        if not self.config.as_of:
            log.info("governance: judging dates as of %s: %s (set 'as_of' to choose)", settings.engine.as_of.isoformat(), settings.as_of_reason)
        # Headings of generated pages get the same permalink anchors as the
        # user's own pages when the toc extension is configured with them.
        toc_options = (config.mdx_configs or {}).get("toc", {}) if "toc" in config.markdown_extensions else {}
        permalink = toc_options.get("permalink")
        self.permalink = None if not permalink else ("¶" if permalink is True else str(permalink))
        self.permalink_title = str(toc_options.get("permalink_title", "Permanent link"))
        return config

    # -- the pipeline --------------------------------------------------
    @_own_time
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.layout is None:
            return files
        started = time.perf_counter()
        assert self.layout is not None
        drop_outside_links(files, config, self.layout.root, log)
        if self.cache_dir is not None and not self.cache_restored:
            reason = self.cache.restore(self.cache_dir)
            self.cache_restored = True
            if reason and not disk_cache.is_missing(reason):
                # A foreign or damaged file costs only time: one line, not a warning.
                log.info("governance: ignoring the parse cache: %s; parsing from scratch and rewriting it", reason)
            elif reason:
                log.debug("governance: parsing from scratch: %s", reason)
        options = self._render_options(files, config)
        with fewer_collections():
            loaded = load_stage(self.layout, self.cache, Progress(log.info))
        self.loaded, self.render_options = loaded, options
        self.model, self.governance, self.model_written, self.redirects_written = loaded.model, None, False, -1
        self.generated, self.annotations, self.page_html = {}, {}, {}
        # Which pages exist depends on the model alone: plan them now, and
        # let the rules and pages run in a second process while MkDocs
        # converts the user's pages (a build, not serve: see .parallel).
        plan = render_context(loaded, self.engine_config, options, None)
        self.planned = frozenset(page_paths(plan))
        self.annotated = annotated_pages(plan)
        assets = extra_files(plan)
        self._refuse_replacing(files, config, plan, self.planned | set(assets))
        parallel_check = self.command != "serve" and not check_is_cached(loaded, self.engine_config, options, self.cache)
        self.checking = self._check_in_child(config) if parallel_check else None
        if self.checking is None:
            self._check_here()
        per_page = (plan.page_path("packets/"), plan.page_path("spec/"))
        for path in sorted(self.planned | set(assets)):
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)  # another build's generated file (_refuse_replacing keeps the user's)
            # With nav_packets off, packet and chapter pages are built but
            # left out of the (automatic) nav, without MkDocs' "not in nav" note.
            hidden = not self.config.nav_packets and path.startswith(per_page)
            # A page's markdown is handed over in on_page_read_source when it
            # is still being made.
            content = assets.get(path, self.generated.get(path, ""))
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV if hidden else InclusionLevel.UNDEFINED))
        for path in sorted(assets):
            if path.endswith(".css") and path not in config.extra_css:
                config.extra_css.append(path)
            elif path.endswith(".js") and path not in [str(script) for script in config.extra_javascript]:
                config.extra_javascript.append(path)
        if config.nav is not None and not nav_mentions(config.nav, plan.page_path("index.md")):
            # An explicit nav would hide the generated pages; give them their
            # own section at the end. (An automatic nav lists them already.)
            config.nav.append({"Governance": nav_entries(plan, per_page=self.config.nav_packets)})
        self.pages_done = 0
        self.pages_total = len(files.documentation_pages())
        self.page_progress.start("MkDocs building pages")
        if self.governance is not None:
            log.debug(
                "governance: load %.3fs (cache %d hits, %d misses), rules %.3fs, render %.3fs, plugin total %.3fs",
                loaded.load_seconds, loaded.cache_hits, loaded.cache_misses, self.governance.rules_seconds,
                self.governance.render_seconds, time.perf_counter() - started,
            )
        else:
            log.debug(
                "governance: load %.3fs (cache %d hits, %d misses), rules and render in a second process, on_files %.3fs",
                loaded.load_seconds, loaded.cache_hits, loaded.cache_misses, time.perf_counter() - started,
            )
        return files

    def _refuse_replacing(self, files: Files, config: MkDocsConfig, plan: RenderContext, generated: frozenset[str]) -> None:
        """Never replace what the user wrote: a generated page at the path of
        one of their files, or a packet redirect where MkDocs writes one of
        their pages (which of the two would land last is not fixed while a
        second process writes the redirects), stops the build with one
        line naming both."""
        for path in sorted(generated):
            existing = files.get_file_from_path(path)
            if existing is not None and not existing.generated_by:
                raise PluginError(
                    f"handshake: the generated page {path} would replace your file {docs_relative(existing, config)}; "
                    f"move that file or set the option 'output_dir' to another folder"
                )
        redirects = set(redirect_paths(plan))
        for file in sorted(files, key=lambda file: file.src_uri):
            if not file.generated_by and file.dest_uri in redirects:
                raise PluginError(
                    f"handshake: the packet redirect {file.dest_uri} would replace the page built from your file "
                    f"{docs_relative(file, config)}; move that file or set the option 'output_dir' to another folder"
                )

    def _render_options(self, files: Files, config: MkDocsConfig) -> RenderOptions:
        assert self.layout is not None
        return RenderOptions(
            self.output_dir, config.use_directory_urls, self._dot_available(), self.config.dag_max_nodes,
            dot_timeout=float(self.config.dot_timeout),
            docs_dir=docs_dir_in(self.layout.root, config.docs_dir),
            excluded_docs=tuple(sorted(f.src_uri for f in files if f.src_uri.endswith(".md") and f.inclusion.is_excluded())),
        )

    def _check_here(self) -> None:
        """Rules and pages in this process (serve, one CPU, or a failed child)."""
        assert self.loaded is not None
        with fewer_collections():
            checked = check_stage(
                self.loaded, self.engine_config, self.render_options, self.cache, Progress(log.info), incremental=self.command == "serve",
            )
        self._take(checked)

    def _check_in_child(self, config: MkDocsConfig) -> parallel.Pending | None:
        """Start the rules, the pages, their HTML and the writes of
        ``model.json`` and the cache in a child (:func:`.parallel.start`).
        It sends back what it made and the cache entries it computed
        (:func:`.pipeline.check_and_write`); :meth:`_collect` takes them
        when a page first needs them."""
        loaded, engine, options, cache = self.loaded, self.engine_config, self.render_options, self.cache
        root_label, cache_dir, target = self.config.root, self.cache_dir, self._output_folder(config) / "model.json"
        convert = functools.partial(convert_generated, permalink=self.permalink, permalink_title=self.permalink_title)
        site_dir = Path(config.site_dir).resolve()
        return parallel.start(functools.partial(
            check_and_write, loaded, engine, options, cache, convert=convert, root_label=root_label, cache_dir=cache_dir, target=target, site_dir=site_dir,
        ))

    def _collect(self) -> None:
        """Take the child's rules and pages (once), waiting for them; compute
        them here when it failed."""
        if self.governance is not None:
            return
        finished, result = self.checking.first() if self.checking is not None else (False, None)
        if not finished or not isinstance(result, ChildResult):
            if self.checking is not None:
                log.debug("governance: the second process sent no result; checking in this process")
                self.checking.finish()
                self.checking = None
            self._check_here()
            return
        log.debug("governance: rules %.3fs, render %.3fs in the second process", result.checked.rules_seconds, result.checked.render_seconds)
        self.cache.adopt(result.computed)
        self.cache.used |= result.used  # what the child reused belongs to this build too
        self._take(result.checked)

    def _finish_child(self) -> None:
        """Wait for the child's writes of model.json and the cache."""
        checking, self.checking = self.checking, None
        if checking is None:
            return
        finished, result = checking.finish()
        if finished and isinstance(result, ChildWrites):
            self.model_written = result.model_written
            self.redirects_written = result.redirects
            _log_kept_model(result.model_note)
            if result.stored is not None:
                self.cache.mark_stored(result.stored)

    def _take(self, checked: Checked) -> None:
        assert self.loaded is not None
        governance = governance_of(self.loaded, checked, self.engine_config, self.render_options, self.cache)
        for warning in governance.warnings:
            log.warning(warning)
        self.governance = governance
        self.findings = list(governance.findings)
        self.generated = dict(governance.pages)
        self.annotations = dict(governance.annotations)
        self._log_findings()

    def _log_findings(self) -> None:
        """Every finding, then the summary (:func:`.report.build_log.log_findings`);
        a ``mkdocs serve`` rebuild logs only what is new since the
        session's previous build."""
        previous = self.logged if self.command == "serve" else None
        now = log_findings(log, self.findings, previous, self.config.baseline, self.governance.stale if self.governance else ())
        if self.command == "serve":
            self.logged = now

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """``mkdocs serve`` watches ``docs_dir`` only; the Master Spec (and
        any governance file) beside it would never trigger a rebuild."""
        if not self.config.enabled or self.layout is None:
            return server
        for path in watched_paths(self.layout, self.model, Path(config.docs_dir)):
            server.watch(str(path))
        return server

    @_own_time
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Serve the repaired text of damaged pages (PARSE-002 reports them),
        and the markdown of generated pages made after on_files."""
        if self.config.enabled and page.file.src_uri in self.planned:
            self._collect()
            return self.generated.get(page.file.src_uri)
        path = page.file.abs_src_path
        if not self.config.enabled or not path:
            return None
        try:
            size = Path(path).stat().st_size
            limit = int(self.config.max_file_mb * 1024 * 1024)
            if size > limit:
                # A pasted log: MkDocs would spend minutes and gigabytes on it.
                log.info("%s is %.1f MB, larger than max_file_mb (%g MB): its page shows a note instead", page.file.src_uri, size / 1048576, self.config.max_file_mb)
                return too_large_page(page.file.src_uri, size, self.config.max_file_mb)
            data = Path(path).read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        loaded = self._loaded_source(Path(path), digest)
        if loaded is not None:
            # A governance file the loader decoded from these very bytes.
            return loaded.text if loaded.issues else None
        return self.cache.lookup("page_source", page.file.src_uri, digest, lambda: repaired_text(data, page.file.src_uri))

    def _loaded_source(self, path: Path, digest: str) -> SourceText | None:
        if self.layout is None:
            return None
        relative = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(self.layout.root))).as_posix()
        if relative.startswith("../"):
            return None
        entry = self.cache.entries.get(("source", relative))
        if entry is None or entry[0] != digest or not isinstance(entry[1], SourceText):
            return None
        return entry[1]

    @_own_time
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Convert a generated page here and hand Python-Markdown nothing to do."""
        if page.file.src_uri not in self.generated:
            return None
        rendered = convert_page(page.file.src_uri, markdown, self.cache, permalink=self.permalink, permalink_title=self.permalink_title)
        if rendered.title and "title" not in page.meta:
            page.meta["title"] = rendered.title
        self.page_html[page.file.src_uri] = rendered
        return ""

    @_own_time
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            self.pages_done += 1
            self.page_progress.tick(self.pages_done, self.pages_total)
        if page.file.src_uri in self.annotated:
            # Only a slot now: the header is filled in on_post_page, so the
            # rules may still be running (in the second process) while
            # MkDocs converts the packet pages.
            return annotated(html, ANNOTATION_SLOT)
        # Taken, not kept: the HTML of every generated page would otherwise
        # stay in memory until the build ends.
        rendered = self.page_html.pop(page.file.src_uri, None)
        if rendered is None:
            return None
        page.toc = get_toc([entry.as_token() for entry in rendered.toc])
        return rendered.html

    @_own_time
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put the governance header of a packet page into its slot."""
        if not self.config.enabled or page.file.src_uri not in self.annotated:
            return None
        self._collect()
        header = self.annotations.get(page.file.src_uri)
        html = convert_page(page.file.src_uri + "#header", header, self.cache).html if header is not None else ""
        return output.replace(ANNOTATION_SLOT, html, 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        started = time.perf_counter()
        try:
            self._post_build(config)
        finally:
            self._log_own_time(time.perf_counter() - started)

    def _log_own_time(self, post_build: float) -> None:
        """The plugin's part of this build, at debug level: the time spent
        in its event handlers (what a ``mkdocs serve`` rebuild waits for)."""
        if not self.config.enabled or not self.own_seconds:
            return
        seconds = {**self.own_seconds, "on_post_build": post_build}
        pages = sum(seconds.get(name, 0.0) for name in PAGE_EVENTS)
        log.debug(
            "governance: the plugin's part of this build: %.3fs (on_config %.3fs, on_files %.3fs, page events %.3fs, on_post_build %.3fs)",
            sum(seconds.values()), seconds.get("on_config", 0.0), seconds.get("on_files", 0.0), pages, post_build,
        )

    def _post_build(self, config: MkDocsConfig) -> None:
        if self.config.enabled and self.loaded is not None:
            self._collect()  # a site whose pages never asked for the results
            self._finish_child()
        if not self.config.enabled or self.governance is None:
            return
        self.page_progress.done(f"MkDocs built {self.pages_done:,} pages")
        self.page_progress.start("writing")
        site_dir = Path(config.site_dir).resolve()
        out = self._output_folder(config)
        here = ["findings.json"]
        if not self.model_written:
            _log_kept_model(write_model_json(self.governance, self.config.root, out / "model.json", self.cache_dir, self.cache if self.command == "serve" else None))
            here.insert(0, "model.json")
        # The promised packets/<id>/ URL of a packet that is its own docs page
        # (written by the check child while MkDocs built the pages, if any).
        # Not under serve: no link of the site uses them, serve empties its
        # site folder before every rebuild, and writing 1,000 folders took
        # 0.15-0.55 s of every rebuild on a CI machine's disk.
        redirects = self.redirects_written
        if redirects < 0 and self.command != "serve":
            redirects = write_redirects(self.governance.context, site_dir)
            here.append(f"{redirects:,} packet redirects")
        document = findings_document(
            self.model, self.findings, self.governance.context.as_of, self.governance.context.rule_plan,
            baseline=self.config.baseline or None, stale=self.governance.stale,
        )
        (out / "findings.json").write_text(dumps(document), encoding="utf-8")
        ahead = (["model.json"] if self.model_written else []) + ([f"{redirects:,} packet redirects"] if self.redirects_written >= 0 else [])
        self.page_progress.done(
            f"wrote {_listed(here)}" + (f" ({_listed(ahead)} written while MkDocs built the pages)" if ahead else "")
        )
        if self.command != "serve":
            # serve keeps the cache in memory between rebuilds and stores it
            # once, when it stops: storing it after every rebuild was a third
            # of the plugin's part of a rebuild.
            self._persist_cache()  # nothing to do when the child wrote it
        summary = summarize(self.findings)
        if self.command != "serve":
            self._release()
        fail_on = self.config.fail_on
        if config.strict and fail_on == "error":
            # --strict promises that warnings fail the build. MkDocs counts
            # logged warnings for that, but `-q` drops them before they are
            # counted, so the plugin enforces it itself.
            fail_on = "warning"
        failing = {"error": summary["error"], "warning": summary["error"] + summary["warning"], "never": 0}[fail_on]
        if failing and self.command != "serve":
            raise PluginError(
                f"handshake: governance check failed: {summary['error']} error(s), {summary['warning']} warning(s) "
                f"(fail_on: {fail_on}); see {self.output_dir}/findings/ in the built site"
            )

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no child behind."""
        checking, self.checking = self.checking, None
        if checking is not None:
            checking.finish()

    def on_shutdown(self) -> None:
        if self.command == "serve" and self.config.enabled and self.governance is not None:
            self._persist_cache()

    def _release(self) -> None:
        """The build is over (not serve, which rebuilds from this memory):
        let go of the model, the pages and the parse cache now. Left for
        the interpreter's shutdown to free, they cost 1.7 s of exit time at
        1,000 packets; dropped here, 0.1 s."""
        self.cache = ParseCache()
        self.cache_restored = False
        self.model = self.governance = self.loaded = None
        self.generated, self.annotations, self.page_html = {}, {}, {}

    def _persist_cache(self) -> None:
        if self.cache_dir is not None:
            error = self.cache.persist(self.cache_dir)
            if error:
                # Not a warning: a read-only checkout must still pass --strict.
                log.info("governance: %s", error)

    def _output_folder(self, config: MkDocsConfig) -> Path:
        site_dir = Path(config.site_dir).resolve()
        out = (site_dir / self.output_dir).resolve()
        if not out.is_relative_to(site_dir):  # on_config refuses such an output_dir; a symlink could still lead out
            raise PluginError(f"handshake: {out} is outside the site folder {site_dir}; model.json and findings.json are not written there")
        out.mkdir(parents=True, exist_ok=True)
        return out

    def _dot_available(self) -> bool:
        """Whether Graphviz's ``dot`` is on PATH; says so once per process."""
        available = shutil.which("dot") is not None
        if not available and not getattr(self, "_dot_warned", False):
            log.warning(dot_missing_message())
            self._dot_warned = True
        return available


def _listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _log_kept_model(note: str) -> None:
    # Like a damaged parse cache: it costs only time, so one line, not a warning.
    if note:
        log.info("governance: ignoring the kept model.json: %s; writing it anew", note)


def convert_generated(
    pages: Mapping[str, str], annotations: Mapping[str, str], cache: ParseCache, permalink: str | None, permalink_title: str,
) -> None:
    """Convert the generated pages and packet headers into the cache,
    exactly as on_page_markdown and on_post_page will ask for them, so
    that a cache written before those events holds their HTML."""
    for path, content in pages.items():
        markdown, _meta = get_markdown_meta(content)
        convert_page(path, markdown, cache, permalink=permalink, permalink_title=permalink_title)
    for path, header in annotations.items():
        convert_page(path + "#header", header, cache)
