"""The data-only cache encoding: round trips and refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mkdocs_handshake.cache import codec as cache_codec, disk as disk_cache
from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.packet import ListItem
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.model.page import RenderedPage, TocEntry
from mkdocs_handshake.repository.source import decode


def test_model_values_round_trip_with_their_types() -> None:
    item = ListItem("a", Loc("p.md", 3), 0, (ListItem("b", Loc("p.md", 4), 1),), "- a")
    value = {
        ("packet", "p.md"): (item, [Status.DONE, None, True, 1, 0.5], {"k": (1, 2)}, frozenset({"x"})),
        "finding": Finding("PKT-001", Severity.ERROR, "m", Loc("p.md", 1)),
        "page": RenderedPage("<p/>", None, (TocEntry(1, "a", "A"),)),
    }
    again = cache_codec.loads(cache_codec.dumps(value))
    assert again == value
    assert type(again[("packet", "p.md")][1]) is list and type(again[("packet", "p.md")][0].children) is tuple
    assert again[("packet", "p.md")][1][0] is Status.DONE


def test_source_text_keeps_its_fields_not_its_line_tables() -> None:
    src = decode("a\nb\xa7\n".encode(), "f.md")
    assert src.lines  # computes the cached line table
    text = cache_codec.dumps(src)
    assert "line_starts" not in text
    again = cache_codec.loads(text)
    assert again == src and again.lines == ("a", "b§", "")


@pytest.mark.parametrize(
    "text",
    ['{"os.system": ["echo hi"]}', '{"Loc": ["a.md"]}', '{"Status": "nope"}', '{"t": [], "d": []}', '{"d": [1]}', '{"d": [[1], 2]}', '{"Severity": 3}'],
)
def test_anything_but_known_tags_and_shapes_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        cache_codec.loads(text)


def test_values_the_decoder_would_not_accept_are_not_written() -> None:
    with pytest.raises(TypeError):
        cache_codec.dumps({"x": object()})
    with pytest.raises(TypeError):
        cache_codec.dumps(Path("x"))


def test_a_cache_write_leaves_no_temporary_file_and_stale_ones_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / ".parse-cache-99999999-a.tmp"
    dead.write_text("left by a killed build")
    old_but_alive = tmp_path / f".parse-cache-{os.getppid()}-b.tmp"
    old_but_alive.write_text("an old file whose pid is in use again")
    # Aged by the folder's clock (the file's own time), whatever this process's clock says.
    hours_ago = old_but_alive.stat().st_mtime - 2 * disk_cache.STALE_AFTER_SECONDS
    os.utime(old_but_alive, (hours_ago, hours_ago))
    current = tmp_path / f".parse-cache-{os.getppid()}-c.tmp"
    current.write_text("a concurrent build writing now")
    assert disk_cache.write_entries(tmp_path, {("k", "n"): ("d", (1, "x"))}) == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == [current.name, disk_cache.FILE_NAME]
    entries, reason = disk_cache.read_entries(tmp_path)
    assert (entries, reason) == ({("k", "n"): ("d", (1, "x"))}, "")


def test_a_cache_file_of_other_code_or_format_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / disk_cache.FILE_NAME
    path.write_text(json.dumps({"format": disk_cache.FORMAT, "version": 1, "fingerprint": "x"}) + "\n[]")
    assert disk_cache.read_entries(tmp_path) == ({}, f"cache file {path} was written by other plugin code")
    path.write_bytes(b"\x80\x04garbage")
    assert disk_cache.read_entries(tmp_path) == ({}, f"cache file {path} is not a handshake cache")
    assert disk_cache.is_missing(disk_cache.read_entries(tmp_path / "none")[1])


def test_concurrent_writers_leave_one_whole_file(tmp_path: Path) -> None:
    """Two builds storing at once: each write replaces the file in one step,
    so the file read afterwards is one of the two, whole."""
    from concurrent.futures import ThreadPoolExecutor

    payloads = [{("k", str(n)): ("d", tuple(range(2000)))} for n in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda entries: disk_cache.write_entries(tmp_path, entries), payloads)) == [""] * 8
    entries, reason = disk_cache.read_entries(tmp_path)
    assert reason == "" and entries in payloads
    assert [path.name for path in tmp_path.iterdir()] == [disk_cache.FILE_NAME]
