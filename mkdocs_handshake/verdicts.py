"""What "VALIDATED" means, in one place.

The phase gate, the DAG colours and the DEP/BOARD rules all ask whether a
packet is validated; if each answered differently, a blocker could be red in
the DAG yet pass DEP-003. Part 6.5 defines it: the Validator returned
``verdict: PASS`` ("not just done").
"""

from __future__ import annotations

from .model import Packet, Status, ValidationReport


def latest_report(packet: Packet) -> ValidationReport | None:
    """The last validation report that writes a verdict: the Validator's
    current word on the packet (earlier FAILs are history)."""
    for report in reversed(packet.validation_reports):
        if report.verdict:
            return report
    return None


def latest_verdict(packet: Packet) -> str:
    """The upper-cased verdict of :func:`latest_report`, or ``""``."""
    report = latest_report(packet)
    return report.verdict.upper() if report else ""


def is_validated(packet: Packet | None) -> bool:
    """The latest verdict is PASS and STATUS does not say the work is open
    again (a PASS followed by "Ready for Dev" does not count). A packet with
    no readable STATUS still counts on its PASS verdict — the verdict is the
    evidence Part 6.5 names, and the PKT rules report the missing STATUS. A
    STATUS of VALIDATED without any PASS report does not count: nothing shows
    the Validator's verdict."""
    if packet is None:
        return False
    return latest_verdict(packet) == "PASS" and packet.status in (Status.VALIDATED, Status.DONE, Status.UNKNOWN)
