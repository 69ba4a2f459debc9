"""Reading governance files the way people actually save them.

Real governance repos mix encodings: the reference corpus has packets that are
UTF-8 apart from a stray Windows-1252 byte (0x96, an en dash), packets whose
``§`` went through a Windows-1252 round trip and came back as ``Â§``, and
packets where a console replaced it with ``??``. A plain ``mkdocs build`` dies
on the first of these with a UnicodeDecodeError. Here every file is decoded
tolerantly, repaired, and every repair is recorded with its line so that rule
PARSE-002 can report it and the rest of the pipeline can match on what the
author meant.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..model.basics import EncodingIssue, Loc

BOM = "\ufeff"

# A run of characters that looks like UTF-8 bytes decoded as Windows-1252: a
# lead byte (Â..ô) followed by one to three continuation bytes, which in
# Windows-1252 are either C1-range punctuation (‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ) or
# U+00A0..U+00BF. Only runs that decode cleanly back to UTF-8 are repaired.
_CP1252_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE_RUN = re.compile(f"[\u00c2-\u00f4][{_CP1252_CONTINUATION}]{{1,3}}")
# "??" (or the replacement character) standing where "§" was, directly before a
# section number such as 2.6.6.2.8. Requiring a dotted number keeps ordinary
# questions ("why??") out.
_QUESTION_SECTION = re.compile(r"(?:\?\?|\ufffd)(?=\d+(?:\.\d+)+)")


@dataclass(frozen=True)
class SourceText:
    """A decoded, repaired, NFC-normalised file.

    ``text`` is what parsers read and what MkDocs is handed for pages;
    ``lines`` is ``text`` split on newlines for quick excerpting.
    """

    path: str
    text: str
    issues: tuple[EncodingIssue, ...]
    had_bom: bool = False
    had_crlf: bool = False

    @cached_property
    def lines(self) -> tuple[str, ...]:
        """Computed once: parsers index lines thousands of times per file."""
        return tuple(self.text.split("\n"))

    @cached_property
    def line_starts(self) -> tuple[int, ...]:
        """Offset of each line's first character in ``text``."""
        starts = [0]
        starts.extend(match.end() for match in re.finditer("\n", self.text))
        return tuple(starts)

    def loc_of(self, offset: int) -> Loc:
        """The Loc of a character offset in ``text``: a bisect over line
        starts, so locating many offsets in a large file stays linear."""
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset)
        return Loc(self.path, line, offset - starts[line - 1] + 1)

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _decode_bytes(data: bytes, path: str) -> tuple[str, list[EncodingIssue]]:
    """Decode UTF-8, falling back to Windows-1252 for each invalid sequence."""
    issues: list[EncodingIssue] = []
    parts: list[str] = []
    position = 0
    while True:
        try:
            parts.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            start = position + error.start
            end = position + error.end
            parts.append(data[position:start].decode("utf-8"))
            bad = data[start:end]
            repaired = bad.decode("cp1252", errors="replace")
            parts.append(repaired)
            line = data.count(b"\n", 0, start) + 1
            line_start = data.rfind(b"\n", 0, start) + 1
            column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
            issues.append(
                EncodingIssue(
                    loc=Loc(path, line, column),
                    kind="invalid-utf8",
                    original=" ".join(f"0x{byte:02X}" for byte in bad),
                    repaired=repaired,
                )
            )
            position = end
    return "".join(parts), issues


def _try_unmojibake(run: str) -> str | None:
    try:
        fixed = run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if fixed != run else None


def repair_line(line: str) -> tuple[str, list[tuple[str, str, str, int]]]:
    """Repair mojibake and ``??`` markers in one line.

    Returns the repaired line and a list of ``(kind, original, repaired,
    column)`` with 1-based columns in the *original* line.
    """
    repairs: list[tuple[str, str, str, int]] = []
    if not line.isascii():

        def fix(match: re.Match[str]) -> str:
            fixed = _try_unmojibake(match.group(0))
            if fixed is None:
                return match.group(0)
            repairs.append(("mojibake", match.group(0), fixed, match.start() + 1))
            return fixed

        line = _MOJIBAKE_RUN.sub(fix, line)
    if "??" in line or "\ufffd" in line:

        def fix_question(match: re.Match[str]) -> str:
            repairs.append(("question-marks", match.group(0), "§", match.start() + 1))
            return "§"

        line = _QUESTION_SECTION.sub(fix_question, line)
    return line, repairs


#: Byte order marks of UTF-16 files, which editors on Windows still write.
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le", "UTF-16 LE"), (b"\xfe\xff", "utf-16-be", "UTF-16 BE"))


def _utf16(data: bytes, path: str) -> tuple[bytes, list[EncodingIssue]]:
    """A UTF-16 file (byte order mark first) as UTF-8 bytes, and one issue
    saying so: read as UTF-8 it would be a NUL between every character."""
    for bom, codec, label in _UTF16_BOMS:
        if data.startswith(bom) and len(data) % 2 == 0:
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return data, []
            return text.encode("utf-8", errors="surrogatepass"), [EncodingIssue(Loc(path, 1, 1), "utf-16", label, "UTF-8")]
    return data, []


def decode(data: bytes, path: str) -> SourceText:
    """Turn raw bytes into a :class:`SourceText`, recording every repair."""
    data, converted = _utf16(data, path)
    text, issues = _decode_bytes(data, path)
    issues = converted + issues
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    had_crlf = "\r" in text
    if had_crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    out_lines: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        fixed, repairs = repair_line(line)
        for kind, original, repaired, column in repairs:
            issues.append(EncodingIssue(Loc(path, number, column), kind, original, repaired))
        out_lines.append(fixed)
    issues.sort(key=lambda issue: (issue.loc.line, issue.loc.column))
    return SourceText(path, "\n".join(out_lines), tuple(issues), had_bom, had_crlf)


class SourceError(Exception):
    """A file that cannot be read at all (missing, a folder, no permission)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_source(root: Path, relative: str) -> SourceText:
    """Read ``root/relative``; raise :class:`SourceError` when it cannot be read."""
    full = root / relative
    try:
        data = full.read_bytes()
    except FileNotFoundError:
        raise SourceError(relative, "file not found") from None
    except IsADirectoryError:
        raise SourceError(relative, "is a folder, expected a file") from None
    except OSError as error:
        raise SourceError(relative, error.strerror or str(error)) from None
    return decode(data, relative)


def relpath(path: Path, root: Path) -> str:
    """POSIX path of ``path`` relative to ``root`` (or absolute when outside it)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()
