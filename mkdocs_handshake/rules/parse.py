"""PARSE rules: can the governance documents be read at all?

Parsers never drop text silently; whatever they cannot read becomes a
:class:`~mkdocs_handshake.model.ParseIssue` (naming the rule that reports it)
or, for damaged bytes, an :class:`~mkdocs_handshake.model.EncodingIssue`.
These rules turn those records into findings, so a person sees *why* a
packet or spec section is missing from the other rules' view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Mapping

from ..findings import Finding
from ..model import EncodingIssue, GovernanceModel, Loc, ParseIssue
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


def _issue_findings(rule_: Rule, issues: Iterable[ParseIssue]) -> Iterator[Finding]:
    for issue in issues:
        yield rule_.finding(issue.message, issue.loc, issue.excerpt, issue.subject or issue.loc.file)


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


@rule("PARSE-002", "warning", "Damaged encoding (non-UTF-8 bytes, mojibake, ?? for §)")
def damaged_encoding(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 1 (PRIORITY_7, deterministic matching) and Part 5.2: a
    ``§`` saved as ``Â§`` or ``??`` hides a SPEC_ANCHOR from every reader and
    tool, and a stray Windows-1252 byte breaks strict UTF-8 readers. The
    plugin repairs the text for matching and rendering; this rule reports
    each damaged line once, with every repair on it, so the file can be
    re-saved as UTF-8. The excerpt is the damaged text as it is in the file;
    the subject is the WP id for a packet, else the file."""
    packet_ids = {packet.file: packet.id for packet in ctx.model.packets}
    for (file, line), group in sorted(encoding_lines(ctx.model.encoding_issues).items()):
        first = next((issue for issue in group if issue.kind != "invalid-utf8"), group[0])
        column = _repaired_column(first, group[: group.index(first)])
        repairs = "; ".join(describe_repair(issue) for issue in group)
        count = f"{len(group)} damaged spots" if len(group) > 1 else "damaged text"
        message = f"line has {count} ({repairs}); re-save the file as UTF-8 with the repaired text"
        yield rule_.finding(message, Loc(file, line, column), first.original, packet_ids.get(file, file))


@rule("PARSE-003", "warning", "Spec section number repeated or out of order")
def spec_numbering(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.2: a SPEC_ANCHOR is only unambiguous if every section
    number names one section. The spec parser keeps duplicated and
    out-of-order numbered headings (so anchors still resolve) and records
    each as a PARSE-003 issue, reported here with the section number as
    subject."""
    yield from _issue_findings(rule_, issues_for(ctx.model, "PARSE-003"))


@rule("PARSE-004", "error", "Packet metadata or field unreadable")
def unreadable_packet_text(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 5.1: packets are written as ``- FIELD: value`` lines
    under fixed headings. A packet with no recognisable metadata block, a
    field label the parser does not know, or text the parser could not place
    (literal ``\\n`` sequences, broken fences) is reported here, so nothing
    written in a packet is silently ignored by the other rules."""
    yield from _issue_findings(rule_, issues_for(ctx.model, "PARSE-004"))
