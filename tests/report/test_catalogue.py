"""The rules catalogue: the README's copy is the profiles' own, and the
command that prints it fails cleanly on a profile it cannot read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkdocs_handshake.cli import main
from mkdocs_handshake.protocol.profiles import load_profile, shipped
from mkdocs_handshake.report.catalogue import NOT_APPLIED, catalogue

README = Path(__file__).resolve().parents[2] / "README.md"


def shipped_catalogue() -> str:
    return catalogue([load_profile(reference) for reference in shipped()])


def test_the_readme_shows_the_catalogue_the_profiles_make() -> None:
    block = re.search(r"<!-- rules-catalogue -->\n(.*?)<!-- /rules-catalogue -->", README.read_text(encoding="utf-8"), re.S)
    assert block, "README lost its rules-catalogue block"
    assert block.group(1) == shipped_catalogue(), "regenerate it: python -m mkdocs_handshake rules"


def test_an_era_that_drops_a_rule_shows_it_as_not_applied() -> None:
    text = shipped_catalogue()
    june = load_profile("handshake-2026-06")
    header = next(line for line in text.splitlines() if line.startswith("| rule |"))
    column = [cell.strip() for cell in header.strip("|").split("|")].index(june.id)
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if re.fullmatch(r"[A-Z]+-\d{3}", cells[0]):
            assert (cells[column] == NOT_APPLIED) == (cells[0] not in june.rules), cells[0]


def test_the_command_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    assert capsys.readouterr().out == shipped_catalogue()


def test_a_profile_of_ones_own_is_listed_by_its_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = tmp_path / "ours.yaml"
    own.write_text("id: ours-2027\ntitle: ours\nextends: handshake-2026-06\nrules:\n  SIG-006: \"off\"\n", encoding="utf-8")
    assert main(["rules", "--profile", str(own)]) == 0
    out = capsys.readouterr().out
    assert "| ours-2027 |" in out
    assert re.search(r"^\| SIG-006 \|.*\| – \|$", out, re.M)


def test_an_unreadable_profile_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--profile", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mkdocs-handshake: error:") and err.count("\n") == 1
