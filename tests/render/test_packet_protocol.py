"""Each packet's page says which protocol judges it: its era, when it was
written, which rules in force do not judge it and why, and its remedy."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.basics import Lifecycle
from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.packet_page import render_packet_page
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.rules.engine import EngineConfig, rule_plan, run_rules
from tests.fixtures.repo import AS_OF, materialise
from tests.render.test_site import to_html, visible_text

SYNC = "WP-1-Sync-Events"


def page_text(root: Path, wp: str = SYNC, *, lifecycle: Lifecycle | None = None) -> str:
    model = load_repo(Layout(root))
    if lifecycle is not None:
        model = replace(model, packets=tuple(replace(p, lifecycle=lifecycle) if p.id == wp else p for p in model.packets))
    ctx = RenderContext(model, tuple(run_rules(model, EngineConfig(as_of=AS_OF))), as_of=AS_OF, rule_plan=rule_plan(model))
    packet = next(p for p in model.packets if p.id == wp)
    return " ".join(visible_text(to_html(render_packet_page(ctx, packet))).split())


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_packet_written_before_a_clause_says_the_clause_does_not_judge_it_and_why(tmp_path: Path) -> None:
    from tests.load.test_git_history import clause_after_packets

    text = page_text(clause_after_packets(tmp_path))
    assert "Written: 2026-11-01 (the commit that added docs/task_packets/WP-1-Sync-Events.md)" in text
    assert "Not judged by: PKT-010: created 2026-11-01, before the clause entered the protocol on 2026-11-10" in text
    assert "Era: handshake-" in text


def test_outside_git_the_page_says_the_dates_are_unknown_and_every_clause_judges(tmp_path: Path) -> None:
    text = page_text(materialise(tmp_path / "plain"))
    assert "Written: date unknown (not a git checkout" in text and "every clause in force judges it" in text
    assert "Not judged by" not in text


def test_history_says_edit_rules_do_not_judge_it(tmp_path: Path) -> None:
    text = page_text(materialise(tmp_path / "plain"), lifecycle=Lifecycle.SUPERSEDED)
    assert "rules whose fix is an edit of the packet" in text and "it is superseded, and signed history is not edited" in text


def test_a_locked_packet_names_its_lock_and_the_protocols_remedy(tmp_path: Path) -> None:
    root = materialise(tmp_path / "plain")
    model = load_repo(Layout(root))
    locked = [p for p in model.packets if p.signature.strip() and p.signature_loc is not None]
    assert locked, "the fixture repository has a signed packet"
    text = page_text(root, locked[0].id)
    assert f"Remedy: locked with signature {locked[0].signature.strip()}" in text
    assert "do not edit " + locked[0].id in text
