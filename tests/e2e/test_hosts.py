"""Supported hosts. The checks must not depend on MkDocs being the host:
ProperDocs (a fork of MkDocs 1.6 that runs ``mkdocs.plugins`` entry points
unchanged) must build the template with the plugin, governance pages and all."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_build import TEMPLATE_CHAPTERS, TEMPLATE_PACKETS, options
from tests.fixtures.repo import materialise

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None, reason="ProperDocs is not installed (pip install properdocs)")
def test_properdocs_builds_the_template_with_the_governance_pages(tmp_path: Path) -> None:
    # as_of pinned: the template's SLA clocks must not run out with today.
    root = materialise(tmp_path / "repo", [options()])
    (root / "mkdocs.yml").rename(root / "properdocs.yml")
    site = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-d", str(site)], cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "handshake: governance: 0 error(s), 0 warning(s), 0 waived" in result.stderr
    governance = site / "governance"
    expected = ["index.html", "dag/index.html", "phase-gate/index.html", "traceability/index.html", "findings/index.html", "findings.json", "model.json"]
    expected += [f"packets/{wp}/index.html" for wp in TEMPLATE_PACKETS]
    expected += [f"spec/{chapter}/index.html" for chapter in TEMPLATE_CHAPTERS]
    assert [path for path in expected if not (governance / path).is_file()] == []
    assert "WP-1-Merge-Policy" in (governance / "packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")


def test_the_command_reads_properdocs_yml(tmp_path: Path) -> None:
    """A ProperDocs site keeps its options in properdocs.yml; the command reads them there."""
    root = materialise(tmp_path / "repo")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").unlink()
    (root / "properdocs.yml").write_text(config.replace("      root: .\n", "      root: .\n      rules: {PKT-999: off}\n"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "mkdocs_handshake", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "PKT-999" in result.stderr


def test_mkdocs_2_is_excluded() -> None:
    """MkDocs 2.0 drops the plugin system: the package must not install with it."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"mkdocs>=1.5,<2"' in pyproject
