"""DONE_MEANS -> requirement mapping, including near misses both ways."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mkdocs_handshake.analysis import semantic
from mkdocs_handshake.analysis.mapping_index import RequirementIndex
from mkdocs_handshake.analysis.mapping_scope import anchor_sections
from mkdocs_handshake.analysis.mapping_coverage import coverage
from mkdocs_handshake.analysis.mapping import map_done_means, map_item
from mkdocs_handshake.model.packet import AnchorRef, ListItem
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.parse.spec import parse_spec
from mkdocs_handshake.repository.source import decode
from mkdocs_handshake.analysis.traceability import done_entries, is_verification, live_packets
from tests.rules.builders import make_model, make_packet, make_section, make_spec, occurrence

@pytest.fixture(autouse=True)
def _lexical_signals_only(monkeypatch):
    """These tests describe the signals of words, names and citations: the
    matcher as it runs without its embedding (when the package is absent).
    The semantic signal and the calibrated decision are tested in
    tests/test_semantic.py."""
    monkeypatch.setattr(semantic, "_SHARED", [None])


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


def test_a_list_of_verdicts_is_not_a_claim_that_a_check_passed():
    """An item that names the outcomes a check may have is a requirement
    on the check, not a statement that one passed."""
    for text in ("Validation descriptors store typed PASS, FAIL, BLOCKED or ERROR results.",
                 "Closeout requests Integration Validator review and does not self-claim PASS/FAIL."):
        assert not is_verification(text), text
    assert is_verification("Validator verdict: PASS, no FAIL rows remain")


def test_an_approval_named_as_a_record_is_not_a_verdict():
    """"Missing approval" is a case a requirement lists; "approved" says
    how a review ended."""
    assert not is_verification("Promotion rejection receipts cover validation failure, policy denial and missing approval.")
    assert is_verification("Validator approved the change")


@pytest.mark.parametrize(
    ("item", "index"),
    [
        ("Nightly reconciler compares ledger balances and flags mismatches", 1),
        ("Jobs with an expired lease are re-queued when the scheduler starts", 2),
        ("`audit_log` receives a RETRY-ATTEMPT row for each retry", 3),
        ("Exports in the archive are signed using the workspace key", 4),
    ],
)
def test_paraphrase_maps_by_wording_or_name(item: str, index: int):
    mappings = map_item(ListItem(item, Loc("p.md", 7, 3)), "", {"3.4.2": RECONCILER}, RequirementIndex.build(sections()))
    assert [(m.section, m.requirement_index) for m in mappings] == [("3.4.2", index)]
    assert mappings[0].kind in ("lexical", "identifier") and mappings[0].terms
    assert mappings[0].score >= mappings[0].threshold


@pytest.mark.parametrize(
    "item",
    [
        "Ledger balances are displayed in the dashboard with currency formatting",
        "Ledger balance mismatches are reported to operators by email",
    ],
)
def test_topically_similar_sentence_does_not_map(item: str):
    mappings = map_item(ListItem(item, Loc("p.md", 7, 3)), "", {"3.4.2": RECONCILER}, RequirementIndex.build(sections()))
    assert [(m.kind, m.item.loc.line) for m in mappings] == [("unmapped", 7)]
    # What was tried is kept: the nearest requirement and its score under the bar.
    assert mappings[0].nearest_section == "3.4.2" and mappings[0].nearest_index > 0
    assert mappings[0].nearest_score < mappings[0].threshold


@pytest.mark.parametrize(
    ("item", "index"),
    [
        ("Scheduler exposes job queue depth as a metric", 2),
        ("Workspace key rotation is documented for operators", 4),
        ("Retry button added to the audit view", 3),
    ],
)
def test_a_near_miss_alone_on_its_topic_is_at_best_ranked_and_says_so(item: str, index: int):
    """The known cost of the ranked signal: a sentence that shares only its
    subject with one requirement, and nothing with the others, is clearly
    ahead. It never passes as a wording match; it is marked as the weakest
    signal, with a score under the wording bar, for a reviewer to check."""
    [mapping] = map_item(ListItem(item, Loc("p.md", 7, 3)), "", {"3.4.2": RECONCILER}, RequirementIndex.build(sections()))
    assert (mapping.kind, mapping.requirement_index) == ("ranked", index)
    assert mapping.threshold <= mapping.score < 0.5


def test_a_requirement_clearly_ahead_of_the_rest_of_the_anchor_maps_as_ranked():
    """Under the wording bar, but the anchor's other requirements share
    almost nothing with the item: the best one is the one it proves, and
    the runner-up is recorded."""
    item = "Scheduler picks up expired leases at service start, without touching the ledger"
    [mapping] = map_item(ListItem(item, Loc("p.md", 7, 3)), "", {"3.4.2": RECONCILER}, RequirementIndex.build(sections()))
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("ranked", "3.4.2", 2)
    assert mapping.threshold <= mapping.score < 0.5
    assert {"Scheduler", "leases", "expired"} <= set(mapping.terms)
    assert (mapping.nearest_section, mapping.nearest_index) == ("3.4.2", 1)  # the runner-up: "ledger"
    assert mapping.nearest_score * 2 <= mapping.score
    assert mapping.covers


def test_a_tie_between_requirements_stays_unmapped():
    """Two requirements share the item's words equally: the words do not
    decide, so nothing is guessed."""
    keys = make_section("5.1", requirements=[
        "Exports MUST be signed with the tenant vault token.",
        "Imports MUST be verified against the tenant vault token.",
    ], line=300)
    index = RequirementIndex.build(make_spec([RECONCILER, SUB, keys]).by_number())
    [mapping] = map_item(ListItem("Tenant vault token is rotated monthly", Loc("p.md", 7, 3)), "", {"5.1": keys}, index)
    assert mapping.kind == "unmapped" and not mapping.covers
    assert (mapping.nearest_section, mapping.nearest_index) == ("5.1", 1) and mapping.nearest_score >= 0.25


def test_a_cited_section_number_does_not_count_against_the_wording():
    """The number is the citation; it is no word the requirement lacks."""
    index = RequirementIndex.build(sections())
    plain, cited = (
        map_item(ListItem(text, Loc("p.md", 7, 3)), "", {"3.4.2": RECONCILER}, index)[0]
        for text in ("Reconciler alerts operators about ledger balances", "Reconciler alerts operators about ledger balances per 3.4.2")
    )
    assert (cited.kind, cited.section, cited.requirement_index) == ("citation", "3.4.2", 1)
    assert cited.score == plain.score


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


# --------------------------------------------------------------------------
# Items, identifiers from code, citations without §, work that stays linear
# --------------------------------------------------------------------------

LLM_SPEC = """\
# Demo Spec v01.00

## 4. LLM

### 4.2.3 LLM Client Adapter

All application code MUST call models through the LlmClient trait.

The client MUST enforce max_tokens for every request and report an overflow:

```rust
Err(LlmError::new("HSK-402-BUDGET-EXCEEDED"))
```

Every call MUST emit a Flight Recorder event with trace_id and model_id.

#### 4.2.3.1 Problems view

The Problems view MUST:

- Provide filters for: `severity`, `job_id`, `time_range`.
- Group rows by fingerprint.

### 4.2.4 Unrelated

Exports SHOULD be signed.
"""


def _llm_index() -> RequirementIndex:
    spec, _ = parse_spec(decode(LLM_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    return RequirementIndex.build(spec.by_number())


def _packet(done: list, anchors=("4.2.3",), extra_blocks: tuple = ()):
    field = occurrence("WP-1-Llm", "DONE_MEANS", "", 40)
    field = replace(field, items=tuple(done))
    blocks = (field, *extra_blocks)
    return make_packet("WP-1-Llm", anchors=anchors, fields={"DONE_MEANS": blocks})


def _item(text: str, line: int, children: tuple = ()) -> ListItem:
    return ListItem(text, Loc("docs/task_packets/WP-1-Llm.md", line, 3), children=children)


def test_an_error_code_in_the_sections_code_block_maps_the_item_by_identifier():
    packet = _packet([_item("Budget enforcement verified: returns HSK-402-BUDGET-EXCEEDED on overflow", 41)])
    [mapping] = map_done_means(packet, _llm_index())
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("identifier", "4.2.3", 2)
    assert mapping.terms[0] == "HSK-402-BUDGET-EXCEEDED"  # as the item wrote it
    assert "max_tokens" in mapping.requirement_text


def test_a_code_blocks_names_do_not_lend_their_words_to_the_requirement():
    """The code block after the budget requirement names
    HSK-402-BUDGET-EXCEEDED: the name is evidence for that requirement, but
    its words ("budget", "exceeded") are not what the requirement says."""
    packet = _packet([_item("Budget exceeded banner is shown in the UI", 41)])
    [mapping] = map_done_means(packet, _llm_index())
    assert mapping.kind == "unmapped" and not mapping.covers


def test_a_cited_subsection_without_a_fitting_requirement_narrows_to_the_section_above():
    """The item cites §4.2.3.1 (the Problems view), but its words are those
    of §4.2.3's own requirement: the subsection is part of §4.2.3, so the
    citation reaches it; nothing outside the cited branch is considered."""
    packet = _packet([_item("LlmClient trait implemented per §4.2.3.1", 41)])
    [mapping] = map_done_means(packet, _llm_index())
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("citation", "4.2.3", 1)
    assert "LlmClient" in mapping.terms


def test_filters_listed_under_a_lead_in_are_requirements_an_item_can_prove():
    packet = _packet([_item("UI supports filtering by job_id, severity and time_range", 41)])
    [mapping] = map_done_means(packet, _llm_index())
    assert (mapping.section, mapping.requirement_index) == ("4.2.3.1", 1)
    assert {"job_id", "severity", "time_range"} <= set(mapping.terms)


def test_group_header_is_not_an_item_and_its_citation_reaches_the_sub_items():
    group = _item("SPEC 4.2.3.1 Problems MUST:", 41, children=(_item("Rows are grouped by fingerprint.", 42), _item("Dashboard is pretty.", 43)))
    second = replace(occurrence("WP-1-Llm", "DONE_MEANS", "", 90), items=(_item("All tests pass", 91),))
    packet = _packet([group], extra_blocks=(second,))
    assert [(item.loc.line, header) for item, header in done_entries(packet)] == [
        (42, "SPEC 4.2.3.1 Problems MUST:"), (43, "SPEC 4.2.3.1 Problems MUST:"), (91, "")
    ]
    mappings = map_done_means(packet, _llm_index())
    assert [(m.item.loc.line, m.kind, m.section, m.requirement_index) for m in mappings] == [
        (42, "citation", "4.2.3.1", 2),  # the header's bare "4.2.3.1" is a citation inside the anchor
        (43, "citation", "4.2.3.1", 0),  # cited section, but nothing in it matches: the section as a whole
        (91, "verification", "", 0),
    ]
    assert mappings[0].group == "SPEC 4.2.3.1 Problems MUST:"


def test_anchors_written_without_section_sign_ranges_and_escapes_resolve():
    index = _llm_index()
    prose = AnchorRef("Demo_Spec_v01.00.md 4.2.3.1 (Problems) + \\u00a74.2.4", Loc("p.md", 1))
    ranged = AnchorRef("4.2.3-4.2.4 (LLM surfaces)", Loc("p.md", 2))
    assert [number for number, _ in anchor_sections(prose, index.sections_by_number)] == ["4.2.3.1", "4.2.4"]
    assert [number for number, _ in anchor_sections(ranged, index.sections_by_number)] == ["4.2.3", "4.2.4"]


PHASE_SPEC = """\
# Demo Spec v01.00

## 7. Roadmap

### 7.6.3 Phase 1 deliverables

1. **Ledger export:** Exports MUST be signed with the workspace key.
2. **Lease recovery:** The scheduler MUST re-queue expired leases at start.
"""


@pytest.mark.parametrize("cited", ["(7.6.3 item 2)", "per §7.6.3, Item 2", "per 9.9/7.6.3.2"])
def test_a_list_item_or_one_of_a_slash_list_of_numbers_is_cited(cited: str):
    """'7.6.3 item 2' is the list item the spec makes addressable as
    §7.6.3.2 (as the anchor parser reads it); '9.9/7.6.3.2' cites both."""
    spec, _ = parse_spec(decode(PHASE_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    index = RequirementIndex.build(spec.by_number())
    anchor = {"7.6.3": spec.by_number()["7.6.3"][0]}
    [mapping] = map_item(ListItem(f"Scheduler re-queues expired leases {cited}", Loc("p.md", 7, 3)), "", anchor, index)
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("citation", "7.6.3.2", 1)


def test_a_single_requirement_section_is_not_mapped_without_a_shared_term():
    packet = _packet([_item("Dashboard colours follow the theme (§4.2.4)", 41)], anchors=("4.2.4",))
    [mapping] = map_done_means(packet, _llm_index())
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("citation", "4.2.4", 0)
    assert not mapping.covers


def test_requirements_are_indexed_once_and_mapping_work_grows_linearly_with_packets():
    spec, _ = parse_spec(decode(LLM_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    sections = spec.by_number()
    unique = {r.loc for s in spec.sections for r in s.requirements}

    def work(count: int) -> tuple[int, int]:
        index = RequirementIndex.build(sections)
        model = make_model(
            [_packet_numbered(n) for n in range(count)], spec=spec
        )
        for packet in model.packets:
            map_done_means(packet, index)
        return index.requirement_count, index.comparisons

    small, large = work(100), work(1000)
    assert small[0] == large[0] == len(unique)  # the index is per spec, not per packet
    assert large[1] == 10 * small[1] > 0  # every packet costs the same: linear


def _packet_numbered(n: int):
    wp = f"WP-1-Gen-{n:05d}"
    field = occurrence(wp, "DONE_MEANS", "", 40, item_texts=["Client enforces max_tokens", "All tests pass", "Problems view groups rows"])
    return make_packet(wp, anchors=("4.2.3",), fields={"DONE_MEANS": (field,)})


def test_mapping_is_deterministic():
    packet = _packet([_item("Every call emits a Flight Recorder event with trace_id", 41)])
    assert map_done_means(packet, _llm_index()) == map_done_means(packet, _llm_index())


def test_live_packets_drop_superseded_and_older_variants():
    packets = [
        make_packet("WP-1-Ledger"),
        make_packet("WP-1-Ledger-v2"),
        make_packet("WP-1-Ledger-v3", status=Status.SUPERSEDED, status_raw="Superseded"),
        make_packet("WP-1-Other"),
    ]
    from mkdocs_handshake.protocol.lifecycle import with_lifecycles
    from mkdocs_handshake.protocol.profiles import load_profile

    profile = load_profile("handshake-2025-12")
    # No board: STATUS and later revisions decide (mkdocs_handshake/protocol/lifecycle.py).
    assert [p.id for p in live_packets(with_lifecycles(make_model(packets), profile))] == ["WP-1-Other"]
    assert [p.id for p in live_packets(with_lifecycles(make_model(packets[:2] + packets[3:]), profile))] == ["WP-1-Ledger-v2", "WP-1-Other"]


def test_the_loader_indexes_the_spec_once_for_all_packets(monkeypatch: pytest.MonkeyPatch):
    from mkdocs_handshake.load.link import link

    spec, _ = parse_spec(decode(LLM_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    builds: list[int] = []
    original = RequirementIndex.build.__func__  # type: ignore[attr-defined]

    def counting(cls, sections, **options):
        builds.append(1)
        return original(cls, sections, **options)

    monkeypatch.setattr(RequirementIndex, "build", classmethod(counting))
    model = link(make_model([_packet_numbered(n) for n in range(50)], spec=spec))
    assert len(builds) == 1 and len(model.done_mappings) == 50
    assert all(mapping.kind in ("identifier", "lexical", "verification", "unmapped") for found in model.done_mappings.values() for mapping in found)


EVENT_SPEC = """# Spec

## 5. Ledger

### 5.1 Events

The following Flight Recorder events MUST be emitted:

| Event | When |
|---|---|
| FR-EVT-LED-001 | a batch is applied |
| FR-EVT-LED-002 | a batch is rejected |

Every FR-EVT-LED-009 record MUST carry the batch id.

Consumers MUST ignore FR-EVT-LED-009 records they do not know.
"""


def _event_index() -> RequirementIndex:
    spec, _ = parse_spec(decode(EVENT_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    return RequirementIndex.build(spec.by_number())


def test_a_code_only_one_requirement_names_is_a_citation_of_it_bracketed_or_not():
    """An event or error code of three or more parts (FR-EVT-LED-002) is an
    identifier like a bracketed requirement id: an item naming the code of
    exactly one requirement of its anchor proves that requirement, each
    code its own. A code several requirements name singles none out."""
    packet = _packet([
        _item("Rejection emits FR-EVT-LED-002 and the apply path emits FR-EVT-LED-001 with the batch size", 41),
        _item("FR-EVT-LED-009 records are written for every batch", 42),
    ], anchors=("5.1",))
    mappings = map_done_means(packet, _event_index())
    cited = [(m.item.loc.line, m.kind, m.requirement_index, m.terms) for m in mappings if m.item.loc.line == 41]
    assert cited == [(41, "citation", 1, ("FR-EVT-LED-001",)), (41, "citation", 2, ("FR-EVT-LED-002",))]
    assert all(m.kind != "citation" for m in mappings if m.item.loc.line == 42)


GUARD_SPEC = """# Spec

## 6. Ledger runtime

### 6.4 Guards (runtime-enforced)

The runtime MUST provide guards that reject violations:

#### 6.4.0 Enforcement invariants

For LeaseGuard and QuotaGuard, the runtime MUST resolve the raw ledger rows before the guard runs.

#### 6.4.1 LeaseGuard (Normative)

The guard MUST reject a batch whose lease expired.

#### 6.4.2 QuotaGuard (Normative)

The guard MUST reject a batch above the tenant quota.

#### 6.4.3 ReplayGuard (Normative)

The guard MUST reject a batch id seen before.
"""


def _guard_item(text: str) -> tuple:
    spec, _ = parse_spec(decode(GUARD_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    index = RequirementIndex.build(spec.by_number())
    anchor = {"6.4": spec.by_number()["6.4"][0]}
    return tuple((m.kind, m.section, m.requirement_index, m.terms) for m in map_item(ListItem(text, Loc("p.md", 7, 3)), "", anchor, index))


@pytest.mark.parametrize(
    ("item", "evidence"),
    [
        ("LeaseGuard, QuotaGuard and ReplayGuard implemented per §6.4", ("LeaseGuard", "QuotaGuard", "ReplayGuard")),
        ("All guards listed in 6.4.1-6.4.3 exist and are invoked on every step", ("§6.4.1–§6.4.3",)),
    ],
)
def test_an_item_citing_a_group_of_subsections_proves_their_parents_requirement(item: str, evidence: tuple):
    """Naming every guard (by the titles of their subsections, or by a range
    of their numbers) says the set exists: the parent's "MUST provide
    guards", not the invariant that happens to mention two of them."""
    assert _guard_item(item) == (("citation", "6.4", 1, evidence),)
    spec, _ = parse_spec(decode(GUARD_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    [mapping] = map_item(ListItem(item, Loc("p.md", 7, 3)), "", {"6.4": spec.by_number()["6.4"][0]}, RequirementIndex.build(spec.by_number()))
    assert mapping.via == "group"


def test_a_group_citation_whose_wording_fits_one_member_maps_to_that_member():
    assert _guard_item("A batch whose lease expired is rejected (6.4.1/6.4.2)") == (("citation", "6.4.1", 1, ("batch", "expired", "lease", "rejected")),)
    spec, _ = parse_spec(decode(GUARD_SPEC.encode("utf-8"), "Spec_v01.00.md"))
    [mapping] = map_item(ListItem("A batch whose lease expired is rejected (6.4.1/6.4.2)", Loc("p.md", 7, 3)), "", {"6.4": spec.by_number()["6.4"][0]}, RequirementIndex.build(spec.by_number()))
    assert mapping.via == ""  # a plain citation of the member


def test_a_requirement_id_is_more_specific_than_a_group_it_also_names():
    spec = GUARD_SPEC.replace("For LeaseGuard", "[LED-GD-100] For LeaseGuard")
    parsed, _ = parse_spec(decode(spec.encode("utf-8"), "Spec_v01.00.md"))
    index = RequirementIndex.build(parsed.by_number())
    anchor = {"6.4": parsed.by_number()["6.4"][0]}
    mappings = map_item(ListItem("[LED-GD-100] LeaseGuard and QuotaGuard see raw rows", Loc("p.md", 7, 3)), "", anchor, index)
    assert [(m.section, m.requirement_index) for m in mappings] == [("6.4.0", 1)]


EXPORTS = make_section("5.2", requirements=[
    "Debug exports MUST be reachable from: the Evidence Drawer button.",
    "Debug exports MUST be reachable from: the Jobs View context menu on a job row.",
    "Debug exports MUST be reachable from: the Problems View context menu on a problem row.",
    "Debug exports MUST be reachable from: the Timeline View range action.",
    "Bundles MUST be deterministic across runs.",
], line=500)


def test_an_item_naming_several_items_of_a_cited_list_proves_the_list():
    """No one list item holds enough of the item's words, the list as a
    whole does: in the section the item cites, it maps to its best-fitting
    list item, scored against the whole list. Without the citation the
    list does not decide (which member such an item proves is arbitrary)."""
    index = RequirementIndex.build(make_spec([RECONCILER, SUB, EXPORTS]).by_number())
    text = "export triggers exist in the Evidence Drawer, Jobs View, Problems View and Timeline View"
    [mapping] = map_item(ListItem(f"Per §5.2, {text}; modal and progress flows follow.", Loc("p.md", 7, 3)), "", {"5.2": EXPORTS}, index)
    assert (mapping.kind, mapping.section, mapping.via) == ("citation", "5.2", "list") and mapping.requirement_index in (1, 2, 3, 4)
    assert mapping.score >= mapping.threshold and {"Drawer", "Timeline"} <= set(mapping.terms)
    [uncited] = map_item(ListItem(f"{text[0].upper()}{text[1:]}.", Loc("p.md", 7, 3)), "", {"5.2": EXPORTS}, index)
    assert uncited.via != "list"
    # One list item named is no list: the words decide as ever.
    [mapping] = map_item(ListItem("Per §5.2, an export trigger exists in the Evidence Drawer.", Loc("p.md", 8, 3)), "", {"5.2": EXPORTS}, index)
    assert mapping.via == "" and (mapping.section, mapping.requirement_index) == ("5.2", 1)


def test_a_section_takes_its_subsections_from_its_own_module_only():
    """A bundle may repeat a number in two modules (an appendix block
    "3.4.2" and a chapter heading "3.4.2"): an anchor that lands on the
    appendix block's section must not reach the other module's 3.4.2.1."""
    elsewhere = replace(RECONCILER, loc=Loc("modules/12-appendices.md", 40), requirements=(), duplicate=True)
    index = RequirementIndex.build(make_spec([RECONCILER, SUB, elsewhere]).by_number(), embedder=None)
    assert index.subtree(RECONCILER) == [SUB]
    assert index.subtree(elsewhere) == []
    assert index.descendants("3.4.2") == [SUB]
