"""Hashing contracts and projections the way the repository's own library
does (packet-contract-lib.mjs, issue 20). Every expected value here was
produced by that library or by JavaScript itself under Node 20; the
fixture pair in :mod:`tests.fixtures.breakages` was written by the library."""

from __future__ import annotations

import json

from mkdocs_handshake.parse.projection import (
    Table,
    contract_facts,
    contract_source_hash,
    js_number,
    load_js_json,
    parse_header,
    projection_body_hash,
    projection_facts,
    registry_projection_rows,
    stable_stringify,
    strip_header,
)
from tests.fixtures.breakages import PROJECTED_CONTRACT, PROJECTION


def test_numbers_are_written_as_javascript_writes_a_double() -> None:
    # String(x) under Node for each value
    cases = {
        1: "1", 1.5: "1.5", 1e21: "1e+21", 1e-7: "1e-7", 0.000001: "0.000001",
        123456789012345678901234: "1.2345678901234569e+23", 12345678901234567890: "12345678901234567000",
        -0.5: "-0.5", 100: "100", 1.2e-5: "0.000012", 5e-324: "5e-324", 0.1: "0.1", -0.0: "0",
    }
    assert {value: js_number(float(value)) for value in cases} == cases


def test_keys_sort_by_utf16_with_array_indices_first_and_proto_dropped() -> None:
    value = load_js_json('{"b":1,"10":2,"2":3,"a":{"\\u00e9":1,"z":2,"\\ud83d\\ude00":3,"\\ufffd":4},"__proto__":{"x":1},"c":"\\u0001\\ud800"}')
    # JSON.stringify(stableCopy(JSON.parse(same text))) under Node
    expected = '{"2":3,"10":2,"a":{"z":2,"é":1,"😀":3,"�":4},"b":1,"c":"\\u0001\\ud800"}'
    assert json.dumps(json.loads(stable_stringify(value)), ensure_ascii=False, separators=(",", ":")) == json.dumps(json.loads(expected), ensure_ascii=False, separators=(",", ":"))
    assert stable_stringify(value).index('"2"') < stable_stringify(value).index('"10"')
    assert '"\\u0001\\ud800"' in stable_stringify(value)  # lone surrogate escaped, as JSON.stringify does
    assert stable_stringify({"n": [12345678901234567890, 1.5e-7]}) == '{\n  "n": [\n    12345678901234567000,\n    1.5e-7\n  ]\n}\n'


def test_a_pair_the_library_wrote_hashes_to_what_it_recorded() -> None:
    facts = contract_facts(PROJECTED_CONTRACT, in_sync=("GENERATED_IN_SYNC",))
    assert facts is not None
    status, path, recorded_source, recorded_projection, path_line, path_column, source_line, source_column, today = facts
    assert (status, path) == ("GENERATED_IN_SYNC", "docs/task_packets/WP-1-Ledger-Loom/packet.md")
    assert recorded_source == today == "c13e218fb610d0a7"
    assert PROJECTED_CONTRACT.split("\n")[source_line - 1][source_column - 1:].startswith("c13e218fb610d0a7")
    assert PROJECTED_CONTRACT.split("\n")[path_line - 1][path_column - 1:].startswith("docs/task_packets/WP-1-Ledger-Loom/packet.md")
    text = PROJECTION.decode("utf-8")
    header, line, header_source, header_projection, body, shown = projection_facts(text)
    assert header and line == 1 and shown.startswith("<!-- HANDSHAKE_GENERATED_PROJECTION")
    assert (header_source, header_projection, body) == ("c13e218fb610d0a7", "643daf089bb3a98a", "643daf089bb3a98a")


def test_an_edit_to_either_side_changes_its_hash() -> None:
    data = load_js_json(PROJECTED_CONTRACT)
    data["lifecycle"]["status"] = "Done"
    assert contract_source_hash(data) != "c13e218fb610d0a7"
    # the recorded hashes and generation time are nulled: restamping them changes nothing
    data = load_js_json(PROJECTED_CONTRACT)
    data["markdown_projection"].update(source_hash="x", projection_hash="y", generated_at_utc="z")
    assert contract_source_hash(data) == "c13e218fb610d0a7"
    text = PROJECTION.decode("utf-8")
    assert projection_body_hash(text.replace("\r\n", "\n")) != "643daf089bb3a98a"  # line endings count
    assert projection_body_hash("\ufeff  \n" + text) == "643daf089bb3a98a"  # so does nothing before the header
    assert projection_body_hash(strip_header(text)) == projection_body_hash(text)


def test_a_file_without_the_header_has_none() -> None:
    assert parse_header("# WP-1-X\n<!-- HANDSHAKE_GENERATED_PROJECTION source_hash=a -->\n") is None
    header, _line, *_rest, shown = projection_facts("# WP-1-X\n")
    assert not header and shown == "# WP-1-X"


def test_registry_rows_the_markdown_shows_against_what_the_json_renders() -> None:
    table = Table("entries", "| Base WP ID | Active Packet | Task Board | Notes |", ("base_wp_id", "active_packet_path", "task_board_projection", "notes"), (("task_board_projection", "TBD"), ("notes", "")))
    data = {"entries": [
        {"base_wp_id": "WP-1-A", "active_packet_path": "a.md", "task_board_projection": "Done: WP-1-A", "notes": "kept"},
        {"base_wp_id": "WP-1-B", "active_packet_path": "b.md", "notes": None},
        {"base_wp_id": "WP-1-C", "active_packet_path": "c.md", "task_board_projection": "Ready", "notes": "new text"},
        {"base_wp_id": "WP-1-D", "active_packet_path": "d.md", "task_board_projection": "Ready", "notes": ""},
    ]}
    markdown = (
        "# Registry",
        "| Base WP ID | Active Packet | Task Board | Notes |",
        "|-----------:|---------------|------------|-------|",
        "| WP-1-B | b.md | TBD |  |",  # order alone is no difference; falsy cells take the generator's default
        "| WP-1-A | a.md | Done: WP-1-A | kept |",
        "| WP-1-C | c.md | Ready | old text |",
        "",
        "## Next",
    )
    rows = registry_projection_rows(data, markdown, (table,))
    assert rows == [
        ("WP-1-C", "| WP-1-C | c.md | Ready | old text |", "| WP-1-C | c.md | Ready | new text |", 6),
        ("WP-1-D", "", "| WP-1-D | d.md | Ready |  |", 0),
    ]
