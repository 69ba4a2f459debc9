"""The JSON reader that keeps the line of every key (contract-era files)."""

from __future__ import annotations

import json

import pytest

from mkdocs_handshake.parse.jsonloc import JsonError, get_path, load_with_lines

TEXT = '\ufeff{\n  "wp_id": "WP-KERNEL-005",\n  "lifecycle": {\n    "status": "In Progress",\n    "depends_on": [\n      "MT-001",\n      "MT-002"\n    ]\n  },\n  "n": -1.5e3, "ok": true, "none": null\n}\n'


def test_values_equal_the_standard_decoder_and_keys_keep_their_lines() -> None:
    data, lines = load_with_lines(TEXT)
    assert data == json.loads(TEXT.lstrip("\ufeff"))
    assert lines[("wp_id",)] == 2
    assert lines[("lifecycle", "status")] == 4
    assert lines[("lifecycle", "depends_on", 1)] == 7
    assert lines[("ok",)] == 10
    assert get_path(data, "lifecycle.status") == ("In Progress", ("lifecycle", "status"))
    assert get_path(data, "lifecycle.missing") is None


@pytest.mark.parametrize("text, line", [
    ('{\n  "a": 1,\n  "b": 2,\n}', 4),  # trailing comma
    ('{\n  "a": \'x\'\n}', 2),
    ('{"a": 1} x', 1),
    ('{\n"a": "unterminated\n}', 2),
    ("", 1),
])
def test_bad_json_names_the_line_of_the_fault(text: str, line: int) -> None:
    with pytest.raises(JsonError) as raised:
        load_with_lines(text)
    assert raised.value.line == line


def test_hostile_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(JsonError):
        load_with_lines("[" * 10_000 + "]" * 10_000)
