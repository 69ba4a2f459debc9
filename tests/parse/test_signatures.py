"""Signature tokens: roles (lock / approval / mention), exact places, times."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from mkdocs_handshake.parse.signatures import (
    SIGNATURE_TOKEN,
    explain_signature,
    find_signature_uses,
    parse_signature_time,
)
from mkdocs_handshake.repository.source import decode

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"

PACKET = """# Task Packet: WP-8-Demo

## Metadata
- USER_SIGNATURE: max150320260945
- Note: max150320260946 was discussed
- **Strategic Pause Approval**: [max150320260947]

Intro line one,
then a second line naming max150320260948 as Authorized.

| Version | Approval |
|---|---|
| v1 | max150320260949 |
| v2 | 🚀 max150320260950 |

Example: `[Approved: max150320260951]` and USER_SIGNATURE: `max150320260952`

```markdown
**User Signature Locked:** max150320260953
```

- item
  ```
  Signature: max150320260954
  ```

**User Signature Locked:** max150320260955
"""


def _uses(text: str, path: str = "docs/task_packets/WP-8-Demo.md", subject: str = "WP-8-Demo"):
    return find_signature_uses(decode(text.encode("utf-8"), path), subject)


def _place(text: str, token: str) -> tuple[int, int]:
    for number, line in enumerate(text.split("\n"), start=1):
        if token in line:
            return number, line.index(token) + 1
    raise AssertionError(token)


EXPECTED_ROLES = {
    "max150320260945": "lock",  # a line opened by USER_SIGNATURE: (the 2026-02 template's lock field)
    "max150320260946": "mention",  # prose
    "max150320260947": "approval",  # Strategic Pause Approval
    "max150320260948": "approval",  # second line of a paragraph: Authorized
    "max150320260949": "approval",  # table column headed Approval
    "max150320260950": "approval",
    "max150320260951": "mention",  # example inside a code span
    "max150320260952": "approval",  # code span holding just the token: formatting only
    "max150320260953": "mention",  # fenced example of a lock
    "max150320260954": "mention",  # fence nested in a list item
    "max150320260955": "lock",
}


def test_roles_and_exact_places() -> None:
    uses = _uses(PACKET)
    assert [use.signature for use in uses] == list(EXPECTED_ROLES)
    for use in uses:
        assert use.role == EXPECTED_ROLES[use.signature], use.signature
        assert (use.loc.line, use.loc.column) == _place(PACKET, use.signature), use.signature
        assert use.loc.file == "docs/task_packets/WP-8-Demo.md"
        assert use.subject == "WP-8-Demo"


def test_column_counts_characters_not_bytes() -> None:
    text = "- §§ 🚀 é USER_SIGNATURE: ann010120260101\n"
    (use,) = _uses(text)
    assert use.loc.column == text.index("ann010120260101") + 1
    assert use.role == "approval"


def test_same_token_twice_on_a_table_row_gets_both_columns() -> None:
    text = "| Signature | Notes |\n|---|---|\n| ann010120260101 | again ann010120260101 |\n"
    uses = _uses(text)
    line = text.split("\n")[2]
    assert [(use.loc.line, use.loc.column) for use in uses] == [
        (3, line.index("ann010120260101") + 1),
        (3, line.rindex("ann010120260101") + 1),
    ]


def test_spec_current_update_line_is_an_approval() -> None:
    text = "# SPEC_CURRENT\n\n**Spec_v01.md**\n\n(Updated: 2026-01-01 - Enriched §1 [ann010120260101])\n\nSee ann010120260102.\n"
    uses = _uses(text, path="docs/SPEC_CURRENT.md", subject="docs/SPEC_CURRENT.md")
    assert [(use.signature, use.role, use.loc.line) for use in uses] == [
        ("ann010120260101", "approval", 5),
        ("ann010120260102", "mention", 7),
    ]
    other = _uses(text, path="docs/NOTES.md")
    assert other[0].role == "mention"


def test_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + PACKET.replace("\n", "\r\n").encode("utf-8")
    uses = find_signature_uses(decode(data, "p.md"), "WP-8-Demo")
    assert [(use.signature, use.role, use.loc.line, use.loc.column) for use in uses] == [
        (sig, EXPECTED_ROLES[sig], *_place(PACKET, sig)) for sig in EXPECTED_ROLES
    ]


def test_html_comment_is_scanned() -> None:
    text = "<!--\napproved by ann010120260101\n-->\n"
    (use,) = _uses(text)
    assert (use.loc.line, use.loc.column, use.role) == (2, 13, "approval")


def test_token_shape() -> None:
    assert SIGNATURE_TOKEN.fullmatch("ilja261220252337")
    assert SIGNATURE_TOKEN.fullmatch("ann0101202601011")  # 13 digits still a token
    assert not SIGNATURE_TOKEN.search("ann01012026010")  # 11 digits
    assert not SIGNATURE_TOKEN.search("Ann010120260101")  # upper-case user
    assert not SIGNATURE_TOKEN.search("deadbeef010120260101cafe")  # part of a hash
    assert not SIGNATURE_TOKEN.search("DDMMYYYYHHMM")


def test_signature_time_and_shape() -> None:
    assert parse_signature_time("ann261220252337") == datetime(2025, 12, 26, 23, 37)
    assert parse_signature_time("ann251225032800") is None
    assert parse_signature_time("ann0101202601011") is None
    shape = explain_signature("ann251225032800")
    assert (shape.shape, shape.valid, shape.when) == ("DDMMYYHHMMSS", False, datetime(2025, 12, 25, 3, 28, 0))
    assert "DDMMYYHHMMSS" in shape.message
    good = explain_signature("ann261220252337")
    assert (good.shape, good.valid, good.username, good.digits) == ("DDMMYYYYHHMM", True, "ann", "261220252337")
    bad = explain_signature("ann999999999999")
    assert (bad.shape, bad.when) == ("invalid", None)
    assert explain_signature("not a sig").shape == "invalid"


@pytest.mark.corpus
def test_real_packets_and_protocol() -> None:
    docs = CORPUS / "docs"
    if not docs.is_dir():
        pytest.skip("corpus not present")
    locks = 0
    for path in sorted((docs / "task_packets").glob("WP-*.md")):
        raw = path.read_bytes()
        src = decode(raw, f"docs/task_packets/{path.name}")
        uses = find_signature_uses(src, path.stem)
        by_place = {(use.loc.line, use.loc.column): use for use in uses}
        for number, line in enumerate(src.lines, start=1):
            for match in SIGNATURE_TOKEN.finditer(line):
                assert (number, match.start() + 1) in by_place
                if "User Signature Locked" in line:
                    assert by_place[(number, match.start() + 1)].role == "lock"
                    locks += 1
        assert len(uses) == sum(len(SIGNATURE_TOKEN.findall(line)) for line in src.lines)
    assert locks > 0
    protocol = docs / "ORCHESTRATOR_PROTOCOL.md"
    src = decode(protocol.read_bytes(), "docs/ORCHESTRATOR_PROTOCOL.md")
    fenced: set[int] = set()
    inside = False
    for number, line in enumerate(src.lines, start=1):
        if re.match(r"\s*```", line):
            inside = not inside
            fenced.add(number)
        elif inside:
            fenced.add(number)
    uses = find_signature_uses(src, "docs/ORCHESTRATOR_PROTOCOL.md")
    assert uses
    for use in uses:
        if use.loc.line in fenced:
            assert use.role == "mention"
