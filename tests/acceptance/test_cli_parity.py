"""Issue 12's parity check: ``mkdocs-handshake check`` on the reference
corpus reports the findings a plugin build reports - the same count, at the
same places - because both read the same mkdocs.yml and run the same stages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mkdocs_handshake.schemas import schema
from tests.acceptance.conftest import AS_OF
from tests.cli.conftest import REPO

pytestmark = pytest.mark.corpus

LOG_LINE = re.compile(r"^(ERROR|WARNING) +- +handshake: (?P<file>[^\s:]+):(?P<line>\d+): (?P<rule>[A-Z]+-\d{3}) ")
TEXT_LINE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):\d+: (error|warning) (?P<rule>[A-Z]+-\d{3}) ")
CONFIG = f"""\
site_name: Corpus
docs_dir: docs
theme: mkdocs
plugins:
  - handshake:
      root: .
      as_of: {AS_OF.isoformat()}
      fail_on: never
      cache: false
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture(scope="module")
def built(corpus_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """A copy of the corpus with a mkdocs.yml, built once by the plugin."""
    base = tmp_path_factory.mktemp("parity")
    root = base / "corpus"
    shutil.copytree(corpus_root, root, ignore=shutil.ignore_patterns("scripts"))
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    site = base / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
        cwd=root, env=_env(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return root, site, result


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs_handshake", "check", *args], cwd=root, env=_env(), capture_output=True, text=True, timeout=300)


def test_the_command_prints_the_findings_of_the_plugin_build(built) -> None:
    root, _site, build = built
    plugin = [(m["file"], int(m["line"]), m["rule"]) for m in map(LOG_LINE.match, build.stderr.splitlines()) if m]
    result = _check(root)
    assert result.returncode == 0, result.stderr  # fail_on: never, read from mkdocs.yml
    command = [(m["file"], int(m["line"]), m["rule"]) for m in map(TEXT_LINE.match, result.stdout.splitlines()) if m]
    assert len(plugin) > 90  # a locked packet's defects are one REMEDY-001 finding
    assert command == plugin
    counts = [line for line in build.stderr.splitlines() if "governance:" in line and "error(s)" in line]
    assert counts and counts[0].split("handshake: ", 1)[1] == result.stdout.splitlines()[-1]


def test_its_json_is_the_sites_findings_json_byte_for_byte(built) -> None:
    root, site, _build = built
    written = (site / "governance" / "findings.json").read_text(encoding="utf-8")
    assert _check(root, "--format", "json").stdout == written


def test_the_built_files_validate_against_the_shipped_schemas(built) -> None:
    _root, site, _build = built
    for name in ("findings", "model"):
        document = json.loads((site / "governance" / f"{name}.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema(name)).validate(document)
