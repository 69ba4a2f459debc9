"""What a Master Spec heading's text says about its section.

The spec reader (:mod:`.spec`) walks the token stream; the questions it
asks of one heading's text do not depend on that walk, and pages ask some
of them too: which section number a heading carries, whether that number
fits its neighbours, whether the heading opens a roadmap or declares a
copied document, which HTML id a section number gets, and the title of a
section that is a numbered list item. Keeping them here lets the renderer
link to a section without the parsers depending on the renderer (the
anchor is stored on each :class:`~mkdocs_handshake.model.spec.Section`).
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it.token import Token

from .markdown import inline_plain
from .requirements import plain_sentence

# A section number at the start of a heading: 2.3.12.1, 1. / 1, A9.2.1, A.1.
_HEADING_NUMBER = re.compile(
    r"^§?\s*((?:\d{1,3}|[A-Z]\d{1,3}|[A-Z](?=\.\d))(?:\.\d{1,4})*)\.?(?=\s|$)\s*(.*)$",
    re.DOTALL,
)
_ROADMAP_TITLE = re.compile(r"\broad\s*map\b|\bfuture\s+work\b", re.IGNORECASE)
_PHASE = re.compile(r"\bphase\s+(\d+)", re.IGNORECASE)
#: A heading's parenthesised tag that says what follows is a copy of
#: another document; a tag is read in parts split at commas and semicolons.
_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_COPY_TAG = re.compile(r"(?:verbatim|embedded\s+snapshots?|archived\s+copy|lossless\s+archive)\b", re.IGNORECASE)
_PART = re.compile(r"^([A-Z]*)(\d*)$")
_BOLD_LEAD = re.compile(r"^\s*(\*\*|__)(.+?)\1")

TITLE_LIMIT = 120


def section_anchor(number: str) -> str:
    """Stable HTML id for a section number: ``2.3.12.1`` -> ``sec-2-3-12-1``."""
    return "sec-" + re.sub(r"[^0-9A-Za-z]+", "-", number).strip("-").lower()


def split_heading_number(text: str) -> tuple[str, str] | None:
    """``("2.3.12.1", "Title")`` when the heading text starts with a section
    number, else None."""
    match = _HEADING_NUMBER.match(text.strip())
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


def is_roadmap_title(title: str) -> bool:
    """Roadmap, Future Work, or Phase N with N >= 2 ("Phase 2+", "Phase 3: x")."""
    if _ROADMAP_TITLE.search(title):
        return True
    return any(int(match.group(1)) >= 2 for match in _PHASE.finditer(title))


def is_copy_title(title: str) -> bool:
    """Whether a heading declares its content a copy of another document,
    in a parenthesised tag or one part of it: "(verbatim import; headings
    adjusted)", "(Claude, Verbatim)", "(Embedded Snapshot)", "(Archived
    Copy)", "(lossless archive)". A tag that only mentions the word ("(MPL
    shorthand in verbatim research)") declares nothing."""
    return any(
        _COPY_TAG.match(part.strip())
        for tag in _PARENTHESISED.findall(title)
        for part in re.split(r"[,;]", tag)
    )


def _part_key(part: str) -> tuple[str, int]:
    """Sort key of one number part: ``"12"`` -> ("", 12), ``"A9"`` -> ("A", 9)."""
    match = _PART.match(part)
    if match is None:
        return (part, -1)
    letters, digits = match.groups()
    return (letters, int(digits) if digits else -1)


def is_later_sibling(parts: Sequence[str], other: Sequence[str]) -> bool:
    """``parts`` is a sibling of some prefix of ``other`` that comes after it,
    or descends from ``other`` itself (a heading one level too shallow)."""
    if len(parts) > len(other):
        return list(parts[: len(other)]) == list(other)
    prefix = other[: len(parts)]
    return list(parts[:-1]) == list(prefix[:-1]) and _part_key(parts[-1]) > _part_key(prefix[-1])


def is_consistent(
    parts: Sequence[str], enclosing: Sequence[str] | None, previous: Sequence[str] | None, nested: bool = False,
) -> bool:
    """Whether a heading number fits its neighbours (see :mod:`.spec`'s
    docstring, "Odd numbering"). ``nested``: markdown puts the heading
    inside ``enclosing`` (its level is deeper), so its number must descend
    from it. A "4.5" written as "### 4.5" inside "## 4.4" breaks the
    chapter's own sequence, and the "## 4.5" that follows in step is not
    the one to renumber. Without ``nested`` (a heading line read inside a
    code block, whose place is unknown) a later sibling of ``enclosing``
    fits too."""
    if enclosing is not None:
        if len(parts) > len(enclosing) and list(parts[: len(enclosing)]) == list(enclosing):
            return True
        if nested:
            return False
        if is_later_sibling(parts, enclosing):
            return True
    elif len(parts) == 1 or previous is None or _part_key(parts[0]) > _part_key(previous[0]):
        # Nothing numbered encloses it: a chapter, or a later chapter's (or an
        # appendix's) section under an unnumbered heading.
        return True
    return previous is not None and is_later_sibling(parts, previous)


def shallowest_levels(tokens: Sequence[Token]) -> dict[str, int]:
    """Section number -> the shallowest heading level the spec writes it
    at. A heading written deeper than another of its number while its
    number makes it a sibling of the section it stands in ("### 4.5"
    inside "## 4.4", and "## 4.5" later) is the one out of sequence."""
    levels: dict[str, int] = {}
    for index, token in enumerate(tokens[:-1]):
        if token.type == "heading_open":
            split = split_heading_number(inline_plain(tokens[index + 1]))
            if split is not None:
                level = int(token.tag[1:])
                levels[split[0]] = min(level, levels.get(split[0], level))
    return levels


def continues_block(parts: Sequence[str], stray: Sequence[str], deeper: int = 1) -> bool:
    """Whether a heading that fits no numbering of the spec's own continues
    the misnumbered block whose last heading is numbered ``stray``: it is a
    child or later sibling of it, or repeats its number (then reported as a
    duplicate). Such a heading is not reported again, and it never becomes
    the heading later ones are measured against: the spec's own heading
    after a pasted 9.9-9.12 block is in step with the one before the block,
    not "out of order inside 9.12". The block may be a pasted document
    whose own numbering happened to fit the spec's for a while ("11.1" of
    a pasted note in chapter 11). ``deeper``: how many levels the heading
    stands below ``stray``'s; a child written above its parent's level (a
    "### 11.5.13" after a pasted "##### 11.5") is the spec's own heading."""
    if len(parts) > len(stray) and deeper < 0:
        return False
    return list(parts) == list(stray) or is_later_sibling(parts, stray)


def is_local_list_number(parts: Sequence[str], level: int, last: Sequence[str] | None, last_level: int) -> bool:
    """Whether a stray single-number heading ("### 1. Symlink attack") is
    the list numbering of a document embedded in the section just before
    it (a red-team report under "#### 11.3.7.5 Red Team Audit"), not a
    section number: that section is numbered in several parts and the
    heading is written no deeper than it, so markdown does not even put it
    inside the section whose text it continues. A "1." nested below its
    section ("### 1." under "## 13.1") opens a pasted document the spec
    should tag or renumber, and is still reported."""
    return len(parts) == 1 and last is not None and len(last) > 1 and level <= last_level


def is_copys_own_title(text: str, level: int, declared_level: int | None) -> bool:
    """Whether a heading right after one that declares a copy (at
    ``declared_level``) is the copied document's own title, under which the
    copy runs on: of a higher level ("## Appendix: X (Archived Copy)" then
    "# X"), or unnumbered at the same level ("### 9.1 X (verbatim import)"
    then "### X"). A numbered heading at that level is the spec's next
    section and ends the copy."""
    if declared_level is None:
        return False
    return level < declared_level or (level == declared_level and split_heading_number(text) is None)


def item_title(content: str) -> str:
    """Title of a numbered list item: its leading bold phrase, or else its
    first line, as plain text and at most ``TITLE_LIMIT`` characters."""
    first_line = content.split("\n", 1)[0]
    bold = _BOLD_LEAD.match(first_line)
    text = plain_sentence(bold.group(2) if bold else first_line).rstrip(":").strip()
    if len(text) <= TITLE_LIMIT:
        return text
    cut = text.rfind(" ", 0, TITLE_LIMIT)
    return text[: cut if cut > TITLE_LIMIT // 2 else TITLE_LIMIT].rstrip(" ,;:") + "…"
