"""model.json is streamed a packet at a time, byte for byte what encoding
the whole document at once gives."""

from __future__ import annotations

import io
import json
from pathlib import Path

from mkdocs_handshake.report.export import dumps, model_document, write_model
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.repository.layout import Layout
from tests.fixtures.repo import materialise


def test_the_streamed_model_is_the_compact_document(tmp_path: Path) -> None:
    model = load_repo(Layout(materialise(tmp_path / "repo", [])))
    stream = io.StringIO()
    write_model(model, ".", stream)
    assert stream.getvalue() == dumps(model_document(model, "."), compact=True)
    document = json.loads(stream.getvalue())
    assert len(document["packets"]) == 10 and document["spec"]["sections"]


def test_a_model_without_packets_streams_an_empty_list(tmp_path: Path) -> None:
    model = load_repo(Layout(materialise(tmp_path / "repo", [])))
    empty = model.__class__(**{**model.__dict__, "packets": ()})
    stream = io.StringIO()
    write_model(empty, "root", stream)
    assert stream.getvalue() == dumps(model_document(empty, "root"), compact=True)
    assert json.loads(stream.getvalue())["packets"] == []
