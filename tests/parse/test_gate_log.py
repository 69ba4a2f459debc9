"""Gate log parsing: events with their lines, broken JSON reported with its place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_handshake.parse.gate_log import parse_gate_log
from mkdocs_handshake.repository.source import decode

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"

LOG = """{
  "gate_logs": [
    {
      "wpId": "WP-7-Alpha",
      "type": "REFINEMENT",
      "data": "refine alpha",
      "timestamp": "2026-01-01T10:00:00.000Z",
      "turn_token": "t1"
    },
    {"wpId": "WP-7-Alpha", "type": "SIGNATURE", "data": "sig", "timestamp": "2026-01-01T11:00:00.000Z", "turn_token": "t2", "signature": "zoe010120261100"}
  ]
}
"""


def _parse(text: str, path: str = "docs/GATES.json"):
    return parse_gate_log(decode(text.encode("utf-8"), path))


def test_events_with_their_object_lines() -> None:
    events, issues = _parse(LOG)
    assert issues == []
    assert [(event.wp, event.type, event.turn_token, event.loc.line, event.loc.column) for event in events] == [
        ("WP-7-Alpha", "REFINEMENT", "t1", 3, 5),
        ("WP-7-Alpha", "SIGNATURE", "t2", 10, 5),
    ]
    assert events[1].signature == "zoe010120261100"
    assert events[0].timestamp == "2026-01-01T10:00:00.000Z"
    assert events[0].data == "refine alpha"


def test_bare_list_is_accepted() -> None:
    text = '[\n  {"wpId": "WP-7-B", "type": "REFINEMENT", "timestamp": "x", "turn_token": "a"}\n]'
    events, issues = _parse(text)
    assert issues == []
    assert [(event.wp, event.loc.line, event.loc.column) for event in events] == [("WP-7-B", 2, 3)]


def test_invalid_json_reports_line_and_column() -> None:
    text = '{\n  "gate_logs": [\n    {"wpId": "WP-7-C",}\n  ]\n}\n'
    events, issues = _parse(text)
    assert events == ()
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.rule, issue.loc.line, issue.loc.column) == ("PARSE-004", 3, text.split("\n")[2].index("}") + 1)
    assert "not valid JSON" in issue.message


def test_empty_file_is_a_parse_issue_not_a_crash() -> None:
    events, issues = _parse("")
    assert events == ()
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-004", 1)]


def test_unknown_keys_are_kept_and_missing_keys_reported() -> None:
    text = '{"gate_logs": [\n{"wpId": "WP-7-D", "type": "REFINEMENT", "timestamp": "t", "turn_token": "k", "actor": {"name": "x"}},\n{"wpId": "WP-7-E", "type": "SIGNATURE"}\n]}'
    events, issues = _parse(text)
    assert events[0].extra == (("actor", json.dumps({"name": "x"})),)
    assert [(event.wp, event.loc.line) for event in events] == [("WP-7-D", 2), ("WP-7-E", 3)]
    assert [(issue.rule, issue.loc.line, issue.subject) for issue in issues] == [("PARSE-004", 3, "WP-7-E")]
    # The turn token is a per-type key of the protocol profile (PARSE-004),
    # not something every event must carry.
    assert "timestamp" in issues[0].message and "turn_token" not in issues[0].message


def test_non_object_entries_and_wrong_shapes_are_reported() -> None:
    events, issues = _parse('{"gate_logs": [\n"oops",\n{"wpId": "W", "type": "T", "timestamp": "t", "turn_token": "k"}\n]}')
    assert [event.loc.line for event in events] == [3]
    assert [(issue.rule, issue.loc.line) for issue in issues] == [("PARSE-004", 2)]
    events, issues = _parse('{"other": []}')
    assert events == () and "gate_logs" in issues[0].message
    events, issues = _parse('{"gate_logs": {"a": 1}}')
    assert events == () and "not a list" in issues[0].message


def test_other_keys_before_gate_logs_do_not_shift_positions() -> None:
    text = '{\n"meta": {"gate_logs": "decoy", "n": [1, 2]},\n"gate_logs": [\n\n  {"wpId": "WP-7-F", "type": "T", "timestamp": "t", "turn_token": "k"}]}'
    events, issues = _parse(text)
    assert issues == []
    assert [(event.wp, event.loc.line, event.loc.column) for event in events] == [("WP-7-F", 5, 3)]


def test_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + LOG.replace("\n", "\r\n").encode("utf-8")
    events, issues = parse_gate_log(decode(data, "g.json"))
    assert issues == []
    assert [(event.loc.line, event.loc.column) for event in events] == [(3, 5), (10, 5)]


@pytest.mark.corpus
def test_real_gate_log() -> None:
    path = CORPUS / "docs" / "ORCHESTRATOR_GATES.json"
    if not path.is_file():
        pytest.skip("corpus not present")
    raw = path.read_bytes()
    events, issues = parse_gate_log(decode(raw, "docs/ORCHESTRATOR_GATES.json"))
    assert issues == []
    document = json.loads(raw)
    lines = raw.decode("utf-8").splitlines()
    # each object starts on the nearest line holding "{" above its "wpId" line
    starts = []
    for number, line in enumerate(lines, start=1):
        if '"wpId"' in line:
            above = number
            while "{" not in lines[above - 1]:
                above -= 1
            starts.append(above)
    assert len(events) == len(document["gate_logs"]) == 4
    assert [event.loc.line for event in events] == starts
    for event, obj in zip(events, document["gate_logs"]):
        assert (event.wp, event.type, event.timestamp, event.turn_token) == (obj["wpId"], obj["type"], obj["timestamp"], obj["turn_token"])
    assert events[-1].wp == "ORCH-PROTOCOL-ENFORCEMENT"


def test_a_deeply_nested_document_is_an_issue_not_a_recursion_error() -> None:
    from mkdocs_handshake.parse.gate_log import parse_gate_log
    from mkdocs_handshake.repository.source import decode

    events, issues = parse_gate_log(decode(b'{"gate_logs": ' + b"[" * 100_000, "docs/ORCHESTRATOR_GATES.json"))
    assert events == ()
    assert [(issue.rule, issue.loc.line, issue.message) for issue in issues] == [
        ("PARSE-004", 1, "gate log nests arrays or objects too deeply to be read; its events are left out")
    ]
