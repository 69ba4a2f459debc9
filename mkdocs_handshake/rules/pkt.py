"""PKT rules: every task packet is complete (protocol Part 3.5, 5.1, 8).

Packets are judged on the fields the parser read (canonical names, every
occurrence with its Loc). Reading decisions shared by these rules:

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
from typing import Iterable, Iterator, Sequence

from ..findings import Finding, Severity
from ..ids import PHASE
from ..model import FieldOccurrence, ListItem, Loc, Packet, Status
from ..parse.packet_labels import label_key
from .base import Rule, packet_rule, rule
from .context import PacketScope, RuleContext

SIGNATURE_FIELD = "User Signature Locked"
COMMAND_FIELDS = frozenset({"RUN_COMMANDS", "TEST_PLAN", "ROLLBACK_HINT"})
COMMA_LISTS = frozenset({"FILES_TO_OPEN", "SEARCH_TERMS", "IN_SCOPE_PATHS"})

COUNT_NOUNS = {
    "DONE_MEANS": ("criterion", "criteria"), "FILES_TO_OPEN": ("file", "files"),
    "SEARCH_TERMS": ("search term", "search terms"), "RISK_MAP": ("failure mode", "failure modes"),
    "IN_SCOPE_PATHS": ("path", "paths"), "OUT_OF_SCOPE": ("item", "items"), "RUN_COMMANDS": ("command", "commands"),
}

ALLOWED_STATUSES = frozenset({
    Status.READY_FOR_DEV, Status.IN_PROGRESS, Status.DONE, Status.BLOCKED, Status.VALIDATED, Status.SUPERSEDED,
})

BOOTSTRAP_FILES: tuple[str, ...] = ("docs/START_HERE.md", "docs/SPEC_CURRENT.md", "docs/ARCHITECTURE.md")

# The protocol's named vague values (Part 3.5 "NOT: ..."), judged as a
# whole value or whole list item.
VAGUE_VALUES = frozenset({"some files", "feature works", "run tests"})
VAGUE_DONE = frozenset({
    "works", "it works", "works well", "works correctly", "code works", "everything works",
    "tests pass", "tests passed", "tests passing", "test pass", "tests are passing", "tests green",
})

_HTML_TAGS = frozenset({
    "br", "b", "i", "em", "strong", "code", "sub", "sup", "span", "div", "p", "details", "summary",
    "kbd", "u", "s", "a", "hr", "pre", "small", "mark", "ul", "ol", "li", "table", "tr", "td", "th",
})
_TBD = re.compile(r"(?<![\w-])TBD(?![\w-])", re.IGNORECASE)
_SLOT = re.compile(r"(?<!\$)\{(?P<body>[^{}\n]+)\}")
_SLOT_BODY = re.compile(r"^\s*(?:…|\.\.\.|[^\W\d_][\w .,|/()+→>-]*)\s*$")
_ANGLE = re.compile(r"(?<![\w<])<(?P<body>[A-Za-z][\w .-]*)>(?!>)")
# The commit a rollback would revert: the protocol's own template writes
# ``git revert <commit-sha>`` / ``git revert {commit}`` before the work exists.
_COMMIT_SLOT = re.compile(r"[<{](?:commit|sha|hash)(?:[ _-]?(?:sha|hash|id))?[>}]", re.IGNORECASE)
_WP_ID = re.compile(rf"WP-{PHASE}-[A-Za-z0-9][A-Za-z0-9.\-]*", re.IGNORECASE)
_FILE_NAME = re.compile(rf"^WP-{PHASE}-[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$")
_ARROW = re.compile(r"->|→|=>|⇒")
_QUOTED = re.compile(r'"([^"]*)"')
_HEADING_NOTE = re.compile(r"\s*(?:\([^)]*\)|\[[^\]]*\])\s*")
_RISK_TIER = re.compile(r"^[\W_]*(LOW|MEDIUM|HIGH)\b[\W_]*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_LEVEL_ITEM = re.compile(r"^\s*level\s*:", re.IGNORECASE)


def fold(text: str) -> str:
    """NFC + casefold + collapsed spaces: the comparable form of any text."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# --------------------------------------------------------------------------
# Reading fields
# --------------------------------------------------------------------------


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


def _packet_loc(packet: Packet) -> tuple[Loc, str]:
    return packet.head_loc, packet.title


# --------------------------------------------------------------------------
# PKT-001 .. PKT-004: identity, sections, required fields
# --------------------------------------------------------------------------


@packet_rule("PKT-001", "error", "File name WP-{phase}-{name}.md and TASK_ID / WP_ID match it")
def packet_identity(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1: a packet is ``# Task Packet: WP-{phase}-{name}`` with
    ``TASK_ID: WP-{phase}-{name}``, saved as ``WP-{phase}-{name}.md``. The
    board, dependencies and signatures all refer to packets by this id, so
    the file name and the TASK_ID / WP_ID it declares must agree (compared
    case-folded; decoration around the id such as backticks is ignored)."""
    if not _FILE_NAME.match(packet.id):
        loc, title = _packet_loc(packet)
        yield rule_.finding(
            f"file name {packet.id}.md is not WP-{{phase}}-{{name}}.md (phase a number, name of letters, digits, '.' and '-')",
            Loc(packet.file, loc.line, loc.column), title, packet.id,
        )
    for name in ("TASK_ID", "WP_ID"):
        for occurrence in packet.fields.get(name, ()):
            if "validation" in fold(occurrence.section) or not occurrence.value.strip():
                continue
            match = _WP_ID.search(occurrence.value)
            written = match.group(0).rstrip(".-") if match else occurrence.value.strip()
            if fold(written) == fold(packet.id):
                continue
            yield rule_.finding(
                f"{name} says {written!r} but the file is {packet.id}.md; they must be the same id",
                occurrence.loc, occurrence.value, packet.id,
            )


@rule("PKT-002", "error", "No two packets share an id")
def duplicate_ids(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.6 and Part 6.1: a packet id names exactly one packet
    (a change makes a new variant such as ``-v2``). Two packet files whose
    ids are equal after case-folding (``WP-1-Foo`` / ``wp-1-foo``) or equal
    outright (the same id in two folders) are ambiguous everywhere the id is
    used. Every packet after the first is reported, naming the first."""
    first_by_id: dict[str, Packet] = {}
    for packet in ctx.model.packets:
        key = fold(packet.id)
        first = first_by_id.setdefault(key, packet)
        if first is packet:
            continue
        loc, title = _packet_loc(packet)
        yield rule_.finding(
            f"packet id {packet.id} is already used by {first.file}; give this packet its own id (e.g. a -v2 variant)",
            loc, title, packet.id,
        )


def heading_key(text: str) -> str:
    """A heading reduced to comparable words: notes in () / [] and emoji
    dropped, case-folded ("BOOTSTRAP (Coder Work Plan) [X]" -> "bootstrap")."""
    stripped = _HEADING_NOTE.sub(" ", text)
    return " ".join(re.findall(r"[^\W_]+", fold(stripped)))


def required_sections_in_force(scope: PacketScope) -> list[tuple[str, tuple[str, ...]]]:
    """The profile's required sections, less any the repository's own
    packet template does not have (the template is the format in force)."""
    return scope.once("required sections", lambda: _required_sections(scope))


def _required_sections(scope: PacketScope) -> list[tuple[str, tuple[str, ...]]]:
    sections = list(scope.profile.required_sections)
    template = scope.protocol.template_sections if scope.protocol else ()
    if not template:
        return sections
    keys = [heading_key(text) for text in template]
    return [(name, accepted) for name, accepted in sections if _section_present(keys, accepted)]


def required_fields_in_force(scope: PacketScope) -> list[str]:
    """The profile's required fields, less any the repository's own packet
    template does not define."""
    return scope.once("required fields", lambda: _required_fields(scope))


def _required_fields(scope: PacketScope) -> list[str]:
    fields = list(scope.profile.required_fields)
    labels = set(scope.protocol.template_labels) if scope.protocol else set()
    if not labels:
        return fields
    return [name for name in fields if any(label_key(alias) in labels for alias in _aliases(name))]


def _aliases(name: str) -> tuple[str, ...]:
    return ("TASK_ID", "WP_ID") if name == "TASK_ID" else (name,)


QUALITY_GATE_FIELDS = ("RISK_TIER", "TEST_PLAN", "DONE_MEANS")


def _section_present(keys: Sequence[str], accepted: Sequence[str]) -> bool:
    return any(key == word or key.startswith(word + " ") for key in keys for word in accepted)


@packet_rule("PKT-003", "error", "Sections the packet template requires are present")
def required_sections(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1: "Every work packet MUST include these sections"
    (the profile lists them: Metadata, Scope, Quality Gate, BOOTSTRAP,
    Authority and Notes in the 2025-12 protocol); a section the repository's
    own template no longer has is not required. Headings match case-insensitively with notes in brackets ignored
    ("Bootstrap (Coder Work Plan) [BOOTSTRAP]", "QUALITY GATE") and may carry
    extra words after the name ("Notes & Assumptions").

    Decision: a packet that writes RISK_TIER, TEST_PLAN or DONE_MEANS as
    headings of their own (an older template) has its quality gate, just not
    under one heading; that counts as the Quality Gate section being present
    (PKT-004 still reports any of the three that is missing). One finding per
    packet lists every missing section."""
    sections = required_sections_in_force(scope)
    keys = [heading_key(text) for text, level, _ in packet.headings if level >= 2]
    quality_headings = any(
        occurrence.form == "heading" for name in QUALITY_GATE_FIELDS for occurrence in packet.fields.get(name, ())
    )
    missing = [
        name for name, accepted in sections
        if not _section_present(keys, accepted) and not (name == "Quality Gate" and quality_headings)
    ]
    if not missing:
        return
    loc, title = _packet_loc(packet)
    plural = "sections" if len(missing) > 1 else "section"
    yield rule_.finding(
        f"packet lacks the {plural} {', '.join(missing)} required by the packet template (Part 5.1)",
        loc, title, packet.id,
    )


@packet_rule("PKT-004", "error", "Required fields present and non-empty")
def required_fields(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 3.5 and Part 5.1: the coder works only from the packet,
    so the fields the profile requires (in the 2025-12 protocol TASK_ID,
    STATUS, RISK_TIER, What, Why, IN_SCOPE_PATHS, OUT_OF_SCOPE, TEST_PLAN,
    DONE_MEANS, ROLLBACK_HINT, FILES_TO_OPEN, SEARCH_TERMS, RUN_COMMANDS,
    RISK_MAP and SPEC_ANCHOR) must all be there with content; a field the
    repository's own template does not define is not required. ``WP_ID`` stands in for TASK_ID. Missing fields are listed in one finding
    per packet (at its title); a field written with nothing after it gets
    its own finding at the label. A placeholder value is PKT-005's."""
    required = required_fields_in_force(scope)
    missing: list[str] = []
    for name in required:
        names = _aliases(name)
        occurrences = [occurrence for alias in names for occurrence in packet.fields.get(alias, ())]
        if not occurrences:
            missing.append(name)
        elif not any(has_content(occurrence) for occurrence in occurrences):
            empty = occurrences[-1]
            yield rule_.finding(
                f"{name} is written but empty; fill it in as the template (Part 5.1) describes",
                empty.loc, field_excerpt(empty), packet.id,
            )
    if missing:
        loc, title = _packet_loc(packet)
        yield rule_.finding(
            f"packet lacks required field{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            loc, title, packet.id,
        )


# --------------------------------------------------------------------------
# PKT-005: placeholders
# --------------------------------------------------------------------------


def _in_quotes(text: str, start: int) -> bool:
    """True when ``text[start]`` sits inside a "..." or '...' string."""
    before = text[:start]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1


def placeholders(unit: Unit) -> list[tuple[int, str]]:
    """``(offset, text)`` of every placeholder in a unit.

    ``TBD``; a ``{…}`` template slot (``{ID}``, ``{1-2 sentence
    description}``) — but not ``{}``, ``${VAR}``, JSON, Rust ``{:?}`` or, in
    code, a brace inside a quoted string (a format string); ``<pending>`` /
    ``<commit-sha>``-style angle slots — but not HTML tags, generics
    (``Arc<dyn X>``) or autolinks; and a whole value or item that is one of
    the protocol's named vague values."""
    text = unit.text
    found: list[tuple[int, str]] = [(match.start(), match.group(0)) for match in _TBD.finditer(text)]
    for match in _SLOT.finditer(text):
        if not _SLOT_BODY.match(match.group("body")):
            continue
        if unit.kind == "code" and _in_quotes(text, match.start()):
            continue
        found.append((match.start(), match.group(0)))
    for match in _ANGLE.finditer(text):
        if match.group("body").casefold() not in _HTML_TAGS:
            found.append((match.start(), match.group(0)))
    if unit.kind != "code":
        whole = fold(text.strip(" \t`'\"*_.:;"))
        if whole in VAGUE_VALUES:
            offset = len(text) - len(text.lstrip(" \t`'\"*_"))
            found.append((offset, text.strip()))
    return sorted(set(found))


@packet_rule("PKT-005", "error", "No placeholder left in a packet")
def placeholder_values(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 3.5 (what the orchestrator MUST provide: "NOT: 'Some
    files', 'Feature works', 'Run tests'") and Part 8: a packet handed to a
    coder has no template slot left. Flags ``TBD``, ``{…}`` template slots,
    ``<pending>`` / ``<commit-sha>`` and the named vague values, with the
    placeholder as excerpt at its own column.

    A commit slot in ROLLBACK_HINT (``git revert <commit-sha>``, the
    protocol's template, Part 5.1) is a real value due only once the work is
    committed: it is flagged on Done and VALIDATED packets, not before.

    Not judged here: STATUS (PKT-006 owns Draft/TBD states), ``User
    Signature Locked`` (PKT-014 owns the lock) and fields inside appended
    validation reports."""
    skip = {"STATUS", SIGNATURE_FIELD}
    committed = packet.status in (Status.DONE, Status.VALIDATED)
    for occurrence in judged_fields(packet):
        if occurrence.name in skip:
            continue
        for unit in units(occurrence):
            for offset, text in placeholders(unit):
                if occurrence.name == "ROLLBACK_HINT" and not committed and _COMMIT_SLOT.fullmatch(text):
                    continue
                where = f"{occurrence.name} code" if unit.kind == "code" else occurrence.name
                yield rule_.finding(
                    f"{where} still holds the placeholder {text!r}; write the real value before the packet is handed over",
                    unit.at(offset, text),
                    text, packet.id,
                )


# --------------------------------------------------------------------------
# PKT-006, PKT-007: status and risk tier
# --------------------------------------------------------------------------


@packet_rule("PKT-006", "error", "STATUS is a protocol state")
def packet_status(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1 (``STATUS: {Ready-for-Dev|In-Progress|Done|Blocked}``)
    and Part 6.2: a packet is in one of the four working states, or in a
    recorded state (VALIDATED, Superseded). Draft, TBD, Pending, Waiting and
    Proposed are forbidden: a packet is not delegated until it is ready.
    Spellings are normalised ("READY FOR DEV 🔴", "HARD-VALIDATED (date)").
    A packet with no STATUS at all is PKT-004's finding."""
    if packet.status in ALLOWED_STATUSES or packet.status_loc is None:
        return
    if packet.status is Status.DRAFT:
        message = f"STATUS {packet.status_raw!r} is a draft state; a packet is written only when it is Ready-for-Dev"
    else:
        message = f"STATUS {packet.status_raw!r} is not a protocol state; use Ready-for-Dev, In-Progress, Done or Blocked (VALIDATED / Superseded as recorded states)"
    yield rule_.finding(message, packet.status_loc, packet.status_raw, packet.id)


def _text_of(occurrences: Iterable[FieldOccurrence]) -> str:
    return "\n".join(unit.text for occurrence in occurrences for unit in units(occurrence))


def _justified(occurrence: FieldOccurrence) -> bool:
    """A RISK_TIER occurrence says why: words after the tier in its value,
    or an item under it other than the "Level: X" line of the heading form."""
    match = _RISK_TIER.match(occurrence.value)
    if match and match.group("rest").strip(" -–—:()*"):
        return True
    return any(item.text.strip() and not _LEVEL_ITEM.match(item.text) for item in occurrence.items)


@packet_rule("PKT-007", "error", "RISK_TIER valid and justified, with what the protocol asks of its tier")
def risk_tier(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1 (``RISK_TIER: LOW | MEDIUM | HIGH``) and Part 3.5:
    the tier decides how much verification the work gets, so it must be one
    of the three with a justification (text after the tier, or a
    Justification / Rationale item under it, in any RISK_TIER occurrence).
    What a tier asks for more comes from the profile: in the 2025-12
    protocol a HIGH packet lists HARDENED_INVARIANTS and MEDIUM and HIGH
    packets run ``just ai-review`` in their TEST_PLAN; the review command is
    not asked for once the repository's protocol text no longer names it.
    Each broken part is its own finding, since each has its own fix. A
    missing RISK_TIER is PKT-004's."""
    profile = scope.profile
    high_requires = profile.high_requires
    review = profile.review_command if profile.review_command and scope.protocol_says(profile.review_command) else ""
    tier_field = current(packet, "RISK_TIER")
    if tier_field is None or not has_content(tier_field):
        return
    match = _RISK_TIER.match(tier_field.value)
    if match is None:
        shown = tier_field.value or (tier_field.items[0].text if tier_field.items else "")
        yield rule_.finding(
            f"RISK_TIER {shown!r} is not LOW, MEDIUM or HIGH", tier_field.loc, field_excerpt(tier_field), packet.id
        )
        return
    tier = match.group(1).upper()
    occurrences = packet.fields.get("RISK_TIER", ())
    justified = any(_justified(occurrence) for occurrence in occurrences)
    if not justified:
        yield rule_.finding(
            f"RISK_TIER {tier} has no justification; say why (e.g. '{tier} - touches storage migrations')",
            tier_field.loc, field_excerpt(tier_field), packet.id,
        )
    if tier == "HIGH":
        for name in high_requires:
            if not any(has_content(occurrence) for occurrence in packet.fields.get(name, ())):
                yield rule_.finding(
                    f"RISK_TIER is HIGH but {name} is missing or empty; list the invariants the work must not break",
                    tier_field.loc, field_excerpt(tier_field), packet.id,
                )
    if tier in ("MEDIUM", "HIGH") and review:
        plan = packet.fields.get("TEST_PLAN", ())
        if plan and fold(review) not in fold(_text_of(plan)):
            target = current(packet, "TEST_PLAN") or plan[-1]
            yield rule_.finding(
                f"RISK_TIER is {tier} but TEST_PLAN does not run `{review}`; add it",
                target.loc, field_excerpt(target), packet.id,
            )


# --------------------------------------------------------------------------
# PKT-008 .. PKT-013: contents of the list fields
# --------------------------------------------------------------------------


@packet_rule("PKT-008", "error", "List fields hold the required number of entries")
def entry_counts(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.5 [CX-606] and the Part 5.1 template, as the profile
    states them (2025-12: DONE_MEANS 3-8, FILES_TO_OPEN 5-15, SEARCH_TERMS
    10-20, RISK_MAP 3-8 are errors - the coder cannot bootstrap without
    them; IN_SCOPE_PATHS 5-20, OUT_OF_SCOPE 3-8, RUN_COMMANDS 3-6 are
    warnings). Entries are counted as the module docstring describes; a
    missing or empty field is PKT-004's. One finding per packet lists every
    count out of range (one edit of the packet fixes them), at the first
    such field, with the severity of the gravest."""
    limits = scope.profile.counts
    wrong: list[tuple[FieldOccurrence, str, Severity]] = []
    for limit in limits:
        occurrence = current(packet, limit.field)
        if occurrence is None or not has_content(occurrence):
            continue
        count = entry_count(limit.field, occurrence)
        if limit.low <= count <= limit.high:
            continue
        nouns = COUNT_NOUNS.get(limit.field, ("entry", "entries"))
        wrong.append((occurrence, f"{limit.field} lists {count} {nouns[count != 1]} ({limit.low}-{limit.high} wanted)", Severity(limit.severity)))
    if not wrong:
        return
    first = min(wrong, key=lambda found: (found[0].loc.line, found[0].loc.column))[0]
    severity = Severity.ERROR if any(found[2] is Severity.ERROR for found in wrong) else Severity.WARNING
    yield rule_.finding(
        "list fields outside the protocol's ranges: " + "; ".join(text for _, text, _ in wrong),
        first.loc, field_excerpt(first), packet.id, severity=severity,
    )


_GENERIC_DIRS = frozenset({
    "src", "source", "app", "apps", "backend", "frontend", "lib", "libs", "docs", "doc", "test", "tests",
    "scripts", "packages", "crates", "core", "server", "client", "web", "ui", "api", "components",
})
_ROOT_FILES = frozenset({"justfile", "makefile", "dockerfile", "license", "readme", "procfile", "gemfile", "rakefile"})
_VAGUE_WORDS = re.compile(r"\b(?:everything|anything|all files|related to|etc\.?|various|whatever)\b", re.IGNORECASE)


def vague_path(text: str) -> str | None:
    """Why an IN_SCOPE_PATHS entry is not an exact path, or None if it is.

    The entry's first word is its path (notes after it are fine:
    ``src/x/mod.rs (New)``). Exact: a file name with an extension or a
    known extension-less root file (justfile), or a folder path with at
    least one segment that is not a generic area name. Vague: a bare
    area (``src/``, ``backend``, ``src/backend``), prose, or words such as
    "everything related to"."""
    if _VAGUE_WORDS.search(text):
        return "it describes an area, not a path"
    words = text.strip().split()
    if not words:
        return "it is empty"
    path = words[0].strip("`'\"*,;:").rstrip(".") if not words[0].endswith("/.") else words[0]
    segments = [segment for segment in path.replace("\\", "/").split("/") if segment and segment != "."]
    if not segments:
        return "it is not a path"
    last = segments[-1]
    is_file = ("." in last.strip(".") and not path.endswith("/")) or last.casefold() in _ROOT_FILES or "*" in last
    if is_file:
        return None
    if "/" not in path:
        return "it is prose, not a file or folder path" if len(words) > 2 else "it is a word, not a file or folder path"
    if all(segment.casefold() in _GENERIC_DIRS for segment in segments):
        return "it names a whole area of the repository"
    return None


@packet_rule("PKT-009", "error", "IN_SCOPE_PATHS are exact paths")
def exact_scope(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.3 [CX-603]: "Orchestrator MUST be specific (NOT
    vague)": ``src/backend``, ``src/`` and "Everything related to storage"
    are wrong; exact file or folder paths are right. Each vague entry is its
    own finding (see :func:`vague_path` for what counts)."""
    occurrence = current(packet, "IN_SCOPE_PATHS")
    if occurrence is None:
        return
    for unit in entries("IN_SCOPE_PATHS", occurrence):
        if placeholders(unit):
            continue  # PKT-005 reports it
        reason = vague_path(unit.text)
        if reason:
            yield rule_.finding(
                f"IN_SCOPE_PATHS entry {unit.text!r} is not an exact path ({reason}); list the files or folders the coder may change",
                unit.loc, unit.excerpt, packet.id,
            )


_POST_WORK = re.compile(r"just\s+post-work\b\s*(?P<target>\S*)", re.IGNORECASE)
_CARGO_CLEAN = re.compile(r"just\s+cargo-clean\b", re.IGNORECASE)


@packet_rule("PKT-010", "error", "TEST_PLAN runs just post-work for its own id, after just cargo-clean")
def post_work(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 3.5 / Part 8 (TEST_PLAN exact commands): the coder's
    final gate is ``just post-work WP-{ID}`` for this packet's own id
    (error when missing or naming another id), preceded by ``just
    cargo-clean`` so the check runs on a clean build (warning when missing
    or after it). A missing TEST_PLAN is PKT-004's."""
    plan = [occurrence for occurrence in packet.fields.get("TEST_PLAN", ()) if has_content(occurrence)]
    if not plan:
        return
    all_units = [unit for occurrence in plan for unit in units(occurrence)]
    target = current(packet, "TEST_PLAN") or plan[-1]
    post_index = None
    wrong_id = False
    for index, unit in enumerate(all_units):
        for match in _POST_WORK.finditer(unit.text):
            written = match.group("target").strip("`'\".,;")
            if fold(written) == fold(packet.id):
                post_index = index if post_index is None else post_index
                continue
            wrong_id = True
            yield rule_.finding(
                f"TEST_PLAN runs `just post-work {written or '(no id)'}`; it must name this packet: `just post-work {packet.id}`",
                unit.at(match.start(), match.group(0)), match.group(0), packet.id,
            )
    if post_index is None:
        if wrong_id:
            return  # one problem, one finding: the wrong id is reported at the command
        yield rule_.finding(
            f"TEST_PLAN does not run `just post-work {packet.id}`; end the plan with it",
            target.loc, field_excerpt(target), packet.id,
        )
        return
    clean = next((index for index, unit in enumerate(all_units) if _CARGO_CLEAN.search(unit.text)), None)
    if clean is None or clean > post_index:
        where = "after" if clean is not None else "without"
        yield rule_.finding(
            f"TEST_PLAN runs `just post-work {packet.id}` {where} `just cargo-clean`; run `just cargo-clean` before it",
            all_units[post_index].loc, all_units[post_index].text.strip() if all_units[post_index].kind == "code" else all_units[post_index].text,
            packet.id, severity=Severity.WARNING,
        )


def _path_key(text: str) -> str:
    words = text.strip().split()
    path = words[0].strip("`'\"*,;:()[]") if words else ""
    return fold(path.lstrip("./").replace("\\", "/"))


@packet_rule("PKT-011", "warning", "FILES_TO_OPEN starts with START_HERE, SPEC_CURRENT, ARCHITECTURE")
def bootstrap_files(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.5 [CX-606]: the coder's reading starts with the
    orientation documents: docs/START_HERE.md, docs/SPEC_CURRENT.md and
    docs/ARCHITECTURE.md. They must be the first three entries of
    FILES_TO_OPEN, in any order among themselves (each may carry a note,
    e.g. "docs/SPEC_CURRENT.md (current spec)")."""
    wanted = [fold(name) for name in BOOTSTRAP_FILES]
    occurrence = current(packet, "FILES_TO_OPEN")
    if occurrence is None or not has_content(occurrence):
        return
    found = entries("FILES_TO_OPEN", occurrence)
    head = [_path_key(unit.text) for unit in found[:3]]
    missing = [BOOTSTRAP_FILES[index] for index, name in enumerate(wanted) if name not in head]
    if not missing:
        return
    offender = next((unit for unit in found[:3] if _path_key(unit.text) not in wanted), None)
    loc, excerpt = (offender.loc, offender.excerpt) if offender else (occurrence.loc, field_excerpt(occurrence))
    yield rule_.finding(
        f"FILES_TO_OPEN does not start with {', '.join(BOOTSTRAP_FILES)} (missing from the first three: {', '.join(missing)})",
        loc, excerpt, packet.id,
    )


@packet_rule("PKT-012", "warning", "RISK_MAP items are \"failure mode\" -> subsystem")
def risk_map_shape(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.5 [CX-606]: each RISK_MAP entry names a specific
    failure mode and the subsystem it breaks (``"Hollow trait
    implementation" -> Portability Failure``). Accepted arrows: ``->``,
    ``→``, ``=>``; quotes optional (also around the whole entry). An entry
    without an arrow, or with nothing on one side, is reported."""
    occurrence = current(packet, "RISK_MAP")
    if occurrence is None:
        return
    for unit in entries("RISK_MAP", occurrence):
        if placeholders(unit):
            continue
        parts = _ARROW.split(unit.text.strip().strip('"'), maxsplit=1)
        if len(parts) == 2 and parts[0].strip(' "') and parts[1].strip(' "'):
            continue
        yield rule_.finding(
            f"RISK_MAP entry {unit.text!r} is not '\"failure mode\" -> subsystem'; name what fails and which subsystem breaks",
            unit.loc, unit.text, packet.id,
        )


def _done_words(text: str) -> str:
    stripped = re.sub(r"^\s*\[[ xX]\]\s*", "", text)
    return " ".join(re.findall(r"[^\W_]+", fold(stripped)))


@packet_rule("PKT-013", "warning", "DONE_MEANS items are yes/no checkable")
def checkable_done(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.1 (``DONE_MEANS: {Measurable criteria}``) and Part
    5.4: each item is a yes/no check a validator can decide. An item that is
    only "works", "works well", "tests pass" (or a close variant) decides
    nothing. Items naming what passes ("All tests pass" is the protocol's own
    verification item, "cargo test passes") are fine; the protocol's named
    vague values are PKT-005's."""
    occurrence = current(packet, "DONE_MEANS")
    if occurrence is None:
        return
    for unit in entries("DONE_MEANS", occurrence):
        words = _done_words(unit.text)
        if words in VAGUE_DONE and words not in VAGUE_VALUES:
            yield rule_.finding(
                f"DONE_MEANS item {unit.text!r} is not checkable; say what is true when done (which behaviour, which test)",
                unit.loc, unit.text, packet.id,
            )


# --------------------------------------------------------------------------
# PKT-014: locking
# --------------------------------------------------------------------------

_UNSIGNED = frozenset({"", "pending", "tbd", "none", "n/a", "na", "-", "—", "todo", "unsigned"})


def unsigned(signature: str) -> bool:
    """True for an empty or placeholder signature (``<pending>``, ``TBD``)."""
    text = fold(signature).strip("`*_ ")
    return text.strip("<>{}[]") in _UNSIGNED or bool(re.fullmatch(r"[<{].*[>}]", text))


def _lock_label(packet: Packet) -> str:
    """The lock field as the packet writes it, for the message."""
    for occurrences in packet.fields.values():
        for occurrence in occurrences:
            if occurrence.loc.line == (packet.signature_loc.line if packet.signature_loc else -1):
                return occurrence.raw_name
    return "User Signature Locked"


@packet_rule("PKT-014", "error", "A packet past Draft is locked with a signature")
def packet_locked(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.6 [CX-607]: "Orchestrator MUST lock packet after
    creation" with ``**User Signature Locked:** {signature}``; the 2026-02
    packet template writes the lock as ``USER_SIGNATURE: {signature}`` in
    METADATA, and either field is the lock (``Packet.signature``). Every
    packet whose STATUS is past Draft (any known state but Draft) must carry
    one; absent, empty and ``<pending>`` are reported. A packet with no
    readable STATUS is not judged (PKT-004 / PKT-006 report the status
    first). The signature's format and audit trail are the SIG rules'.
    The missing lock is named as the profile in force names it."""
    lock_field = scope.profile.lock_fields[0] if scope.profile.lock_fields else SIGNATURE_FIELD
    if packet.status in (Status.DRAFT, Status.UNKNOWN):
        return
    if packet.signature_loc is None:
        loc, title = _packet_loc(packet)
        yield rule_.finding(
            f"packet is {packet.status_raw or packet.status.value} but has no '{lock_field}:' line; lock it with the user's signature (Part 5.6)",
            loc, title, packet.id,
        )
    elif unsigned(packet.signature):
        yield rule_.finding(
            f"packet is {packet.status_raw or packet.status.value} but its lock ({_lock_label(packet)}) is {repr(packet.signature) if packet.signature else 'empty'}; lock it with the user's signature",
            packet.signature_loc, packet.signature, packet.id,
        )
