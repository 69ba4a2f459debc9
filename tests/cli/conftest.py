"""Running ``python -m mkdocs_handshake check`` as a user runs it: a
subprocess, its exit code, standard output and standard error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.repo import AS_OF

REPO = Path(__file__).resolve().parents[2]


def run_check(*args: str, cwd: Path, as_of: str | None = AS_OF.isoformat()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "mkdocs_handshake", "check", *args]
    if as_of:
        command += ["--as-of", as_of]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
