"""The baseline: what survives unrelated edits, what counts as new, what is stale."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.findings.baseline import (
    BaselineError,
    apply,
    dumps,
    fingerprint,
    from_findings,
    load_baseline,
    match,
    new_findings,
    parse_baseline,
)
from mkdocs_handshake.rules.engine import summarize
from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc

PACKET = "docs/task_packets/WP-1-Merge-Policy.md"


def finding(rule: str = "DONE-002", line: int = 47, message: str = "MUST requirement 1 of §2.3.2 (Spec.md:137) is covered by no item",
            excerpt: str = "DONE_MEANS", subject: str = "WP-1-Merge-Policy", file: str = PACKET) -> Finding:
    return Finding(rule, Severity.ERROR, message, Loc(file, line, 3), excerpt, subject)


def test_the_fingerprint_ignores_lines_columns_messages_and_whitespace() -> None:
    base = finding()
    assert fingerprint(base) == fingerprint(replace(base, loc=Loc(PACKET, 90, 7)))
    assert fingerprint(base) == fingerprint(replace(base, message="reworded by a newer release"))
    assert fingerprint(replace(base, excerpt="a  b\n c")) == fingerprint(replace(base, excerpt=" a b c "))
    assert fingerprint(base) != fingerprint(replace(base, rule="DONE-001"))
    assert fingerprint(base) != fingerprint(replace(base, subject="WP-1-Sync-Events"))
    assert fingerprint(base) != fingerprint(replace(base, excerpt="SPEC_ANCHOR"))
    # Without a subject, the file stands in for it.
    assert fingerprint(replace(base, subject="")) != fingerprint(replace(base, subject="", loc=Loc("docs/TASK_BOARD.md", 47, 3)))


def test_a_baseline_covers_the_same_findings_after_lines_moved() -> None:
    today = [finding(line=47), finding(rule="PKT-001", line=4, excerpt="WP-1-Merge-Policies", message="TASK_ID differs")]
    baseline = from_findings(today)
    moved = [replace(f, loc=Loc(f.loc.file, f.loc.line + 12, f.loc.column)) for f in today]
    covered, stale = match(moved, baseline)
    assert covered == {0, 1} and stale == ()
    assert summarize(apply(moved, baseline)) == {"error": 0, "warning": 0, "waived": 0, "baselined": 2, "by_rule": {}}


def test_of_several_findings_sharing_a_fingerprint_the_new_one_is_reported() -> None:
    """Eleven uncovered requirements all point at the DONE_MEANS heading: a
    twelfth is new, and it is that one (not an arbitrary one) that fails."""
    old = [finding(message=f"MUST requirement {n} of §2.3.2 (Spec.md:{130 + n}) is covered by no item") for n in range(1, 4)]
    baseline = from_findings(old)
    assert len(baseline.entries) == 1 and baseline.count == 3
    added = finding(message="MUST requirement 4 of §2.3.2 (Spec.md:200) is covered by no item")
    now = sorted([*old[:2], added, old[2]], key=lambda f: f.message)
    # The spec moved: every cited spec line changed, which must not matter.
    now = [replace(f, message=f.message.replace("Spec.md:13", "Spec.md:23")) for f in now]
    assert [f.message for f in new_findings(now, baseline)] == [added.message]


def test_a_fixed_finding_leaves_a_stale_entry_naming_it() -> None:
    old = [finding(message=f"MUST requirement {n} is covered by no item") for n in (1, 2)]
    old.append(finding(rule="SIG-004", excerpt="ilja261220252337", message="signature is INVALID"))
    baseline = from_findings(old)
    covered, stale = match([old[0]], baseline)
    assert covered == {0}
    assert sorted((s.entry.rule, s.count, s.messages) for s in stale) == [
        ("DONE-002", 1, ("MUST requirement 2 is covered by no item",)),
        ("SIG-004", 1, ("signature is INVALID",)),
    ]


def test_a_reworded_message_is_still_known_debt() -> None:
    baseline = from_findings([finding(message="old wording")])
    covered, stale = match([finding(message="new wording")], baseline)
    assert covered == {0} and stale == ()


def test_waived_findings_are_neither_recorded_nor_matched() -> None:
    waived = replace(finding(), waived=True, waiver_reason="approved")
    assert from_findings([waived]).entries == ()
    baseline = from_findings([finding()])
    covered, stale = match([waived], baseline)
    assert covered == frozenset() and len(stale) == 1
    assert new_findings([waived], None) == []


def test_the_file_round_trips_and_is_deterministic(tmp_path: Path) -> None:
    findings = [finding(), finding(rule="PKT-001", line=4, excerpt="WP-1-Merge-Policies", message="TASK_ID differs")]
    text = dumps(from_findings(findings))
    assert text == dumps(from_findings(list(reversed(findings))))
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    assert load_baseline(path) == from_findings(findings)
    document = json.loads(text)
    assert document["version"] == 1 and [e["rule"] for e in document["entries"]] == ["DONE-002", "PKT-001"]
    assert "line" not in text


def test_a_hand_written_entry_may_give_a_count_without_messages() -> None:
    entry = {"fingerprint": fingerprint(finding()), "rule": "DONE-002", "count": 2}
    baseline = parse_baseline({"version": 1, "entries": [entry]}, "baseline.json")
    covered, stale = match([finding(), finding(message="another")], baseline)
    assert covered == {0, 1} and stale == ()


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], ["not a version 1 baseline"]),
        ({"version": 2, "entries": []}, ["not a version 1 baseline"]),
        ({"version": 1, "entries": [{"rule": "X"}]}, ["entry 1", "fingerprint"]),
        ({"version": 1, "entries": [{"fingerprint": "a", "rule": "X", "count": 0}]}, ["entry 1", "positive"]),
        ({"version": 1, "entries": [{"fingerprint": "a", "rule": "X"}, {"fingerprint": "a", "rule": "X"}]}, ["entry 2", "twice"]),
    ],
)
def test_a_broken_baseline_is_one_line(document: object, words: list[str]) -> None:
    with pytest.raises(BaselineError) as caught:
        parse_baseline(document, "baseline.json")
    for word in words:
        assert word in str(caught.value)


def test_unreadable_baseline_files(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        load_baseline(tmp_path / "missing.json")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(BaselineError, match="cannot be read"):
        load_baseline(tmp_path / "binary.json")
