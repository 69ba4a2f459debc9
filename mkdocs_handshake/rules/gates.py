"""Whose job a check is, and whether the packet has reached that gate yet.

The protocol splits the work between roles: the Orchestrator writes and
locks the packet, the Coder works on it, the Validator judges it (and, per
VALIDATOR_PROTOCOL, lists every MUST of the referenced spec sections). A
check that is a later role's job is not the packet author's error before
the packet reaches that role: it is reported as a warning that names the
role. Which rules belong to which role, and the order of the gates, are
the profile's ``gates`` block.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from ..findings.finding import Finding, Severity
from ..model.packet import Packet
from ..model.basics import Status

#: STATUS values that show the Coder has the packet (the work started).
_WORKED_ON = (Status.IN_PROGRESS, Status.DONE, Status.VALIDATED)


def gate_reached(packet: Packet, order: Sequence[str]) -> int:
    """Index in ``order`` of the last gate ``packet`` has reached: the last
    (the Validator's) once a verdict is appended, the second (the Coder's)
    once its STATUS says the work started, else the first."""
    if not order:
        return 0
    if any(report.verdict for report in packet.validation_reports):
        return len(order) - 1
    if packet.status in _WORKED_ON and len(order) > 1:
        return 1
    return 0


def defer_later_gates(findings: Sequence[Finding], packets: Sequence[Packet], order: Sequence[str], roles: Mapping[str, str]) -> list[Finding]:
    """``findings`` with each error of a later gate's rule on a packet that
    has not reached that gate turned into a warning that names the role
    whose job it is."""
    if not roles or not order:
        return list(findings)
    by_file = {packet.file: packet for packet in packets}
    by_id = {packet.id: packet for packet in packets}
    result = []
    for finding in findings:
        role = roles.get(finding.rule)
        packet = by_file.get(finding.loc.file) or by_id.get(finding.subject)
        if role in order and packet is not None and finding.severity is Severity.ERROR and order.index(role) > gate_reached(packet, order):
            finding = replace(
                finding,
                severity=Severity.WARNING,
                message=f"{finding.message} (the {role}'s check, not an error before {packet.id} reaches the {role})",
            )
        result.append(finding)
    return result
