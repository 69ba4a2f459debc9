"""Generated markdown projections and the JSON they are generated from.

From May 2026 a packet folder's JSON contracts (``packet.json``,
``refinement.json``, ``MT-*.json``) are the authority and the markdown
beside them a generated projection. The contract records, under
``markdown_projection``, the hash of itself and of the projection's body
as they were when the projection was written; the projection opens with a
``<!-- HANDSHAKE_GENERATED_PROJECTION ... -->`` header carrying the same
two hashes. Whether the pair is still in sync is a question of what the two
files hash to today, computed exactly as the repository's own library
(``packet-contract-lib.mjs``) computes it:

* the contract's hash is the first 16 hex digits of the SHA-256 of
  ``JSON.stringify(sorted copy, null, 2) + "\\n"`` with the projection's
  ``source_hash``, ``projection_hash`` and ``generated_at_utc`` set to
  null (:func:`contract_source_hash`);
* the projection's hash is that of its text read as UTF-8 with the header
  (and the blank space after it) removed (:func:`projection_body_hash`).

The serialisation is JavaScript's, so it is reproduced here rather than
borrowed from :mod:`json`: numbers are doubles printed the ECMAScript way,
keys sort by UTF-16 code units, keys that are array indices come first (a
JavaScript object orders them so whatever the insertion order), and a
``__proto__`` key is not an own property of the sorted copy.

The JSON traceability registry renders its markdown projection the same
way: one table row per JSON entry (:func:`render_row`), with the cells the
profile names.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: JavaScript's ``\\s``: what the library's header pattern skips.
_JS_SPACE = "[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"
HEADER = re.compile(f"^{_JS_SPACE}*<!--{_JS_SPACE}*HANDSHAKE_GENERATED_PROJECTION{_JS_SPACE}+([\\s\\S]*?)-->{_JS_SPACE}*\\r?\\n?")
_TOKEN_SPLIT = re.compile(f"{_JS_SPACE}+")
#: The fields the library nulls before hashing a contract.
_NULLED = ("source_hash", "projection_hash", "generated_at_utc")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class ProjectionMap:
    """What a profile says about generated projections (empty before the
    contract era).

    ``contracts``: file-name patterns of the contracts in a packet folder
    that may name a projection. ``in_sync``: the ``markdown_projection.status``
    values that claim the projection is generated and current (a contract
    that says its projection is pending or not generated claims nothing).
    ``command``: how the repository regenerates a packet's projections
    (``{wp}`` is filled in); ``command_rebuilds``: the contract patterns
    that command instead rebuilds from their markdown (it would carry the
    drift into the contract, so it is not named as the fix for them).
    ``registry_*``: the JSON registry's keys naming
    its projection and its policy, the policies that say it is generated,
    the command that regenerates it, and its tables (:class:`Table`)."""

    contracts: tuple[str, ...] = ()
    section: str = "markdown_projection"
    in_sync: tuple[str, ...] = ()
    command: str = ""
    command_file: str = ""
    command_rebuilds: tuple[str, ...] = ()
    registry_path_key: str = ""
    registry_policy_key: str = ""
    registry_generated: tuple[str, ...] = ()
    registry_command: str = ""
    registry_tables: tuple["Table", ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of a generated registry projection: the JSON list it
    renders, the header row it sits under, the keys of its cells and the
    text a falsy value is rendered as (``value || "TBD"``)."""

    list_key: str
    header: str
    columns: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...] = ()


def js_number(value: float) -> str:
    """``String(value)`` for a double, as ECMAScript's Number::toString
    writes it (``1``, ``1e+21``, ``1.5e-7``, ``0.000001``)."""
    if not math.isfinite(value):
        return "null"  # what JSON.stringify writes for NaN and the infinities
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    k = len(digits)
    n = digits_tuple.exponent + k  # type: ignore[operator]
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + text


def _js_string(text: str) -> str:
    """``JSON.stringify`` of a string (lone surrogates escaped, the rest of
    Unicode written as is)."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _js_key_order(keys: list[str]) -> list[str]:
    """The order JavaScript enumerates an object built by assigning
    ``keys`` in turn: array-index keys ascending, then the others in
    insertion order."""
    index = sorted((key for key in keys if _ARRAY_INDEX.fullmatch(key) and int(key) < 2**32 - 1), key=int)
    if not index:
        return keys
    taken = set(index)
    return index + [key for key in keys if key not in taken]


class _Slow(Exception):
    """A value :func:`json.dumps` would not write as JavaScript does."""


def stable_copy(value: Any, strict: bool = False) -> Any:
    """``stableCopy`` of the library: objects with their keys sorted (as
    JavaScript orders them afterwards), arrays kept in order. With
    ``strict`` a number or string :func:`json.dumps` would write
    differently from ``JSON.stringify`` raises :class:`_Slow`; integral
    numbers become ints, which both write alike."""
    if isinstance(value, list):
        return [stable_copy(item, strict) for item in value]
    if isinstance(value, dict):
        keys = [key for key in value if key != "__proto__"]
        keys = sorted(keys) if all(key.isascii() for key in keys) else sorted(keys, key=_utf16)
        if keys and any(key[:1].isdigit() for key in keys):
            keys = _js_key_order(keys)
        return {key: stable_copy(value[key], strict) for key in keys}
    if strict and not isinstance(value, bool):
        if isinstance(value, (int, float)):
            number = float(value)
            if number.is_integer() and abs(number) < 2**53:
                return int(number)  # exact: both write every digit
            if not math.isfinite(number) or repr(number) != js_number(number):
                raise _Slow
            return number
        if isinstance(value, str) and _SURROGATE.search(value):
            raise _Slow
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _js_literal(value: Any) -> str | None:
    """``null``, ``true``, ``false`` or a number as JavaScript writes them,
    the same in ``JSON.stringify`` and in ``String()``; None for the rest."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(float(value))
    return None


def js_stringify(value: Any, indent: str = "") -> str:
    """``JSON.stringify(value, null, 2)`` of a value already in
    JavaScript's key order."""
    inner = indent + "  "
    literal = _js_literal(value)
    if literal is not None:
        return literal
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + js_stringify(item, inner) for item in value) + "\n" + indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + ",\n".join(f"{inner}{_js_string(key)}: {js_stringify(item, inner)}" for key, item in value.items()) + "\n" + indent + "}"
    return "null"


def stable_stringify(value: Any) -> str:
    """``stableStringify``: the sorted copy as ``JSON.stringify(.., null, 2)``
    writes it, and a newline. :func:`json.dumps` writes the same text for
    ints, strings without lone surrogates and floats whose shortest form
    JavaScript writes alike; anything else goes the slow way."""
    try:
        return json.dumps(stable_copy(value, strict=True), ensure_ascii=False, indent=2) + "\n"
    except _Slow:
        return js_stringify(stable_copy(value)) + "\n"


def _sha_short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def load_js_json(text: str) -> Any:
    """The JSON as ``JSON.parse`` sees it (numbers are made doubles when
    written: :func:`stable_copy`, :func:`js_number`)."""
    return json.loads(text)


def contract_source_hash(data: Any, section: str = "markdown_projection") -> str:
    """``contractSourceHash``: the contract with its projection's hashes
    and generation time nulled, serialised and hashed."""
    copy = stable_copy(data if isinstance(data, dict) else {})
    if not isinstance(copy.get(section), (dict, list)):  # absent, null or a scalar: replaced by {}
        copy[section] = {}
    projection = copy[section]
    if isinstance(projection, dict):  # on an array the library sets properties JSON does not write
        for key in _NULLED:
            projection[key] = None
    # stableStringify sorts again, so the fields set here take their sorted places.
    return _sha_short(stable_stringify(copy))


def strip_header(markdown: str) -> str:
    """``stripGeneratedProjectionHeader``: the text without its header."""
    return HEADER.sub("", markdown, count=1)


def projection_body_hash(markdown: str) -> str:
    """``projectionBodyHash``: the hash of the text without its header."""
    return _sha_short(strip_header(markdown))


def parse_header(markdown: str) -> dict[str, str] | None:
    """``parseGeneratedProjectionHeader``: the header's ``key=value``
    tokens, or None when the text opens with no header."""
    found = HEADER.match(markdown)
    if found is None:
        return None
    values: dict[str, str] = {}
    for token in _TOKEN_SPLIT.split(found.group(1).strip(" \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")):
        cut = token.find("=")
        if cut > 0:
            values[token[:cut]] = token[cut + 1:]
    return values


def header_line(markdown: str) -> int:
    """The line the header's ``<!--`` is on (1 when there is none)."""
    found = HEADER.match(markdown)
    if found is None:
        return 1
    return markdown.count("\n", 0, found.start() + found.group(0).find("<!--")) + 1


def _js_text(value: Any) -> str:
    """``String(value)`` in a template literal."""
    literal = _js_literal(value)
    if literal is not None:
        return literal
    if isinstance(value, list):
        return ",".join("" if item is None else _js_text(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def render_row(entry: Any, table: Table) -> str:
    """The markdown row the registry's generator writes for one JSON entry."""
    defaults = dict(table.defaults)
    cells = []
    for key in table.columns:
        value = entry.get(key, ...) if isinstance(entry, dict) else ...
        if key in defaults and (value is ... or not value):
            cells.append(defaults[key])
        else:
            cells.append("undefined" if value is ... else _js_text(value))
    return "| " + " | ".join(cells) + " |"


#: What a contract says about its projection, as a tuple for the cache:
#: (status, path, recorded source hash, recorded projection hash, line and
#: column of the path's value, line and column of the recorded
#: source_hash, the source hash computed today).
ContractFacts = tuple[str, str, str, str, int, int, int, int, str]
#: What a projection file gives: (has a header, header line, header
#: source_hash, header projection_hash, body hash today, the text of the
#: header's line, or of the first line when there is no header).
ProjectionFacts = tuple[bool, int, str, str, str, str]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def normalise_path(value: str) -> str:
    """``normalizeContractPath``: forward slashes, no doubled ones."""
    return re.sub(r"/+", "/", value.replace("\\", "/")).strip()


def _key_line(lines: list[str], key: str, after: int = 0) -> int:
    pattern = re.compile(r'"' + re.escape(key) + r'"\s*:')
    for index in range(after, len(lines)):
        if pattern.search(lines[index]):
            return index + 1
    return after + 1 if after else 1


def contract_facts(text: str, section: str = "markdown_projection", in_sync: tuple[str, ...] | None = None) -> ContractFacts | None:
    """The projection record of a contract (its text as ``readFileSync``
    gives it), or None when the text is no JSON object. The contract is
    hashed only when its status is one of ``in_sync`` (always when None):
    hashing is the costly part, and only a claim of sync is judged."""
    try:
        data = load_js_json(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    record = data.get(section) if isinstance(data.get(section), dict) else {}
    lines = text.split("\n")
    at = _key_line(lines, section) if section in data else 1
    status = _text(record.get("status"))
    path_at = _value_at(lines, "path", record.get("path"), at)
    source_at = _value_at(lines, "source_hash", record.get("source_hash"), at)
    return (
        status,
        normalise_path(_text(record.get("path"))),
        _text(record.get("source_hash")),
        _text(record.get("projection_hash")),
        *path_at,
        *source_at,
        contract_source_hash(data, section) if in_sync is None or status in in_sync else "",
    )


def _value_at(lines: list[str], key: str, value: Any, after: int) -> tuple[int, int]:
    """Line and column of ``key``'s string value at or after line
    ``after`` (the key's column when the value is not written there)."""
    line = _key_line(lines, key, after - 1)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    column = text.find(json.dumps(value, ensure_ascii=False)[1:-1], text.find(f'"{key}"') + len(key) + 2) if isinstance(value, str) and value else -1
    if column < 0:
        column = max(text.find(f'"{key}"'), 0)
    return line, column + 1


def projection_facts(text: str) -> ProjectionFacts:
    """The header and body hash of a projection (its text as
    ``readFileSync`` gives it: byte-order mark and CRLF kept)."""
    header = parse_header(text)
    line = header_line(text)
    shown = text.split("\n", line)[line - 1].rstrip("\r").lstrip("\ufeff")
    return (
        header is not None,
        line,
        (header or {}).get("source_hash", ""),
        (header or {}).get("projection_hash", ""),
        projection_body_hash(text),
        shown,
    )


def registry_projection_rows(data: Any, markdown_lines: tuple[str, ...], tables: tuple[Table, ...]) -> list[tuple[str, str, str, int]]:
    """Rows where a registry's markdown projection differs from what its
    JSON renders to: ``(key, shown, expected, line)``, ``line`` the
    markdown row's (0 when the markdown lacks the row). A table is the run
    of ``|`` rows under its header line; a row is keyed by its first cell.
    Order alone is no difference."""
    found: list[tuple[str, str, str, int]] = []
    for table in tables:
        entries = data.get(table.list_key) if isinstance(data, dict) else None
        expected = [render_row(entry, table) for entry in (entries if isinstance(entries, list) else []) if isinstance(entry, dict)]
        shown: list[tuple[str, int]] = []
        start = next((index for index, line in enumerate(markdown_lines) if line.strip() == table.header), None)
        if start is not None:
            for index in range(start + 1, len(markdown_lines)):
                line = markdown_lines[index].strip()
                if not line:
                    continue  # the generator leaves blank lines inside a table
                if not line.startswith("|"):
                    break
                if line.startswith("|-") or line.startswith("|:"):
                    continue
                shown.append((line, index + 1))
        missing = [row for row in expected if row not in {line for line, _ in shown}]
        extra = [(line, number) for line, number in shown if line not in set(expected)]
        by_key: dict[str, list[str]] = {}
        for row in missing:
            by_key.setdefault(_first_cell(row), []).append(row)
        for line, number in extra:
            key = _first_cell(line)
            rows = by_key.get(key) or [""]
            found.append((key, line, rows.pop(0), number))
        for key, rows in by_key.items():
            found.extend((key, "", row, 0) for row in rows)
    return found


def _first_cell(row: str) -> str:
    cells = row.strip().strip("|").split("|")
    return cells[0].strip() if cells else ""
