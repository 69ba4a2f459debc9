"""The phase-gate report page for a ready and a not-ready phase."""

from __future__ import annotations

import datetime as dt
import re

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import BoardColumn, Loc, Status
from mkdocs_handshake.model.records import BoardEntry
from mkdocs_handshake.model.governance import Waiver
from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.phase_gate_page import render_phase_gate_page
from tests.rules.builders import board_entry, make_model, make_packet

BOARD = "docs/TASK_BOARD.md"
AS_OF = dt.date(2026, 12, 1)
TICKED = tuple(
    ("1", Loc(BOARD, line, 3), text, True)
    for line, text in ((20, "Spec regression check PASS"), (21, "Supply chain clean (cargo deny + npm audit)"), (22, "All commits properly tracked"))
)


def validated(wp: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return make_packet(wp, status=Status.VALIDATED, reports=[("PASS", "2026-11-20")], **kwargs)  # type: ignore[arg-type]


def gate_entry(wp: str, line: int, phase: str = "1") -> BoardEntry:
    return BoardEntry(wp, BoardColumn.PHASE_GATE, f"PHASE {phase} CLOSURE GATES", (), f"[{wp}]", Loc(BOARD, line, 5))


def section(page: str, phase: str) -> str:
    start = page.index(f"## Phase {phase}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end >= 0 else None]


def row(text: str, criterion_id: str, phase: str = "1") -> str:
    match = re.search(rf'<tr [^>]*id="phase-{phase}-{criterion_id}">.*?</tr>', text)
    assert match, criterion_id
    return match.group(0)


def render(model, findings=(), **options):  # type: ignore[no-untyped-def]
    return render_phase_gate_page(RenderContext(model, tuple(findings), as_of=AS_OF, options=options))


def ready_and_not_ready_model():  # type: ignore[no-untyped-def]
    return make_model(
        [
            validated("WP-1-A"),
            validated("WP-1-B", depends_on=["WP-1-A"]),
            validated("WP-2-A"),
            make_packet("WP-2-B", status=Status.BLOCKED, depends_on=["WP-2-X"]),
        ],
        board=[gate_entry("WP-1-A", 5), gate_entry("WP-1-B", 6), board_entry("WP-2-B", BoardColumn.BLOCKED, 30)],
        phase_checklist=TICKED,
        phase_claims=(("2", Loc(BOARD, 40, 1), "Phase 2 READY TO CLOSE"),),
    )


def test_ready_phase_shows_verdict_share_and_attested_musts() -> None:
    phase1 = section(render(ready_and_not_ready_model()), "1")
    assert '<div class="admonition success">\n<p class="admonition-title">Phase 1: READY TO CLOSE</p>' in phase1
    assert "**Phase-critical WPs VALIDATED: 2 of 2 (100%)** — listed in the task board's phase-gate section" in phase1
    assert "PASS (attested)" in row(phase1, "spec-regression")
    assert '<code class="hs-path" title="docs/TASK_BOARD.md:20">TASK_BOARD.md:20</code>' in row(phase1, "spec-regression")
    assert 'hs-gate-pass' in row(phase1, "validated")
    assert "all 2 phase-critical WPs VALIDATED" in row(phase1, "validated")
    assert '<a href="../packets/WP-1-B/">WP-1-B</a>' in phase1[phase1.index('id="critical-wps-1"') :]
    # MUST rows come before SHOULD rows.
    order = re.findall(r'id="phase-1-([a-z-]+)"', phase1)
    assert order == ["validated", "spec-regression", "supply-chain", "blockers", "git-trail", "escalations", "deferred-work", "coverage", "security-audit"]


def test_not_ready_phase_lists_failed_and_unknown_musts_with_evidence() -> None:
    finding = Finding("DEP-001", Severity.ERROR, "WP-2-X does not exist", Loc("docs/task_packets/WP-2-B.md", 77, 17), "WP-2-X", "WP-2-B")
    phase2 = section(render(ready_and_not_ready_model(), [finding]), "2")
    assert '<div class="admonition failure">\n<p class="admonition-title">Phase 2: NOT READY</p>' in phase2
    assert "**Failed MUST criteria:** All phase-critical WPs are VALIDATED" in phase2
    assert "No unresolved blockers" in phase2.split("**Failed MUST criteria:**")[1].split("\n")[0]
    assert "**MUST criteria not evidenced:** Spec regression check passes; Supply chain audit clean" in phase2
    assert "1 of 2 (50%)" in phase2 and "every packet of the phase that is not superseded counts" in phase2
    blockers = row(phase2, "blockers", "2")
    assert 'stands in the board&#x27;s Blocked column <code class="hs-path" title="docs/TASK_BOARD.md:30">TASK_BOARD.md:30</code>' in blockers
    assert "depends on WP-2-X, which does not exist" in blockers
    assert 'href="../findings/#family-dep">DEP-001</a>: WP-2-X does not exist' in blockers
    assert "<code>just validator-spec-regression</code>" in row(phase2, "spec-regression", "2")
    assert "UNKNOWN (not evidenced)" in row(phase2, "spec-regression", "2")
    assert "“Phase 2 READY TO CLOSE” at `docs/TASK_BOARD.md:40`" in phase2
    assert "(PHASE-001)" in phase2


def test_page_escapes_governance_text_and_lists_waivers() -> None:
    hostile = BoardEntry("WP-1-A", BoardColumn.DONE, "Done", (), "[WP-1-A] <b>Phase 1 closed</b>", Loc(BOARD, 9, 3))
    model = make_model([validated("WP-1-A")], board=[hostile])
    waivers = (Waiver("PHASE-001", "WP-1-A", "<i>legacy</i>", "", "Phase 1"),)
    page = render(model, waivers=waivers)
    assert "<b>" not in page and "<i>" not in page
    assert "“Phase 1 closed” at `docs/TASK_BOARD.md:9`" in page
    waiver_row = page[page.index("## Waivers") :]
    assert "&lt;i&gt;legacy&lt;/i&gt;" in waiver_row
    assert "unapproved</span> no approval date" in waiver_row


def test_page_without_phases_says_so() -> None:
    page = render(make_model([]))
    assert "No phase found" in page and "No waivers are configured." in page


def test_many_failing_wps_are_counted_once_and_listed_only_in_the_collapsed_table() -> None:
    """The evidence cell says how many WPs fail and points at the table; the
    table (collapsed when long) is the one list, with where each state is."""
    packets = [make_packet(f"WP-1-P{n:02d}", status=Status.READY_FOR_DEV, reports=[("FAIL", "2026-11-20")]) for n in range(1, 15)]
    packets.append(validated("WP-1-Q01"))
    page = render(make_model(packets))
    phase1 = section(page, "1")
    cell = row(phase1, "validated")
    assert "14 of 15 phase-critical WPs not VALIDATED" in cell
    assert 'href="#critical-wps-1"' in cell
    assert "WP-1-P01" not in cell and "<li>" not in cell
    table = phase1[phase1.index('<details class="hs-critical" id="critical-wps-1">') :]
    assert "<summary>14 not VALIDATED, 1 VALIDATED: show all 15</summary>" in table
    assert table.count('<a href="../packets/WP-1-P') == 14
    assert page.count('<a href="../packets/WP-1-P07/">') == 1  # listed once on the whole page
    p07 = re.search(r"<tr><td><a href=\"../packets/WP-1-P07/\">.*?</tr>", table)
    assert p07 and 'title="docs/task_packets/WP-1-P07.md:' in p07.group(0) and ">WP-1-P07.md:" in p07.group(0)


def test_short_critical_table_is_open_and_long_evidence_is_collapsed() -> None:
    findings = [
        Finding("DEP-001", Severity.ERROR, f"WP-2-X{n} does not exist", Loc("docs/task_packets/WP-2-B.md", 70 + n, 17), f"WP-2-X{n}", "WP-2-B")
        for n in range(4)
    ]
    model = make_model(
        [validated("WP-2-A"), make_packet("WP-2-B", status=Status.BLOCKED, depends_on=[f"WP-2-X{n}" for n in range(4)])],
        board=[board_entry("WP-2-B", BoardColumn.BLOCKED, 30)],
    )
    phase2 = section(render(model, findings), "2")
    assert '<details class="hs-critical" id="critical-wps-2" open>' in phase2
    blockers = row(phase2, "blockers", "2")
    match = re.search(r'<details class="hs-evidence"><summary>(\d+) items</summary>(.*?)</details>', blockers)
    assert match, blockers
    assert int(match.group(1)) == match.group(2).count("<li>") > 3
    assert 'title="docs/task_packets/WP-2-B.md:73">WP-2-B.md:73</code>' in match.group(2)
