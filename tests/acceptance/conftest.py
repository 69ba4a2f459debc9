"""The real corpus loaded and checked once per session (it takes a second or two)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel

AS_OF = dt.date(2025, 12, 27)


@pytest.fixture(scope="session")
def corpus_model(corpus_root: Path) -> GovernanceModel:
    return load_repo(Layout(corpus_root))


@pytest.fixture(scope="session")
def corpus_findings(corpus_model: GovernanceModel) -> list[Finding]:
    return run_rules(corpus_model, EngineConfig(as_of=AS_OF))


def line_of(path: Path, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` containing
    ``needle``: tests compute expected lines from the file, never by hand."""
    data = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
    for number, line in enumerate(data.split("\n"), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
