"""Finding normative sentences in the inline text of a spec block.

A Master Spec section's *requirements* are the sentences a packet's
DONE_MEANS can be held to: sentences that carry an RFC 2119 keyword written in
capitals (``MUST``, ``MUST NOT``, ``SHALL``, ``SHALL NOT``, ``SHOULD``,
``SHOULD NOT``, ``MAY``, ``REQUIRED``) or a bracketed requirement id such as
``[HSK-WF-002]``, ``[CX-DBP-040]`` or ``[CX-585A]``.

The text handed in is the *raw* inline content of one block the tokenizer has
already identified (a paragraph, a list item's paragraph, a table cell), so the
sentence offsets can be mapped back to the real line and column of the
source. The sentence text reported is the readable form (emphasis, code ticks
and link targets dropped) because that is what people quote.

Sentence splitting is deliberately conservative: a boundary is ``.``/``!``/``?``
followed by whitespace and then something that is not a lower-case letter,
or a markdown hard line break. Abbreviations (``e.g.``, ``i.e.``, ``vs.``,
``cf.``) never end a sentence, and dotted section numbers (``2.3.12``) or file
names (``main.rs``) never contain the whitespace a boundary needs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator, Sequence

from ..model.basics import Loc
from ..model.spec import Requirement

# ``[`` LETTERS ( ``-`` ALNUM )+ ``]``; group 1 is the id without brackets.
REQUIREMENT_ID = re.compile(r"\[([A-Z]+(?:-[A-Z0-9]+)+)\]")

# RFC 2119 keywords in capitals; the negation is folded into the keyword.
_KEYWORD = re.compile(r"\b(?:(MUST|SHALL|SHOULD)(?:\s+(NOT))?|(MAY)|(REQUIRED))\b")
# Cheap pre-filter so blocks without any keyword or id cost one regex scan.
_QUICK = re.compile(r"MUST|SHALL|SHOULD|MAY|REQUIRED|\[[A-Z]+-")

_STRENGTH = {"MUST": "MUST", "SHALL": "MUST", "REQUIRED": "MUST", "SHOULD": "SHOULD", "MAY": "MAY"}
_RANK = {"MUST": 3, "SHOULD": 2, "MAY": 1, "": 0}

# A candidate boundary: terminal punctuation, optional closing marks, then
# whitespace; or a hard line break (two trailing spaces or a backslash).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]*_`]*[ \t]*\n?[ \t]*|(?:[ \t]{2,}|\\)\n")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "vs", "cf", "approx", "incl", "resp", "viz", "fig", "no", "nr"})

# Markdown inline markup dropped for the readable sentence text.
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|`")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_SPACES = re.compile(r"\s+")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# A name in code: words joined by ``_ - . :: /`` (``HSK-402-BUDGET-EXCEEDED``,
# ``llm_inference``, ``FlightRecorder::record``); quoted strings are read too.
_CODE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:::|[-.])[A-Za-z0-9_]+)*")
_CODE_TERM_LIMIT = 200  # names kept per code block: a data dump is not evidence


def is_identifier(raw: str) -> bool:
    """Whether a token names a thing rather than being prose: it contains a
    digit, ``_``, ``.``, ``::`` or ``/``, an internal capital (``SqlitePool``),
    or is an upper-case ``-``-joined code (``FR-EVT-WF-RECOVERY``)."""
    if _NAME_MARK.search(raw) or (not raw.isascii() and any(ch.isdigit() for ch in raw)):  # "x²" too
        return _has_letter(raw)
    tail = raw[1:]
    if tail != tail.lower() and raw != raw.upper():  # an internal capital and a small letter
        return True
    return "-" in raw and raw.upper() == raw and _has_letter(raw)


# The character tests of is_identifier, as searches (it runs on every name
# of every code block of the spec).
_NAME_MARK = re.compile(r"[\d_./]|::")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _has_letter(raw: str) -> bool:
    return _ASCII_LETTER.search(raw) is not None if raw.isascii() else any(ch.isalpha() for ch in raw)


def code_names(code: str) -> tuple[str, ...]:
    """Identifier-like names in a code block, in order of first appearance.
    Plain words (``let``, ``string``, ``return``) are not evidence of anything."""
    found: dict[str, None] = {}
    for match in _CODE_NAME.finditer(code):
        name = match.group(0).strip(".-")
        if name in found:
            continue
        if len(name) > 2 and is_identifier(name) and not name.startswith(("http", "www.")):
            found.setdefault(name, None)
            if len(found) >= _CODE_TERM_LIMIT:
                break
    return tuple(found)


def code_spans(raw: str) -> tuple[str, ...]:
    """The backticked terms of a raw sentence (``stalled``, ``job_id``)."""
    return tuple(dict.fromkeys(span.strip() for span in _CODE_SPAN.findall(raw) if span.strip()))


def find_requirement_ids(text: str) -> list[str]:
    """Every bracketed requirement id in ``text`` (without brackets), in order
    of appearance, repeats kept so a caller can count mentions."""
    return REQUIREMENT_ID.findall(text)


def find_keywords(text: str) -> tuple[str, ...]:
    """RFC 2119 keywords of ``text`` in order, negations folded (``MUST NOT``)."""
    found: list[str] = []
    for match in _KEYWORD.finditer(text):
        word, negation, may, required = match.groups()
        if word:
            found.append(f"{word} NOT" if negation else word)
        else:
            found.append(may or required)
    return tuple(found)


def strength_of(keywords: Sequence[str]) -> str:
    """The strongest keyword class: MUST > SHOULD > MAY > "" (id-only)."""
    best = ""
    for keyword in keywords:
        level = _STRENGTH[keyword.split()[0]]
        if _RANK[level] > _RANK[best]:
            best = level
    return best


def plain_sentence(raw: str) -> str:
    """Readable text of a raw markdown sentence: links reduced to their text,
    bold/code markers and ``<br>`` dropped, whitespace collapsed."""
    # Each pattern runs only where its first character occurs: most
    # sentences of a spec carry no link, break or escape at all.
    text = _IMAGE_OR_LINK.sub(r"\1", raw) if "[" in raw else raw
    text = _HTML_BREAK.sub(" ", text) if "<" in text else text
    text = _EMPHASIS.sub("", text) if "*" in text or "_" in text or "`" in text else text
    text = _ESCAPE.sub(r"\1", text) if "\\" in text else text
    return _SPACES.sub(" ", text).strip()


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    """Whether a candidate boundary really ends a sentence."""
    if match.group(0).endswith("\n") and not text[: match.start()].endswith((".", "!", "?")):
        return True  # hard line break
    end = match.end()
    if end >= len(text) or end == match.start():
        return False
    if not match.group(0)[-1:].isspace() and match.group(0)[-1:] != "\n":
        return False  # punctuation not followed by whitespace: "main.rs", "2.3.12"
    if text[end].islower():
        return False
    stop = match.start()
    if text[stop - 1 : stop] == ".":
        word = _last_word(text, stop - 1)
        if word.lower() in _ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isupper():
            return False  # an initial ("J. Smith")
    return True


def _last_word(text: str, stop: int) -> str:
    """The word ending at ``stop`` (exclusive), opening brackets/quotes dropped."""
    start = max(text.rfind(" ", 0, stop), text.rfind("\n", 0, stop), text.rfind("\t", 0, stop)) + 1
    return text[start:stop].lstrip("([\"'*_`")


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, raw_sentence)`` for each sentence of ``text``; offsets point
    at the first non-space character of the sentence."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _is_boundary(text, match):
            continue
        chunk = text[start : match.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            yield start + lead, chunk.strip()
        start = match.end()
    chunk = text[start:]
    if chunk.strip():
        yield start + len(chunk) - len(chunk.lstrip()), chunk.strip()


class LineMapper:
    """Maps offsets in a block's inline content back to source line/column.

    markdown-it keeps the block's source newlines in the inline content but
    strips container prefixes and indentation from each line, so the column
    is found by locating the content line inside the source line (once per
    line, cached)."""

    def __init__(self, text: str, first_line: int, src_lines: Sequence[str], min_column: int = 0) -> None:
        self._text = text
        self._first_line = first_line
        self._src_lines = src_lines
        self._min_column = min_column
        self._line_starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        self._columns: dict[int, int] = {}

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        row = bisect_right(self._line_starts, offset) - 1
        line_start = self._line_starts[row]
        base = self._columns.get(row)
        if base is None:
            base = self._find_base(row, line_start)
            self._columns[row] = base
        return self._first_line + row, base + (offset - line_start) + 1

    def _find_base(self, row: int, line_start: int) -> int:
        """0-based column where content line ``row`` starts in the source."""
        number = self._first_line + row
        if not 0 < number <= len(self._src_lines):
            return 0
        source = self._src_lines[number - 1]
        end = self._text.find("\n", line_start)
        segment = self._text[line_start : end if end >= 0 else len(self._text)]
        for probe in (segment, segment[:20].rstrip(), segment[:6].rstrip()):
            if probe:
                column = source.find(probe, self._min_column if row == 0 else 0)
                if column >= 0:
                    return column
        return len(source) - len(source.lstrip())


def extract_requirements(
    text: str,
    path: str,
    first_line: int,
    src_lines: Sequence[str],
    *,
    min_column: int = 0,
    start_index: int = 1,
    inherited: tuple[str, ...] = (),
    lead: str = "",
) -> list[Requirement]:
    """Requirements in the raw inline ``text`` of one block.

    ``first_line`` is the 1-based source line the block starts on and
    ``src_lines`` the file's lines, used to turn offsets into real columns.
    ``min_column`` (0-based) is where to start looking on the first line,
    which keeps two identical table cells on one row apart. Indices are
    numbered from ``start_index``; section builders renumber them.

    ``inherited`` are the keywords of a lead-in ("The Problems view MUST:")
    that governs the list this text is an item of: such an item is one
    requirement, written ``lead`` + item, even without a keyword of its own.
    """
    if inherited and not find_keywords(plain_sentence(text)) and not find_requirement_ids(text) and text.strip():
        readable = plain_sentence(text)
        mapper = LineMapper(text, first_line, src_lines, min_column)
        offset = len(text) - len(text.lstrip())
        line, column = mapper.position(offset)
        return [
            Requirement(
                text=f"{lead} {readable}".strip(),
                loc=Loc(path, line, column),
                keywords=inherited,
                strength=strength_of(inherited),
                index=start_index,
                evidence=code_spans(text),
            )
        ]
    if not _QUICK.search(text):
        return []
    mapper: LineMapper | None = None
    found: list[Requirement] = []
    for offset, raw in split_sentences(text):
        ids = tuple(find_requirement_ids(raw))
        readable = plain_sentence(raw)
        keywords = find_keywords(readable)
        if not keywords and not ids:
            continue
        if mapper is None:
            mapper = LineMapper(text, first_line, src_lines, min_column)
        line, column = mapper.position(offset)
        found.append(
            Requirement(
                text=readable,
                loc=Loc(path, line, column),
                keywords=keywords,
                strength=strength_of(keywords),
                ids=ids,
                index=start_index + len(found),
                evidence=code_spans(raw),
            )
        )
    return found


def is_lead_in(requirement: Requirement) -> bool:
    """A sentence that introduces a list ("Problems MUST:"): the list's items
    are the requirements, the lead-in is their header."""
    return requirement.text.rstrip(" *_").endswith(":")
