"""SIG-001..007: signatures, the audit log and the gate log."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.records import GateEvent, SignatureRow, SignatureUse
from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import audit_row, make_model, make_packet
from tests.fixtures.repo import AS_OF

AUDIT = "docs/SIGNATURE_AUDIT.md"
GATES = "docs/ORCHESTRATOR_GATES.json"
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"


def run(rule_id: str, model) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=dt.date(2026, 11, 20))))


def lock(sig: str, wp: str, line: int = 82) -> SignatureUse:
    return SignatureUse(sig, Loc(f"docs/task_packets/{wp}.md", line, 27), "lock", wp)


def approval(sig: str, wp: str, line: int = 13) -> SignatureUse:
    return SignatureUse(sig, Loc(f"docs/task_packets/{wp}.md", line, 19), "approval", wp)


def compliant():
    """Two packets, each locked once with its own audited signature."""
    uses = [lock("anna181120261000", "WP-1-A"), lock("anna181120261105", "WP-1-B")]
    rows = [audit_row("anna181120261000", 20, when="2026-11-18 10:00"), audit_row("anna181120261105", 21, when="2026-11-18 11:05")]
    packets = [make_packet("WP-1-A", signature="anna181120261000"), make_packet("WP-1-B", signature="anna181120261105")]
    return packets, uses, rows


def test_compliant_signatures_are_silent():
    packets, uses, rows = compliant()
    events = [
        GateEvent("WP-1-A", "REFINEMENT", "", "2026-11-18T09:00:00Z", "t1", Loc(GATES, 3, 5)),
        GateEvent("WP-1-A", "SIGNATURE", "", "2026-11-18T10:00:00Z", "t2", Loc(GATES, 10, 5), "anna181120261000"),
    ]
    model = make_model(packets, uses=uses, audit_rows=rows, gate_events=events)
    for rule_id in ("SIG-001", "SIG-002", "SIG-003", "SIG-004", "SIG-005", "SIG-006", "SIG-007"):
        assert run(rule_id, model) == [], rule_id


def test_sig_001_bad_date_and_protocol_example_shape():
    uses = [lock("anna321120261000", "WP-1-A"), lock("ilja251225032800", "WP-1-B")]
    rows = [audit_row("anna321120261000", 20, when="2026-11-32 10:00"), audit_row("ilja251225032800", 21, when="2025-12-25 03:28")]
    findings = run("SIG-001", make_model([], uses=uses, audit_rows=rows))
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc(AUDIT, 20, 3), "anna321120261000"), (Loc(AUDIT, 21, 3), "ilja251225032800")]
    assert "DDMMYYHHMMSS" in findings[1].message and "2025-12-25 03:28:00" in findings[1].message
    assert "own example" not in findings[0].message and "own example" in findings[1].message


def test_sig_001_far_future_year_reads_as_example_shape():
    model = make_model([], uses=[lock("ilja251225041500", "WP-1-A")], audit_rows=[audit_row("ilja251225041500", 22, when="2025-12-25 04:15")])
    findings = run("SIG-001", model)
    assert [(f.loc.line, f.excerpt) for f in findings] == [(22, "ilja251225041500")]
    assert "2504" in findings[0].message and "DDMMYYHHMMSS" in findings[0].message


def test_sig_001_unaudited_lock_reported_at_the_use():
    findings = run("SIG-001", make_model([], uses=[lock("anna1811202610", "WP-1-A")]))
    assert [(f.loc, f.subject) for f in findings] == [(Loc("docs/task_packets/WP-1-A.md", 82, 27), "WP-1-A")]


def test_sig_002_second_artifact_fires_naming_the_first():
    packets, uses, rows = compliant()
    uses.append(lock("anna181120261000", "WP-1-C", line=90))
    findings = run("SIG-002", make_model(packets, uses=uses, audit_rows=rows))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc("docs/task_packets/WP-1-C.md", 90, 27), "anna181120261000", "WP-1-C")
    ]
    assert "docs/task_packets/WP-1-A.md:82" in findings[0].message


def test_sig_002_same_artifact_twice_and_mentions_are_not_reuse():
    packets, uses, rows = compliant()
    uses += [
        approval("anna181120261000", "WP-1-A", line=13),
        SignatureUse("anna181120261000", Loc("docs/ORCHESTRATOR_PROTOCOL.md", 40, 3), "mention", "docs/ORCHESTRATOR_PROTOCOL.md"),
    ]
    assert run("SIG-002", make_model(packets, uses=uses, audit_rows=rows)) == []


def test_sig_002_packet_citing_spec_enrichment_is_a_reference_but_a_lock_is_reuse():
    spec_use = SignatureUse("anna171120262300", Loc("Spec_v01.00.md", 12, 40), "approval", "Spec_v01.00.md")
    pointer_use = SignatureUse("anna171120262300", Loc("docs/SPEC_CURRENT.md", 7, 50), "approval", "docs/SPEC_CURRENT.md")
    cited = approval("anna171120262300", "WP-1-A", line=14)
    relock = lock("anna171120262300", "WP-1-B", line=95)
    rows = [audit_row("anna171120262300", 20, when="2026-11-17 23:00")]
    assert run("SIG-002", make_model([], uses=[spec_use, pointer_use, cited], audit_rows=rows)) == []
    findings = run("SIG-002", make_model([], uses=[spec_use, pointer_use, cited, relock], audit_rows=rows))
    assert [(f.loc.file, f.loc.line, f.subject) for f in findings] == [("docs/task_packets/WP-1-B.md", 95, "WP-1-B")]
    assert "the Master Spec" in findings[0].message


def test_sig_003_use_without_audit_row():
    packets, uses, rows = compliant()
    findings = run("SIG-003", make_model(packets, uses=uses, audit_rows=rows[:1]))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc("docs/task_packets/WP-1-B.md", 82, 27), "anna181120261105", "WP-1-B")
    ]


def test_sig_003_packet_signature_counts_when_no_use_was_recorded():
    packet = make_packet("WP-1-A", signature="anna181120261000")
    findings = run("SIG-003", make_model([packet]))
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc("docs/task_packets/WP-1-A.md", 82, 27), "anna181120261000")]
    assert run("SIG-003", make_model([make_packet("WP-1-A", signature="<pending>")])) == []


def test_sig_004_invalid_signature_used_as_lock():
    packets, uses, rows = compliant()
    rows[1] = audit_row("anna181120261105", 21, when="2026-11-18 11:05", invalid=True)
    findings = run("SIG-004", make_model(packets, uses=uses, audit_rows=rows))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc("docs/task_packets/WP-1-B.md", 82, 27), "anna181120261105", "WP-1-B")
    ]
    assert f"{AUDIT}:21" in findings[0].message


def test_sig_004_a_closed_packet_is_judged_a_superseded_one_is_not():
    from dataclasses import replace as with_

    from mkdocs_handshake.model.basics import Lifecycle

    packets, uses, rows = compliant()
    rows[1] = audit_row("anna181120261105", 21, when="2026-11-18 11:05", invalid=True)
    closed = [packets[0], with_(packets[1], lifecycle=Lifecycle.CLOSED)]
    assert [f.subject for f in run("SIG-004", make_model(closed, uses=uses, audit_rows=rows))] == ["WP-1-B"]
    replaced = [packets[0], with_(packets[1], lifecycle=Lifecycle.SUPERSEDED)]
    assert run("SIG-004", make_model(replaced, uses=uses, audit_rows=rows)) == []


def test_sig_005_duplicate_rows_and_empty_cells():
    rows = [
        audit_row("anna181120261000", 20, when="2026-11-18 10:00"),
        audit_row("anna181120261000", 22, when="2026-11-18 10:00"),
        audit_row("anna181120261105", 23, when="2026-11-18 11:05", notes=""),
    ]
    findings = run("SIG-005", make_model([], audit_rows=rows))
    assert [(f.loc.line, f.severity, f.excerpt) for f in findings] == [
        (22, Severity.ERROR, "anna181120261000"),
        (23, Severity.WARNING, "anna181120261105"),
    ]
    assert "line 20" in findings[0].message and "Notes" in findings[1].message


def test_sig_006_row_time_differs_from_signature():
    rows = [audit_row("anna181120261000", 20, when="2026-11-19 10:00"), audit_row("anna181120261105", 21, when="2026-11-18")]
    findings = run("SIG-006", make_model([], audit_rows=rows))
    assert [(f.loc, f.excerpt, f.severity) for f in findings] == [(Loc(AUDIT, 20, 3), "anna181120261000", Severity.WARNING)]
    assert "2026-11-19 10:00" in findings[0].message
    assert "2026-11-18 10:00" in findings[0].message


def test_sig_007_same_turn_and_missing_refinement():
    events = [
        GateEvent("WP-1-A", "REFINEMENT", "", "2026-11-18T09:00:00Z", "t1", Loc(GATES, 3, 5)),
        GateEvent("WP-1-A", "SIGNATURE", "", "2026-11-18T09:01:00Z", "t1", Loc(GATES, 10, 5), "anna181120260901"),
        GateEvent("WP-1-B", "SIGNATURE", "", "2026-11-18T09:02:00Z", "t3", Loc(GATES, 17, 5), "anna181120260902"),
        GateEvent("WP-1-B", "REFINEMENT", "", "2026-11-18T09:05:00Z", "t4", Loc(GATES, 24, 5)),
    ]
    findings = run("SIG-007", make_model([], gate_events=events))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc(GATES, 10, 5), "anna181120260901", "WP-1-A"),
        (Loc(GATES, 17, 5), "anna181120260902", "WP-1-B"),
    ]
    assert "same turn (t1)" in findings[0].message and "no refinement" in findings[1].message


def test_sig_007_refinements_only_are_fine():
    events = [GateEvent("WP-1-A", "REFINEMENT", "", "2026-11-18T09:00:00Z", "t1", Loc(GATES, 3, 5))]
    assert run("SIG-007", make_model([], gate_events=events)) == []


@pytest.mark.corpus
def test_corpus_invalid_signature_lock_fires_at_lock_line():
    if not CORPUS.is_dir():
        pytest.skip("reference corpus not available")
    from mkdocs_handshake.parse.audit import parse_audit
    from mkdocs_handshake.parse.packets import parse_packet
    from mkdocs_handshake.parse.signatures import find_signature_uses
    from mkdocs_handshake.repository.source import read_source

    src = read_source(CORPUS, "docs/task_packets/WP-1-Workflow-Engine-v3.md")
    packet, _ = parse_packet(src)
    audit, _ = parse_audit(read_source(CORPUS, AUDIT))
    model = make_model([packet], uses=find_signature_uses(src, packet.id), audit_rows=audit.rows)
    findings = run("SIG-004", model)
    lock_line = next(n for n, line in enumerate(src.lines, 1) if "User Signature Locked" in line and "ilja261220252337" in line)
    assert [(f.loc.line, f.excerpt, f.subject) for f in findings] == [(lock_line, "ilja261220252337", "WP-1-Workflow-Engine-v3")]
    assert isinstance(audit.rows[0], SignatureRow)


def test_sig_001_a_signature_only_history_carries_is_not_judged():
    """An audit-only row, or a lock on a superseded packet: no new signature
    can be asked for signed history (``history`` audits it anyway)."""
    from dataclasses import replace as with_

    from mkdocs_handshake.rules.engine import EngineConfig, run_rules
    from mkdocs_handshake.model.basics import Lifecycle

    old = with_(make_packet("WP-1-Old"), lifecycle=Lifecycle.SUPERSEDED)
    model = make_model([old], uses=[lock("ilja251225032800", "WP-1-Old")], audit_rows=[audit_row("ilja251225041500", 22, when="2025-12-25 04:15")])
    assert run("SIG-001", model) == []
    audit = [f for f in run_rules(model, EngineConfig(as_of=AS_OF, history=True)) if f.rule == "SIG-001"]
    assert sorted(f.excerpt for f in audit) == ["ilja251225032800", "ilja251225041500"]


def test_sig_006_the_neighbouring_rows_tell_which_side_is_off():
    """A signature typed with the previous day's date after midnight: the
    row sits in order between its neighbours and the signature does not, so
    the row is right and the consumed signature cannot change; the fix is
    a note in the audit (ORCH Recovery Rules: mark the bad usage)."""
    rows = [
        audit_row("ilja251220252310", 39, when="2025-12-25 23:10"),
        audit_row("ilja251220250037", 40, when="2025-12-26 00:37"),
        audit_row("ilja261220250045", 41, when="2025-12-26 00:45"),
        audit_row("ilja261220250100", 42, when="2025-12-27 01:00"),
        audit_row("ilja261220250200", 43, when="2025-12-26 02:00"),
    ]
    first, second = run("SIG-006", make_model([], audit_rows=rows))
    assert first.loc.line == 40 and "mark the bad usage in the audit, do not change the row" in first.message
    assert "line 39: 2025-12-25 23:10" in first.message and "correct the row or" not in first.message
    # here the signature fits between its neighbours and the row does not
    assert second.loc.line == 42 and second.message.endswith("and the row's does not: correct the row")


def test_sig_002_a_bundle_modules_changelog_approval_is_the_spec_enrichment_of_the_wp_it_names():
    """A module's changelog row cites the signature of the WP whose
    refinement carried the enrichment, and the audit row names that WP:
    one approval recorded in two places (ORCH: a required enrichment
    folds into "the same WP refinement/signature flow"), not a reuse."""
    from mkdocs_handshake.model.spec import SpecBundle, SpecModule
    from tests.rules.builders import make_section, make_spec

    module = ".GOV/spec/master-spec-v02.195/spec-modules/00-preamble.md"
    spec = make_spec([make_section("2.1.1")])
    bundle = SpecBundle(".GOV/spec/master-spec-v02.195/SPEC_MANIFEST.json", ".GOV/spec/master-spec-v02.195", "02.195", Loc("m", 1),
                        (SpecModule(module, "spec-modules/00-preamble.md", 1, "Preamble", Loc("m", 2)),))
    spec = replace(spec, bundle=bundle)
    changelog = SignatureUse("ilja140520260455", Loc(module, 68, 200), "approval", module)
    packet_lock = lock("ilja140520260455", "WP-KERNEL-002-Write-Box-v1", line=40)
    rows = [replace(audit_row("ilja140520260455", 28, when="2026-05-14 04:55"), purpose="Work packet creation: WP-KERNEL-002-Write-Box-v1")]
    model = make_model([], spec=spec, uses=[changelog, packet_lock], audit_rows=rows)
    assert run("SIG-002", model) == []
