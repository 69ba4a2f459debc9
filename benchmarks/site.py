"""What does the plugin add to an ``mkdocs build``?

(a) A plain ``mkdocs build`` (theme material, plugin search) of the corpus'
    docs/ (``--docs-dir``: another folder, such as the June 2026 layout's
    .GOV/) with a Master Spec file that lies outside it copied in as an
    ordinary page. Plain MkDocs
    cannot read the packets that are not valid UTF-8, so every such file is
    replaced by its repaired text (``source.decode(...).text``) first.
(b) The same docs with the handshake plugin on (``fail_on: never``, root =
    the copy), generating all governance pages. Measured twice:
    cold  - the plugin's disk cache (``.cache/plugin/handshake``) is deleted
            before every run, as in a CI job that does not keep it; the run
            parses everything and writes the cache;
    warm  - the cache left by the previous run is there and nothing changed,
            as in a second local build or a CI job that restores ``.cache``;
    edit  - the cache is there and one packet changed since the run that
            wrote it (a comment appended before each run), as in a CI job
            for a commit that edits a packet.

Each build runs in its own ``python -m mkdocs build -q`` subprocess (with
bytecode caching on, see :func:`child_environment`); wall time is
``perf_counter`` around it and peak memory is the child's own ``ru_maxrss``
from ``os.wait4``. The issue's bound: (b)/(a) < 1.5; both the
cold and the warm ratio are checked against it.

Then (b) is built once more in-process under cProfile, in one process
(``HANDSHAKE_PROCESSES=1``, so the profile sees all of the plugin's work), and the plugin's
share is broken down: load, rules, page rendering per page kind, and the
time MkDocs itself spends converting and templating the generated pages.

This file is named after its subject, not the standard ``site`` module;
Python imports that one before this folder joins ``sys.path``, so there is
no clash when it is run as ``python benchmarks/site.py``.

Usage: python benchmarks/site.py [--corpus PATH] [--docs-dir DIR] [--as-of DATE] [--repeat N] [--keep] [--no-profile]
"""

from __future__ import annotations

import cProfile
import importlib
import itertools
import logging
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from _common import CORPUS_AS_OF, add_docs_dir, base_arguments, check_corpus, child_environment, ms, table, verdict

from mkdocs_handshake.repository.discover import discover_layout
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.spec_files import find_spec_file
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.parse.spec_pointer import parse_spec_pointer
from mkdocs_handshake.repository.source import decode

BOUND = 1.5
OUTPUT_DIR = "governance"
CACHE_DIR = ".cache/plugin/handshake"


@dataclass(frozen=True)
class Build:
    seconds: float
    peak_mb: float


@dataclass(frozen=True)
class BuildStats:
    median: float
    low: float
    high: float
    peak_mb: float


def make_writable(folder: Path) -> None:
    """The corpus is read-only; its copy must not be."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200 | (0o100 if path.is_dir() else 0))


def current_spec(root: Path) -> str | None:
    """The spec file a markdown SPEC_CURRENT names, resolved like the loader
    does; None for a JSON SPEC_CURRENT (its bundle of modules lives in the
    governance folder already) or a pointer that names no single file."""
    layout, _ = discover_layout(Layout(root))
    src = decode((root / layout.spec_current).read_bytes(), layout.spec_current)
    pointer, _ = parse_spec_pointer(src)
    names = pointer.distinct_spec_names() if pointer is not None and pointer.format != "json" else ()
    if len(names) != 1:
        return None
    return find_spec_file(layout, names[0][0], layout.spec_current)


def edited_file(root: Path) -> Path:
    """The markdown file of the first packet (by id) that has one: the edit
    scenario's change. A packet's markdown (a flat packet, or a contract's
    projection) can take an appended comment without breaking its format."""
    model = load_repo(Layout(root))
    for packet in sorted(model.packets, key=lambda found: found.id):
        for name in [packet.file, *(part.path for part in packet.files)]:
            if name.endswith(".md"):
                return root / name
    sys.exit(f"no packet with a markdown file in {root}: nothing for the edit scenario to change")


def prepare(corpus: Path, work: Path, as_of: str = CORPUS_AS_OF, docs_dir: str = "docs") -> tuple[Path, list[str], str | None]:
    """Copy the corpus, repair the files plain MkDocs cannot decode, copy a
    spec file that lies outside ``docs_dir`` into it, and write both
    configurations. Returns the copy's root, the repaired files and the
    spec's path inside ``docs_dir``."""
    root = work / "repo"
    shutil.copytree(corpus, root)
    make_writable(root)
    repaired: list[str] = []
    spec = current_spec(root)
    spec_page = None
    if spec:
        spec_page = spec if spec.startswith(f"{docs_dir}/") else f"{docs_dir}/{Path(spec).name}"
        if spec != spec_page:
            shutil.copyfile(root / spec, root / spec_page)
    for path in sorted((root / docs_dir).rglob("*.md")):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            relative = path.relative_to(root).as_posix()
            path.write_text(decode(data, relative).text, encoding="utf-8")
            repaired.append(relative)
    common = f"docs_dir: {docs_dir}\ntheme:\n  name: material\n"
    (root / "plain.yml").write_text(
        f"site_name: Handshake corpus (plain)\n{common}site_dir: {work / 'site-plain'}\nplugins:\n  - search\n", encoding="utf-8"
    )
    (root / "handshake.yml").write_text(
        f"site_name: Handshake corpus (handshake)\n{common}site_dir: {work / 'site-handshake'}\nplugins:\n  - search\n"
        f"  - handshake:\n      root: .\n      fail_on: never\n      as_of: \"{as_of}\"\n      output_dir: {OUTPUT_DIR}\n"
        f"      cache_dir: {CACHE_DIR}\n",
        encoding="utf-8",
    )
    return root, repaired, spec_page


_EDITS = itertools.count(1)


def build_once(root: Path, config: str, log: Path, *, cold: bool = False, edit: Path | None = None) -> Build:
    """One ``mkdocs build -q`` in a child process: wall time and the child's
    own peak RSS (``os.wait4`` reports the reaped child's rusage only).
    ``cold`` deletes the plugin's disk cache first, ``edit`` appends a new
    comment to that file first (neither is timed)."""
    if cold:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    if edit is not None:
        with edit.open("a", encoding="utf-8") as out:
            out.write(f"\n<!-- benchmark edit {next(_EDITS)} -->\n")
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], cwd=root, env=child_environment(log.parent), stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        sys.exit(f"mkdocs build -f {config} failed with exit code {child.returncode}:\n" + "\n".join(tail))
    return Build(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


SCENARIOS = ("plain", "cold", "warm", "edit")


def build_rounds(root: Path, work: Path, repeat: int, edited: Path) -> dict[str, BuildStats]:
    """``repeat`` rounds of plain, cold, warm, edit builds, after one
    warm-up round (imports, bytecode, file system cache). Interleaving the
    scenarios spreads the drift of a shared machine over all of them rather
    than charging it to whichever ran last; within a round, cold leaves the
    cache that warm reuses and edit invalidates one packet of."""
    runs: dict[str, list[Build]] = {name: [] for name in SCENARIOS}
    for round_number in range(max(1, repeat) + 1):
        for name in SCENARIOS:
            config = "plain.yml" if name == "plain" else "handshake.yml"
            build = build_once(root, config, work / f"{name}.log", cold=name == "cold", edit=edited if name == "edit" else None)
            if round_number:
                runs[name].append(build)
    stats = {}
    for name, builds in runs.items():
        seconds = [build.seconds for build in builds]
        stats[name] = BuildStats(statistics.median(seconds), min(seconds), max(seconds), statistics.median(build.peak_mb for build in builds))
    return stats


# --------------------------------------------------------------------------
# Where the plugin's time goes
# --------------------------------------------------------------------------

PLUGIN_FUNCTIONS = {
    "load_repo": "load (load_repo)",
    "run_rules": "rules (run_rules)",
    "render_overview": "render: overview",
    "render_traceability_page": "render: traceability",
    "render_findings_page": "render: findings",
    "render_dag_page": "render: dependency DAG",
    "render_phase_gate_page": "render: phase gate",
    "render_packet_page": "render: packet pages",
    "generate_annotations": "render: packet headers (packets that are docs pages)",
    "render_spec_chapter": "render: spec chapters",
    "on_page_read_source": "on_page_read_source (decode every page)",
    "on_post_build": "on_post_build (model.json, findings.json)",
    "on_files": "on_files total (load + rules + render + file list)",
}


def page_kind(src_uri: str) -> str:
    if not src_uri.startswith(f"{OUTPUT_DIR}/"):
        return "ordinary pages"
    rest = src_uri[len(OUTPUT_DIR) + 1:]
    if "/" in rest:
        return f"generated {rest.split('/', 1)[0]} pages"
    return f"generated {rest.removesuffix('.md')} page"


def timed_pages(module: object, name: str, stage: str, totals: dict[tuple[str, str], list[float]]) -> Callable[[], None]:
    """Wrap a per-page function of ``mkdocs.commands.build`` so its time is
    recorded by page kind; returns the function that undoes the wrapping."""
    original = getattr(module, name)

    def wrapper(page, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(page, *args, **kwargs)
        finally:
            totals[(stage, page_kind(page.file.src_uri))].append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    return lambda: setattr(module, name, original)


def profile_build(root: Path, config: str) -> tuple[float, pstats.Stats, dict[tuple[str, str], list[float]]]:
    """One in-process build of ``config`` under cProfile, per-page times kept."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    import mkdocs_handshake.plugin  # noqa: F401  (imported before profiling, like the page modules below)

    # Import the page modules here so their import time is not charged to
    # the profiled build.
    for module in ("findings_page", "overview", "packet_page", "spec_pages", "traceability_page", "dag", "phase_gate_page"):
        importlib.import_module(f"mkdocs_handshake.render.{module}")

    logging.getLogger("mkdocs").addHandler(logging.NullHandler())
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    totals: dict[tuple[str, str], list[float]] = defaultdict(list)
    undo = [timed_pages(mkdocs_build, "_populate_page", "markdown -> HTML", totals), timed_pages(mkdocs_build, "_build_page", "theme template", totals)]
    cwd = Path.cwd()
    os.chdir(root)
    # One process: cProfile sees only this one, and the breakdown would
    # otherwise charge the rules and pages (run in the plugin's second
    # process) to nothing.
    previous = os.environ.get("HANDSHAKE_PROCESSES")
    os.environ["HANDSHAKE_PROCESSES"] = "1"
    profiler = cProfile.Profile()
    try:
        loaded = load_config(config_file=config)
        loaded.plugins.on_startup(command="build", dirty=False)
        started = time.perf_counter()
        profiler.enable()
        try:
            mkdocs_build.build(loaded)
        finally:
            profiler.disable()
            loaded.plugins.on_shutdown()
        total = time.perf_counter() - started
    finally:
        os.chdir(cwd)
        for restore in undo:
            restore()
        if previous is None:
            os.environ.pop("HANDSHAKE_PROCESSES", None)
        else:
            os.environ["HANDSHAKE_PROCESSES"] = previous
    return total, pstats.Stats(profiler), totals


def cumulative_by_name(stats: pstats.Stats, package: str) -> dict[str, float]:
    """Cumulative seconds of each function of ``package``, by function name
    (the outermost call only: recursion is already folded in by cProfile)."""
    found: dict[str, float] = defaultdict(float)
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if package in filename.replace(os.sep, "/"):
            found[name] += cumulative
    return found


def print_breakdown(total: float, stats: pstats.Stats, pages: dict[tuple[str, str], list[float]], plain_total: float, plain_pages: dict[tuple[str, str], list[float]]) -> None:
    handshake = cumulative_by_name(stats, "mkdocs_handshake/")
    search = cumulative_by_name(stats, "/plugins/search/") or cumulative_by_name(stats, "mkdocs/contrib/search/")
    rows = [[label, ms(handshake[name]), f"{handshake[name] / total:.1%}"] for name, label in PLUGIN_FUNCTIONS.items() if name in handshake]
    print(f"in-process cold build of (b) under cProfile, in one process (HANDSHAKE_PROCESSES=1): {total:.2f} s (profiling inflates times; read the shares)")
    print()
    print("plugin stages (cumulative time of the plugin's own functions):")
    print(table(("stage", "time", "share"), rows))
    print()
    page_rows = []
    generated = 0.0
    for (stage, kind), samples in sorted(pages.items(), key=lambda item: (item[0][1] == "ordinary pages", -sum(item[1]), item[0])):
        spent = sum(samples)
        generated += spent if kind != "ordinary pages" else 0.0
        page_rows.append([f"{kind}: {stage}", str(len(samples)), ms(spent), f"{spent / total:.1%}"])
    print("MkDocs per page (markdown -> HTML is _populate_page, which for generated pages is the plugin's own markdown-it conversion; theme template is _build_page, with search indexing):")
    print(table(("pages", "count", "time", "share"), page_rows))
    print()
    search_post = search.get("on_post_build", 0.0)
    print(f"MkDocs on generated pages in all: {ms(generated)} ({generated / total:.1%}); search index written in on_post_build: {ms(search_post)} ({search_post / total:.1%})")
    ordinary_b = sum(sum(samples) for (_, kind), samples in pages.items() if kind == "ordinary pages")
    ordinary_a = sum(sum(samples) for (_, kind), samples in plain_pages.items() if kind == "ordinary pages")
    print(f"the same ordinary pages in (a) under cProfile: {ms(ordinary_a)}, in (b): {ms(ordinary_b)} (every page renders the nav, which the generated pages make longer)")
    added = handshake.get("on_files", 0.0) + handshake.get("on_page_read_source", 0.0) + handshake.get("on_post_build", 0.0) + generated
    print(f"profiled builds: (a) {plain_total:.2f} s, (b) {total:.2f} s, added {total - plain_total:.2f} s; "
          f"plugin events + MkDocs on generated pages account for {added:.2f} s of it")


def main() -> int:
    parser = base_arguments(__doc__.splitlines()[0], repeat=3)
    parser.add_argument("--keep", action="store_true", help="keep the copy and both built sites (their folder is printed)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile breakdown")
    parser.add_argument("--as-of", default=CORPUS_AS_OF, help="the plugin's as_of date (default: %(default)s, the reference corpus' day)")
    add_docs_dir(parser)
    args = parser.parse_args()
    corpus = check_corpus(args.corpus, args.docs_dir)
    work = Path(tempfile.mkdtemp(prefix="handshake-site-bench-"))
    try:
        root, repaired, spec_page = prepare(corpus, work, args.as_of, args.docs_dir)
        print(f"corpus: {corpus}")
        print(f"copy: {work if args.keep else 'a temporary folder'}; {len(repaired)} non-UTF-8 files repaired for plain MkDocs; spec page: {spec_page}")
        print(f"each build: python -m mkdocs build -q in a subprocess; 1 warm-up round, then the median of {args.repeat} rounds of plain, cold, warm, edit")
        print()
        edited_packet = edited_file(root)
        stats = build_rounds(root, work, args.repeat, edited_packet)
        plain, cold, warm, edit = (stats[name] for name in SCENARIOS)
        pages_plain = sum(1 for _ in (work / "site-plain").rglob("index.html"))
        # Not the packets/<id>/ redirect files: they are not pages.
        pages_plugin = sum(1 for path in (work / "site-handshake").rglob("index.html") if b'http-equiv="refresh"' not in path.read_bytes()[:400])
        rows = [
            ["(a) plain mkdocs (material, search)", f"{plain.median:.2f} s", f"{plain.low:.2f} s", f"{plain.high:.2f} s", f"{plain.peak_mb:.0f} MB", str(pages_plain)],
            *(
                [f"(b) with handshake plugin, {name} cache", f"{run.median:.2f} s", f"{run.low:.2f} s", f"{run.high:.2f} s", f"{run.peak_mb:.0f} MB", str(pages_plugin)]
                for name, run in (("cold", cold), ("warm", warm), ("edit", edit))
            ),
        ]
        print(table(("build", "median", "min", "max", "peak RSS", "html pages"), rows))
        print()
        print(f"edit: {edited_packet.relative_to(root)} gets a new comment before each run")
        for name, run in (("cold", cold), ("warm", warm), ("edit", edit)):
            ratio = run.median / plain.median
            print(f"(b {name})/(a) time   = {ratio:.2f}")
            print(f"(b {name})/(a) memory = {run.peak_mb / plain.peak_mb:.2f}")
            print(verdict(f"build time (b {name})/(a)", ratio, BOUND, strict=True))
        if not args.no_profile:
            print()
            plain_total, _, plain_pages = profile_build(root, "plain.yml")
            shutil.rmtree(root / CACHE_DIR, ignore_errors=True)  # profile the cold build: it shows every stage
            total, stats, pages = profile_build(root, "handshake.yml")
            print_breakdown(total, stats, pages, plain_total, plain_pages)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
