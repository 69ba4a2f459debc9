"""User signatures: finding them, telling a real use from a mention, reading their time.

A signature is a lower-case username followed by at least twelve digits
(``ilja261220252337``). The protocol (Part 2.5.3) says the digits are
``DDMMYYYYHHMM``; its own example ``ilja251225032800`` is really
``DDMMYYHHMMSS``, so :func:`explain_signature` reads both shapes and says
which one fits. That is what SIG-001 and SIG-006 report.

One-time use (SIG-002) is only checkable if a *use* (a packet locked or a spec
enrichment approved with the signature) can be told from a *mention* (the
protocol quoting an example, a ``grep`` command in a code block). Roles:

* ``"lock"``: the token sits on a ``User Signature Locked:`` line, or on a
  line that *starts* with the ``USER_SIGNATURE:`` label (the 2026-02
  packet template's lock field, bold or not, as a list item or not).
* ``"approval"``: the line speaks of approval/authority (``USER_SIGNATURE:``
  further along a line, ``Strategic Pause approval [..]``, ``Authorizes``,
  ``Signature:``), the token
  is in a table column headed like that (the spec CHANGELOG's ``Approval``
  column), or it is on SPEC_CURRENT's ``(Updated: ...)`` line.
* ``"mention"``: everything else, and always inside fenced/indented code.

Inline code: a code span that holds more than the bare token
(`` `[Approved: ilja...]` ``, `` `grep -r "ilja..."` ``) is an example and
therefore a mention; a span holding nothing but the token (``USER_SIGNATURE:
`ilja...` ``) is only formatting, so the line's context decides.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Sequence

from markdown_it.token import Token

from ..model.basics import Loc
from ..model.records import SignatureUse
from ..repository.source import SourceText
from .markdown import block_line, inline_plain, tokenize

SIGNATURE_TOKEN = re.compile(r"(?<![A-Za-z0-9_])(?P<user>[a-z][a-z_]*)(?P<digits>\d{12,})(?![A-Za-z0-9_])")
"""A signature token: lower-case username + 12 or more digits, not glued to
other word characters (so hashes and longer identifiers do not match)."""
_TWELVE_DIGITS = re.compile(r"\d{12}")

_APPROVAL_WORDS: tuple[str, ...] = (
    "approval",
    "approved",
    "approves",
    "authority",
    "authorized",
    "authorised",
    "authorizes",
    "authorises",
    "strategic pause",
    "user_signature",
    "signature:",
)
_LOCK_WORDS = "user signature locked"
# "- USER_SIGNATURE: x", "**USER_SIGNATURE:** x", "USER_SIGNATURE: `x`" on a
# folded line (stars and backticks removed).
_LOCK_LABEL = re.compile(r"^\s*(?:[-+>]\s+)?user_signature\s*:")


# --------------------------------------------------------------------------
# Shape and time
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureShape:
    """How a signature's digits read.

    ``shape`` is ``"DDMMYYYYHHMM"`` when the digits are exactly that with a
    real calendar date and time, ``"DDMMYYHHMMSS"`` when they fail that but
    read as the protocol example's day-month-2digit-year-hour-minute-second,
    else ``"invalid"``. ``when`` is the time of the matching reading.
    """

    signature: str
    username: str
    digits: str
    shape: str
    when: datetime | None
    message: str

    @property
    def valid(self) -> bool:
        """True only for the protocol's format, DDMMYYYYHHMM."""
        return self.shape == "DDMMYYYYHHMM"


def split_signature(sig: str) -> tuple[str, str] | None:
    """``(username, digits)`` of a whole signature token, or None."""
    match = SIGNATURE_TOKEN.fullmatch(sig.strip())
    if not match:
        return None
    return match.group("user"), match.group("digits")


def read_time(digits: str, layout: str) -> datetime | None:
    """Read 12 digits in ``layout``; None when not a real date/time."""
    try:
        if layout == "DDMMYYYYHHMM":
            return datetime(int(digits[4:8]), int(digits[2:4]), int(digits[0:2]), int(digits[8:10]), int(digits[10:12]))
        return datetime(2000 + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]), int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return None


def parse_signature_time(sig: str) -> datetime | None:
    """The time a signature encodes in the protocol's DDMMYYYYHHMM format.

    None when the token is not a signature, has other than 12 digits, or the
    digits are not a real calendar date and time in that format (use
    :func:`explain_signature` to learn whether another shape fits)."""
    parts = split_signature(sig)
    if parts is None or len(parts[1]) != 12:
        return None
    return read_time(parts[1], "DDMMYYYYHHMM")


_SHORT_SIGNATURE = re.compile(r"(?P<user>[a-z][a-z_]*)(?P<digits>\d{4,11})")


def explain_signature(sig: str) -> SignatureShape:
    """Say how ``sig`` reads, for SIG-001's message and SIG-006's comparison.
    A lock written with too few digits (``ilja2912202519``, a 2026-02
    USER_SIGNATURE) is named by its digit count, not as "not a signature"."""
    parts = split_signature(sig)
    short = _SHORT_SIGNATURE.fullmatch(sig.strip()) if parts is None else None
    if short is not None:
        user, digits = short.group("user"), short.group("digits")
        return SignatureShape(sig, user, digits, "invalid", None, f"{len(digits)} digits after the username; DDMMYYYYHHMM has 12")
    if parts is None:
        return SignatureShape(sig, "", "", "invalid", None, "not a signature: expected a lower-case username followed by DDMMYYYYHHMM digits")
    user, digits = parts
    if len(digits) != 12:
        return SignatureShape(sig, user, digits, "invalid", None, f"{len(digits)} digits after the username; DDMMYYYYHHMM has 12")
    when = read_time(digits, "DDMMYYYYHHMM")
    if when is not None:
        return SignatureShape(sig, user, digits, "DDMMYYYYHHMM", when, f"{user} at {when:%Y-%m-%d %H:%M}")
    alt = read_time(digits, "DDMMYYHHMMSS")
    if alt is not None:
        return SignatureShape(
            sig,
            user,
            digits,
            "DDMMYYHHMMSS",
            alt,
            f"not a real DDMMYYYYHHMM time; the digits read as DDMMYYHHMMSS ({alt:%Y-%m-%d %H:%M:%S}), "
            "the shape of the protocol's own example",
        )
    return SignatureShape(sig, user, digits, "invalid", None, "digits are not a real date and time as DDMMYYYYHHMM (nor DDMMYYHHMMSS)")


# --------------------------------------------------------------------------
# Finding uses
# --------------------------------------------------------------------------


def code_spans(text: str) -> list[tuple[int, int, str]]:
    """Inline code spans in inline ``text`` as ``(start, end, content)``.

    CommonMark: a run of N backticks opens a span closed by the next run of
    exactly N backticks; an unmatched run is literal; a backslash escapes one
    backtick outside a span."""
    spans: list[tuple[int, int, str]] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char != "`":
            index += 1
            continue
        run_end = index
        while run_end < length and text[run_end] == "`":
            run_end += 1
        width = run_end - index
        probe = run_end
        close = -1
        while probe < length:
            if text[probe] == "`":
                other = probe
                while other < length and text[other] == "`":
                    other += 1
                if other - probe == width:
                    close = probe
                    break
                probe = other
            else:
                probe += 1
        if close < 0:
            index = run_end
            continue
        spans.append((index, close + width, text[run_end:close]))
        index = close + width
    return spans


def _context(line: str) -> str:
    """A line folded for context matching: case-folded, bold/italic stars and
    backticks removed so ``**Signature**:`` reads as ``signature:``."""
    return line.replace("*", "").replace("`", "").casefold()


def classify_role(line: str, header: str = "", path: str = "") -> str:
    """Role of a signature written on ``line`` (outside code)."""
    folded = _context(line)
    if _LOCK_WORDS in folded or _LOCK_LABEL.match(folded):
        return "lock"
    if any(word in folded for word in _APPROVAL_WORDS):
        return "approval"
    header_folded = _context(header)
    if header_folded and ("signature" in header_folded or any(word in header_folded for word in _APPROVAL_WORDS)):
        return "approval"
    if path.rsplit("/", 1)[-1].casefold() == "spec_current.md" and "updated" in folded:
        return "approval"
    return "mention"


def _table_headers(tokens: Sequence[Token], signed: Sequence[int]) -> dict[int, str]:
    """Map ``id(inline token)`` of every body cell to its column's header,
    in the tables that have a line in ``signed`` (the others hold no
    signature whose role a header could tell)."""
    headers: dict[int, str] = {}
    index, count = 0, len(tokens)
    while index < count:
        table = tokens[index]
        index += 1
        if table.type != "table_open" or (table.map and not _holds_any(signed, table.map[0] + 1, table.map[1])):
            continue  # a table without a signature line: its cells are passed over like any token
        names: list[str] = []
        in_head = False
        column = 0
        while index < count and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                column = 0
            elif token.type in ("th_open", "td_open"):
                inline = tokens[index + 1] if index + 1 < count else None
                if inline is not None and inline.type == "inline":
                    if in_head:
                        names.append(inline_plain(inline))
                    else:
                        headers[id(inline)] = names[column] if column < len(names) else ""
                column += 1
            index += 1
    return headers


def _holds_any(lines: Sequence[int], first: int, last: int) -> bool:
    """Whether the sorted line numbers ``lines`` have one in ``first..last``."""
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def _iter_tokens(lines: Iterable[tuple[int, str]]) -> Iterable[tuple[int, int, str]]:
    """``(line, column, token)`` for every signature on the given lines."""
    for number, text in lines:
        for match in SIGNATURE_TOKEN.finditer(text):
            yield number, match.start() + 1, match.group(0)


def find_signature_uses(src: SourceText, subject: str) -> list[SignatureUse]:
    """Every signature token in ``src`` with its role and exact column.

    ``subject`` is what a lock or approval here applies to: the packet's WP
    id, or the file path for the spec, SPEC_CURRENT and protocol files.
    Not meant for SIGNATURE_AUDIT.md itself (use ``parse_audit``)."""
    signed = _signature_lines(src)
    if not signed:
        return []
    tokens = tokenize(src.text)
    lines = src.lines
    uses: list[SignatureUse] = []
    covered: set[int] = set()
    cursors: dict[int, int] = {}
    headers: dict[int, str] | None = None  # made on first need: most files have no signature in a table

    def add(signature: str, line: int, column: int, role: str) -> None:
        uses.append(SignatureUse(signature, Loc(src.path, line, column), role, subject))

    # Only lines that hold a signature can yield a use, or be a leftover:
    # a token whose lines hold none is passed over (a 1.5 MB spec is some
    # 86,000 tokens, a few dozen of them on a signature's line).
    for token in tokens:
        if not token.map:
            continue
        first, last = token.map[0] + 1, token.map[1]
        if not _holds_any(signed, first, max(first, last)):
            continue
        if token.type in ("fence", "code_block"):
            block = [(n, lines[n - 1]) for n in range(first, last + 1) if 0 < n <= len(lines)]
            covered.update(n for n, _ in block)
            for line, column, sig in _iter_tokens(block):
                add(sig, line, column, "mention")
        elif token.type == "html_block":
            block = [(n, lines[n - 1]) for n in range(first, last + 1) if 0 < n <= len(lines)]
            covered.update(n for n, _ in block)
            for line, column, sig in _iter_tokens(block):
                add(sig, line, column, classify_role(lines[line - 1], path=src.path))
        elif token.type == "inline":
            if headers is None:
                headers = _table_headers(tokens, signed)
            _inline_uses(src, token, headers.get(id(token), ""), cursors, covered, add)

    leftovers = [(n, lines[n - 1]) for n in signed if n not in covered]
    for line, column, sig in _iter_tokens(leftovers):
        add(sig, line, column, "mention")
    uses.sort(key=lambda use: (use.loc.line, use.loc.column))
    return uses


def _signature_lines(src: SourceText) -> list[int]:
    """The numbers of the lines that hold a signature token, in order. A
    token cannot span a line break; its twelve digits are looked for first
    (a scan of a 1.5 MB spec for them takes a third of one for the token),
    and only their lines are matched against the token itself."""
    text = src.text
    found: list[int] = []
    line, position = 1, 0
    for match in _TWELVE_DIGITS.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if (not found or found[-1] != line) and SIGNATURE_TOKEN.search(src.lines[line - 1]):
            found.append(line)
    return found


def _inline_uses(
    src: SourceText,
    token: Token,
    header: str,
    cursors: dict[int, int],
    covered: set[int],
    add: Callable[[str, int, int, str], None],
) -> None:
    """Signatures inside one inline token (paragraph, heading, list item text,
    table cell), located on their source line."""
    lines = src.lines
    content = token.content
    first = block_line(token)
    if not SIGNATURE_TOKEN.search(content):
        # Most inline text has no signature: its lines are only marked as
        # read (a 1.5 MB spec has some 20,000 such blocks).
        covered.update(range(first, first + content.count("\n") + 1))
        return
    spans = code_spans(content)
    offset = 0
    for index, piece in enumerate(content.split("\n")):
        number = first + index
        covered.add(number)
        source = lines[number - 1] if 0 < number <= len(lines) else ""
        start = cursors.get(number, 0)
        base = source.find(piece, start) if piece else -1
        if base >= 0:
            cursors[number] = base + len(piece)
        for match in SIGNATURE_TOKEN.finditer(piece):
            position = offset + match.start()
            span = next((s for s in spans if s[0] <= position < s[1]), None)
            if span is not None and span[2].strip() != match.group(0):
                role = "mention"
            else:
                role = classify_role(source, header, src.path)
            if base >= 0:
                column = base + match.start() + 1
            else:
                found = source.find(match.group(0), start)
                column = (found if found >= 0 else source.find(match.group(0))) + 1
                column = max(column, 1)
            add(match.group(0), number, column, role)
        offset += len(piece) + 1
