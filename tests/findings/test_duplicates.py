"""One defect, one finding: the profile's duplicates fold the second rule's
finding on the same thing into the first's details."""

from __future__ import annotations

import pytest

from mkdocs_handshake.findings.duplicates import fold_duplicates
from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.protocol.profiles import Duplicate, ProfileError, load_profile

FILE = "docs/task_packets/WP-1-Ledger.md"


def finding(rule: str, line: int, excerpt: str, column: int = 20, subject: str = "WP-1-Ledger", waived: bool = False) -> Finding:
    return Finding(rule, Severity.ERROR, f"{rule} says so", Loc(FILE, line, column), excerpt, subject, waived=waived)


def test_the_second_rule_on_the_same_anchor_is_named_in_the_first() -> None:
    roadmap, old = finding("ANCHOR-003", 25, "§7.6.3.14 (v02.63)"), finding("ANCHOR-006", 25, "§7.6.3.14 (v02.63)")
    (kept,) = fold_duplicates([roadmap, old], [Duplicate("ANCHOR-003", "ANCHOR-006", "place")])
    assert kept.rule == "ANCHOR-003"
    assert kept.details == (f"also ANCHOR-006 ({FILE}:25): ANCHOR-006 says so",)


def test_a_finding_elsewhere_stays_its_own() -> None:
    roadmap, old = finding("ANCHOR-003", 25, "§7.6.3.14"), finding("ANCHOR-006", 26, "§2.1 (v02.63)")
    assert fold_duplicates([roadmap, old], [Duplicate("ANCHOR-003", "ANCHOR-006", "place")]) == [roadmap, old]


def test_the_same_placeholder_on_two_lines_is_one_finding() -> None:
    placeholder, lock = finding("PKT-005", 5, "<pending>"), finding("PKT-014", 75, "<pending>", column=28)
    other = finding("PKT-005", 9, "TBD")
    folded = fold_duplicates([placeholder, other, lock], [Duplicate("PKT-005", "PKT-014", "excerpt")])
    assert [f.rule for f in folded] == ["PKT-005", "PKT-005"]
    assert folded[0].details == (f"also PKT-014 ({FILE}:75): PKT-014 says so",) and folded[1].details == ()


def test_a_waived_finding_is_not_folded_nor_folded_into() -> None:
    placeholder, lock = finding("PKT-005", 5, "<pending>", waived=True), finding("PKT-014", 75, "<pending>")
    assert fold_duplicates([placeholder, lock], [Duplicate("PKT-005", "PKT-014", "excerpt")]) == [placeholder, lock]


def test_the_shipped_profiles_pair_the_known_duplicates() -> None:
    pairs = {(pair.keep, pair.fold) for pair in load_profile("handshake-2026-02").duplicates}
    assert {("ANCHOR-003", "ANCHOR-006"), ("PKT-005", "PKT-014")} <= pairs


def test_a_bad_duplicates_entry_is_named(tmp_path) -> None:
    (tmp_path / "p.yaml").write_text("id: mine\nduplicates:\n  - {keep: PKT-005, fold: PKT-014, same: line}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="duplicates.PKT-014.same: 'line'"):
        load_profile("p.yaml", str(tmp_path))


def test_a_disagreement_reported_on_the_base_and_on_its_revision_is_one_finding() -> None:
    """June: the contract of WP-1-Ledger-v2 went live while the registry
    still maps WP-1-Ledger to its stub; BOARD-010 names contract, board and
    registry at once, BOARD-009's registry half folds into it. Another
    WP's BOARD-009 stays its own."""
    lifecycle = finding("BOARD-010", 42, "IN_PROGRESS", subject="WP-1-Ledger-v2")
    registry = Finding("BOARD-009", Severity.ERROR, "registry still points to the stub", Loc("registry.json", 958, 5), "WP-1-Ledger", "WP-1-Ledger")
    other = Finding("BOARD-009", Severity.ERROR, "registry still points to the stub", Loc("registry.json", 970, 5), "WP-1-Index", "WP-1-Index")
    folded = fold_duplicates([lifecycle, registry, other], [Duplicate("BOARD-010", "BOARD-009", "family")])
    assert [f.rule for f in folded] == ["BOARD-010", "BOARD-009"] and folded[1].subject == "WP-1-Index"
    assert folded[0].details == ("also BOARD-009 (registry.json:958): registry still points to the stub",)
    assert ("BOARD-010", "BOARD-009") in {(pair.keep, pair.fold) for pair in load_profile("handshake-2026-06").duplicates}
