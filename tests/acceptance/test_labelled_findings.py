"""Issues 8, 20 and 21's hand check: a stratified sample of the findings on
each shared corpus, each labelled by reading the files against the
protocol in force at the snapshot's date, stays what the tool reports and
stays at least 90% right.

The labels are a person's judgement (see each fixture's ``how``). When the
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

HERE = Path(__file__).parent
CORPORA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus").resolve()

# One labelled set per corpus: (fixture file, corpus folder, its packets folder).
SETS = {
    "2026-02-03": ("labelled_findings_2026-02-03.json", "handshake-2026-02-03", "docs/task_packets"),
    "2025-12-27": ("labelled_findings_2025-12-27.json", "handshake-2025-12-27", "docs/task_packets"),
    "2026-06-22": ("labelled_findings_2026-06-22.json", "handshake-2026-06-22", ".GOV/task_packets"),
}

@pytest.fixture(scope="module", params=sorted(SETS), ids=sorted(SETS))
def corpus_set(request: pytest.FixtureRequest) -> tuple[dict, Path]:
    fixture, folder, packets = SETS[request.param]
    corpus = CORPORA / folder
    if not (corpus / packets).is_dir():
        pytest.skip(f"corpus not found at {corpus}")
    labelled = json.loads((HERE / fixture).read_text(encoding="utf-8"))
    assert labelled["corpus"] == folder
    return labelled, corpus


@pytest.fixture(scope="module")
def labelled(corpus_set: tuple[dict, Path]) -> dict:
    return corpus_set[0]


@pytest.fixture(scope="module")
def corpus(corpus_set: tuple[dict, Path]) -> Path:
    return corpus_set[1]


@pytest.fixture(scope="module")
def findings(labelled: dict, corpus: Path) -> list:
    return run_rules(load_repo(Layout(corpus)), EngineConfig(as_of=dt.date.fromisoformat(labelled["as_of"])))


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


# The December set was 0.77 right (50 of 65) when labelled; the fixes of
# issue 21 (one finding per defect, the latest verdict's column, -v1 twins,
# knock-ons and copies in the spec, the first fence out of step) brought it
# to 0.9 (see its 'dropped' and 'earlier' entries). The June set was 0.55
# (34 of 62); the fixes of issue 20 brought it to 0.87, and those of the
# june-fix branch (schema consts the practice outgrew, blocks no schema
# defines, the heading out of its sequence, list numbering, fence knock-ons)
# to 0.98 (59 of 60); with PKT-025's two items and PKT-020's one it was 62
# of 63, and 63 of 63 once PKT-024 judged a contract of a practice newer
# than its schema by that practice's peers (see the notes beside it).
@pytest.mark.parametrize("as_of", ["2026-02-03", "2025-12-27", "2026-06-22"])
def test_at_least_nine_in_ten_sampled_findings_are_right(as_of: str) -> None:
    labelled = json.loads((HERE / SETS[as_of][0]).read_text(encoding="utf-8"))
    assert labelled["as_of"] == as_of
    verdicts = Counter(item["verdict"] for item in labelled["items"])
    assert set(verdicts) <= {"right", "wrong", "not-actionable"}
    assert all(item["reason"] for item in labelled["items"])
    assert verdicts["right"] / sum(verdicts.values()) >= 0.9


def test_no_finding_but_signature_audit_and_board_ones_is_on_history(corpus: Path, findings: list) -> None:
    model = load_repo(Layout(corpus))
    lifecycle = {packet.id: packet.lifecycle.value for packet in model.packets}
    on_history = [
        f for f in findings
        if lifecycle.get(f.subject, "active") not in ("active",) and not f.rule.startswith(("SIG-", "BOARD-"))
    ]
    assert on_history == []
    assert len(findings) <= 200
