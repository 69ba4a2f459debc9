"""Shared plumbing for the benchmark scripts: paths, timing, table output.

The scripts are run as ``python benchmarks/NAME.py``, so this folder is on
``sys.path`` and the repository root is added here, which lets them run from
a plain checkout without installing the package.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "handshake-2025-12-27"
CORPUS_AS_OF = "2025-12-27"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

T = TypeVar("T")


def child_environment(work: Path, **extra: str) -> dict[str, str]:
    """A measured child's environment, with bytecode caching on as on a
    user's machine. Some sandboxes and CI images set PYTHONDONTWRITEBYTECODE;
    then every run recompiles whatever has no .pyc yet - an editable install
    of this plugin, for one (0.17 s a build here) - and a benchmark would
    charge that to whichever side imports more of it. The bytecode goes to
    a folder of its own under ``work`` (PYTHONPYCACHEPREFIX), filled by the
    warm-up round, so nothing is written beside the sources."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    environment.update(extra)
    return environment


def base_arguments(description: str, repeat: int = 5) -> argparse.ArgumentParser:
    """The flags every script shares: which corpus, how many timed runs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="governance repo to measure (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs per measurement; the median is reported (default: %(default)s)")
    return parser


def add_docs_dir(parser: argparse.ArgumentParser) -> None:
    """``--docs-dir``, for the scripts that build a site: the docs-era
    corpora keep their pages in ``docs/``, the June 2026 layout in ``.GOV/``."""
    parser.add_argument("--docs-dir", default="docs", help="the docs_dir of both builds, relative to the corpus (default: %(default)s; the June 2026 layout: .GOV)")


def check_corpus(corpus: Path, docs_dir: str = "docs") -> Path:
    """Resolve the corpus or stop with a message (exit 2) instead of a traceback."""
    resolved = corpus.resolve()
    if not (resolved / docs_dir).is_dir():
        sys.exit(f"corpus not found or has no {docs_dir}/ folder: {resolved}")
    return resolved


@dataclass(frozen=True)
class Timing:
    """Median and spread of ``repeat`` runs, in seconds; ``result`` is the
    value the last run returned, so callers can report sizes without paying
    for another run."""

    median: float
    low: float
    high: float
    runs: int
    result: object = None


def measure(work: Callable[[], T], repeat: int, setup: Callable[[], None] | None = None, warmup: bool = True) -> Timing:
    """Run ``work`` once to warm up (imports, parser construction, file
    system cache), then ``repeat`` times under ``time.perf_counter``.
    ``warmup=False`` skips that run when an earlier measurement already
    warmed the same code and a run is expensive.

    ``setup`` runs before every call, untimed: it clears caches that would
    otherwise make later runs cheaper than the first. The garbage collector
    is collected between runs so one run does not pay for another's garbage.
    """
    result: object = None
    if warmup:
        if setup:
            setup()
        result = work()
    samples: list[float] = []
    for _ in range(max(1, repeat)):
        if setup:
            setup()
        gc.collect()
        started = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - started)
    return Timing(statistics.median(samples), min(samples), max(samples), len(samples), result)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i]) for i, cell in enumerate(cells))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def timing_row(label: str, timing: Timing, extra: Sequence[str] = ()) -> list[str]:
    return [label, ms(timing.median), ms(timing.low), ms(timing.high), *extra]


TIMING_HEADERS = ("measurement", "median", "min", "max")


def verdict(name: str, value: float, bound: float, *, below: bool = True, strict: bool = False) -> str:
    """``PASS``/``FAIL`` line for a ratio against the bound the issue sets."""
    if below:
        ok = value < bound if strict else value <= bound
        relation = "<" if strict else "<="
    else:
        ok = value > bound if strict else value >= bound
        relation = ">" if strict else ">="
    return f"{'PASS' if ok else 'FAIL'}  {name} = {value:.2f} (required {relation} {bound:g})"
