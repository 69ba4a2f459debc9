"""How the PKT rules read a task packet's fields.

The PKT rules (every task packet is complete, protocol Part 3.5, 5.1, 8)
are split by the clause they enforce over the ``pkt_*`` modules; all of
them judge packets on the fields the parser read (canonical names, every
occurrence with its Loc), read the same way. Reading decisions shared by
these rules:

* **Current value.** A field's current value is its last occurrence that
  has content (value, list items or code); an empty re-mention later in the
  file does not erase it.
* **Entries of a list field.** Top-level list items; else the non-empty,
  non-comment lines of its code block (``RUN_COMMANDS`` / ``TEST_PLAN``
  written as a fence); else its inline value split on ``;`` (and on ``,``
  for paths and search terms: ``"AppState", "SqlitePool"``), quotes
  respected. An item holding several quoted search terms
  (``"?1", "?2"``) counts each term.
* **Validation reports** appended to a packet are the validator's record,
  not the packet's contract: fields inside a section whose heading says
  "validation" are not judged for placeholders.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..model.packet import FieldOccurrence, ListItem, Packet
from ..model.basics import Loc

SIGNATURE_FIELD = "User Signature Locked"
COMMAND_FIELDS = frozenset({"RUN_COMMANDS", "TEST_PLAN", "ROLLBACK_HINT"})
COMMA_LISTS = frozenset({"FILES_TO_OPEN", "SEARCH_TERMS", "IN_SCOPE_PATHS"})

_QUOTED = re.compile(r'"([^"]*)"')


def fold(text: str) -> str:
    """NFC + casefold + collapsed spaces: the comparable form of any text."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def has_content(occurrence: FieldOccurrence) -> bool:
    return bool(occurrence.value.strip() or occurrence.items or occurrence.code.strip())


def current(packet: Packet, name: str) -> FieldOccurrence | None:
    """Last occurrence of a field that has content, else the last one."""
    occurrences = packet.fields.get(name, ())
    for occurrence in reversed(occurrences):
        if has_content(occurrence):
            return occurrence
    return occurrences[-1] if occurrences else None


def field_excerpt(occurrence: FieldOccurrence) -> str:
    """What stands at ``occurrence.loc``: the value, or the label when the
    value is empty (the parser then points at the label)."""
    return occurrence.value if occurrence.value else occurrence.raw_name


@dataclass(frozen=True)
class Unit:
    """One readable piece of a field (its value, an item, a code line) with
    the Loc of its first character."""

    text: str
    loc: Loc
    kind: str  # "value" | "item" | "code"
    exact: bool = True  # False: ``loc`` is the field's, not this text's
    #: The line as written when ``text`` dropped markup (a list item's
    #: backticks): findings quote it and take columns from it.
    source: str = ""

    @property
    def excerpt(self) -> str:
        return self.source or self.text

    def at(self, offset: int, needle: str = "") -> Loc:
        """Loc of ``text[offset]`` (the unit's own Loc when not exact). With
        markup dropped from ``text``, ``needle`` (the text found at
        ``offset``) is looked up in ``source`` for the true column."""
        if not self.exact:
            return self.loc
        if self.source and needle:
            nth = self.text[:offset].count(needle)
            position = -1
            for _ in range(nth + 1):
                position = self.source.find(needle, position + 1)
                if position < 0:
                    break
            if position >= 0:
                offset = position
        return Loc(self.loc.file, self.loc.line, self.loc.column + offset)


def _flatten(items: Iterable[ListItem]) -> Iterator[ListItem]:
    for item in items:
        yield item
        yield from _flatten(item.children)


def code_units(occurrence: FieldOccurrence) -> list[Unit]:
    """Lines of a field's code block, located when the parser recorded where
    the code starts (else all at the field's Loc)."""
    units: list[Unit] = []
    for index, line in enumerate(occurrence.code.split("\n")):
        if not line.strip():
            continue
        if occurrence.code_loc is not None:
            loc = Loc(occurrence.code_loc.file, occurrence.code_loc.line + index, occurrence.code_loc.column)
            units.append(Unit(line, loc, "code"))
        else:
            units.append(Unit(line, occurrence.loc, "code", exact=False))
    return units


def units(occurrence: FieldOccurrence) -> list[Unit]:
    """Value, every list item (nested too) and every code line of a field."""
    found = [Unit(occurrence.value, occurrence.loc, "value")] if occurrence.value.strip() else []
    found += [Unit(item.text, item.loc, "item", source=item.source) for item in _flatten(occurrence.items)]
    return found + code_units(occurrence)


def split_value(text: str, separators: str) -> list[tuple[str, int]]:
    """Split an inline list on separators outside quotes and backticks;
    pieces are stripped and returned with their offset in ``text``."""
    pieces: list[tuple[str, int]] = []
    start = 0
    quote = ""
    for index, char in enumerate(text + separators[0]):
        if index < len(text) and char in "\"`":
            quote = "" if quote == char else (quote or char)
        elif (index == len(text) or char in separators) and not quote:
            piece = text[start:index]
            stripped = piece.strip()
            if stripped:
                pieces.append((stripped.rstrip("."), start + len(piece) - len(piece.lstrip())))
            start = index + 1
    return pieces


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("#") or stripped.startswith("//") or stripped.startswith("REM ")


def entries(name: str, occurrence: FieldOccurrence) -> list[Unit]:
    """The entries a list field holds (see module docstring)."""
    if occurrence.items:
        return [Unit(item.text, item.loc, "item", source=item.source) for item in occurrence.items]
    if occurrence.code.strip():
        return [unit for unit in code_units(occurrence) if not _is_comment(unit.text)]
    separators = ";," if name in COMMA_LISTS else ";"
    return [Unit(text, Loc(occurrence.loc.file, occurrence.loc.line, occurrence.loc.column + offset), "value")
            for text, offset in split_value(occurrence.value, separators)]


def entry_count(name: str, occurrence: FieldOccurrence) -> int:
    found = entries(name, occurrence)
    if name != "SEARCH_TERMS":
        return len(found)
    total = 0
    for unit in found:
        quoted = _QUOTED.findall(unit.text)
        several = len(quoted) > 1 and not _QUOTED.sub("", unit.text).strip(" ,;")
        total += len(quoted) if several else 1
    return total


def judged_fields(packet: Packet) -> Iterator[FieldOccurrence]:
    """Field occurrences that belong to the packet's contract (not to an
    appended validation report)."""
    for occurrences in packet.fields.values():
        for occurrence in occurrences:
            if "validation" not in fold(occurrence.section):
                yield occurrence


def packet_loc(packet: Packet) -> tuple[Loc, str]:
    """Where a finding about the packet as a whole points: its head, quoting its title."""
    return packet.head_loc, packet.title
