"""SPEC_CURRENT.md: which Master Spec is current, the governance reference, signatures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.parse.spec_current import parse_spec_current
from mkdocs_handshake.repository.source import decode, read_source

PATH = "docs/SPEC_CURRENT.md"


def _parse(text: str, *, bom: bool = False, crlf: bool = False):
    if crlf:
        text = text.replace("\n", "\r\n")
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    return parse_spec_current(decode(data, PATH))


POINTER = """\
# SPEC_CURRENT

The current authoritative Master Specification is:

**Demo_Master_Spec_v04.07.md**

(Updated: 2026-01-05 - Reworked §3.1 [alex202601051230])

---

The current authoritative Governance Reference is:

**Demo Codex v2.0.md**
"""


@pytest.mark.parametrize("bom,crlf", [(False, False), (True, True)])
def test_bold_spec_name_version_governance_and_signature(bom: bool, crlf: bool) -> None:
    pointer, issues = _parse(POINTER, bom=bom, crlf=crlf)
    assert issues == []
    assert pointer.file == PATH
    assert [(name, loc.line, loc.column) for name, loc in pointer.spec_names] == [("Demo_Master_Spec_v04.07.md", 5, 3)]
    assert pointer.version == "04.07"
    assert [(name, loc.line, loc.column) for name, loc in pointer.governance_names] == [("Demo Codex v2.0.md", 13, 3)]
    line7 = POINTER.split("\n")[6]
    assert [(sig, loc.line, loc.column) for sig, loc in pointer.signatures] == [
        ("alex202601051230", 7, line7.index("alex") + 1)
    ]


def test_link_code_span_and_bare_names() -> None:
    text = (
        "Current: [the spec](../Demo_Master_Spec_v05.01.md).\n"
        "\n"
        "Older copy: `Demo Master Spec v05.00.md` and bare old/demo-master-spec-v04.99.md here.\n"
        "\n"
        "Governance Reference: [rules](RULES.md)\n"
    )
    pointer, issues = _parse(text)
    assert issues == []
    names = [(name, loc.line, loc.column) for name, loc in pointer.spec_names]
    assert names == [
        ("../Demo_Master_Spec_v05.01.md", 1, text.index("../Demo") + 1),
        ("Demo Master Spec v05.00.md", 3, 14),
        ("old/demo-master-spec-v04.99.md", 3, text.split("\n")[2].index("old/") + 1),
    ]
    assert pointer.version == "05.01"
    assert [(name, loc.line) for name, loc in pointer.governance_names] == [("RULES.md", 5)]


def test_bold_sentence_keeps_bare_names_inside_it() -> None:
    pointer, _ = _parse("**Use Demo_Master_Spec_v01.02.md from now on**\n")
    assert [(name, loc.column) for name, loc in pointer.spec_names] == [("Demo_Master_Spec_v01.02.md", 7)]


def test_no_spec_named_is_parse_004() -> None:
    pointer, issues = _parse("# SPEC_CURRENT\n\nThe current spec is the one on the shared drive.\n")
    assert pointer.spec_names == () and pointer.version == ""
    (issue,) = issues
    assert (issue.rule, issue.loc.file, issue.loc.line) == ("PARSE-004", PATH, 1)
    assert issue.excerpt == "# SPEC_CURRENT"


def test_names_in_code_fences_do_not_count() -> None:
    text = "# SPEC_CURRENT\n\n```\nDemo_Master_Spec_v09.99.md\n```\n\n**Demo_Master_Spec_v01.00.md**\n"
    pointer, _ = _parse(text)
    assert [(name, loc.line) for name, loc in pointer.spec_names] == [("Demo_Master_Spec_v01.00.md", 7)]


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"


@pytest.mark.corpus
def test_real_spec_current() -> None:
    if not (CORPUS / "docs" / "SPEC_CURRENT.md").is_file():
        pytest.skip("real corpus not present")
    src = read_source(CORPUS.resolve(), "docs/SPEC_CURRENT.md")
    pointer, issues = parse_spec_current(src)
    assert issues == []
    ((name, loc),) = pointer.spec_names
    assert name == "Handshake_Master_Spec_v02.93.md"
    assert name in src.lines[loc.line - 1][loc.column - 1 :]
    assert pointer.version == "02.93"
    assert [n for n, _ in pointer.governance_names] == ["Handshake Codex v1.4.md"]
    assert (CORPUS / name).is_file() and (CORPUS / pointer.governance_names[0][0]).is_file()
    for signature, sig_loc in pointer.signatures:
        assert src.lines[sig_loc.line - 1][sig_loc.column - 1 :].startswith(signature)
    assert pointer.signatures
