"""The parse cache kept on disk between builds (load.parse_cache.ParseCache + cache.disk)."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from mkdocs_handshake.cache import disk as disk_cache
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.assemble import load_repo
from tests.fixtures.repo import TEMPLATE

PACKET = "docs/task_packets/WP-1-Merge-Policy.md"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(TEMPLATE, copy)
    return copy


def _build(root: Path, folder: Path) -> tuple[ParseCache, object]:
    """One build's worth of loading in a fresh process: restore, load, persist."""
    cache = ParseCache()
    cache.restore(folder)
    model = load_repo(Layout(root), cache)
    assert cache.persist(folder) == ""
    return cache, model


def test_second_load_in_a_new_process_parses_nothing_and_gives_the_same_model(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first, model = _build(root, folder)
    assert first.misses > 0 and (folder / disk_cache.FILE_NAME).is_file()
    second, again = _build(root, folder)
    assert second.misses == 0 and second.hits == first.misses
    assert again == model


def test_an_edited_file_is_parsed_again_and_only_that_file(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _build(root, folder)
    path = root / PACKET
    path.write_text(path.read_text(encoding="utf-8").replace("- STATUS: Blocked", "- STATUS: In Progress"), encoding="utf-8")
    cache = ParseCache()
    cache.restore(folder)
    restored = dict(cache.entries)
    model = load_repo(Layout(root), cache)
    # What the cache file holds; kinds kept in memory only (the spec's
    # requirement index, made again to map the edited packet) are not in it.
    stored = [key for key in cache.used if key[0] not in ParseCache.MEMORY_ONLY]
    recomputed = sorted(key for key in stored if cache.entries[key] is not restored.get(key))
    assert {name for _kind, name in recomputed} == {PACKET}
    assert ("packet", PACKET) in recomputed and cache.misses == len(recomputed)
    packet = next(packet for packet in model.packets if packet.file == PACKET)
    assert packet.status_raw == "In Progress"


def test_deleted_files_are_dropped_from_the_stored_cache(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _build(root, folder)
    (root / PACKET).unlink()
    _build(root, folder)
    stored, reason = disk_cache.read_entries(folder)
    assert reason == ""
    assert not [key for key in stored if key[1] == PACKET]


def _header(**changes: object) -> bytes:
    header = {"format": disk_cache.FORMAT, "version": disk_cache.FORMAT_VERSION, "fingerprint": disk_cache.code_fingerprint(), **changes}
    return json.dumps(header).encode() + b"\n"


@pytest.mark.parametrize(
    "content",
    [
        b"not a cache",
        pickle.dumps({"fingerprint": "other code", "entries": {("spec", "x"): ("d", 1)}}),
        _header(fingerprint="other code") + b"[]",
        _header() + b'{"t": [1, 2]}',
        _header() + b'[["spec", "x", "d", {"os.system": ["echo"]}]]',
        _header() + b'[["spec", "x", "d", {"Loc": ["a.md", 1]}]]',
        _header() + b'[["spec", "x", "d", {"Status": "no such status"}]]',
        _header() + b'[["spec", "x", "d", {"t": [1], "d": []}]]',
        _header() + b'[["spec", "x", "d", {"t": [1, 2',
    ],
    ids=["garbage", "pickle", "other-code", "wrong-shape", "unknown-class", "wrong-fields", "bad-enum", "two-tags", "truncated"],
)
def test_an_unusable_cache_file_is_ignored_and_replaced(root: Path, tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / disk_cache.FILE_NAME).write_bytes(content)
    cache = ParseCache()
    reason = cache.restore(folder)
    assert reason and str(folder) in reason
    load_repo(Layout(root), cache)
    assert cache.hits == 0
    assert cache.persist(folder) == ""
    stored, reason = disk_cache.read_entries(folder)
    assert reason == "" and ("spec", "Tallyline_Master_Spec_v01.04.md") in stored


def test_an_unwritable_cache_folder_is_reported_not_raised(root: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    cache = ParseCache()
    load_repo(Layout(root), cache)
    error = cache.persist(blocker)
    assert "cannot write the parse cache" in error and str(blocker) in error


def test_nothing_is_written_when_nothing_was_parsed(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _build(root, folder)
    stamp = (folder / disk_cache.FILE_NAME).stat().st_mtime_ns
    cache = ParseCache()
    cache.restore(folder)
    load_repo(Layout(root), cache)
    assert cache.persist(folder) == ""
    assert (folder / disk_cache.FILE_NAME).stat().st_mtime_ns == stamp


def test_a_drawing_made_inside_a_cached_stage_survives_builds_that_reuse_the_stage(root: Path, tmp_path: Path) -> None:
    """A DAG drawing is looked up only when the pages are rendered again; a
    build that takes the pages from the cache must not drop it."""
    folder = tmp_path / "cache"
    first = ParseCache()
    load_repo(Layout(root), first)
    first.lookup("stage", "pages", "inputs-1", lambda: first.lookup("dot_svg", "dag1", "dot-1", lambda: "<svg/>"))
    assert first.persist(folder) == ""
    second = ParseCache()
    second.restore(folder)
    load_repo(Layout(root), second)
    assert second.lookup("stage", "pages", "inputs-1", lambda: "rendered again") == "<svg/>"
    assert second.persist(folder) == ""
    third = ParseCache()
    third.restore(folder)
    load_repo(Layout(root), third)
    assert third.lookup("dot_svg", "dag1", "dot-1", lambda: "drawn again") == "<svg/>"


def test_rows_encoded_ahead_write_the_same_file_and_a_stale_row_is_encoded_again(root: Path, tmp_path: Path) -> None:
    """The loader encodes rows while it waits for its second process; the
    file must not depend on that, and a row encoded for older bytes of a
    file must never reach the disk."""
    cache = ParseCache()
    load_repo(Layout(root), cache)
    plain, ahead = tmp_path / "plain", tmp_path / "ahead"
    assert cache.persist(plain) == ""
    cache.encode_ahead()
    assert cache.encoded
    key = next(key for key in cache.encoded if key[0] == "packet")
    digest, _text = cache.encoded[key]
    cache.encoded[key] = ("an older digest", disk_cache.encode_row(key[0], key[1], "an older digest", "stale"))
    cache.changed = True
    assert cache.persist(ahead) == ""
    assert (ahead / disk_cache.FILE_NAME).read_bytes() == (plain / disk_cache.FILE_NAME).read_bytes()
    stopped = ParseCache(entries=dict(cache.entries))
    stopped.encode_ahead(busy=lambda: False)
    assert stopped.encoded == {}  # nothing once the wait is over
