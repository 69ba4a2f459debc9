"""Reading the Master Spec into numbered, addressable sections.

What the parser reads (documented here because rules and pages rely on it):

* **Sections.** Every markdown heading whose text starts with a section
  number (``2.3.12.1``, a chapter ``1.``/``1``, appendix style ``A9.2.1`` or
  ``A.1``) is a ``Section(kind="heading")``. Headings inside code fences are
  not headings at all (the tokenizer sees to that). Unnumbered headings, and
  those of markdown documents written in fences, are read by :mod:`.spec_outline`.
* **List items.** The items of a top-level ordered list in the body of an
  in-order numbered heading are addressable as ``<heading>.<marker>``
  (``§7.6.3.14`` is item 14 under heading 7.6.3). Blocks indented under an
  item that markdown nevertheless puts beside the list (``13. **X**`` followed
  by ``   - detail`` with three spaces) belong to that item. An unnumbered
  heading ends list addressing: a ``#### Steps`` list is not numbered spec
  text.
* **Odd numbering.** A heading is ``out_of_order`` when its number neither
  descends from the enclosing in-order numbered heading nor is a plausible
  later sibling of it (unless the spec writes that number again at a
  shallower level: then this one breaks the sequence) or of the previous
  numbered heading; ``duplicate`` when an earlier in-step heading had it. Both are kept and reported as
  PARSE-003, once per heading (one issue naming both when a heading is
  both). A stray heading usually opens a pasted document with its own
  numbering (a research note numbered 1., 1.1, 2. inside §9); the headings
  that continue that numbering are *embedded*: the stray is reported, and
  their numbers repeating real sections is the same problem, not one more
  issue per heading. A number belongs to the spec's own heading: an
  embedded heading is ``duplicate`` whenever a heading of the spec's own
  numbering has its number (earlier or later), and a heading of the spec's
  own is ``duplicate`` only when an earlier one of its own has it, so an
  anchor such as §10.5 resolves to the spec's §10.5, not to item 10.5 of a
  pasted calendar note that happens to come first.
  A heading that declares its content a copy of another document
  ("(verbatim import)", "(Embedded Snapshot)", "(Archived Copy)") says so
  outright: every numbered heading under it is embedded, and none of them
  is reported, since renumbering a copy would falsify it. When the heading
  right after it is of a higher level ("## Appendix: X (Archived Copy)" then "# X")
  or unnumbered at its level, that is the copy's own title, and the copy runs on under it.
  An out-of-order heading owns its own body text but never the
  ordered-list items after it: those stay with the last in-order heading,
  which also takes the body back once its list resumes. A list item is
  ``duplicate`` when a heading or an earlier item has its number (headings
  are the explicit address); list items never produce PARSE-003.
* **Roadmap.** A heading whose title says Roadmap, Future Work or Phase N
  (N >= 2), and everything physically under it (until a heading of the same or
  higher level), is not main body. Unnumbered headings count too.
* **Body and requirements.** A section's own body is everything after its
  heading up to the next numbered heading, including unnumbered sub-headings;
  requirements come from paragraphs, list items and table cells (never code).
  A heading's requirements include those of its list items. ``ids`` are all
  requirement ids in the body, headings included.
* **Changelog.** Versions that head entries under a heading titled
  CHANGELOG / Change Log: the first cell of a table row (``| v02.93 | ...``)
  or a sub-heading (``#### v02.47 (2025-12-17)``), stored without the ``v``.

The walk over the token stream is a single linear pass: the real spec is
1.5 MB / 33k lines and parsing must cost little more than tokenizing.

This module is the walk. What one heading's text says (its number, whether
it fits, roadmap and copy titles, the section anchor) is in
:mod:`.spec_headings`; fenced blocks that do not end where meant (PARSE-006)
are watched by :mod:`.spec_fences`; which code block illustrates which
requirement is decided in :mod:`.spec_evidence`.
"""

from __future__ import annotations

import re
from heapq import merge
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Sequence

from markdown_it.token import Token

from ..model.basics import Loc, ParseIssue
from ..model.spec import Requirement, Section, Spec
from ..repository.source import SourceText
from .markdown import block_end_line, block_line, cell_column, inline_plain, tokenize
from .requirements import (
    code_names,
    code_spans,
    extract_requirements,
    find_keywords,
    find_requirement_ids,
    is_lead_in,
    plain_sentence,
    strength_of,
)
from .spec_evidence import with_code_evidence
from .spec_fences import FenceWatch
from .spec_outline import Outline
from .spec_headings import (
    continues_block,
    is_local_list_number,
    shallowest_levels,
    is_consistent,
    is_copy_title,
    is_copys_own_title,
    is_roadmap_title,
    item_title,
    section_anchor,
    split_heading_number,
)

_CHANGELOG_TITLE = re.compile(r"\bchange\s*-?\s*log\b", re.IGNORECASE)
_VERSION_HEAD = re.compile(r"^[*_\s]*v(\d+(?:\.\d+)+)\b", re.IGNORECASE)
_TITLE_VERSION = re.compile(r"\bv(\d+(?:\.\d+)+)\b", re.IGNORECASE)
_FILE_VERSION = re.compile(r"v(\d+(?:\.\d+)+)\.md$", re.IGNORECASE)


@dataclass
class _Builder:
    """A section while its body is being read."""

    number: str
    title: str
    level: int
    loc: Loc
    kind: str
    main_body: bool
    parent: str | None
    out_of_order: bool = False
    duplicate: bool = False
    embedded: bool = False  # continues a stray heading's own numbering
    continues_stray: bool = False  # in a stray heading's block (see continues_block)
    end_line: int = 0
    requirements: list[Requirement] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    code: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # (line, names) per code block

    @property
    def parts(self) -> list[str]:
        return self.number.split(".")


@dataclass
class _Open:
    """An open heading on the physical structure stack."""

    level: int
    builder: _Builder | None  # None for an unnumbered heading
    roadmap: bool
    changelog: bool
    copy: bool = False  # this heading or one it stands under declares a copied document


class _SpecReader:
    """One linear pass over the tokens, attributing every block to sections."""

    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.lines = src.lines
        self.sections: list[_Builder] = []
        self.issues: list[ParseIssue] = []
        self.stack: list[_Open] = []
        self.heading_numbers: set[str] = set()
        self.own_numbers: dict[str, bool] = {}  # number of a heading not embedded -> one in step has it
        self.shallowest: dict[str, int] = {}  # number -> shallowest level written
        self.embedding_level: int | None = None  # host level of an open pasted document
        #: Level of the heading that just declared a copy: a heading right
        #: after it at a higher level is the copied document's own title.
        self.copy_title_level: int | None = None
        #: PARSE-006: fenced blocks that do not end where meant (shares ``issues``).
        self.fences = FenceWatch(src, self.issues)
        self.outline = Outline(src.path, src.lines)  # unnumbered headings
        self.text_owner: _Builder | None = None
        self.list_owner: _Builder | None = None
        self.last_in_order: _Builder | None = None
        self.last_numbered: _Builder | None = None
        self.item: _Builder | None = None
        self.item_number_seen: set[str] = set()
        self.title = ""
        self.title_loc: Loc | None = None
        self.changelog: list[tuple[str, Loc]] = []
        self.roadmap_headings: list[tuple[str, Loc]] = []

    # -- helpers -----------------------------------------------------------

    def _column(self, line: int, needle: str) -> int:
        if 0 < line <= len(self.lines) and needle:
            found = self.lines[line - 1].find(needle)
            if found >= 0:
                return found + 1
        return 1

    def _last_text_line(self, start: int, end: int) -> int:
        """``end`` moved back over blank lines, not before ``start``."""
        while end > start and not self.lines[end - 1].strip():
            end -= 1
        return end

    def _in_roadmap(self) -> bool:
        return any(entry.roadmap for entry in self.stack)

    def _in_copy(self) -> bool:
        return any(entry.copy for entry in self.stack)

    def _in_changelog(self) -> bool:
        return any(entry.changelog for entry in self.stack)

    # -- headings ------------------------------------------------------------

    def heading(self, tokens: Sequence[Token], index: int) -> None:
        token = tokens[index]
        level = int(token.tag[1:])
        if self.embedding_level is not None and level <= self.embedding_level:
            self.embedding_level = None  # back in the spec's own structure
        inline = tokens[index + 1]
        text = inline_plain(inline)
        line = block_line(token)
        copy_title = is_copys_own_title(text, level, self.copy_title_level)
        self.copy_title_level = None
        self.fences.heading()
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        self.item = None
        if level == 1 and not self.title:
            self.title = text
            self.title_loc = Loc(self.src.path, line, self._column(line, text[:20]))
        if self._in_changelog():
            version = _VERSION_HEAD.match(text)
            if version:
                self.changelog.append((version.group(1), Loc(self.src.path, line, self._column(line, "v" + version.group(1)))))
        split = split_heading_number(text)
        title = split[1] if split else text
        inherited = self._in_roadmap()
        opens_roadmap = is_roadmap_title(title)
        if opens_roadmap and not inherited:
            self.roadmap_headings.append((text, Loc(self.src.path, line, self._column(line, text[:20]))))
        in_copy = self._in_copy() or copy_title
        entry = _Open(level, None, inherited or opens_roadmap, bool(_CHANGELOG_TITLE.search(title)), in_copy or is_copy_title(title))
        if entry.copy and not in_copy:
            self.copy_title_level = level
        if split is None:
            self.stack.append(entry)
            self.list_owner = None
            self.text_owner = self._enclosing_numbered(in_order_only=False)
            self.outline.heading(text, level, line, not entry.roadmap, self.text_owner.number if self.text_owner else None)
            if self.text_owner is not None:
                self.text_owner.ids.extend(find_requirement_ids(inline.content))
                self.text_owner.end_line = max(self.text_owner.end_line, line)
            return
        number = split[0]
        enclosing = self._enclosing_numbered(in_order_only=True)
        physical_parent = self._enclosing_numbered(in_order_only=False)
        parts = number.split(".")
        in_step, last = (self.last_in_order.parts if self.last_in_order else None), self.last_numbered
        # Too deep for its number: another heading has it higher up, or it goes on a stray sibling's block (shallowest_levels).
        nested = level > self.shallowest.get(number, level) or (last is not None and last.level == level and (last.out_of_order or last.continues_stray) and continues_block(parts, last.parts))
        out_of_order = not is_consistent(parts, enclosing.parts if enclosing else None, in_step, nested=nested)
        embedded = in_copy or self._embedded(parts, level, out_of_order, physical_parent)
        continues_stray = False
        if out_of_order and last is not None and (last.out_of_order or last.continues_stray or (embedded and last.embedded)):
            # A stray's (or pasted document's) block is reported once.
            continues_stray = continues_block(parts, last.parts, level - last.level)
            out_of_order = not continues_stray
        builder = _Builder(
            number=number,
            title=title,
            level=level,
            loc=Loc(self.src.path, line, self._column(line, number)),
            kind="heading",
            main_body=not entry.roadmap,
            parent=physical_parent.number if physical_parent else None,
            out_of_order=out_of_order,
            # In step, a duplicate only of one in step: a stray that used its number first is the one out of sequence.
            duplicate=number in self.heading_numbers if embedded else (number in self.own_numbers if out_of_order or continues_stray else self.own_numbers.get(number, False)),
            embedded=embedded,
            continues_stray=continues_stray,
            end_line=line,
        )
        builder.ids.extend(find_requirement_ids(inline.content))
        self.heading_numbers.add(number)
        if not embedded:
            self.own_numbers[number] = self.own_numbers.get(number, False) or not (out_of_order or continues_stray)
        self.last_numbered = builder
        self.sections.append(builder)
        entry.builder = builder
        self.stack.append(entry)
        self.text_owner = builder
        if not out_of_order:
            self.list_owner = builder
            if not in_copy and not continues_stray:
                self.last_in_order = builder
        # A heading whose parent section a code block swallowed (PARSE-006)
        # is out of order only because of it: that finding names the cause.
        continues_swallowed = builder.out_of_order and not builder.duplicate and any(
            number == ".".join(parts[:-1]) for number, _ in self.fences.swallowed)
        local = builder.out_of_order and is_local_list_number(parts, level, last.parts if last else None, last.level if last else 0)
        if not in_copy and not continues_swallowed and not local:
            self._report(builder, inline.content.strip() or text, enclosing)

    def _embedded(self, parts: Sequence[str], level: int, out_of_order: bool, host: _Builder | None) -> bool:
        """Whether a numbered heading belongs to a pasted document: one
        opens with a stray chapter-style number ("1.", "0.") under a numbered
        section of the spec (its host) and runs until a heading at the host's
        level or above. A multi-part stray ("4.2.2.3") is the spec's own."""
        if self.embedding_level is not None:
            return True
        if out_of_order and len(parts) == 1 and host is not None:
            self.embedding_level = host.level
            return True
        return False

    def _enclosing_numbered(self, in_order_only: bool) -> _Builder | None:
        for entry in reversed(self.stack):
            if entry.builder is not None and not (in_order_only and (entry.builder.out_of_order or entry.builder.continues_stray)):
                return entry.builder
        return None

    def _report(self, builder: _Builder, text: str, enclosing: _Builder | None) -> None:
        """One PARSE-003 issue per odd heading (see module docstring);
        ``text`` is the heading as written, markup kept, for the excerpt."""
        problems: list[str] = []
        if builder.out_of_order:
            where = f"inside {enclosing.number}" if enclosing else "at this point"
            problems.append(f"section {builder.number} is out of order {where}")
        if builder.duplicate and (builder.out_of_order or not builder.embedded):
            problems.append("its number is used by an earlier heading too" if problems else f"section number {builder.number} is used by an earlier heading too")
        if problems:
            # ``label``: the heading it stands inside (a heading displaced by
            # a misnumbered one is no problem of its own).
            inside = enclosing.number if builder.out_of_order and enclosing else ""
            self.issues.append(ParseIssue("PARSE-003", builder.loc, "; ".join(problems), excerpt=text, subject=builder.number, label=inside))

    # -- list items ------------------------------------------------------------

    def list_item(self, token: Token, first_inline: Token | None) -> None:
        """Open an addressable list item under the current list owner."""
        owner = self.list_owner
        assert owner is not None
        marker = (token.info or "").strip()
        line = block_line(token)
        number = f"{owner.number}.{marker}" if marker else owner.number
        duplicate = number in self.heading_numbers or number in self.item_number_seen
        self.item_number_seen.add(number)
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(source) - len(source.lstrip()) + 1
        self.item = _Builder(
            number=number,
            title=item_title(first_inline.content if first_inline is not None else ""),
            level=owner.level + 1,
            loc=Loc(self.src.path, line, column),
            kind="list-item",
            main_body=not self._in_roadmap(),
            parent=owner.number,
            duplicate=duplicate,
            end_line=self._last_text_line(line, block_end_line(token)),
        )
        self.sections.append(self.item)

    # -- body blocks -------------------------------------------------------------

    def targets(self) -> list[_Builder]:
        if self.item is not None:
            return [self.item, self.list_owner] if self.list_owner is not None else [self.item]
        return [self.text_owner] if self.text_owner is not None else []

    def block_starts(self, token: Token) -> None:
        """A top-level block begins: decide who owns it, extend their bodies."""
        line = block_line(token)
        if self.item is not None:
            source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            if not (source[:1].isspace() and token.type != "ordered_list_open"):
                self.item = None
        end = self._last_text_line(line, block_end_line(token)) if token.map else line
        for target in self.targets():
            target.end_line = max(target.end_line, end)

    def claim_list(self, token: Token) -> None:
        """A top-level ordered list under an in-order numbered heading."""
        owner = self.list_owner
        assert owner is not None
        if self.text_owner is not owner and self.text_owner is not None and self.text_owner.out_of_order:
            self.text_owner = owner
        end = self._last_text_line(block_line(token), block_end_line(token))
        owner.end_line = max(owner.end_line, end)

    def inline(self, token: Token, min_column: int = 0, inherited: tuple[tuple[str, ...], str] | None = None) -> list[Requirement]:
        """Requirements of one paragraph or list-item paragraph, given to the
        owning sections; returned so a lead-in can be recognised."""
        targets = self.targets()
        if not targets:
            return []
        keywords, lead = inherited or ((), "")
        found = extract_requirements(
            token.content, self.src.path, block_line(token), self.lines, min_column=min_column, inherited=keywords, lead=lead
        )
        ids = find_requirement_ids(token.content)
        for target in targets:
            target.requirements.extend(found)
            target.ids.extend(ids)
        return found

    def table_row(self, cells: Sequence[tuple[Token, int]], inherited: tuple[tuple[str, ...], str] | None = None) -> None:
        """A table row is one requirement when a cell carries a keyword or a
        requirement id: "| MT-VAL-002 | `mt_id` MUST match ... | ERROR |" is
        one obligation, and its id sits in another cell than its MUST. Under
        a normative lead-in ("The following events MUST be emitted:") every
        row is one, written lead + row."""
        targets = self.targets()
        if not targets or not cells:
            return
        raw = " | ".join(token.content.strip() for token, _ in cells if token.content.strip())
        ids = tuple(find_requirement_ids(raw))
        readable = plain_sentence(raw)
        keywords = find_keywords(readable)
        for target in targets:
            target.ids.extend(ids)
        if inherited and not keywords and readable:
            keywords, readable = inherited[0], f"{inherited[1]} {readable}"
        if not keywords and not ids:
            return
        first, column = next(((token, column) for token, column in cells if token.content.strip()), cells[0])
        requirement = Requirement(
            text=readable,
            loc=Loc(self.src.path, block_line(first), column + 1),
            keywords=keywords,
            strength=strength_of(keywords),
            ids=ids,
            evidence=code_spans(raw),
        )
        for target in targets:
            target.requirements.append(requirement)

    def code_block(self, token: Token) -> None:
        """Names in a code block: evidence for the requirement it illustrates."""
        if token.type == "fence":
            enclosing = self._enclosing_numbered(in_order_only=True)
            previous = self.last_in_order
            self.fences.fence(
                token,
                enclosing.parts if enclosing else None,
                previous.parts if previous else None,
                self.text_owner.number if self.text_owner is not None else "",
            )
            self.outline.fence(token, not self._in_roadmap(), self.text_owner.number if self.text_owner is not None else None)
        names = code_names(token.content)
        if not names:
            return
        for target in self.targets():
            target.code.append((block_line(token), names))

    def changelog_row(self, token: Token) -> None:
        """First cell of a table row under a CHANGELOG heading."""
        version = _VERSION_HEAD.match(token.content)
        if version:
            line = block_line(token)
            self.changelog.append((version.group(1), Loc(self.src.path, line, self._column(line, "v" + version.group(1)))))

    # -- the walk ----------------------------------------------------------------

    def run(self, tokens: Sequence[Token]) -> None:
        claimed_list = False
        in_table_row = False
        in_head = False
        first_cell = False
        row_cursor = 0
        row: list[tuple[Token, int]] = []
        # Lists governed by a lead-in ("Problems MUST:"): (list level, keywords, lead).
        governed: list[tuple[int, tuple[str, ...], str]] = []
        pending: tuple[int, tuple[tuple[str, ...], str]] | None = None  # (inline level, inheritance)
        index = 0
        count = len(tokens)
        while index < count:
            token = tokens[index]
            kind = token.type
            if kind in ("bullet_list_close", "ordered_list_close", "table_close") and governed and governed[-1][0] == token.level:
                governed.pop()
            elif kind == "list_item_open" and governed and governed[-1][0] == token.level - 1:
                pending = (token.level + 2, governed[-1][1:])
            if kind in ("fence", "code_block"):
                self.code_block(token)
            if token.level == 0 and token.nesting >= 0:
                if kind == "heading_open":
                    self.heading(tokens, index)
                    index += 3
                    continue
                claimed_list = kind == "ordered_list_open" and self.list_owner is not None
                if claimed_list:
                    self.item = None
                    self.claim_list(token)
                else:
                    self.block_starts(token)
            elif kind == "ordered_list_close" and token.level == 0:
                claimed_list = False
            elif kind == "list_item_open" and token.level == 1 and claimed_list:
                first = tokens[index + 2] if index + 2 < count and tokens[index + 2].type == "inline" else None
                self.list_item(token, first)
            elif kind == "heading_open":
                # A heading nested in a container (blockquote, list): its ids
                # belong to the body, it does not open a section.
                for target in self.targets():
                    target.ids.extend(find_requirement_ids(tokens[index + 1].content))
                index += 3
                continue
            elif kind == "thead_open":
                in_head = True
            elif kind == "thead_close":
                in_head = False
            elif kind == "tr_open":
                in_table_row = True
                first_cell = True
                row_cursor = 0
                row = []
            elif kind == "tr_close":
                in_table_row = False
                if not in_head and not self._in_changelog():
                    lead = governed[-1] if governed and governed[-1][0] == token.level - 2 else None
                    self.table_row(row, lead[1:] if lead else None)
            elif kind == "inline":
                if in_table_row:
                    if first_cell and self._in_changelog():
                        self.changelog_row(token)
                    first_cell = False
                    row_cursor = cell_column(self.lines, token, row_cursor)
                    row.append((token, row_cursor))
                    row_cursor += len(token.content)
                else:
                    inheritance = pending[1] if pending and pending[0] == token.level else None
                    pending = None
                    found = self.inline(token, inherited=inheritance)
                    lead_in = self._lead_in(tokens, index, found)
                    if lead_in is not None:
                        governed.append(lead_in)
            index += 1

    def _lead_in(
        self, tokens: Sequence[Token], index: int, found: list[Requirement]
    ) -> tuple[int, tuple[str, ...], str] | None:
        """When the paragraph at ``index`` ends in a normative lead-in and a
        list follows it, the lead-in stops being a requirement of its own
        and its keywords pass to each item of the list."""
        if not found or not is_lead_in(found[-1]) or not found[-1].keywords:
            return None
        after = index + 2  # inline, paragraph_close, then the list or table
        if after >= len(tokens) or tokens[after].type not in ("bullet_list_open", "ordered_list_open", "table_open"):
            return None
        lead = found[-1]
        for target in self.targets():
            if target.requirements and target.requirements[-1] is lead:
                target.requirements.pop()
        return tokens[after].level, lead.keywords, lead.text

    # -- result --------------------------------------------------------------------

    def build(self) -> tuple[Section, ...]:
        """Numbered sections and unnumbered headings, in document order."""
        parents = {builder.parent for builder in self.sections if builder.parent is not None}
        numbered = (
            Section(
                number=builder.number,
                title=builder.title,
                level=builder.level,
                loc=builder.loc,
                kind=builder.kind,
                main_body=builder.main_body,
                parent=builder.parent,
                requirements=with_code_evidence(builder.requirements, builder.code),
                ids=tuple(builder.ids),
                has_subsections=builder.number in parents,
                out_of_order=builder.out_of_order,
                duplicate=builder.duplicate
                or (builder.kind == "list-item" and builder.number in self.heading_numbers)
                or (builder.embedded and builder.number in self.own_numbers),
                end_line=builder.end_line,
                anchor=section_anchor(builder.number),
            )
            for builder in self.sections
        )
        return tuple(merge(numbered, self.outline.sections(self.fences.swallowed), key=lambda section: section.loc.line))


def spec_version_from_name(path: str) -> str:
    """``Handshake_Master_Spec_v02.93.md`` -> ``"02.93"``; "" without one."""
    match = _FILE_VERSION.search(PurePosixPath(path).name)
    return match.group(1) if match else ""


def parse_spec(src: SourceText) -> tuple[Spec, list[ParseIssue]]:
    """Parse a Master Spec into a :class:`Spec` and the PARSE-003 issues of
    duplicate and out-of-order headings."""
    reader, tokens = _SpecReader(src), tokenize(src.text)
    reader.shallowest = shallowest_levels(tokens)
    reader.run(tokens)
    title_version = _TITLE_VERSION.search(reader.title)
    spec = Spec(
        file=src.path,
        version=spec_version_from_name(src.path),
        title=reader.title,
        title_version=title_version.group(1) if title_version else "",
        title_loc=reader.title_loc,
        sections=reader.build(),
        changelog_versions=tuple(reader.changelog),
        roadmap_headings=tuple(reader.roadmap_headings),
        swallowed_headings=tuple(reader.fences.swallowed),
    )
    return spec, reader.issues
