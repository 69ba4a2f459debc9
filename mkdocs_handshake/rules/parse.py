"""PARSE rules: can the governance documents be read at all?

Parsers never drop text silently; whatever they cannot read becomes a
:class:`~mkdocs_handshake.model.basics.ParseIssue` (naming the rule that reports it)
or, for damaged bytes, an :class:`~mkdocs_handshake.model.basics.EncodingIssue`.
These rules turn those records into findings, so a person sees *why* a
packet or spec section is missing from the other rules' view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Mapping

from ..findings.finding import Finding
from ..model.basics import EncodingIssue, Lifecycle, Loc, ParseIssue
from ..model.records import GateEvent
from ..model.governance import GovernanceModel
from ..parse.contract import NEWER_SCHEMA
from ..parse.packet_labels import label_key
from .base import Rule, rule
from .context import RuleContext


def issues_for(model: GovernanceModel, rule_id: str) -> list[ParseIssue]:
    """The parse issues a given PARSE rule reports, in file order."""
    return sorted((issue for issue in model.parse_issues if issue.rule == rule_id), key=lambda issue: (issue.loc, issue.message))


def spec_name_locs(model: GovernanceModel) -> set[Loc]:
    """Places in SPEC_CURRENT.md that name a Master Spec file.

    A "named spec does not exist" issue raised there is what SPEC-001 is
    about, so PARSE-001 leaves it to SPEC-001 (one problem, one finding)."""
    pointer = model.spec_pointer
    return {loc for _, loc in pointer.spec_names} if pointer else set()


def _issue_findings(rule_: Rule, issues: Iterable[ParseIssue], ctx: RuleContext | None = None) -> Iterator[Finding]:
    """Parse issues as findings; with ``ctx``, a fix inside a spec file
    says how the protocol changes the spec (:func:`spec_fix`)."""
    for issue in issues:
        message = spec_fix(ctx, issue.message, issue.loc.file) if ctx is not None else issue.message
        yield rule_.finding(message, issue.loc, issue.excerpt, issue.subject or issue.loc.file)


def spec_fix(ctx: RuleContext, message: str, file: str) -> str:
    """``message`` with the profile's ``remedy.spec_edit`` when ``file`` is
    a file of the current spec: the protocol changes the spec by a new
    version, so "renumber it" must not read as leave to edit the version in
    force (December/February "Update spec without bumping version" is a DO
    NOT; June advances the bundle copy-first)."""
    how = ctx.profile.remedy.spec_edit if ctx.profile is not None else ""
    if not how or file not in ctx.spec_files:
        return message
    return f"{message}; fix it {how}"


@rule("PARSE-001", "error", "A configured file or folder is missing or unreadable")
def missing_files(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2 Step 1 and Part 6.1: the orchestrator works from
    SPEC_CURRENT.md, the packets folder, TASK_BOARD.md and SIGNATURE_AUDIT.md.
    If one of them is missing or unreadable, every rule that needs it is
    silently blind, so its absence is an error of its own.

    The loader records these as PARSE-001 issues. A Master Spec file that
    SPEC_CURRENT.md names but that does not exist is reported by SPEC-001
    instead (same problem, the rule that names the protocol step)."""
    skip = spec_name_locs(ctx.model)
    yield from _issue_findings(
        rule_, (issue for issue in issues_for(ctx.model, "PARSE-001") if issue.loc not in skip or not names_missing_spec(issue))
    )


def names_missing_spec(issue: ParseIssue) -> bool:
    """The loader's "SPEC_CURRENT names X, which does not exist" (SPEC-001
    reports that); its other issues at the same place (a name outside the
    root) are PARSE-001's."""
    return "does not exist" in issue.message


def describe_repair(issue: EncodingIssue) -> str:
    """One damaged spot as "what was there -> how it is read"."""
    if issue.kind == "invalid-utf8":
        return f"{issue.original} decoded as Windows-1252 {issue.repaired!r}"
    if issue.kind == "utf-16":
        return f"the file is saved as {issue.original} (byte order mark) and was read as such"
    return f"{issue.original!r} read as {issue.repaired!r}"


def _repaired_column(issue: EncodingIssue, earlier: Iterable[EncodingIssue]) -> int:
    """Column of a repair in the *repaired* line (the model's convention).

    EncodingIssue columns count characters of the line before repair; every
    earlier multi-character repair on the line shortened it."""
    shift = sum(len(other.original) - len(other.repaired) for other in earlier if other.kind not in ("invalid-utf8", "utf-16"))
    return max(issue.loc.column - shift, 1)


def encoding_lines(issues: Iterable[EncodingIssue]) -> Mapping[tuple[str, int], list[EncodingIssue]]:
    """Encoding issues grouped by (file, line), each group in column order."""
    grouped: dict[tuple[str, int], list[EncodingIssue]] = defaultdict(list)
    for issue in issues:
        grouped[(issue.loc.file, issue.loc.line)].append(issue)
    for group in grouped.values():
        group.sort(key=lambda issue: issue.loc.column)
    return grouped


_FIRST_LINES = 3


@rule("PARSE-002", "warning", "Damaged encoding (non-UTF-8 bytes, mojibake, ?? for §)")
def damaged_encoding(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 1 (PRIORITY_7, deterministic matching) and Part 5.2: a
    ``§`` saved as ``Â§`` or ``??`` hides a SPEC_ANCHOR from every reader and
    tool, and a stray Windows-1252 byte breaks strict UTF-8 readers. The
    plugin repairs the text for matching and rendering; this rule reports
    each damaged *file* once (the fix is one re-save), at its first damaged
    line, with the number of damaged lines and the first few repairs. The
    excerpt is the damaged text as it is in the file; the subject is the WP
    id for a packet, else the file. Under a profile whose packets stay
    ASCII-only, the hint for a packet says to write ASCII, not a repaired
    ``§``."""
    packets = ctx.packets_by_file
    by_file: dict[str, list[tuple[int, list[EncodingIssue]]]] = defaultdict(list)
    for (file, line), group in sorted(encoding_lines(ctx.model.encoding_issues).items()):
        by_file[file].append((line, group))
    ascii_only = bool(ctx.profile and ctx.profile.ascii_only)
    for file, lines in by_file.items():
        line, group = lines[0]
        utf16 = next((issue for issue in group if issue.kind == "utf-16"), None)
        if utf16 is not None and len(lines) == 1 and len(group) == 1:
            yield rule_.finding(
                f"the file is saved as {utf16.original} (byte order mark) and was read as such; re-save it as UTF-8",
                utf16.loc, "", (packets[file].id if file in packets else file),
            )
            continue
        first = next((issue for issue in group if issue.kind != "invalid-utf8"), group[0])
        column = _repaired_column(first, group[: group.index(first)])
        shown = "; ".join(f"line {number}: " + ", ".join(describe_repair(issue) for issue in issues) for number, issues in lines[:_FIRST_LINES])
        more = f"; and {len(lines) - _FIRST_LINES} more line(s)" if len(lines) > _FIRST_LINES else ""
        if file in packets and ascii_only:
            fix = "re-save it as UTF-8 and write those characters in ASCII (packets stay ASCII-only)"
        else:
            fix = "re-save it as UTF-8 with the repaired text"
        count = f"{len(lines)} damaged lines" if len(lines) > 1 else "1 damaged line"
        message = f"file has {count} ({shown}{more}); {fix}"
        yield rule_.finding(spec_fix(ctx, message, file), Loc(file, line, column), first.original, (packets[file].id if file in packets else file))


@rule("PARSE-003", "warning", "Spec section number repeated or out of order")
def spec_numbering(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: a SPEC_ANCHOR is only unambiguous if every section
    number names one section. The spec parser keeps duplicated and
    out-of-order numbered headings (so anchors still resolve) and records
    each as a PARSE-003 issue, reported here with the section number as
    subject.

    One finding per problem: a run of misnumbered headings with no
    correctly numbered heading between them is one block to renumber (a
    pasted addendum that keeps its own numbering, a copied chapter), so it
    is one finding at its first heading, saying how many headings and which
    lines the run spans. A subsection of a misnumbered heading carries the
    same problem and joins that heading's finding wherever it stands, and so
    does a heading that is "out of order" only because a misnumbered heading
    before it opened the wrong context.

    A copy of another document keeps its own numbering; the parser leaves
    alone whatever stands under a heading that says so ("(verbatim)",
    "(Archived Copy)"), so a block that looks pasted is told how to say it."""
    issues = issues_for(ctx.model, "PARSE-003")
    spec = ctx.model.spec
    headings = [section for section in spec.sections if section.kind == "heading"] if spec else []
    order = {section.loc.line: index for index, section in enumerate(headings)}
    subtree_end = _subtree_ends(headings)
    runs: list[list[ParseIssue]] = []
    run_of: dict[tuple[str, str], tuple[int, ParseIssue]] = {}  # (file, number) -> (run index, its issue)
    for issue in issues:
        parts = issue.subject.split(".")
        position = order.get(issue.loc.line)
        owner = None
        for cut in range(len(parts) - 1, 0, -1):
            found = run_of.get((issue.loc.file, ".".join(parts[:cut])))
            start = order.get(found[1].loc.line) if found else None
            if found and position is not None and start is not None and start < position < subtree_end[start]:
                owner = found[0]
                break
        if owner is None and issue.label and (issue.loc.file, issue.label) in run_of:
            owner = run_of[(issue.loc.file, issue.label)][0]  # out of order only because it follows a misnumbered heading
        previous = runs[-1][-1] if runs else None
        before = order.get(previous.loc.line) if previous else None
        if owner is None and previous is not None and previous.loc.file == issue.loc.file and position is not None and before is not None and position == before + 1:
            owner = len(runs) - 1
        if owner is None:
            runs.append([issue])
            owner = len(runs) - 1
        else:
            runs[owner].append(issue)
        run_of[(issue.loc.file, issue.subject)] = (owner, issue)
    for run in runs:
        head = run[0]
        message = head.message
        if len(run) > 1:
            message += (
                f"; {len(run) - 1} more numbered heading(s) after it, to line {max(issue.loc.line for issue in run)}, "
                f"are misnumbered with it (renumber the block, or, {_COPY_HINT})"
            )
        elif head.label and "." not in head.subject:
            message += f" (it opens a block: renumber it, or, {_COPY_HINT})"
        yield rule_.finding(spec_fix(ctx, message, head.loc.file), head.loc, head.excerpt, head.subject or head.loc.file)


_COPY_HINT = "if the block is a copy of another document, tag the heading above it '(verbatim)'"


def _subtree_ends(headings: list) -> list[int]:
    """For each heading (by position), the position where its subtree ends:
    the next heading of the same or a higher level."""
    ends = [len(headings)] * len(headings)
    open_: list[int] = []
    for index, section in enumerate(headings):
        while open_ and headings[open_[-1]].level >= section.level:
            ends[open_.pop()] = index
        open_.append(index)
    return ends


def known_labels(ctx: RuleContext) -> frozenset[str]:
    """Label keys that are fields under the protocol in force: the
    profile's and every label of the repository's own packet template."""
    labels = {label_key(name) for name in (ctx.profile.fields if ctx.profile else ())}
    if ctx.model.protocol:
        labels.update(ctx.model.protocol.template_labels)
    return frozenset(labels)


@rule("PARSE-004", "error", "Packet metadata or field unreadable")
def unreadable_packet_text(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.1: packets are written as ``- FIELD: value`` lines
    under fixed headings. A packet with no recognisable metadata block, a
    field label that neither the protocol profile nor the repository's own
    packet template defines, or text the parser could not place (literal
    ``\\n`` sequences, broken fences) is reported here, so nothing written
    in a packet is silently ignored by the other rules. Gate-log events are
    checked for the keys the profile requires of their type (a REFINEMENT
    carries its turn token)."""
    known = known_labels(ctx)
    yield from _issue_findings(
        rule_, (issue for issue in issues_for(ctx.model, "PARSE-004") if not (issue.label and label_key(issue.label) in known))
    )
    required = ctx.profile.gate_required if ctx.profile else {}
    for event in ctx.model.gate_events:
        missing = [key for key in required.get(event.type, ()) if not _event_value(event, key)]
        if missing:
            yield rule_.finding(
                f"{event.type} gate event for {event.wp or 'an unnamed WP'} is missing {', '.join(missing)}",
                event.loc, event.head, event.wp or event.loc.file,
            )


def _event_value(event: GateEvent, key: str) -> str:
    value = getattr(event, key, None)
    if isinstance(value, str):
        return value
    return dict(event.extra).get(key, "")


@rule("PARSE-006", "warning", "A code block in the spec swallows spec text")
def spec_fences_out_of_step(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: an anchor names a section of the Main Body, which
    exists only if the spec's markdown says it is a heading. A fenced code
    block that does not end where its author meant (a closing fence whose
    opening is missing, or a pasted example whose inner fence ends the
    outer block) turns the next sections into code: they are not
    headings, their requirements are not read, and anchors into them do
    not resolve. One finding per such block, at its opening fence, naming
    the swallowed heading (see ``parse.spec`` for what counts as evidence)."""
    yield from _issue_findings(rule_, issues_for(ctx.model, "PARSE-006"), ctx)


@rule("PARSE-007", "warning", "A table cell holds a | inside a code span")
def pipes_in_code_spans(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2.5.4: the signature audit is a table whose columns say
    who consumed a signature, when and for what. GitHub-flavoured markdown
    ends a table cell at every unescaped ``|``, inside backticks too, so a
    row quoting ``APPROVE ... | signature`` renders with its columns
    shifted. The row is still read as its author meant it (the cell count
    fits once the code spans are kept whole), and the habit is reported
    once per file with its fix, ``\\|``, rather than once per row."""
    yield from _issue_findings(rule_, issues_for(ctx.model, "PARSE-007"), ctx)


def _newer_schemas(rule_: Rule, ctx: RuleContext, issues: list[ParseIssue]) -> Iterator[Finding]:
    """One finding per later schema version the contracts carry, at the
    first contract of a live packet (else the first): the version is one
    fact about the repository, not one per contract."""
    live = {packet.id for packet in ctx.model.packets if packet.lifecycle is Lifecycle.ACTIVE}
    by_schema: dict[str, list[ParseIssue]] = {}
    for issue in issues:
        by_schema.setdefault(issue.excerpt, []).append(issue)
    for schema_id, group in sorted(by_schema.items()):
        first = min(group, key=lambda issue: (issue.subject not in live, issue.loc.file, issue.loc.line))
        files = len({issue.loc.file for issue in group})
        read = first.label[len(NEWER_SCHEMA):]
        yield rule_.finding(
            f"{files} contract(s) carry schema_id {schema_id!r}, a later version than the {read!r} the profile in force reads; "
            "they are read with that version's field map, so a field the new version moved reads as missing. "
            "Check the findings on these contracts against the repository's schema, or name a profile for the new version with the 'profile' option",
            first.loc, schema_id, schema_id,
        )


@rule("PARSE-005", "warning", "The protocol version in force cannot be told")
def protocol_unknown(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Every rule is applied as the protocol in force defines it (see the
    profiles). When the repository has neither a packet template nor
    protocol text to tell the version by, the oldest shipped profile is
    used; this says so once instead of guessing silently. Fix: add the
    template, or name the profile with the ``profile`` option. A JSON
    contract whose ``schema_id`` no reader of the profile knows is reported
    at the file in the same way (its era cannot be told, so it is not read)."""
    issues = issues_for(ctx.model, "PARSE-005")
    yield from _issue_findings(rule_, (issue for issue in issues if not issue.label.startswith(NEWER_SCHEMA)))
    yield from _newer_schemas(rule_, ctx, [issue for issue in issues if issue.label.startswith(NEWER_SCHEMA)])
    info = ctx.model.protocol
    if info is None or info.certain:
        return
    loc = Loc(ctx.model.spec_pointer.file if ctx.model.spec_pointer else ".", 1)
    yield rule_.finding(
        f"cannot tell which protocol version is in force ({info.reason}); judged by {info.profile}. "
        "Name one with the 'profile' option",
        loc, "", info.profile,
    )
