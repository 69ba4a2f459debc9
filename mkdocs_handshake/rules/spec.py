"""SPEC rules: the current Master Spec is the latest, and said so everywhere.

Protocol Part 2 Step 1 makes SPEC_CURRENT.md the single pointer to the
authoritative spec; Part 2.5.2 (enrichment) requires every new spec version
to carry a changelog entry and the pointer and protocol files to be updated
with it. Versions are compared numerically, part by part, so ``02.100`` is
newer than ``02.93``.
"""

from __future__ import annotations

from typing import Iterator

from ..findings.finding import Finding
from ..model.governance import GovernanceModel
from ..model.basics import Loc, Status
from ..model.packet import Packet
from ..model.spec import file_key
from .base import Rule, rule
from .context import RuleContext

# States after which a packet is history: what it said about the spec then
# is a record, not a claim about today.
FINISHED_STATES = frozenset({Status.DONE, Status.VALIDATED, Status.SUPERSEDED})


def version_key(version: str) -> tuple[int, ...] | None:
    """``"02.100"`` -> ``(2, 100)``; None when the text is not a version."""
    text = version.strip().lstrip("vV")
    parts = text.split(".")
    if not text or not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def same_version(left: str, right: str) -> bool:
    """Numeric equality ("2.93" == "02.93"); text equality when unparsable."""
    left_key, right_key = version_key(left), version_key(right)
    if left_key is None or right_key is None:
        return left.strip().casefold() == right.strip().casefold()
    return left_key == right_key


def current_version(model: GovernanceModel) -> str:
    """The version of the spec SPEC_CURRENT.md points at ("" if unknown)."""
    if model.spec is not None and model.spec.version:
        return model.spec.version
    return model.spec_pointer.version if model.spec_pointer else ""


def _unreadable_spec_reported(model: GovernanceModel, name: str, name_loc: Loc) -> bool:
    """True when PARSE-001 already reports that the named spec exists but
    cannot be read (an issue located in the spec file itself)."""
    target = file_key(name)
    return any(
        issue.rule == "PARSE-001"
        and (
            (issue.loc != name_loc and file_key(issue.loc.file) == target)
            or (issue.loc == name_loc and "does not exist" not in issue.message)  # e.g. outside the root
        )
        for issue in model.parse_issues
    )


@rule("SPEC-001", "error", "SPEC_CURRENT names exactly one existing Master Spec")
def spec_pointer(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2 Step 1: "Read docs/SPEC_CURRENT.md" to learn which
    Master Spec is authoritative. The pointer must name exactly one spec file
    (the same name written twice is still one) and that file must exist.

    A missing or unreadable SPEC_CURRENT.md is PARSE-001's finding, and so is
    a named spec file that exists but cannot be read; this rule reports a
    pointer naming zero or several specs, or a spec that does not exist."""
    model = ctx.model
    pointer = model.spec_pointer
    if pointer is None:
        return
    names = pointer.distinct_spec_names()
    if not names:
        yield rule_.finding(
            "SPEC_CURRENT.md names no Master Spec file; write the current spec's file name (e.g. Handshake_Master_Spec_vNN.NN.md)",
            Loc(pointer.file, 1),
            "",
            pointer.file,
        )
        return
    if len(names) > 1:
        listed = ", ".join(name for name, _ in names)
        second_name, second_loc = names[1]
        yield rule_.finding(
            f"SPEC_CURRENT.md names {len(names)} Master Spec files ({listed}); it must name exactly one current spec",
            second_loc,
            second_name,
            pointer.file,
        )
        return
    name, loc = names[0]
    if model.spec is None and not _unreadable_spec_reported(model, name, loc):
        yield rule_.finding(
            f"SPEC_CURRENT.md names {name}, which does not exist; point it at the Master Spec file that is current",
            loc,
            name,
            pointer.file,
        )


@rule("SPEC-002", "error", "No newer Master Spec beside the current one")
def newer_sibling(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2 Step 1 and Part 2.5.2 Step 3: after an enrichment the
    new spec version becomes current and SPEC_CURRENT.md is updated. A Master
    Spec file with a higher version beside the one SPEC_CURRENT names means
    the pointer was not updated (or an unapproved spec was added). Reported
    once, naming the highest such version, at the pointer's spec name."""
    model = ctx.model
    current = current_version(model)
    current_key = version_key(current)
    if current_key is None:
        return
    newer = [(key, file, version) for file, version in model.sibling_specs if (key := version_key(version)) is not None and key > current_key]
    if not newer:
        return
    _, file, version = max(newer)
    others = f" (and {len(newer) - 1} more)" if len(newer) > 1 else ""
    pointer = model.spec_pointer
    if pointer is not None and pointer.spec_names:
        name, loc = pointer.spec_names[0]
    else:
        name, loc = (model.spec.file if model.spec else ""), Loc(model.spec.file if model.spec else file, 1)
    yield rule_.finding(
        f"{file} (v{version}) is newer than the current spec v{current}{others}; update SPEC_CURRENT.md or remove the unapproved spec",
        loc,
        name,
        file,
    )


@rule("SPEC-003", "warning", "Spec title version equals file name version")
def title_version(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2.5.2 Step 2: a new spec version is saved under a new
    versioned file name, and its title names that version. A title that
    disagrees with the file name (or names no version) makes readers quote
    the wrong version. A spec bundle has no such title: its modules carry
    the version in their front matter, which SPEC-007 checks."""
    spec = ctx.model.spec
    if spec is None or not spec.version or spec.bundle is not None:
        return  # a bundle's version is its manifest's; SPEC-007 judges the modules
    loc = spec.title_loc or Loc(spec.file, 1)
    if not spec.title_version:
        yield rule_.finding(
            f"the spec's title names no version; write v{spec.version} in it, as in the file name",
            loc,
            spec.title,
            spec.file,
        )
    elif not same_version(spec.title_version, spec.version):
        yield rule_.finding(
            f"the spec's title says v{spec.title_version} but its file name says v{spec.version}; make them agree",
            loc,
            spec.title,
            spec.file,
        )


@rule("SPEC-004", "warning", "Spec has a CHANGELOG entry for its own version")
def changelog_entry(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2.5.2 Step 2: every enrichment records what changed in
    the spec's CHANGELOG under the new version. The finding points at the
    newest changelog entry when there is one, else at the title.

    For a spec bundle the changelog is the manifest-declared JSONL file
    (ORCHESTRATOR_PROTOCOL, spec bundle write sequence: "Append/update the
    manifest-declared machine-readable changelog with version ..."); the
    modules' own text is read only when the bundle's changelog is not."""
    spec = ctx.model.spec
    if spec is None or not spec.version:
        return
    if any(same_version(version, spec.version) for version, _ in spec.changelog_versions):
        return
    if spec.changelog_versions:
        newest_version, newest_loc = max(spec.changelog_versions, key=lambda entry: version_key(entry[0]) or ())
        log = f"the changelog {spec.bundle.changelog}" if spec.bundle is not None and spec.bundle.changelog_read else "the CHANGELOG"
        message = f"{log} has no entry for v{spec.version} (newest entry: v{newest_version}); add one describing this version"
        yield rule_.finding(message, newest_loc, f"v{newest_version}", spec.file)
    elif spec.bundle is not None and spec.bundle.changelog_read:
        yield rule_.finding(
            f"the changelog {spec.bundle.changelog} has no entry for v{spec.version}; append one describing this version",
            Loc(spec.bundle.changelog, 1),
            "",
            spec.file,
        )
    else:
        loc = spec.title_loc or Loc(spec.file, 1)
        yield rule_.finding(
            f"the spec has no CHANGELOG entry for v{spec.version}; add a CHANGELOG section with an entry for this version",
            loc,
            spec.title,
            spec.file,
        )


def _finished(packet: Packet) -> bool:
    """Done / VALIDATED / Superseded, or no STATUS but validated PASS."""
    if packet.status in FINISHED_STATES:
        return True
    reports = packet.validation_reports
    return packet.status is Status.UNKNOWN and bool(reports) and reports[-1].verdict == "PASS"


@rule("SPEC-005", "warning", "Protocol files and active packets name the current spec")
def stale_spec_mentions(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Protocol Part 2.5.2 Step 3: after a spec update, the files that tell
    people which spec is current must be updated too.

    What counts as naming a version *as current* (the loader collects these
    into ``model.spec_version_mentions``): in a packet, the version in its
    ``SPEC_CURRENT:`` field (Authority section); in a protocol file
    (``docs/*PROTOCOL*.md``, START_HERE, ARCHITECTURE), a "Master Spec
    vNN.NN" on a line that also says current, latest or authoritative.
    Other mentions are history and are not judged.

    Only active packets are judged: a packet that is Done, VALIDATED or
    Superseded recorded the spec it was built against, which is correct
    history, not a stale pointer. A packet that records no STATUS at all
    (PKT-004 reports that) but whose latest validation report says PASS is
    finished work too: on the reference corpus these are eight validated
    packets, three of them archived as superseded.

    Packets are judged only where the profile in force keeps Step 3's
    "update spec references in all packets" (``spec_refs_in_packets``):
    later protocols make signed packets immutable and removed that step, so
    there only protocol files are judged."""
    model = ctx.model
    judge_packets = ctx.profile.spec_refs_in_packets if ctx.profile else True
    current = current_version(model)
    if version_key(current) is None:
        return
    for version, loc in model.spec_version_mentions:
        if same_version(version, current):
            continue
        packet = ctx.packets_by_file.get(loc.file)
        if packet is not None and (_finished(packet) or not judge_packets):
            continue
        where = f"active packet {packet.id}" if packet is not None else loc.file
        yield rule_.finding(
            f"{where} names Master Spec v{version} as current, but SPEC_CURRENT.md points at v{current}; update it",
            loc,
            f"v{version}",
            packet.id if packet is not None else loc.file,
        )
