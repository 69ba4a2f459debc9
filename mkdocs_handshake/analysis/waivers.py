"""Waivers configured in ``mkdocs.yml``, judged against the build's date and
the phases the gate found closed: whether each still holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from ..protocol.option_checks import strict_date
from .phase_basics import DATE_LIKE, phase_in_text, phase_of_wp


@dataclass(frozen=True)
class WaiverState:
    """Why a waiver does or does not count: ``active``, ``unapproved``,
    ``invalid`` (a value that is not a date, an approval after ``as_of``)
    or ``expired``. ``value`` is the value at fault, as configured."""

    state: str
    reason: str
    expiry_phase: str = ""
    value: str = ""


def parse_date(text: str) -> dt.date | None:
    """A real ``YYYY-MM-DD`` date, else None (``2025-13-01`` and
    ``2025-01-01 NOT APPROVED`` are not dates)."""
    return strict_date(text)


def waiver_state(waiver: object, as_of: dt.date, closed_phases: Iterable[str]) -> WaiverState:
    """Judge a waiver (protocol Part 1: "logged with approval date; expire at
    phase boundary").

    The expiry may be a date or a phase ("Phase 1", "end of phase 1"); with
    no expiry the waiver ends at the boundary of its target WP's phase. A
    phase boundary has passed once the phase is claimed closed or ready to
    close anywhere. Dates are read strictly: a value that is neither a real
    date nor (for the expiry) a phase makes the waiver invalid, never
    permanent, and an approval dated after ``as_of`` was not given yet."""
    approved = str(getattr(waiver, "approved", "") or "")
    expires = str(getattr(waiver, "expires", "") or "")
    target = str(getattr(waiver, "target", "") or "")
    closed = set(closed_phases)
    approval_date = parse_date(approved)
    if approval_date is None:
        if not approved.strip():
            return WaiverState("unapproved", "no approval date")
        return WaiverState("invalid", f"approval '{approved}' is not a date (YYYY-MM-DD, a day that exists)", value=approved)
    if approval_date > as_of:
        return WaiverState("invalid", f"approval date {approval_date.isoformat()} is after the build date {as_of.isoformat()} (as_of)", value=approved)
    expiry_date = parse_date(expires)
    if expiry_date is not None:
        if expiry_date < as_of:
            return WaiverState("expired", f"expired on {expiry_date.isoformat()} (as of {as_of.isoformat()})", value=expires)
        return WaiverState("active", f"valid until {expiry_date.isoformat()}")
    phase = phase_in_text(expires) if expires.strip() else phase_of_wp(target.strip())
    if expires.strip() and (not phase or DATE_LIKE.search(expires)):
        return WaiverState("invalid", f"expiry '{expires}' is neither a date (YYYY-MM-DD, a day that exists) nor a phase", value=expires)
    if phase and phase in closed:
        how = f"expiry '{expires}'" if expires.strip() else f"its target's phase {phase} (no expiry given)"
        return WaiverState("expired", f"{how}: Phase {phase} is claimed closed or ready to close", phase, expires or target)
    return WaiverState("active", f"valid until the end of Phase {phase}" if phase else "no expiry", phase)
