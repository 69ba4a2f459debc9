"""Packet lifecycle from the board, the registry and the packet, and what
it does to findings: rules whose fix is an edit judge active packets only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, rule_plan, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.basics import Lifecycle

from ..fixtures.repo import AS_OF, TEMPLATE

CORPORA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus").resolve()
NEWER = CORPORA / "handshake-2026-02-03"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    return root


def test_template_packets_take_their_board_sections(tmp_path: Path) -> None:
    model = load_repo(Layout(_copy(tmp_path)))
    lifecycle = {packet.id: packet.lifecycle for packet in model.packets}
    assert lifecycle["WP-1-Session-Handshake"] is Lifecycle.SUPERSEDED
    assert lifecycle["WP-1-Session-Handshake-v2"] is Lifecycle.CLOSED
    assert Lifecycle.ACTIVE in lifecycle.values()
    handshake = next(packet for packet in model.packets if packet.id == "WP-1-Session-Handshake")
    assert "Superseded" in handshake.lifecycle_reason and "docs/TASK_BOARD.md:" in handshake.lifecycle_reason


def test_a_packet_on_no_board_is_legacy_and_its_completeness_is_not_judged(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    packet = root / "docs" / "task_packets" / "WP-1-Merge-Policy.md"
    text = packet.read_text(encoding="utf-8")
    packet.write_text(text.replace("- **What**:", "- **Whatever**:"), encoding="utf-8")
    board = root / "docs" / "TASK_BOARD.md"
    board.write_text("\n".join(line for line in board.read_text(encoding="utf-8").splitlines() if "WP-1-Merge-Policy]" not in line) + "\n", encoding="utf-8")
    model = load_repo(Layout(root))
    merge = next(p for p in model.packets if p.id == "WP-1-Merge-Policy")
    assert merge.lifecycle is Lifecycle.LEGACY
    findings = run_rules(model, EngineConfig(as_of=AS_OF))
    assert [f.rule for f in findings if f.subject == "WP-1-Merge-Policy"] == ["BOARD-001"]
    audit = run_rules(model, EngineConfig(as_of=AS_OF, history=True))
    assert "PKT-004" in {f.rule for f in audit if f.subject == "WP-1-Merge-Policy"}


def test_registry_marks_every_other_revision_superseded(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "docs" / "ORCHESTRATOR_PROTOCOL.md").write_text(
        (root / "docs" / "ORCHESTRATOR_PROTOCOL.md").read_text(encoding="utf-8") + "\nSee docs/WP_TRACEABILITY_REGISTRY.md.\n", encoding="utf-8"
    )
    (root / "docs" / "WP_TRACEABILITY_REGISTRY.md").write_text(
        "# Registry\n\n| Base WP ID | Active Packet | Notes |\n|---|---|---|\n"
        "| WP-1-Session-Handshake | docs/task_packets/WP-1-Session-Handshake.md | rolled back |\n",
        encoding="utf-8",
    )
    model = load_repo(Layout(root))
    assert model.protocol is not None and model.protocol.profile == "handshake-2026-02"
    v2 = next(p for p in model.packets if p.id == "WP-1-Session-Handshake-v2")
    assert v2.lifecycle is Lifecycle.SUPERSEDED and "registry" in v2.lifecycle_reason


def test_a_rule_whose_clause_is_gone_is_not_applied_and_says_why(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    protocol = root / "docs" / "ORCHESTRATOR_PROTOCOL.md"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace("just post-work", "the closing script"), encoding="utf-8")
    model = load_repo(Layout(root))
    plan = {entry.rule: entry for entry in rule_plan(model, EngineConfig(as_of=AS_OF))}
    assert not plan["PKT-010"].applied and "just post-work" in plan["PKT-010"].reason
    assert plan["PKT-001"].applied
    off = {entry.rule: entry for entry in rule_plan(model, EngineConfig(as_of=AS_OF, severities={"PKT-001": "off"}))}
    assert not off["PKT-001"].applied and "'rules' option" in off["PKT-001"].reason


@pytest.mark.corpus
def test_newer_corpus_is_judged_by_its_own_protocol() -> None:
    if not (NEWER / "docs" / "task_packets").is_dir():
        pytest.skip("corpus not found")
    model = load_repo(Layout(NEWER))
    assert model.protocol is not None and model.protocol.profile == "handshake-2026-02"
    assert model.protocol.template_file == "docs/templates/TASK_PACKET_TEMPLATE.md"  # followed the MOVED shim
    findings = run_rules(model, EngineConfig(as_of=AS_OF))
    assert len(findings) <= 200
    lifecycle = {packet.id: packet.lifecycle for packet in model.packets}
    history_ok = ("SIG-", "BOARD-", "PARSE-003", "SPEC-")
    on_history = [f for f in findings if lifecycle.get(f.subject, Lifecycle.ACTIVE) is not Lifecycle.ACTIVE and not f.rule.startswith(history_ok)]
    assert on_history == []
    # No label the repository's template defines is called unknown.
    template_labels = set(model.protocol.template_labels)
    from mkdocs_handshake.parse.packet_labels import label_key

    unknown = [f for f in findings if f.rule == "PARSE-004" and "not a known field" in f.message]
    assert not [f for f in unknown if label_key(f.message.split("'")[1].rstrip(":")) in template_labels]
    per_file = [f.loc.file for f in findings if f.rule == "PARSE-002"]
    assert len(per_file) == len(set(per_file))


def test_without_a_board_a_later_revision_supersedes_the_earlier(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "docs" / "TASK_BOARD.md").unlink()
    old = root / "docs" / "task_packets" / "WP-1-Session-Handshake.md"
    old.write_text(old.read_text(encoding="utf-8").replace("- STATUS: Superseded", "- STATUS: In Progress"), encoding="utf-8")
    model = load_repo(Layout(root))
    lifecycle = {packet.id: packet for packet in model.packets}
    assert lifecycle["WP-1-Session-Handshake"].lifecycle is Lifecycle.SUPERSEDED
    assert "WP-1-Session-Handshake-v2 is a later revision" in lifecycle["WP-1-Session-Handshake"].lifecycle_reason
    assert lifecycle["WP-1-Session-Handshake-v2"].lifecycle is not Lifecycle.SUPERSEDED
