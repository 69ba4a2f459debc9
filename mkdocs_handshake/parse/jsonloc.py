"""JSON with the line of every key: the reader for the contract era.

From May 2026 the governed repository keeps its packets, micro-tasks,
refinements and registry as JSON. A finding must still point a person at
``file:line``, and the standard library's decoder forgets where a value
was written. This small recursive-descent reader returns the decoded value
and, for every path into it (a tuple of keys and list indices), the line
where that member's key (or, for a list item, the item) starts.

It accepts exactly the JSON grammar (RFC 8259) plus one leading UTF-8
byte-order mark, which the repository's files sometimes carry. Anything
else raises :class:`JsonError` with the line of the fault, so the loader
can report one finding at the file and go on with the rest.
"""

from __future__ import annotations

import json
import re
from typing import Any

Path = tuple[str | int, ...]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_LITERALS = (("true", True), ("false", False), ("null", None))
#: Nesting deeper than this is refused (a hostile file must not exhaust the stack).
MAX_DEPTH = 200


class JsonError(ValueError):
    """Text that is not JSON; ``line`` is where the reader stopped (1-based)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{message} (line {line})")
        self.reason = message
        self.line = line


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}
        # Offsets of the line starts, so a position's line is a bisection.
        self.starts = [0] + [match.end() for match in re.finditer(r"\n", text)]

    def line_of(self, pos: int) -> int:
        low, high = 0, len(self.starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if self.starts[middle] <= pos:
                low = middle
            else:
                high = middle
        return low + 1

    def fail(self, message: str) -> JsonError:
        return JsonError(message, self.line_of(self.pos))

    def skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail("nested too deeply")
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("the text ends where a value is expected")
        char = self.text[self.pos]
        if char == "{":
            return self.object(path, depth)
        if char == "[":
            return self.array(path, depth)
        if char == '"':
            return self.string()
        for word, result in _LITERALS:
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if match and match.end() > self.pos:
            self.pos = match.end()
            return json.loads(match.group(0))
        raise self.fail(f"unexpected {char!r}")

    def string(self) -> str:
        match = _STRING.match(self.text, self.pos)
        if not match:
            raise self.fail("a string is not closed or holds a bad escape")
        self.pos = match.end()
        return json.loads(match.group(0))

    def object(self, path: Path, depth: int) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                raise self.fail("a key is expected")
            key_line = self.line_of(self.pos)
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("':' is expected after a key")
            self.pos += 1
            # A repeated key: the last one wins, as in every JSON decoder
            # the repository's tools use; its line is the one kept.
            self.lines[(*path, key)] = key_line
            result[key] = self.value((*path, key), depth + 1)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            raise self.fail("',' or '}' is expected")

    def array(self, path: Path, depth: int) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            self.skip()
            self.lines[(*path, len(result))] = self.line_of(self.pos)
            result.append(self.value((*path, len(result)), depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            raise self.fail("',' or ']' is expected")


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """``(value, lines)``: the decoded JSON and the line of each path's key
    (of each list item's start); the root's path ``()`` is line 1 or the
    line the value starts on. A leading byte-order mark is skipped."""
    reader = _Reader(text[1:] if text.startswith("\ufeff") else text)
    reader.skip()
    reader.lines[()] = reader.line_of(reader.pos)
    value = reader.value((), 0)
    reader.skip()
    if reader.pos != len(reader.text):
        raise reader.fail("text follows the JSON value")
    return value, reader.lines


def get_path(data: Any, dotted: str) -> tuple[Any, Path] | None:
    """The value at a dotted path (``lifecycle.status``) of objects, and its
    path tuple; None when a step is missing or not an object."""
    value: Any = data
    path: list[str] = []
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
        path.append(key)
    return value, tuple(path)
