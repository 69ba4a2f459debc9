"""A packet is judged by the clauses in force when it was written: dates
from dated git fixtures (commits with pinned author and committer dates)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, rule_plan, run_rules
from mkdocs_handshake.load.git_history import History, clause_in_force, read_history
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from tests.fixtures.repo import AS_OF, materialise, unfold

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PROTOCOL = "docs/ORCHESTRATOR_PROTOCOL.md"
SYNC = "docs/task_packets/WP-1-Sync-Events.md"
CLAUSE = "- `TEST_PLAN` ends with `just cargo-clean` and then `just post-work WP-ID`;\n"


def commit(root: Path, day: str, message: str) -> None:
    stamp = f"{day}T10:00:00+00:00"
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


def clause_after_packets(tmp_path: Path) -> Path:
    """The template whose Sync-Events packet does not end its TEST_PLAN with
    ``just post-work`` (PKT-010): the packets are committed on 2026-11-01,
    the clause that asks for it enters the protocol on 2026-11-10."""
    root = materialise(tmp_path / "repo")
    sync = root / SYNC
    sync.write_text(sync.read_text(encoding="utf-8").replace("  just post-work WP-1-Sync-Events\n", "", 1), encoding="utf-8")
    protocol = root / PROTOCOL
    text = protocol.read_text(encoding="utf-8")
    assert CLAUSE in text
    protocol.write_text(text.replace(CLAUSE, ""), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True, timeout=60)
    commit(root, "2026-11-01", "packets and protocol")
    protocol.write_text(text, encoding="utf-8")
    commit(root, "2026-11-10", "the protocol asks for just post-work")
    return root


def pkt_010(findings) -> list:
    return [f for f in unfold(findings) if f.rule == "PKT-010" and f.loc.file == SYNC]


def test_history_gives_creation_and_clause_dates(tmp_path: Path) -> None:
    root = clause_after_packets(tmp_path)
    history, why = read_history(root, [PROTOCOL], ["just post-work", "no such phrase"])
    assert history is not None and "HEAD" in why
    assert history.created[SYNC] == dt.date(2026, 11, 1)
    assert history.first_said == {"just post-work": dt.date(2026, 11, 10)}
    # Read once per HEAD: the same question again is the same object.
    assert read_history(root, [PROTOCOL], ["just post-work", "no such phrase"])[0] is history


def test_a_clause_added_after_the_packet_does_not_judge_it(tmp_path: Path) -> None:
    root = clause_after_packets(tmp_path)
    model = load_repo(Layout(root))
    assert pkt_010(run_rules(model, EngineConfig(as_of=AS_OF))) == []
    plan = {entry.rule: entry for entry in rule_plan(model)}
    assert "in the protocol since 2026-11-10 (git)" in plan["PKT-010"].reason


def test_a_packet_written_after_the_clause_is_judged_by_it(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    sync = root / SYNC
    packet = sync.read_text(encoding="utf-8").replace("  just post-work WP-1-Sync-Events\n", "", 1)
    sync.unlink()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True, timeout=60)
    commit(root, "2026-11-01", "protocol with the clause, other packets")
    sync.write_text(packet, encoding="utf-8")
    commit(root, "2026-11-12", "the packet, written under the clause")
    history, _ = read_history(root, [PROTOCOL], ["just post-work"])
    assert history is not None and history.created[SYNC] == dt.date(2026, 11, 12)
    assert len(pkt_010(run_rules(load_repo(Layout(root)), EngineConfig(as_of=AS_OF)))) == 1


def test_outside_git_every_packet_is_judged_and_the_plan_says_why(tmp_path: Path) -> None:
    root = materialise(tmp_path / "plain")
    sync = root / SYNC
    sync.write_text(sync.read_text(encoding="utf-8").replace("  just post-work WP-1-Sync-Events\n", "", 1), encoding="utf-8")
    model = load_repo(Layout(root))
    assert len(pkt_010(run_rules(model, EngineConfig(as_of=AS_OF)))) == 1
    plan = {entry.rule: entry for entry in rule_plan(model)}
    assert "clause date unknown (not a git checkout" in plan["PKT-010"].reason


def test_a_retroactive_clause_judges_older_packets_too() -> None:
    history = History("h", {SYNC: dt.date(2026, 11, 1)}, {"just post-work": dt.date(2026, 11, 10)})
    assert not clause_in_force(history, SYNC, ["just post-work"]).applies
    retro = clause_in_force(history, SYNC, ["just post-work"], retroactive=True)
    assert retro.applies and "retroactive" in retro.why
    assert clause_in_force(history, "docs/task_packets/WP-1-Unknown.md", ["just post-work"]).applies
    assert clause_in_force(None, SYNC, ["just post-work"]).applies


BOARD = "docs/TASK_BOARD.md"
SYNC_ENTRY = "- **[WP-1-Sync-Events]** - Per-batch sync events and the health endpoint [READY FOR DEV]\n"


def dep_005(root: Path, as_of: dt.date) -> list:
    return [f for f in unfold(run_rules(load_repo(Layout(root)), EngineConfig(as_of=as_of))) if f.rule == "DEP-005" and f.subject == "WP-1-Sync-Events"]


def test_a_board_move_restarts_the_sla_clock_and_the_finding_says_which_date(tmp_path: Path) -> None:
    """Sync-Events (DATE 2026-11-19) went to In Progress, then back to Ready
    for Dev on 2026-12-07: on 2026-12-16 that is 7 work days, within the 10
    the protocol allows; counted from its DATE it would be 19."""
    root = materialise(tmp_path / "repo")
    board = root / BOARD
    text = board.read_text(encoding="utf-8")
    assert text.count(SYNC_ENTRY) == 1
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True, timeout=60)
    commit(root, "2026-11-19", "Sync-Events ready")
    board.write_text(text.replace(SYNC_ENTRY, "").replace("## In Progress\n", "## In Progress\n\n" + SYNC_ENTRY, 1), encoding="utf-8")
    commit(root, "2026-11-24", "Sync-Events in progress")
    board.write_text(text, encoding="utf-8")
    commit(root, "2026-12-07", "Sync-Events back to Ready for Dev")
    assert dep_005(root, dt.date(2026, 12, 16)) == []
    (late,) = dep_005(root, dt.date(2026, 12, 31))
    assert "since 2026-12-07 (entered the board's Ready-for-Dev section, per the board's git history)" in late.message


def test_without_the_boards_history_the_clock_starts_at_the_packets_date(tmp_path: Path) -> None:
    root = materialise(tmp_path / "plain")
    (late,) = dep_005(root, dt.date(2026, 12, 16))
    assert "since 2026-11-19 (" in late.message and "git" not in late.message
