"""Governance files found from the root alone when a repository keeps them
elsewhere than the defaults (the real one later moved them under .GOV/)."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs_handshake.repository.discover import discover_layout
from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo

from ..fixtures.repo import AS_OF, TEMPLATE


def _moved(tmp_path: Path) -> Path:
    """The template repo with its governance under .GOV/, as later snapshots
    of the real repository keep it (board and audit under records/)."""
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    gov, records = root / ".GOV", root / ".GOV" / "roles_shared" / "records"
    records.mkdir(parents=True)
    for name in ("TASK_BOARD.md", "SIGNATURE_AUDIT.md"):
        (root / "docs" / name).rename(records / name)
    for name in ("SPEC_CURRENT.md", "ORCHESTRATOR_GATES.json", "ORCHESTRATOR_PROTOCOL.md"):
        (root / "docs" / name).rename(gov / name)
    (root / "docs" / "task_packets").rename(gov / "task_packets")
    return root


def test_moved_governance_is_found_and_judged_the_same(tmp_path: Path) -> None:
    original = run_rules(load_repo(Layout(TEMPLATE)), EngineConfig(as_of=AS_OF))
    root = _moved(tmp_path)
    layout, problems = discover_layout(Layout(root))
    assert problems == []
    assert (layout.task_board, layout.signature_audit, layout.packets) == (
        ".GOV/roles_shared/records/TASK_BOARD.md", ".GOV/roles_shared/records/SIGNATURE_AUDIT.md", ".GOV/task_packets",
    )
    model = load_repo(Layout(root))
    assert len(model.packets) == len(load_repo(Layout(TEMPLATE)).packets)
    assert model.protocol is not None and ".GOV/ORCHESTRATOR_PROTOCOL.md" in model.protocol.protocol_files
    moved = run_rules(model, EngineConfig(as_of=AS_OF))
    assert sorted(f.rule for f in moved) == sorted(f.rule for f in original)


def test_two_candidates_are_reported_not_guessed(tmp_path: Path) -> None:
    root = _moved(tmp_path)
    (root / "archive").mkdir()
    shutil.copy(root / ".GOV" / "roles_shared" / "records" / "TASK_BOARD.md", root / "archive" / "TASK_BOARD.md")
    layout, problems = discover_layout(Layout(root))
    assert layout.task_board == "docs/TASK_BOARD.md"
    assert len(problems) == 1 and "archive/TASK_BOARD.md" in problems[0] and "'task_board'" in problems[0]
    findings = run_rules(load_repo(Layout(root)), EngineConfig(as_of=AS_OF))
    assert any(f.rule == "PARSE-001" and "several files could be it" in f.message for f in findings)


def test_a_path_the_user_set_is_never_second_guessed(tmp_path: Path) -> None:
    root = _moved(tmp_path)
    layout, problems = discover_layout(Layout(root, task_board="docs/BOARD.md"))
    assert layout.task_board == "docs/BOARD.md" and problems == []


def test_the_walk_skips_vcs_dependencies_and_built_sites(tmp_path: Path) -> None:
    root = _moved(tmp_path)
    for junk in ("node_modules/pkg", "site/governance", ".git/x"):
        (root / junk).mkdir(parents=True)
        (root / junk / "TASK_BOARD.md").write_text("# decoy\n", encoding="utf-8")
    layout, problems = discover_layout(Layout(root))
    assert layout.task_board == ".GOV/roles_shared/records/TASK_BOARD.md" and problems == []


def test_the_walk_skips_a_site_mkdocs_built_under_any_name(tmp_path: Path) -> None:
    # A preview built with another site_dir holds a copy of every governance page.
    root = _moved(tmp_path)
    preview = root / "site-preview"
    shutil.copytree(root / ".GOV", preview / ".GOV")
    (preview / "sitemap.xml.gz").write_bytes(b"")
    layout, problems = discover_layout(Layout(root))
    assert problems == []
    assert (layout.task_board, layout.packets) == (".GOV/roles_shared/records/TASK_BOARD.md", ".GOV/task_packets")
