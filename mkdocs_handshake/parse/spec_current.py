"""Reading docs/SPEC_CURRENT.md: which Master Spec file is current.

People name the file in several ways: in bold (``**Handshake_Master_Spec_v02.93.md**``),
as a link (``[spec](../Handshake_Master_Spec_v02.93.md)``), in a code span, or
bare in prose. A *spec name* is any ``.md`` name containing "Master Spec"
(``_``, ``-`` or space between the words, any case) followed somewhere by a
version ``v<digits>.<digits>``. Names inside bold, code or link text may
contain spaces; bare names may not, because a bare name with spaces cannot be
told apart from the prose before it.

The *governance reference* is the Codex: any ``.md`` name containing
"Codex", plus the first ``.md`` name written after the words "Governance
Reference". Signatures are ``<name><12+ digits>`` tokens (same shape as the
signature audit uses). Names are kept as written (a link keeps its href,
URL-decoded), each with the line and column it was written at.
"""

from __future__ import annotations

import re
from typing import Iterator, Sequence
from urllib.parse import unquote

from markdown_it.token import Token

from ..model.basics import Loc, ParseIssue
from ..model.spec import SpecPointer
from ..repository.source import SourceText
from .markdown import block_line, inline_children, tokenize
from .signatures import SIGNATURE_TOKEN

_SPEC_NAME = re.compile(r"master[ _-]?spec[^/\\]*?v(\d+(?:\.\d+)+)[^/\\]*?\.md$", re.IGNORECASE)
_CODEX_NAME = re.compile(r"codex[^/\\]*\.md$", re.IGNORECASE)
_MD_NAME = re.compile(r"\.md$", re.IGNORECASE)
_BARE_MD = re.compile(r"(?<![\w./-])((?:\.{0,2}/)?[\w.-]+(?:/[\w.-]+)*\.md)(?![\w/-])", re.IGNORECASE)
_GOVERNANCE_PHRASE = re.compile(r"governance\s+reference", re.IGNORECASE)


def _spans(inline: Token) -> Iterator[str]:
    """Candidate names of one inline token.

    Bold text, code spans, link text and link targets are whole spans (their
    entire text may be a name, spaces included); plain text yields bare
    ``*.md`` words."""
    children = inline_children(inline)
    bold_depth = 0
    in_link = False
    bold_text: list[str] = []
    for child in children:
        if child.type in ("strong_open", "em_open"):
            bold_depth += 1
            if bold_depth == 1:
                bold_text = []
        elif child.type in ("strong_close", "em_close"):
            bold_depth -= 1
            if bold_depth == 0:
                whole = "".join(bold_text).strip()
                if _MD_NAME.search(whole):
                    yield whole
                else:  # a bold sentence: the names inside it are bare words
                    for match in _BARE_MD.finditer(whole):
                        yield match.group(1)
        elif child.type == "code_inline":
            yield child.content.strip()
            if bold_depth:
                bold_text.append(child.content)
        elif child.type == "link_open":
            in_link = True
            href = child.attrGet("href")
            if isinstance(href, str):
                yield unquote(href).split("#", 1)[0].strip()
        elif child.type == "link_close":
            in_link = False
        elif child.type == "text":
            if bold_depth:
                bold_text.append(child.content)
            if not in_link and not bold_depth:  # links and bold are read whole
                for match in _BARE_MD.finditer(child.content):
                    yield match.group(1)


def _locate(lines: Sequence[str], inline: Token, name: str, used: set[tuple[int, int]]) -> tuple[int, int] | None:
    """``(line, column)`` of ``name`` within the inline block's source lines;
    each place is handed out once so a bold name is not counted twice. None
    when every place is taken; ``(first_line, 1)`` when the name is not in
    the source verbatim (a URL-encoded link target)."""
    first = block_line(inline)
    last = inline.map[1] if inline.map else first
    seen_any = False
    for number in range(first, max(first, last) + 1):
        if not 0 < number <= len(lines):
            break
        start = 0
        while True:
            column = lines[number - 1].find(name, start)
            if column < 0:
                break
            seen_any = True
            if (number, column) not in used:
                used.add((number, column))
                return number, column + 1
            start = column + 1
    return None if seen_any else (first, 1)


def _inline_tokens(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "inline":
            yield token


def parse_spec_current(src: SourceText) -> tuple[SpecPointer, list[ParseIssue]]:
    """Read which Master Spec (and governance reference) SPEC_CURRENT names."""
    lines = src.lines
    spec_names: list[tuple[str, Loc]] = []
    governance: list[tuple[str, Loc]] = []
    signatures: list[tuple[str, Loc]] = []
    used: set[tuple[int, int]] = set()
    signature_seen: set[tuple[int, int]] = set()
    awaiting_governance = False
    for inline in _inline_tokens(tokenize(src.text)):
        if _GOVERNANCE_PHRASE.search(inline.content):
            awaiting_governance = True
        for name in _spans(inline):
            if not _MD_NAME.search(name):
                continue
            spec_match = _SPEC_NAME.search(name)
            codex = _CODEX_NAME.search(name)
            if not (spec_match or codex or awaiting_governance):
                continue
            place = _locate(lines, inline, name, used)
            if place is None:
                continue  # already taken (bold text also seen as plain text)
            loc = Loc(src.path, *place)
            if spec_match:
                spec_names.append((name, loc))
            else:
                governance.append((name, loc))
                awaiting_governance = False
        for offset_line, text in enumerate(inline.content.split("\n")):
            line = block_line(inline) + offset_line
            source = lines[line - 1] if 0 < line <= len(lines) else text
            for match in SIGNATURE_TOKEN.finditer(text):
                column = source.find(match.group(0))
                key = (line, column)
                if key in signature_seen:
                    continue
                signature_seen.add(key)
                signatures.append((match.group(0), Loc(src.path, line, column + 1 if column >= 0 else 1)))
    issues: list[ParseIssue] = []
    if not spec_names:
        first = next((text for text in lines if text.strip()), "")
        issues.append(
            ParseIssue(
                "PARSE-004",
                Loc(src.path, 1),
                "SPEC_CURRENT names no Master Spec file (expected a name like Handshake_Master_Spec_vNN.NN.md)",
                excerpt=first.strip()[:120],
                subject=src.path,
            )
        )
    version_match = _SPEC_NAME.search(spec_names[0][0]) if spec_names else None
    pointer = SpecPointer(
        file=src.path,
        spec_names=tuple(spec_names),
        governance_names=tuple(governance),
        version=version_match.group(1) if version_match else "",
        signatures=tuple(signatures),
    )
    return pointer, issues
