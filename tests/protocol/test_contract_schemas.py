"""What the repository's own contract schemas define (issue 20, June
sample): a field no schema of its kind defines is not one the repository
records."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_handshake.protocol.contract_schemas import defined_properties, find_schemas


def test_defined_properties_follow_refs_and_items_and_only_the_named_schemas(tmp_path: Path) -> None:
    (tmp_path / "MT.schema.json").write_text(json.dumps({
        "$id": "mt@1",
        "type": "object",
        "properties": {
            "lifecycle": {"type": "object", "properties": {"status": {"type": "string"}, "depends_on": {"type": "array", "items": {"type": "string"}}}},
            "red_team": {"$ref": "#/$defs/red_team"},
            "steps": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
        },
        "$defs": {"red_team": {"type": "object", "properties": {"profile": {"const": "X"}}}},
    }))
    (tmp_path / "OTHER.schema.json").write_text(json.dumps({"$id": "other@1", "properties": {"blocks": {}}}))
    schemas = find_schemas(tmp_path, ("*.schema.json",))
    found = defined_properties(schemas, ("mt@1",))
    assert "mt@1 lifecycle.depends_on" in found and "mt@1 red_team.profile" in found and "mt@1 steps.id" in found
    assert "mt@1 lifecycle.blocks" not in found
    assert not any(entry.startswith("other@1") for entry in found)
