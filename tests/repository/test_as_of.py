"""The default ``as_of``: the last commit that touched the governance files,
so the same commit gives the same findings on any day."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mkdocs_handshake.repository.as_of import default_as_of

TODAY = dt.date(2030, 1, 1)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _commit(root: Path, file: str, when: str) -> None:
    path = root / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"changed {when}\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{when}T12:00:00", "GIT_COMMITTER_DATE": f"{when}T12:00:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "-C", str(root), "add", file], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", f"edit {file}"], check=True, env=env)


@needs_git
def test_last_commit_touching_governance_files_sets_the_date(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _commit(tmp_path, "docs/TASK_BOARD.md", "2026-02-03")
    _commit(tmp_path, "src/main.rs", "2026-03-01")  # not governance: does not move the date
    date, why = default_as_of(tmp_path, ["docs/TASK_BOARD.md", "docs/task_packets"], today=TODAY)
    assert date == dt.date(2026, 2, 3) and "last commit" in why


def test_outside_git_it_is_today(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    date, why = default_as_of(tmp_path, ["docs"], today=TODAY)
    assert date == TODAY and "not a git checkout" in why


def test_no_governance_files_it_is_today(tmp_path: Path) -> None:
    date, why = default_as_of(tmp_path, ["docs/TASK_BOARD.md"], today=TODAY)
    assert date == TODAY and "no governance files" in why


def test_a_missing_git_binary_is_today_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    date, why = default_as_of(tmp_path, ["docs"], today=TODAY)
    assert date == TODAY and "git could not be asked" in why
