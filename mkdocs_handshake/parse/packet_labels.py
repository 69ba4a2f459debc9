"""Which written labels are packet fields, and which titles open a report.

Every reader of packet text, and several rules, compare labels as the
protocol writes them with what authors typed (``**Status**:``,
``WP_STATUS``, ``Blocked by``); the one folding and the one table of
canonical names live here so they cannot drift apart. The titles that open
a validation report are recognised on the same folded text.
"""

from __future__ import annotations

import re
import unicodedata

CANONICAL_FIELDS: tuple[str, ...] = (
    "TASK_ID", "WP_ID", "DATE", "REQUESTOR", "AGENT_ID", "ROLE", "STATUS",
    "USER_SIGNATURE", "What", "Why", "IN_SCOPE_PATHS", "OUT_OF_SCOPE",
    "RISK_TIER", "TEST_PLAN", "DONE_MEANS", "HARDENED_INVARIANTS",
    "ROLLBACK_HINT", "FILES_TO_OPEN", "SEARCH_TERMS", "RUN_COMMANDS",
    "RISK_MAP", "SPEC_ANCHOR", "SPEC_CURRENT", "Codex", "Task Board",
    "Assumptions", "Open Questions", "Dependencies", "Depends on", "Blocks",
    "Last Updated", "User Signature Locked", "Authority",
)

_ALIASES: dict[str, str] = {
    "WP_STATUS": "STATUS",
    # "Blocker: WP-X" names the packet that blocks this one.
    "Blocker": "Depends on",
    "Blockers": "Depends on",
    "Blocked by": "Depends on",
}
_HEADING_ALIASES: dict[str, str] = {"In Scope": "IN_SCOPE_PATHS", "Out of Scope": "OUT_OF_SCOPE"}
# Fields whose value may sit in the body of a heading of that name. Headings
# such as "## Authority" or "## Scope" are section containers, not values.
_HEADING_FIELDS = frozenset({
    "IN_SCOPE_PATHS", "OUT_OF_SCOPE", "RISK_TIER", "TEST_PLAN", "DONE_MEANS",
    "HARDENED_INVARIANTS", "ROLLBACK_HINT", "FILES_TO_OPEN", "SEARCH_TERMS",
    "RUN_COMMANDS", "RISK_MAP", "SPEC_ANCHOR", "Assumptions", "Open Questions",
    "Dependencies", "Depends on", "Blocks",
})

#: A field label at the start of a line: ``Label:``, ``**Label:**``,
#: ``**Label**:``, with an optional ``[CX-…]`` tag.
LABEL = re.compile(
    r"^(?P<open>\*\*)?(?P<name>[^\W\d_][\w \-/]{0,58}?)\s*(?P<tag>\[[^\]\n]{1,40}\])?\s*"
    r"(?P<close>:\*\*|\*\*\s*:|:(?!//))[ \t]*"
)
_HEADING_NOTE = re.compile(r"\s*(?:\([^)]*\)|\[[^\]]*\])\s*$")
# Titles of a validation report, on label_key()-folded text: anywhere in a
# heading ("2026-02-01 Validator Report (PASS)", "RE-AUDIT VALIDATION
# REPORT"), at the start of a line (after a date) elsewhere.
_REPORT_TITLE = r"(?:re )?(?:audit |re audit )?(?:revalidation|validation|validator|audit) reports?(?: |$)"
REPORT_HEADING = re.compile(rf"(?:^| ){_REPORT_TITLE}")
REPORT_LINE = re.compile(rf"^(?:[\d ]+ )?{_REPORT_TITLE}")


def label_key(label: str) -> str:
    """Comparable form of a label: NFC, casefold, ``_``/``-``/spaces alike."""
    text = unicodedata.normalize("NFC", label).casefold()
    return " ".join(re.split(r"[\s_\-]+", text)).strip()


_CANONICAL_BY_KEY: dict[str, str] = {label_key(name): name for name in CANONICAL_FIELDS}
_CANONICAL_BY_KEY.update({label_key(alias): name for alias, name in _ALIASES.items()})


def canonical_field(label: str, heading: bool = False) -> str | None:
    """The canonical field name a written label stands for, or None."""
    key = label_key(label)
    if heading:
        while _HEADING_NOTE.search(key):  # "BOOTSTRAP (Coder Work Plan) [X]"
            key = _HEADING_NOTE.sub("", key)
        for alias, name in _HEADING_ALIASES.items():
            if key == label_key(alias):
                return name
        name = _CANONICAL_BY_KEY.get(key)
        return name if name in _HEADING_FIELDS else None
    return _CANONICAL_BY_KEY.get(key)
