"""What the load does while it waits for the child that parses the spec.

The wait is free time on the critical path of a cold check: work the load
needs next anyway belongs there. Loading the sentence embedding (numpy and a
16 MB table) is such work when DONE_MEANS will be mapped afresh, and wasted
memory and time when every mapping comes from the cache."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

from mkdocs_handshake.analysis import semantic
from mkdocs_handshake.load import parse_ahead
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.runtime import parallel

TEMPLATE = Path(__file__).resolve().parents[2] / "site_template"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every time the load asks for the embedding, and whether the child
    was still busy then (the share is run in this process, idle first)."""
    asked: list[str] = []
    busy_now: list[bool] = [False]
    monkeypatch.setattr(parse_ahead, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "fork_allowed", lambda: True)

    def share(jobs, collect, progress=None, idle: Callable | None = None, first: Callable | None = None):  # type: ignore[no-untyped-def]
        busy_now[0] = True
        if first is not None:
            first()
        if idle is not None:
            idle(lambda: busy_now[0])
        busy_now[0] = False
        for job in jobs:
            job()
        return []

    monkeypatch.setattr(parallel, "share", share)
    monkeypatch.setattr(semantic, "shared", lambda: asked.append("waiting" if busy_now[0] else "after") or None)
    return asked


def test_a_cold_load_that_maps_loads_the_embedding_while_it_waits(repo: Path, loads: list[str]) -> None:
    load_repo(Layout(repo), ParseCache())
    assert loads and loads[0] == "waiting"


def test_a_load_that_leaves_the_mapping_to_later_does_not(repo: Path, loads: list[str]) -> None:
    load_repo(Layout(repo), ParseCache(), mappings=False)
    assert loads == []


def test_no_embedding_when_only_a_file_no_mapping_reads_changed(repo: Path, loads: list[str]) -> None:
    cache = ParseCache()
    load_repo(Layout(repo), cache)
    loads.clear()
    board = next(repo.rglob("TASK_BOARD.md"))
    board.write_text(board.read_text(encoding="utf-8") + "\n<!-- edited -->\n", encoding="utf-8")
    load_repo(Layout(repo), cache)
    assert "waiting" not in loads
