"""Issue 20's hand check on the June snapshot: a stratified, seeded sample of
the findings, each labelled by reading the files against the June protocol
(.GOV/roles/*/...PROTOCOL.md), stays what the tool reports and, once the
rules are right, is at least 90% right.

The labels are a person's judgement (see the fixture's ``how``). When the
rules change what they report, this fails and names the finding: relabel it
by reading the files again, never by copying the tool's output."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo

pytestmark = pytest.mark.corpus

FIXTURE = Path(__file__).with_name("labelled_findings_2026-06-22.json")
CORPUS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2026-06-22").resolve()


@pytest.fixture(scope="module")
def labelled() -> dict:
    if not (CORPUS / ".GOV" / "task_packets").is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def findings(labelled: dict) -> list:
    return run_rules(load_repo(Layout(CORPUS)), EngineConfig(as_of=dt.date.fromisoformat(labelled["as_of"])))


def test_every_labelled_finding_is_still_reported_as_labelled(labelled: dict, findings: list) -> None:
    reported = {(f.rule, f.loc.file, f.loc.line, f.excerpt) for f in findings}
    gone = [item for item in labelled["items"] if (item["rule"], item["file"], item["line"], item["excerpt"]) not in reported]
    assert gone == [], "relabel by reading the files: these labelled findings are no longer reported"


def test_the_sample_covers_every_rule_that_reports(labelled: dict, findings: list) -> None:
    items = labelled["items"]
    assert len(items) >= 60
    sampled = Counter(item["rule"] for item in items)
    for rule, count in Counter(f.rule for f in findings).items():
        assert sampled[rule] >= min(2, count), rule


def test_every_label_is_a_verdict_with_a_reason(labelled: dict) -> None:
    assert {item["verdict"] for item in labelled["items"]} <= {"right", "wrong", "not-actionable"}
    assert all(item["reason"] for item in labelled["items"])


@pytest.mark.xfail(strict=True, reason="0.87 right (52 of 60); see the sample's wrong and not-actionable items and the notes beside it (issue 20)")
def test_at_least_nine_in_ten_sampled_findings_are_right(labelled: dict) -> None:
    verdicts = Counter(item["verdict"] for item in labelled["items"])
    assert verdicts["right"] / sum(verdicts.values()) >= 0.9
