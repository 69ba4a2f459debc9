"""What installs the command: the console script and the pre-commit hook
must point at the code that exists."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parents[1]


def test_the_console_script_and_python_m_reach_the_same_main() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, name = scripts["mkdocs-handshake"].partition(":")
    assert module == "mkdocs_handshake.cli" and callable(getattr(importlib.import_module(module), name))
    assert f"from .cli import {name}\n" in (REPO / "mkdocs_handshake" / "__main__.py").read_text(encoding="utf-8")


def test_the_pre_commit_hook_runs_the_check_command_once_per_commit() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "mkdocs-handshake"
    assert hook["entry"].split() == ["mkdocs-handshake", "check"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert set(hook["types_or"]) == {"markdown", "json", "yaml"}

