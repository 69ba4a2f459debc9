"""The loader's guards: files outside the root, oversized and binary files,
parsers that raise, and the bounded search for the Master Spec."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.load import governance_files
from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.repository.source import decode
from tests.fixtures.repo import AS_OF, TEMPLATE

SPEC = "Tallyline_Master_Spec_v01.04.md"
PACKETS = "docs/task_packets"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("site", ".cache"))
    return copy


def issues(model, file: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(issue.rule, issue.message) for issue in model.parse_issues if issue.loc.file == file]


def test_a_packet_linked_outside_the_root_is_not_read(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET first line\n", encoding="utf-8")
    (root / PACKETS / "WP-1-Leak.md").symlink_to(secret)
    model = load_repo(Layout(root))
    assert issues(model, f"{PACKETS}/WP-1-Leak.md") == [
        ("PARSE-001", f"the task packet {PACKETS}/WP-1-Leak.md resolves to a file outside the root folder (a symbolic link or '..'); it is not read")
    ]
    assert "WP-1-Leak" not in {packet.id for packet in model.packets}
    assert "SECRET" not in repr(model)


def test_a_packets_folder_linked_outside_the_root_is_not_read(root: Path, tmp_path: Path) -> None:
    """Each file is judged by where its folder resolves, not only whether
    the file itself is a link."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "WP-1-Leak.md").write_text("# SECRET\n", encoding="utf-8")
    (root / "docs" / "elsewhere").symlink_to(outside, target_is_directory=True)
    model = load_repo(Layout(root, packets="docs/elsewhere"))
    assert issues(model, "docs/elsewhere/WP-1-Leak.md") == [
        ("PARSE-001", "the task packet docs/elsewhere/WP-1-Leak.md resolves to a file outside the root folder (a symbolic link or '..'); it is not read")
    ]
    assert "SECRET" not in repr(model)


def test_a_link_inside_the_root_is_read(root: Path) -> None:
    (root / PACKETS / "WP-1-Alias.md").symlink_to(root / PACKETS / "WP-1-Merge-Policy.md")
    model = load_repo(Layout(root))
    assert "WP-1-Alias" in {packet.id for packet in model.packets}


def test_a_file_over_the_size_limit_is_reported_and_skipped(root: Path) -> None:
    (root / PACKETS / "WP-1-Big.md").write_bytes(b"x" * 3000)
    model = load_repo(Layout(root, max_file_bytes=2048))
    assert issues(model, f"{PACKETS}/WP-1-Big.md") == [
        ("PARSE-001", f"the task packet {PACKETS}/WP-1-Big.md is 2.9 KB, larger than the limit of 2.0 KB (option max_file_mb); it is not read")
    ]
    assert "WP-1-Big" not in {packet.id for packet in model.packets}


def test_a_binary_file_is_one_issue_but_stray_control_bytes_are_text(root: Path) -> None:
    (root / PACKETS / "WP-1-Blob.md").write_bytes(bytes(range(256)) * 8)
    packet = root / PACKETS / "WP-1-Merge-Policy.md"
    packet.write_bytes(packet.read_bytes().replace(b"## Scope", b"## Sc\x00ope", 1))
    model = load_repo(Layout(root))
    assert issues(model, f"{PACKETS}/WP-1-Blob.md") == [("PARSE-001", f"the task packet {PACKETS}/WP-1-Blob.md is a binary file, not text; it is not read")]
    assert "WP-1-Merge-Policy" in {p.id for p in model.packets}


def test_utf16_with_a_byte_order_mark_is_read_as_utf16() -> None:
    text = "# WP\n- STATUS: Ready § 2.3\n"
    for bom, codec, label in ((b"\xff\xfe", "utf-16-le", "UTF-16 LE"), (b"\xfe\xff", "utf-16-be", "UTF-16 BE")):
        src = decode(bom + text.encode(codec), "p.md")
        assert src.text == text
        assert [(issue.kind, issue.original, issue.loc.line) for issue in src.issues] == [("utf-16", label, 1)]


def test_an_exception_in_a_parser_is_a_finding_on_that_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = governance_files.parse_packet

    def fragile(src):  # type: ignore[no-untyped-def]
        if src.path.endswith("WP-1-Merge-Policy.md"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(src)

    monkeypatch.setattr(governance_files, "parse_packet", fragile)
    model = load_repo(Layout(root))
    assert issues(model, f"{PACKETS}/WP-1-Merge-Policy.md") == [
        ("PARSE-001", f"the task packet {PACKETS}/WP-1-Merge-Policy.md could not be parsed (RecursionError: maximum recursion depth exceeded); its content is left out")
    ]
    assert len(model.packets) == 9


@pytest.mark.parametrize("absolute", [True, False])
def test_spec_current_naming_a_file_outside_the_root_is_an_issue_not_a_read(root: Path, tmp_path: Path, absolute: bool) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Tallyline_Master_Spec_v09.01.md").write_text("# SECRET\n", encoding="utf-8")
    name = str(outside / "Tallyline_Master_Spec_v09.01.md") if absolute else "../outside/Tallyline_Master_Spec_v09.01.md"
    pointer = root / "docs" / "SPEC_CURRENT.md"
    pointer.write_text(pointer.read_text(encoding="utf-8").replace(f"**{SPEC}**", f"`{name}`"), encoding="utf-8")
    model = load_repo(Layout(root))
    assert model.spec is None
    assert issues(model, "docs/SPEC_CURRENT.md") == [("PARSE-001", f"SPEC_CURRENT names {name}, which is outside the root folder; it is not read")]


def _move_spec(root: Path, *folders: str) -> None:
    spec = (root / SPEC).read_bytes()
    (root / SPEC).unlink()
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / SPEC).write_bytes(spec)


def test_the_spec_search_skips_vcs_dependency_cache_and_site_folders(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    _move_spec(root, ".git/x", "node_modules/y", "built", "z/specs")
    caplog.set_level(logging.WARNING, logger="mkdocs.plugins.handshake")
    model = load_repo(replace(Layout(root), search_excludes=(str(root / "built"),)))
    assert model.spec is not None and model.spec.file == f"z/specs/{SPEC}"
    assert [record.getMessage() for record in caplog.records] == [
        f"handshake: governance: SPEC_CURRENT names {SPEC}, found only by searching the root, at z/specs/{SPEC}; write that path in SPEC_CURRENT"
    ]


def test_the_spec_search_says_which_of_several_matches_it_took(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    _move_spec(root, "b", "a")
    caplog.set_level(logging.WARNING, logger="mkdocs.plugins.handshake")
    model = load_repo(Layout(root))
    assert model.spec is not None and model.spec.file == f"a/{SPEC}"
    assert len(caplog.records) == 1 and f"2 files of that name are under the root (a/{SPEC}, b/{SPEC}), using a/{SPEC}" in caplog.records[0].getMessage()


def test_a_spec_found_where_it_is_written_needs_no_search(root: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mkdocs.plugins.handshake")
    assert load_repo(Layout(root)).spec is not None
    assert caplog.records == []


def test_spec_current_naming_its_spec_twice_reads_the_spec_and_spec_001_is_silent(root: Path) -> None:
    # The repository's own pointer names its baseline file twice: as a path and again as a bare name.
    pointer = root / "docs" / "SPEC_CURRENT.md"
    pointer.write_text(pointer.read_text(encoding="utf-8") + f"\nBaseline file: `{SPEC}` (also at `./{SPEC}`)\n", encoding="utf-8")
    model = load_repo(Layout(root))
    assert len(model.spec_pointer.spec_names) == 3
    assert model.spec is not None and model.spec.file == SPEC
    assert [f for f in run_rules(model, EngineConfig(as_of=AS_OF)) if f.rule == "SPEC-001"] == []
