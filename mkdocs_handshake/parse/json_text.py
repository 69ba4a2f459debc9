"""Reading governance JSON with the line each value was written on.

The repository's machine-readable files (SPEC_CURRENT as JSON, the spec
bundle's manifest and resolver index, its JSONL changelog) are read with the
standard :mod:`json` module; a finding must still point at a line, so the
line of a key is found in the text: the first ``"key":`` at or after the
line of the object that holds it. A UTF-8 byte-order mark is already gone
(:func:`mkdocs_handshake.repository.source.decode` drops it).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText


class JsonProblem(ValueError):
    """The text is not the JSON expected; ``line`` is where it went wrong."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def load_json(src: SourceText) -> Any:
    """The parsed value, or :class:`JsonProblem` naming the line of the error."""
    try:
        return json.loads(src.text)
    except json.JSONDecodeError as error:
        raise JsonProblem(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})", error.lineno) from None
    except RecursionError:
        raise JsonProblem("not valid JSON: nested too deeply") from None


def looks_like_json(src: SourceText) -> bool:
    """True when the text opens an object or array (after blank space)."""
    return src.text.lstrip()[:1] in ("{", "[")


@lru_cache(maxsize=4096)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r'"' + re.escape(key) + r'"\s*:')


def key_line(src: SourceText, key: str, after: int = 1) -> int:
    """Line of the first ``"key":`` at or after line ``after`` (``after``
    itself when the key is not written there)."""
    pattern = _key_pattern(key)
    lines = src.lines
    for number in range(max(after, 1), len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
    return after


def key_loc(src: SourceText, *path: str) -> Loc:
    """Where the value at ``path`` (keys from the top) is written: each key
    is looked up after the line of the one before it."""
    line = 1
    for key in path:
        line = key_line(src, key, line)
    return Loc(src.path, line)


def problem_issue(src: SourceText, what: str, problem: JsonProblem) -> ParseIssue:
    """One PARSE-001 issue for a JSON file that cannot be read as ``what``."""
    return ParseIssue("PARSE-001", Loc(src.path, problem.line), f"the {what} {src.path} is {problem}; its content is left out", src.path, src.path)


def value_loc(src: SourceText, line: int, value: str) -> Loc:
    """``line`` with the column where ``value`` is written on it (1 when it
    is not there verbatim, e.g. written with escapes): a finding's excerpt
    starts where it points."""
    text = src.lines[line - 1] if 0 < line <= len(src.lines) else ""
    colon = text.find(":")
    column = text.find(value, colon + 1 if colon >= 0 else 0)
    return Loc(src.path, line, column + 1 if column >= 0 else 1)
