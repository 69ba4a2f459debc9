"""PKT-003 .. PKT-005: a packet fills in the packet template.

Protocol Part 5.1 gives the template every work packet follows: its
sections (PKT-003), its fields with content (PKT-004), and no template
slot or named vague value left in them (PKT-005). What the template asks
for comes from the profile, less what the repository's own template no
longer has.
"""

from __future__ import annotations

import re
from typing import Iterator, Sequence

from ..findings.finding import Finding
from ..model.packet import Packet
from ..model.basics import Status
from ..parse.packet_labels import label_key
from .base import Rule, packet_rule
from .context import PacketScope
from .pkt_reading import SIGNATURE_FIELD, Unit, field_excerpt, fold, has_content, judged_fields, packet_loc, units

# The protocol's named vague values (Part 3.5 "NOT: ..."), judged as a
# whole value or whole list item.
VAGUE_VALUES = frozenset({"some files", "feature works", "run tests"})

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
_HEADING_NOTE = re.compile(r"\s*(?:\([^)]*\)|\[[^\]]*\])\s*")


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
    loc, title = packet_loc(packet)
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
        loc, title = packet_loc(packet)
        yield rule_.finding(
            f"packet lacks required field{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            loc, title, packet.id,
        )


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
