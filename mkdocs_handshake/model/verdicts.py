"""What "VALIDATED" means, in one place.

The phase gate, the DAG colours and the DEP/BOARD rules all ask whether a
packet is validated; if each answered differently, a blocker could be red in
the DAG yet pass DEP-003. Part 6.5 defines it: the Validator returned
``verdict: PASS`` ("not just done").
"""

from __future__ import annotations

import re

from .packet import Packet, ValidationReport
from .basics import Status

# The verdicts a Validator writes (VALIDATOR_PROTOCOL "Verdict: PASS | FAIL";
# the 2026-02 protocol adds OUTDATED_ONLY: correct for its SPEC_BASELINE,
# historically done, not reopened).
VERDICT_WORDS = frozenset({"PASS", "FAIL", "OUTDATED_ONLY"})
# Verdicts that close a packet as Done (the board's Done section lists
# "[VALIDATED|FAIL|OUTDATED_ONLY]"; FAIL there records a closed failure, so
# only these two back "Done").
CLOSING_VERDICTS = frozenset({"PASS", "OUTDATED_ONLY"})
_VERDICT_WORD = re.compile(r"[A-Za-z]+(?:[ _-]ONLY\b)?", re.IGNORECASE)


def normalise_verdict(value: str) -> str:
    """The verdict word a value starts with, upper-cased (``**PASS**`` ->
    ``PASS``, ``Outdated-only`` -> ``OUTDATED_ONLY``); "" when it has none."""
    match = _VERDICT_WORD.search(value)
    if not match:
        return ""
    return re.sub(r"[ -]", "_", match.group(0)).upper()


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
