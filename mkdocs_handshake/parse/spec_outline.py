"""The spec's unnumbered headings: sections that are addressed by title.

A numbered heading is a section the protocol cites by number (``§2.3.13``);
the spec reader (:mod:`.spec`) builds those. But the spec has as many
headings again that carry no number, and a reader of the spec meets them as
sections all the same: "### KernelActionCatalogV1", "#### Steps", and the
headings of the documents the spec defines by writing them out in a
markdown code block (a template's "## SYSTEM RULES"). A bundle's manifest
counts them all in a module's ``heading_count``, and a contract anchors one
by name (``02-system-architecture.md#KernelActionCatalogV1``).

They are kept apart from the numbered sections in every way that matters
to rules: they hold no requirements (a sentence under "#### Steps" is
still a requirement of the numbered section around it, which is what an
anchor by number means), they never collide by number, and PARSE-003 never
sees them. Each names that numbered section as its ``parent`` and gets an
id of its own, unique in its file, as the ``toc`` extension would make it.

``kind`` says which of the two it is: ``"unnumbered"`` for a heading of the
spec's own text, ``"embedded"`` for a heading inside a fenced block whose
language is markdown. A fence that swallows spec text (PARSE-006) holds
the spec's own headings, not a document's; those stay what that finding
says they are, and are not read here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from markdown_it.token import Token

from ..model.basics import Loc
from ..model.spec import Section
from .markdown import block_line, inline_plain, slugify, tokenize

#: Info strings that say a fenced block is a markdown document.
MARKDOWN_LANGUAGES = frozenset({"md", "markdown"})


class Outline:
    """Collects one spec file's unnumbered headings during the reader's walk."""

    def __init__(self, path: str, lines: Sequence[str]) -> None:
        self.path = path
        self.lines = lines
        #: Sections without their ``anchor``, which needs them all (see :meth:`sections`).
        self.headings: list[Section] = []

    def _column(self, line: int) -> int:
        if 0 < line <= len(self.lines):
            source = self.lines[line - 1]
            found = source.find("#")
            return found + 1 if found >= 0 else len(source) - len(source.lstrip()) + 1
        return 1

    def heading(self, title: str, level: int, line: int, main_body: bool, parent: str | None) -> None:
        """An unnumbered heading of the spec's own text."""
        self.headings.append(self._section(title, level, line, "unnumbered", main_body, parent))

    def fence(self, token: Token, main_body: bool, parent: str | None) -> None:
        """The headings of a markdown document written out in a fence. Its
        content starts on the line after the opening fence."""
        language = (token.info or "").strip().split(maxsplit=1)
        if not language or language[0].lower() not in MARKDOWN_LANGUAGES or not token.map:
            return
        first = block_line(token) + 1
        tokens = tokenize(token.content)
        for index, inner in enumerate(tokens):
            if inner.type != "heading_open" or not inner.map:
                continue
            line = first + inner.map[0]
            title = inline_plain(tokens[index + 1]) if index + 1 < len(tokens) else ""
            self.headings.append(self._section(title, int(inner.tag[1:]), line, "embedded", main_body, parent))

    def _section(self, title: str, level: int, line: int, kind: str, main_body: bool, parent: str | None) -> Section:
        loc = Loc(self.path, line, self._column(line))
        return Section(number="", title=title, level=level, loc=loc, kind=kind, main_body=main_body, parent=parent, end_line=line)

    def sections(self, swallowed: Iterable[tuple[str, Loc]]) -> list[Section]:
        """One :class:`Section` per heading with an id unique in the file,
        leaving out the lines a PARSE-006 fence swallowed."""
        lost = {loc.line for _, loc in swallowed if loc.file == self.path}
        used: set[str] = set()
        out: list[Section] = []
        for heading in self.headings:
            if heading.loc.line not in lost:
                out.append(replace(heading, anchor=_unique("hd-" + (slugify(heading.title) or "heading"), used)))
        return out


def _unique(candidate: str, used: set[str]) -> str:
    result, counter = candidate, 1
    while result in used:
        counter += 1
        result = f"{candidate}-{counter}"
    used.add(result)
    return result
