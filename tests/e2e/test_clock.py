"""The embedded default site is clean on any day.

Outside git the plugin judges dates as of today, so a template whose
packets are dated in November ran past its SLA clocks in December and
failed ``mkdocs build --strict`` for anyone who had installed it from a
tarball. The template therefore states the day its dates fit. These tests
build it as shipped, outside git, with the clock moved far ahead: once in
process with the options' own clock, and once as a user runs it, under
``faketime``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import run_rules
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.options.settings import resolve
from mkdocs_handshake.options.site_config import read_site_options
from tests.fixtures.repo import REPO, TEMPLATE

FAKETIME = shutil.which("faketime")
LATER = ("+400d", "+3650d")


def _outside_git(tmp_path: Path) -> Path:
    """A copy of the template where git cannot date it, as from a tarball."""
    root = tmp_path / "template"
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    return root


@pytest.mark.parametrize("days", [400, 3650, 36500])
def test_the_template_as_shipped_has_no_findings_on_a_later_day(tmp_path: Path, days: int) -> None:
    root = _outside_git(tmp_path)
    config = root / "mkdocs.yml"
    later = dt.date(2026, 12, 6) + dt.timedelta(days=days)
    settings = resolve(read_site_options(config).options or {}, base=config.parent, today=lambda: later)
    assert settings.engine.as_of != later, "the template must state the day its dates fit"
    assert run_rules(load_repo(settings.layout), settings.engine) == []


@pytest.mark.skipif(FAKETIME is None, reason="faketime is not installed (apt-get install faketime)")
@pytest.mark.parametrize("offset", LATER)
def test_a_copy_of_the_template_outside_git_builds_strict_with_the_clock_ahead(tmp_path: Path, offset: str) -> None:
    root = _outside_git(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(FAKETIME), "-f", offset, sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "handshake: governance: 0 error(s), 0 warning(s), 0 waived" in result.stderr
