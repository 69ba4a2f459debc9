"""The work per packet does not grow with the number of packets.

Counted, not timed: every line the package executes while it loads, checks
and renders a synthetic repo (``benchmarks/synthetic.py``) and converts the
generated pages, per function, for a small repo and one four times larger.
A function whose count grows more than four-fold (beyond a small slack for
the seeded random dependencies) does per-packet work that depends on the
number of packets - as the packet pages did when each one rebuilt the whole
dependency graph.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import mkdocs_handshake
from mkdocs_handshake.rules.engine import EngineConfig
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.pipeline import RenderOptions, run_pipeline
from mkdocs_handshake.render.html import to_html
from tests.fixtures.repo import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import synthetic  # noqa: E402

PACKAGE = str(Path(mkdocs_handshake.__file__).resolve().parent) + "/"
SMALL, FACTOR = 12, 4


def executed_lines(root: Path, as_of: Any) -> Counter[tuple[str, str]]:
    """(file, function) -> lines of the package executed for one cold build."""
    counts: Counter[tuple[str, str]] = Counter()

    def local(frame: FrameType, event: str, _arg: object) -> Any:
        if event == "line":
            counts[(frame.f_code.co_filename[len(PACKAGE):], frame.f_code.co_name)] += 1
        return local

    def calls(frame: FrameType, _event: str, _arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        governance = run_pipeline(Layout(root), EngineConfig(as_of=as_of), RenderOptions(dot_available=False, docs_dir="docs"), ParseCache())
        for markdown in governance.pages.values():
            to_html(markdown)
        for markdown in governance.annotations.values():
            to_html(markdown)
        assert len(governance.annotations) == len(governance.model.packets)
    finally:
        sys.settrace(None)
    return counts


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Counter, Counter]:
    base = tmp_path_factory.mktemp("scale")
    small = synthetic.generate(base / "small", SMALL)
    large = synthetic.generate(base / "large", SMALL * FACTOR)
    return executed_lines(small.root, small.as_of), executed_lines(large.root, large.as_of)


def superlinear(small: Counter, large: Counter) -> list[str]:
    """Functions whose work grew faster than the repo, with their counts."""
    grown = []
    for key, count in large.items():
        expected = FACTOR * small.get(key, 0)
        if count - expected > max(0.3 * expected, 2000):
            grown.append(f"{key[0]}:{key[1]} {small.get(key, 0)} -> {count}")
    return sorted(grown)


def test_no_function_does_more_work_per_packet_in_a_larger_repo(counts) -> None:
    small, large = counts
    assert sum(small.values()) > 10_000
    assert superlinear(small, large) == []


def test_the_whole_build_grows_at_most_linearly(counts) -> None:
    small, large = counts
    assert sum(large.values()) <= FACTOR * sum(small.values())


def test_the_check_catches_a_quadratic_function() -> None:
    """The measure above can fail: work that grows with n*n is flagged."""
    small = Counter({("graph.py", "build"): 10 * SMALL * SMALL, ("load.py", "parse"): 500 * SMALL})
    large = Counter({("graph.py", "build"): 10 * (SMALL * FACTOR) ** 2, ("load.py", "parse"): 500 * SMALL * FACTOR})
    assert superlinear(small, large) == [f"graph.py:build {10 * SMALL * SMALL} -> {10 * (SMALL * FACTOR) ** 2}"]
