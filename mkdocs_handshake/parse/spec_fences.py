"""PARSE-006: fenced blocks in the Master Spec that do not end where meant.

A misplaced or missing fence silently changes what the spec says: the
prose after it turns into code, and the sections and requirements in that
prose are not read. Finding that is a job of its own beside attributing
blocks to sections, so the spec reader (:mod:`.spec`) hands every fenced
block to a :class:`FenceWatch` together with the numbering at that point,
and reads back the headings a block swallowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from markdown_it.token import Token

from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText
from .markdown import block_line, locate
from .spec_headings import is_consistent, split_heading_number

#: An opening fence line inside a fenced block's content (its fence, its info).
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^`]*)$")
#: A heading line inside a fenced block's content (its text).
_HEADING_LINE = re.compile(r"^ {0,3}#{1,6}\s+(\S.*)$")
_CONTAINER_PREFIX = re.compile(r"^[ \t>]*")
#: Whether a block's content has a line that could be a numbered heading.
_HEADING_ANYWHERE = re.compile(r"^ {0,3}#{1,6}[ \t]+[A-Z]?\d", re.MULTILINE)


def _of_chapter(numbered: Sequence[tuple[str, Loc]], context: Sequence[str] | None) -> bool:
    """Whether a block holds a numbered heading below the chapter of the
    heading it stands under (``4.3.5.2`` under ``4.3.4``): a section of the
    spec's own, not the ``# 1. step`` of a pasted example."""
    if not context:
        return False
    return any(len(number.split(".")) > 1 and number.split(".")[0] == context[0] for number, _ in numbered)


def _blank_around(lines: Sequence[str], index: int) -> bool:
    """Whether ``lines[index]`` has a blank line (or the edge of the block)
    before it and a blank line after it."""
    before = index == 0 or not lines[index - 1].strip()
    after = index + 1 < len(lines) and not lines[index + 1].strip()
    return before and after


@dataclass
class FenceProblem:
    """A reported PARSE-006 while the fences after it stay out of step.

    After a misplaced bare fence, every bare fence closes what was meant to
    be opened, so a block that swallows text before the next heading is
    this problem too. After a fenced example ended early (``example``), the
    example's own closing fence, the next bare one, past any headings the
    rest of the example holds, opens a block that is this problem too."""

    index: int  # of the issue in the reader's ``issues``
    found: list[str]
    fix: str
    example: bool

    def message(self) -> str:
        return "; ".join(self.found) + f" ({self.fix})"


@dataclass(frozen=True)
class _Unpaired:
    """A bare, closed block since the last real heading that swallowed
    numbered headings of the chapter it stands in, though none fitting the
    numbering there (their own parent may be missing too): not evidence on
    its own, but if a bare fence after it, with no heading between, is
    found to be meant as a closing one, the pairing went wrong here first."""

    line: int
    fence: str
    owner: str
    numbered: tuple[tuple[str, Loc], ...]
    first: tuple[int, str]


@dataclass(frozen=True)
class _Repair:
    """How the fences pair once a reported example is fenced as its
    finding says (a longer outer fence, so the fences inside it pair among
    themselves): where the example then ends, and which fence lines after
    it open and close blocks. Until the tokenizer opens a block where the
    repaired pairing does too, every block it opens inside the example or
    at a repaired closing fence is that finding's knock-on, not a finding
    of its own (one cause, one finding)."""

    problem: FenceProblem
    end: int
    openings: frozenset[int]
    closings: frozenset[int]


def _closes(mark: str, info: str, opener: str) -> bool:
    """Whether a fence line (``mark``, ``info``) closes a block ``opener`` opened."""
    return mark[0] == opener[0] and len(mark) >= len(opener) and not info


def repaired_pairing(lines: Sequence[str], start: int, fence: str) -> tuple[int, frozenset[int], frozenset[int]]:
    """The example opened by ``fence`` at line ``start`` ends at the first
    bare fence of its kind that closes no fence opened inside it; after it
    fences pair as CommonMark pairs them. Returns (end, openings,
    closings), lines 1-based."""
    inner: list[str] = []
    end = 0
    open_: str | None = None
    openings: set[int] = set()
    closings: set[int] = set()
    for number in range(start + 1, len(lines) + 1):
        found = _FENCE_LINE.match(lines[number - 1])
        if found is None:
            continue
        mark, info = found.group(1), found.group(2).strip()
        if not end:
            if inner and _closes(mark, info, inner[-1]):
                inner.pop()
            elif info:
                inner.append(mark)
            elif _closes(mark, info, fence):
                end = number
        elif open_ is not None:
            if _closes(mark, info, open_):
                closings.add(number)
                open_ = None
        else:
            openings.add(number)
            open_ = mark
    return end or len(lines), frozenset(openings), frozenset(closings)


class FenceWatch:
    """The fenced blocks of one spec, in reading order; PARSE-006 issues go
    to the reader's ``issues`` so they keep their place among the others."""

    def __init__(self, src: SourceText, issues: list[ParseIssue]) -> None:
        self.src = src
        self.lines = src.lines
        self.issues = issues
        #: The last PARSE-006 problem while the fences after it are out of step.
        self.problem: FenceProblem | None = None
        #: Numbered headings written in a code block that swallows spec text.
        self.swallowed: list[tuple[str, Loc]] = []
        #: The earliest bare block since the last real heading that may be
        #: where the pairing of fences went wrong (see :class:`_Unpaired`).
        self.unpaired: _Unpaired | None = None
        #: The pairing a reported example's fix gives (see :class:`_Repair`).
        self.repair: _Repair | None = None

    def heading(self) -> None:
        """A real heading ends a misplaced bare fence's run of blocks out of
        step; a fenced example's run goes on past headings."""
        self.unpaired = None
        if self.problem is not None and not self.problem.example:
            self.problem = None

    def fence(
        self, token: Token, enclosing: Sequence[str] | None, previous: Sequence[str] | None, owner: str,
    ) -> None:
        """A PARSE-006 issue when a fenced block does not end where its author
        meant, which changes what the spec says. ``enclosing`` and
        ``previous`` are the numbers of the in-order heading around the
        block and of the last in-order heading, ``owner`` the number of the
        section whose text holds it ("" for none). Evidence, either of:

        * the block holds an opening fence of its own kind (its fence
          character, at least as long, with a language): fences cannot nest;
        * the block swallows a numbered heading that fits the spec's
          numbering at that point, set off by blank lines as headings are
          (the next section, not a ``# 2. step`` comment in a shell
          example), and either has no language of its own or is never
          closed.

        Then either an opening fence is missing above (this fence was meant
        to close an earlier block, and it swallows the prose after it) or a
        pasted example's inner closing fence ends the block early. The
        swallowed heading is named: its section and requirements are not
        read. Blocks left out of step by a reported one are folded into it
        (see :class:`FenceProblem`)."""
        fence = token.markup
        if not fence or fence[0] not in "`~" or not token.map:
            return
        info = token.info.strip()
        if self._knock_on(token, enclosing, previous):
            return
        earlier = self.problem
        if earlier is not None and earlier.example:
            if info:
                earlier = None  # an example's own closing fence has no language
            else:
                self.problem = None
        evidence = self._evidence(token, enclosing, previous)
        if evidence is None:
            return
        inner, swallowed, numbered, closed = evidence
        start = block_line(token)
        if inner is None and swallowed is None and closed and not info and earlier is None and self.unpaired is None:
            if _of_chapter(numbered, enclosing or previous):
                first = numbered[0][1].line
                self.unpaired = _Unpaired(start, fence, owner, tuple(numbered), (first, self.lines[first - 1].strip()))
        if inner is None and (swallowed is None or (closed and info)):
            return
        if swallowed is not None:
            self.swallowed.extend(numbered)
        more = len(numbered) - 1
        if earlier is not None:
            if swallowed is not None:
                earlier.found.append(
                    f"the fence at line {start} is then out of step too and swallows the heading {swallowed[1][:80]!r} (line {swallowed[0]})"
                    + (f" and {more} more" if more > 0 else "")
                )
                self.issues[earlier.index] = replace(self.issues[earlier.index], message=earlier.message())
                if not earlier.example:
                    self.problem = earlier
            return
        found = []
        unpaired = self.unpaired if not info and inner is None else None
        if unpaired is not None:
            # The first bare block out of step is where an opening fence is
            # missing: blame it, and name this block as its knock-on.
            self.swallowed.extend(unpaired.numbered)
            more_before = len(unpaired.numbered) - 1
            found.append(
                f"this code block swallows the heading {unpaired.first[1][:80]!r} (line {unpaired.first[0]})"
                + (f" and {more_before} more numbered heading{'s' if more_before != 1 else ''}" if more_before > 0 else "")
                + f", whose section{'s' if more_before > 0 else ''} and requirements are not read"
            )
            found.append(
                f"the fence at line {start} is then out of step too and swallows the heading {swallowed[1][:80]!r} (line {swallowed[0]})"
                + (f" and {more} more" if more > 0 else "")
            )
            start, fence, owner = unpaired.line, unpaired.fence, unpaired.owner
            self.unpaired = None
        elif swallowed is not None:
            found.append(
                f"this code block swallows the heading {swallowed[1][:80]!r} (line {swallowed[0]})"
                + (f" and {more} more numbered heading{'s' if more != 1 else ''}" if more > 0 else "")
                + f", whose section{'s' if more > 0 else ''} and requirements are not read"
            )
        if inner is not None:
            found.append(f"{'it' if found else 'this code block'} holds the fence {inner[1]!r} (line {inner[0]}), and fences cannot nest, so it does not end where it was meant to")
        elif not closed:
            found.append("it is never closed and runs to the end of the file")
        if info:
            fix = f"to show a fenced example inside it, open and close it with a longer fence ({fence[0] * (len(fence) + 1)}{info})"
        else:
            fix = "this fence was probably meant to close a block: add the opening fence missing above it"
        problem = FenceProblem(len(self.issues), found, fix, example=bool(info) and inner is not None)
        self.problem = problem
        if problem.example:
            self.repair = _Repair(problem, *repaired_pairing(self.lines, start, fence))
        self.issues.append(ParseIssue(
            "PARSE-006", locate(self.src, start, fence), problem.message(),
            excerpt=(fence + token.info).strip(), subject=f"§{owner}" if owner else self.src.path,
        ))

    def _knock_on(self, token: Token, enclosing: Sequence[str] | None, previous: Sequence[str] | None) -> bool:
        """Whether a block opens out of step only because of a reported
        example (see :class:`_Repair`): then what it swallows is told on
        that finding, and it is no finding of its own."""
        repair, start = self.repair, block_line(token)
        if repair is None or start <= repair.end:
            return False  # inside the example: its own run (see FenceProblem)
        if start in repair.openings:
            self.repair = None  # the tokenizer is back in step
            return False
        evidence = self._evidence(token, enclosing, previous)
        swallowed = evidence[1] if evidence else None
        if swallowed is not None:
            more = len(evidence[2]) - 1 if evidence else 0
            repair.problem.found.append(
                f"the fence at line {start} is then out of step too and swallows the heading {swallowed[1][:80]!r} (line {swallowed[0]})"
                + (f" and {more} more" if more > 0 else "")
            )
            self.issues[repair.problem.index] = replace(self.issues[repair.problem.index], message=repair.problem.message())
            self.swallowed.extend(evidence[2] if evidence else ())
        return True

    def _evidence(
        self, token: Token, enclosing: Sequence[str] | None, previous: Sequence[str] | None,
    ) -> tuple[tuple[int, str] | None, tuple[int, str] | None, list[tuple[str, Loc]], bool] | None:
        """What a fenced block holds: its first inner opening fence of its own
        kind, its first heading that fits the numbering here, every numbered
        heading in it, and whether it is closed; None when it holds nothing
        that could be either (most blocks)."""
        fence = token.markup
        if fence[0] * 3 not in token.content and not _HEADING_ANYWHERE.search(token.content):
            return None
        start = block_line(token)
        inner: tuple[int, str] | None = None
        swallowed: tuple[int, str] | None = None
        numbered: list[tuple[str, Loc]] = []
        lines = token.content.removesuffix("\n").split("\n")
        for offset, text in enumerate(lines, start=1):
            if inner is None:
                opening = _FENCE_LINE.match(text)
                if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) and opening.group(2).strip():
                    inner = (start + offset, text.strip())
            # Set off by blank lines, as markdown headings are written and
            # comments in a code example seldom are.
            heading = _HEADING_LINE.match(text) if text.lstrip().startswith("#") and _blank_around(lines, offset - 1) else None
            split = split_heading_number(heading.group(1)) if heading else None
            if split is None:
                continue
            numbered.append((split[0], Loc(self.src.path, start + offset, 1)))
            if swallowed is None and is_consistent(split[0].split("."), enclosing, previous):
                swallowed = (start + offset, text.strip())
        last = token.map[1] if token.map else 0
        # The block's last line, without the indent or quote markers of a
        # list item or block quote the block stands in.
        closing = _FENCE_LINE.match(_CONTAINER_PREFIX.sub("", self.lines[last - 1])) if token.map and token.map[0] < last - 1 < len(self.lines) else None
        closed = closing is not None and not closing.group(2).strip() and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence)
        return inner, swallowed, numbered, closed
