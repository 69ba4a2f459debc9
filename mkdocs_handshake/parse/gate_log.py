"""The orchestrator gate log (protocol Part 2.5.7): refinement and signature
events with their turn tokens, which SIG-007 orders.

The file is JSON, ``{"gate_logs": [ {...}, ... ]}`` (a bare list of events is
accepted too). Every event needs the line it starts on so a finding can point
at it, and ``json.loads`` forgets positions. So the document is validated with
``json.loads`` (which gives line and column for a syntax error) and then walked
with ``JSONDecoder.raw_decode``, which decodes one value at a given offset and
says where it ended: the offset of each array element is the event's place.

Keys the protocol does not name are kept in ``GateEvent.extra`` as JSON text,
never dropped. Missing keys and non-object elements are reported as
PARSE-004; an event missing keys is still kept with empty values.
"""

from __future__ import annotations


import json
from typing import Any

from ..model.records import GateEvent
from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText

_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()

# Field -> accepted spellings (the corpus writes camelCase wpId next to
# snake_case turn_token, so both styles are accepted for every field).
_KEYS: dict[str, tuple[str, ...]] = {
    "wp": ("wpId", "wp_id", "wp", "WP_ID", "wpID"),
    "type": ("type", "event", "gate"),
    "data": ("data",),
    "timestamp": ("timestamp", "time", "ts"),
    "turn_token": ("turn_token", "turnToken", "turn"),
    "signature": ("signature", "sig", "user_signature"),
}
# What places an event at all. Keys that only some event types carry (the
# turn token of a REFINEMENT) belong to the protocol profile and are checked
# by rule PARSE-004, not here.
_REQUIRED = ("wp", "type", "timestamp")


def _loc(src: SourceText, offset: int) -> Loc:
    """1-based line and column of a character offset in the file."""
    return src.loc_of(offset)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _array_elements(text: str, start: int) -> list[tuple[int, Any]]:
    """``(offset, value)`` of each element of the array opening at ``start``.

    Only called on text ``json.loads`` accepted, so the structure is sound."""
    elements: list[tuple[int, Any]] = []
    index = _skip(text, start + 1)
    while index < len(text) and text[index] != "]":
        value, end = _DECODER.raw_decode(text, index)
        elements.append((index, value))
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
    return elements


def _gate_logs_offset(text: str, start: int) -> int | None:
    """Offset of the ``gate_logs`` value in the object opening at ``start``
    (the last one if the key repeats, as ``json.loads`` keeps the last)."""
    found: int | None = None
    index = _skip(text, start + 1)
    while index < len(text) and text[index] != "}":
        key, end = _DECODER.raw_decode(text, index)
        index = _skip(text, end) + 1  # past the colon
        index = _skip(text, index)
        if key == "gate_logs":
            found = index
        _, end = _DECODER.raw_decode(text, index)
        index = _skip(text, end)
        if index < len(text) and text[index] == ",":
            index = _skip(text, index + 1)
    return found


def _as_text(value: Any) -> str:
    """A scalar as written; objects and arrays as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _event(src: SourceText, offset: int, obj: dict[str, Any], issues: list[ParseIssue]) -> GateEvent:
    loc = _loc(src, offset)
    values: dict[str, str] = {}
    used: set[str] = set()
    for field, spellings in _KEYS.items():
        for key in spellings:
            if key in obj:
                values[field] = _as_text(obj[key])
                used.add(key)
                break
    missing = [field for field in _REQUIRED if not values.get(field)]
    if missing:
        names = ", ".join(_KEYS[field][0] for field in missing)
        issues.append(ParseIssue("PARSE-004", loc, f"gate event is missing {names}", src.line(loc.line).strip(), values.get("wp", "") or src.path))
    extra = tuple((key, json.dumps(value, ensure_ascii=False, sort_keys=True)) for key, value in obj.items() if key not in used)
    return GateEvent(
        wp=values.get("wp", ""),
        type=values.get("type", ""),
        data=values.get("data", ""),
        timestamp=values.get("timestamp", ""),
        turn_token=values.get("turn_token", ""),
        loc=loc,
        signature=values.get("signature", ""),
        extra=extra,
        signature_loc=_value_loc(src, offset, values.get("signature", "")),
        turn_token_loc=_value_loc(src, offset, values.get("turn_token", "")),
        head=src.line(loc.line).strip(),
    )


def _value_loc(src: SourceText, offset: int, value: str) -> Loc | None:
    """Loc of a string value written inside the event object at ``offset``."""
    if not value:
        return None
    position = src.text.find(json.dumps(value, ensure_ascii=False), offset)
    return _loc(src, position + 1) if position >= 0 else None


def parse_gate_log(src: SourceText) -> tuple[tuple[GateEvent, ...], list[ParseIssue]]:
    """Read the gate log's events with the line each starts on."""
    text = src.text
    issues: list[ParseIssue] = []
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        loc = Loc(src.path, error.lineno, error.colno)
        issues.append(ParseIssue("PARSE-004", loc, f"gate log is not valid JSON: {error.msg}", src.line(error.lineno).strip(), src.path))
        return (), issues
    except RecursionError:
        # Thousands of nested brackets: no gate log looks like that, and
        # Python's JSON reader gives up before it could say where.
        issues.append(ParseIssue("PARSE-004", Loc(src.path, 1), "gate log nests arrays or objects too deeply to be read; its events are left out", src.line(1).strip()[:80], src.path))
        return (), issues
    start = _skip(text, 0)
    if isinstance(document, list):
        array_offset: int | None = start
    elif isinstance(document, dict):
        array_offset = _gate_logs_offset(text, start)
        if array_offset is None:
            issues.append(ParseIssue("PARSE-004", _loc(src, start), "gate log has no \"gate_logs\" list", src.line(1).strip(), src.path))
            return (), issues
        if not isinstance(document["gate_logs"], list):
            issues.append(ParseIssue("PARSE-004", _loc(src, array_offset), "\"gate_logs\" is not a list", src.line(_loc(src, array_offset).line).strip(), src.path))
            return (), issues
    else:
        issues.append(ParseIssue("PARSE-004", _loc(src, start), "gate log is neither a list nor an object with \"gate_logs\"", src.line(1).strip(), src.path))
        return (), issues
    events: list[GateEvent] = []
    for offset, value in _array_elements(text, array_offset):
        if isinstance(value, dict):
            events.append(_event(src, offset, value, issues))
        else:
            loc = _loc(src, offset)
            issues.append(ParseIssue("PARSE-004", loc, f"gate log entry is a {type(value).__name__}, not an object; skipped", src.line(loc.line).strip(), src.path))
    return tuple(events), issues
