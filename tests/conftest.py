"""Shared test fixtures: where the real corpus lives, and skipping without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO / ".." / "shared" / "corpus" / "handshake-2025-12-27").resolve()
TEMPLATE = REPO / "site_template"


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    if not (CORPUS / "docs" / "task_packets").is_dir():
        pytest.skip(f"real corpus not found at {CORPUS}")
    return CORPUS
