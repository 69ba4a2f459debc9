"""Whose job a check is: a later role's check is not an error before the
packet reaches that role (DONE-002's MUST coverage is the Validator's)."""

from __future__ import annotations

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.rules.gates import defer_later_gates, gate_reached
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.protocol.profiles import ProfileError, load_profile
from tests.rules.builders import make_packet, packet_file

ORDER = ("Orchestrator", "Coder", "Validator")
ROLES = {"DONE-002": "Validator"}
WP = "WP-1-Ledger"


def must_uncovered() -> Finding:
    return Finding("DONE-002", Severity.ERROR, "3 MUST requirements are covered by no DONE_MEANS item", Loc(packet_file(WP), 33), "DONE_MEANS", WP)


def test_the_gate_a_packet_has_reached() -> None:
    assert ORDER[gate_reached(make_packet(WP), ORDER)] == "Orchestrator"
    assert ORDER[gate_reached(make_packet(WP, status=Status.IN_PROGRESS, status_raw="In Progress"), ORDER)] == "Coder"
    assert ORDER[gate_reached(make_packet(WP, reports=[("FAIL", "2026-11-19")]), ORDER)] == "Validator"


def test_before_validation_the_validators_check_is_a_warning_naming_the_role() -> None:
    (finding,) = defer_later_gates([must_uncovered()], [make_packet(WP)], ORDER, ROLES)
    assert finding.severity is Severity.WARNING
    assert finding.message.endswith("(the Validator's check, not an error before WP-1-Ledger reaches the Validator)")


def test_once_validated_it_is_an_error() -> None:
    packet = make_packet(WP, reports=[("FAIL", "2026-11-19")])
    assert defer_later_gates([must_uncovered()], [packet], ORDER, ROLES) == [must_uncovered()]


def test_the_first_gates_checks_are_untouched() -> None:
    other = Finding("PKT-004", Severity.ERROR, "packet lacks ROLLBACK_HINT", Loc(packet_file(WP), 1), "", WP)
    assert defer_later_gates([other], [make_packet(WP)], ORDER, ROLES) == [other]


def test_the_shipped_profiles_give_must_coverage_to_the_validator() -> None:
    for name in ("handshake-2025-12", "handshake-2026-02"):
        profile = load_profile(name)
        assert profile.gate_roles == ORDER and profile.rule_roles["DONE-002"] == "Validator"


def test_a_role_outside_the_gate_order_is_named(tmp_path) -> None:
    (tmp_path / "p.yaml").write_text("id: mine\ngates:\n  order: [Orchestrator]\n  rules:\n    Auditor: [DONE-002]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="gates.rules.Auditor: not one of gates.order"):
        load_profile("p.yaml", str(tmp_path))
