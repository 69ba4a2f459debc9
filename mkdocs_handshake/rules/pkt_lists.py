"""PKT-008 .. PKT-013: what the packet's list fields hold.

The coder bootstraps from the list fields (protocol Part 3.5, 5.3, 5.5):
how many entries each holds, exact IN_SCOPE_PATHS, a TEST_PLAN that ends
in this packet's own ``just post-work``, FILES_TO_OPEN that start with the
orientation documents, RISK_MAP entries shaped "failure mode" -> subsystem,
and DONE_MEANS items a validator can decide.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..findings.finding import Finding, Severity
from ..model.packet import FieldOccurrence, Packet
from .base import Rule, packet_rule
from .context import PacketScope
from .pkt_reading import current, entries, entry_count, field_excerpt, fold, has_content, units
from .pkt_template import VAGUE_VALUES, placeholders

COUNT_NOUNS = {
    "DONE_MEANS": ("criterion", "criteria"), "FILES_TO_OPEN": ("file", "files"),
    "SEARCH_TERMS": ("search term", "search terms"), "RISK_MAP": ("failure mode", "failure modes"),
    "IN_SCOPE_PATHS": ("path", "paths"), "OUT_OF_SCOPE": ("item", "items"), "RUN_COMMANDS": ("command", "commands"),
}

BOOTSTRAP_FILES: tuple[str, ...] = ("docs/START_HERE.md", "docs/SPEC_CURRENT.md", "docs/ARCHITECTURE.md")

# Items that decide nothing, as a whole DONE_MEANS item (the protocol's
# named vague values are PKT-005's).
VAGUE_DONE = frozenset({
    "works", "it works", "works well", "works correctly", "code works", "everything works",
    "tests pass", "tests passed", "tests passing", "test pass", "tests are passing", "tests green",
})

_ARROW = re.compile(r"->|→|=>|⇒")


@packet_rule("PKT-008", "error", "List fields hold the required number of entries")
def entry_counts(rule_: Rule, scope: PacketScope, packet: Packet) -> Iterator[Finding]:
    """Protocol Part 5.5 [CX-606] and the Part 5.1 template, as the profile
    states them (2025-12: DONE_MEANS 3-8, FILES_TO_OPEN 5-15, SEARCH_TERMS
    10-20, RISK_MAP 3-8 are errors - the coder cannot bootstrap without
    them; IN_SCOPE_PATHS 5-20, OUT_OF_SCOPE 3-8, RUN_COMMANDS 3-6 are
    warnings). Entries are counted as :mod:`.pkt_reading` describes; a
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
