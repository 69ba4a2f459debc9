"""STATUS spellings people write map to one state; prose stays UNKNOWN."""

from __future__ import annotations

import unicodedata

import pytest

from mkdocs_handshake.model.basics import Status
from mkdocs_handshake.parse.status import normalise_status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ready for Dev", Status.READY_FOR_DEV),
        ("Ready-for-Dev", Status.READY_FOR_DEV),
        ("READY FOR DEV 🔴", Status.READY_FOR_DEV),
        ("  ready_for_dev  ", Status.READY_FOR_DEV),
        ("In Progress", Status.IN_PROGRESS),
        ("In-Progress", Status.IN_PROGRESS),
        ("Done", Status.DONE),
        ("Completed", Status.DONE),
        ("Done [VALIDATED]", Status.VALIDATED),
        ("VALIDATED", Status.VALIDATED),
        ("HARD-VALIDATED (2025-12-27)", Status.VALIDATED),
        ("FULLY VALIDATED & FUNCTIONAL", Status.VALIDATED),
        ("??? FULLY VALIDATED & FUNCTIONAL", Status.VALIDATED),
        ("✅ Validated (per Task Board Done column)", Status.VALIDATED),
        ("Blocked", Status.BLOCKED),
        ("Blocked by WP-1-Other", Status.BLOCKED),
        ("FAIL", Status.FAILED),
        ("Failed", Status.FAILED),
        ("Superseded", Status.SUPERSEDED),
        ("GAP", Status.GAP),
        ("Draft", Status.DRAFT),
        ("TBD", Status.DRAFT),
        ("Pending", Status.DRAFT),
        ("Waiting", Status.DRAFT),
        ("Proposed", Status.DRAFT),
    ],
)
def test_written_variants_map_to_their_state(raw: str, expected: Status) -> None:
    assert normalise_status(raw) is expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "The task is CLOSED and moved to Done on the Task Board.",
        "Ready",
        "Frobnicated",
        "Not done yet",
    ],
)
def test_prose_and_unknown_words_are_unknown(raw: str) -> None:
    assert normalise_status(raw) is Status.UNKNOWN


def test_unicode_forms_and_case_do_not_matter() -> None:
    # Fullwidth-free but decomposed text and odd casing: NFC + casefold.
    decomposed = unicodedata.normalize("NFD", "DONE")
    assert normalise_status(decomposed) is Status.DONE
    assert normalise_status("dOnE") is Status.DONE
    assert normalise_status("SUPERSEDED\u00a0(by v2)") is Status.SUPERSEDED
