"""Signature audit log parsing: rows by header name, broken rows reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_handshake.parse.audit import map_columns, parse_audit, split_pipe_row
from mkdocs_handshake.repository.source import decode

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"

LOG = """# Audit

Format example: `bob010120260930` is bob at 01/01/2026 09:30.

## Consumed

| Signature | Used By | Date/Time | Purpose | Master Spec Version | Notes |
|---|---|---|---|---|---|
| bob010120260930 | Orchestrator | 2026-01-01 09:30 | Spec enrichment v01.02 | v01.02 | First |
| bob020120261015 | Orchestrator | 2026-01-02 10:15 | (Invalid - reused) | v01.02 | Rejected |
| bob030120261100 | Orchestrator | 2026-01-03 11:00 | Packet creation | v01.03 | Enrichment was bob010120260930 |

```bash
grep -r "bob010120260930" .
```
"""


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def _parse(text: str, path: str = "docs/SIGNATURE_AUDIT.md"):
    return parse_audit(decode(text.encode("utf-8"), path))


def test_rows_are_read_by_header_name() -> None:
    log, issues = _parse(LOG)
    assert issues == []
    first = log.rows[0]
    assert (first.signature, first.used_by, first.datetime, first.purpose, first.spec_version, first.notes) == (
        "bob010120260930",
        "Orchestrator",
        "2026-01-01 09:30",
        "Spec enrichment v01.02",
        "v01.02",
        "First",
    )
    assert (first.loc.line, first.loc.column) == (_line_of(LOG, "| bob010120260930 |"), 3)
    assert [row.signature for row in log.rows] == ["bob010120260930", "bob020120261015", "bob030120261100"]


def test_invalid_is_case_insensitive() -> None:
    log, _ = _parse(LOG)
    assert [row.signature for row in log.rows if row.invalid] == ["bob020120261015"]


def test_mentions_are_everything_but_the_row_signatures() -> None:
    log, _ = _parse(LOG)
    found = [(use.signature, use.loc.line, use.role) for use in log.mentions]
    assert found == [
        ("bob010120260930", _line_of(LOG, "Format example"), "mention"),
        ("bob010120260930", _line_of(LOG, "Enrichment was"), "mention"),
        ("bob010120260930", _line_of(LOG, "grep -r"), "mention"),
    ]
    notes_line = LOG.split("\n")[found[1][1] - 1]
    assert log.mentions[1].loc.column == notes_line.index("bob010120260930") + 1


def test_reordered_missing_and_extra_columns() -> None:
    text = """| Date | Purpose | Extra | Signature | By |
|---|---|---|---|---|
| 2026-02-01 08:00 | Packet | x | carol010220260800 | Orchestrator |
"""
    log, issues = _parse(text)
    assert issues == []
    row = log.rows[0]
    assert (row.signature, row.datetime, row.purpose, row.used_by, row.notes, row.spec_version) == (
        "carol010220260800",
        "2026-02-01 08:00",
        "Packet",
        "Orchestrator",
        "",
        "",
    )
    assert row.cells == ("2026-02-01 08:00", "Packet", "x", "carol010220260800", "Orchestrator")
    assert row.loc.column == text.split("\n")[2].index("carol") + 1


def test_row_with_missing_cell_is_kept_and_reported() -> None:
    text = """| Signature | Used By | Date | Purpose | Notes |
|---|---|---|---|---|
| dan010320261200 | Orchestrator | 2026-03-01 12:00 | Spec |
| dan020320261200 | Orchestrator | 2026-03-02 12:00 | Spec | ok | surplus |
"""
    log, issues = _parse(text)
    assert [row.signature for row in log.rows] == ["dan010320261200", "dan020320261200"]
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-004", 3), ("PARSE-004", 4)]
    assert "4 cells but the header has 5" in issues[0].message
    assert log.rows[0].notes == ""
    assert log.rows[1].cells[-1] == "surplus"


def test_pipes_inside_code_spans_are_one_warning_per_file_and_the_rows_read_as_meant() -> None:
    text = """| Signature | Used By | Date | Purpose | Notes |
|---|---|---|---|---|
| dan010320261200 | Orchestrator | 2026-03-01 12:00 | Spec (`APPROVE v02 | dan010320261200`) | ok |
| dan020320261200 | Orchestrator | 2026-03-02 12:00 | Plain purpose | ok |
| dan030320261200 | Orchestrator | 2026-03-03 12:00 | Lock ``a|b`` | done |
| dan040320261200 | Orchestrator | 2026-03-04 12:00 | Spec | ok | surplus |
"""
    log, issues = _parse(text)
    assert [row.purpose for row in log.rows[:3]] == ["Spec (`APPROVE v02 | dan010320261200`)", "Plain purpose", "Lock ``a|b``"]
    assert [row.notes for row in log.rows[:3]] == ["ok", "ok", "done"]
    # A surplus cell outside any code span is still a shifted row.
    assert [(issue.rule, issue.loc.line, issue.loc.column, issue.excerpt) for issue in issues] == [
        ("PARSE-004", 6, 1, "| dan040320261200 | Orchestrator | 2026-03-04 12:00 | Spec | ok | surplus |"),
        ("PARSE-007", 3, 61, "`APPROVE v02 | dan010320261200`"),
    ]
    assert "line 3 and 1 more row(s)" in issues[1].message and "\\|" in issues[1].message


def test_table_without_separator_is_reported_and_still_read() -> None:
    text = """# Audit

| Signature | Used By | Date |
| erin010420260700 | Orchestrator | 2026-04-01 07:00 |
"""
    log, issues = _parse(text)
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-004", 3)]
    assert "not a markdown table" in issues[0].message
    assert [(row.signature, row.datetime, row.loc.line) for row in log.rows] == [("erin010420260700", "2026-04-01 07:00", 4)]


def test_no_signature_table_is_reported() -> None:
    log, issues = _parse("# Audit\n\nNothing recorded.\n")
    assert log.rows == ()
    assert [issue.rule for issue in issues] == ["PARSE-004"]


def test_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + LOG.replace("\n", "\r\n").encode("utf-8")
    log, issues = parse_audit(decode(data, "a.md"))
    assert issues == []
    assert [(row.signature, row.loc.line) for row in log.rows][0] == ("bob010120260930", _line_of(LOG, "| bob010120260930 |"))
    assert log.rows[-1].notes == "Enrichment was bob010120260930"


def test_helpers() -> None:
    assert split_pipe_row("| a | b \\| c | d |") == ["a", "b | c", "d"]
    assert map_columns(["Notes", "Master Spec Version", "Date/Time (UTC)", "Signature"]) == {
        "signature": 3,
        "spec_version": 1,
        "notes": 0,
        "datetime": 2,
    }


@pytest.mark.corpus
def test_real_audit_log() -> None:
    path = CORPUS / "docs" / "SIGNATURE_AUDIT.md"
    if not path.is_file():
        pytest.skip("corpus not present")
    raw = path.read_bytes()
    log, issues = parse_audit(decode(raw, "docs/SIGNATURE_AUDIT.md"))
    in_fence = False
    expected: list[tuple[str, int]] = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        found = re.match(r"\|\s*([a-z]+\d{12,})\s*\|", line)
        if found and not in_fence:
            expected.append((found.group(1), number))
    assert issues == []
    assert [(row.signature, row.loc.line) for row in log.rows] == expected
    assert len(log.rows) == 20
    assert [row.signature for row in log.rows if row.invalid] == ["ilja261220252337"]
    assert all(len(row.cells) == 6 for row in log.rows)
    assert all(use.role == "mention" for use in log.mentions)
    assert all(use.loc.line not in {line for _, line in expected} for use in log.mentions)
