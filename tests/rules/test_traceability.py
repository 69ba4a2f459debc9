"""DONE_MEANS -> requirement mapping, including near misses both ways."""

from __future__ import annotations

import pytest

from mkdocs_handshake.model import ListItem, Loc
from mkdocs_handshake.traceability import (
    QUOTE_THRESHOLD,
    coverage,
    is_verification,
    map_done_means,
    map_item,
    similarity,
)
from tests.rules.builders import make_packet, make_section, make_spec, occurrence

RECONCILER = make_section(
    "3.4.2",
    requirements=[
        "The reconciler MUST compare ledger balances nightly and flag every mismatch.",
        "[LED-RC-002] Upon service start, the scheduler MUST re-queue jobs whose lease expired more than 60 seconds ago.",
        "Every retry MUST be recorded as a RETRY-ATTEMPT event in the audit_log table.",
        "Archive exports SHOULD be signed with the workspace key.",
    ],
)
SUB = make_section("3.4.2.1", requirements=["Reconciliation reports MUST list the account id of each mismatch."], line=200)


def packet_with(done: list[str], anchors: tuple[str, ...] = ("3.4.2",)):
    field = occurrence("WP-1-Ledger", "DONE_MEANS", "", 40, item_texts=done)
    return make_packet("WP-1-Ledger", anchors=anchors, fields={"DONE_MEANS": (field,)})


def sections():
    return make_spec([RECONCILER, SUB]).by_number()


def kinds(done: list[str], anchors: tuple[str, ...] = ("3.4.2",)):
    return [(m.item.loc.line, m.kind, m.section, m.requirement_index) for m in map_done_means(packet_with(done, anchors), sections())]


def test_citation_with_requirement_number_maps_to_that_requirement():
    mappings = map_done_means(packet_with(["MUST: nightly comparison runs (§3.4.2, requirement 1)"]), sections())
    assert [(m.item.loc.line, m.kind, m.section, m.requirement_index) for m in mappings] == [(41, "citation", "3.4.2", 1)]
    assert mappings[0].requirement_text.startswith("The reconciler MUST compare")


def test_requirement_id_and_bare_requirement_number_are_citations():
    assert kinds(["Lease recovery per [LED-RC-002]", "Retries recorded (requirement 3)", "requirements 1 and 4 hold"]) == [
        (41, "citation", "3.4.2", 2),
        (42, "citation", "3.4.2", 3),
        (43, "citation", "3.4.2", 1),
        (43, "citation", "3.4.2", 4),
    ]


def test_out_of_range_requirement_number_is_unmapped_with_the_number_kept():
    assert kinds(["Done per §3.4.2, requirement 9"]) == [(41, "unmapped", "3.4.2", 9)]


def test_citation_of_a_subsection_of_the_anchor_maps_inside_it():
    assert kinds(["Reports list the account id of every mismatch (§3.4.2.1)"]) == [(41, "citation", "3.4.2.1", 1)]


def test_verification_items_are_recognised():
    for text in ("All tests pass", "Validator PASS", "`just post-work WP-1-Ledger` returns PASS", "validation clean",
                 "Forbidden-pattern audit is clean", "✅ All existing workflow tests pass."):
        assert is_verification(text), text
    for text in ("Unit tests verify that expired data is deleted", "The reconciler flags mismatches"):
        assert not is_verification(text), text
    assert kinds(["All tests pass"]) == [(41, "verification", "", 0)]


@pytest.mark.parametrize(
    ("item", "index"),
    [
        ("Nightly reconciler compares ledger balances and flags mismatches", 1),
        ("Jobs with an expired lease are re-queued when the scheduler starts", 2),
        ("`audit_log` receives a RETRY-ATTEMPT row for each retry", 3),
        ("Exports in the archive are signed using the workspace key", 4),
    ],
)
def test_paraphrase_maps_as_quote(item: str, index: int):
    mappings = map_item(ListItem(item, Loc("p.md", 7, 3)), {"3.4.2": RECONCILER})
    assert [(m.kind, m.section, m.requirement_index) for m in mappings] == [("quote", "3.4.2", index)]
    assert mappings[0].score >= QUOTE_THRESHOLD


@pytest.mark.parametrize(
    "item",
    [
        "Ledger balances are displayed in the dashboard with currency formatting",
        "Scheduler exposes job queue depth as a metric",
        "Workspace key rotation is documented for operators",
        "Retry button added to the audit view",
    ],
)
def test_topically_similar_sentence_does_not_map(item: str):
    mappings = map_item(ListItem(item, Loc("p.md", 7, 3)), {"3.4.2": RECONCILER})
    assert [(m.kind, m.item.loc.line) for m in mappings] == [("unmapped", 7)]


def test_similarity_is_containment_of_the_item():
    score, shared = similarity("ledger balances compared", RECONCILER.requirements[0].text)
    assert (round(score, 2), shared) == (1.0, 3)
    score, _ = similarity("ledger dashboard colours", RECONCILER.requirements[0].text)
    assert score < QUOTE_THRESHOLD


def test_blanket_boilerplate_item_maps_to_nothing():
    assert kinds(["Spec requirements from referenced anchors are fully implemented or gaps recorded with FAIL."]) == [
        (41, "unmapped", "", 0)
    ]


def test_item_citing_section_outside_anchors_is_unmapped_and_keeps_the_section():
    assert kinds(["Tokens counted per §9.1"]) == [(41, "unmapped", "9.1", 0)]


def test_unresolved_anchor_contributes_nothing():
    assert kinds(["Nightly reconciler compares ledger balances"], anchors=("8.8.8",)) == [(41, "unmapped", "", 0)]


def test_coverage_lists_items_per_requirement():
    packet = packet_with(["Nightly reconciler compares ledger balances (§3.4.2, requirement 1)", "Retries recorded (requirement 3)"])
    result = coverage(packet, sections())
    assert list(result) == ["3.4.2"]
    assert [(entry.requirement.index, [item.loc.line for item in entry.items]) for entry in result["3.4.2"]] == [
        (1, [41]),
        (2, []),
        (3, [42]),
        (4, []),
    ]
