"""PKT-025: generated markdown projections match the JSON they were
generated from (issue 20).

In the contract era the JSON is the authority and the markdown beside it a
generated view: every role protocol says "If a Markdown projection
conflicts with its source contract, the source contract wins and the
projection is drift", and asks that a change "regenerate ... the
projection in the same change". What "in sync" means is the repository's
own library's: the contract records the hashes of itself and of the
projection's body, the projection's header carries them too, and both must
be what the two files hash to today (:mod:`mkdocs_handshake.parse.projection`
computes them the library's way). The JSON traceability registry renders
its markdown the same way, one row per entry.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..findings.finding import Finding
from ..model.basics import Lifecycle, Loc
from ..model.packet import Packet, ProjectionSync
from .base import Rule, rule
from .context import RuleContext

#: How many files or rows a folded finding names before "and N more".
_EXAMPLES = 5
#: Where an excerpt of a long line stops (it stays the line's exact text).
_EXCERPT = 120

_CAUSES = ("missing", "header", "body", "source", "record")


def _name(path: str) -> str:
    return PurePosixPath(path).name


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def causes(item: ProjectionSync) -> tuple[str, ...]:
    """Why one contract and its projection are out of sync, in the order
    a reader would check: the file is missing, it has no header, its body
    changed, the contract changed, the header disagrees with the record."""
    if not item.found:
        return ("missing",)
    found = [] if item.header else ["header"]
    if item.body_drift:
        found.append("body")
    if item.source_drift:
        found.append("source")
    if item.header_drift:
        found.append("record")
    return tuple(found)


def _at(item: ProjectionSync, token: str) -> tuple[Loc, str]:
    """The projection's header line at ``token`` (its first line, from
    the start, when the token is not on it)."""
    column = item.line_text.find(token) if token else -1
    if column < 0:
        return Loc(item.path, item.header_line, 1), item.line_text[:_EXCERPT]
    return Loc(item.path, item.header_line, column + 1), token


def _where(item: ProjectionSync, cause: str) -> tuple[Loc, str, str]:
    """Location, excerpt and one detail line for one pair and cause."""
    projection = item.path
    contract = _name(item.contract)
    if cause == "missing":
        return item.loc, item.path, f"{item.contract}: {item.status}, but {projection} does not exist"
    if cause == "header":
        loc, excerpt = _at(item, "")
        return loc, excerpt, f"{projection}: no generated-projection header (its contract is {contract})"
    if cause == "body":
        loc, excerpt = _at(item, f"projection_hash={item.header_projection}" if item.header else "")
        return loc, excerpt, f"{projection}: body hashes to {item.projection_hash}, {contract} records {item.recorded_projection or '<none>'}"
    if cause == "source":
        return item.source_loc, item.recorded_source, f"{item.contract}: hashes to {item.source_hash}, records source_hash {item.recorded_source or '<none>'}"
    loc, excerpt = _at(item, f"source_hash={item.header_source}")
    return loc, excerpt, (
        f"{projection}: header records source_hash {item.header_source or '<none>'} / projection_hash {item.header_projection or '<none>'}, "
        f"{contract} records {item.recorded_source or '<none>'} / {item.recorded_projection or '<none>'}"
    )


def _what(cause: str, count: int, names: str) -> str:
    plural = count > 1
    return {
        "missing": f"the projection{'s' if plural else ''} {names} that {'their contracts say are' if plural else 'its contract says is'} generated in sync {'do' if plural else 'does'} not exist",
        "header": f"{names} {'do' if plural else 'does'} not open with the HANDSHAKE_GENERATED_PROJECTION header {'their contracts record' if plural else 'its contract records'}",
        "body": f"the bod{'ies' if plural else 'y'} of {names} no longer hash{'' if plural else 'es'} to the projection_hash {'their contracts record' if plural else 'its contract records'}: changed after {'they were' if plural else 'it was'} generated",
        "source": f"the contract{'s' if plural else ''} {names} no longer hash{'' if plural else 'es'} to the source_hash {'they record' if plural else 'it records'}: changed after {'their projections were' if plural else 'its projection was'} generated",
        "record": f"the header{'s' if plural else ''} of {names} record{'' if plural else 's'} other hashes than {'their contracts' if plural else 'its contract'}",
    }[cause]


def _remedy(ctx: RuleContext, packet: Packet, contracts: list[str]) -> str:
    """The protocol's fix: the projection made again from its contract.
    The profile's command is named only when its script is there and it
    regenerates these contracts' markdown; for contracts it rebuilds from
    their markdown (June's import rebuilds refinement and micro-task
    contracts so) naming it would carry the drift into the authority."""
    profile = ctx.profile
    pmap = profile.projection if profile else None
    command = pmap.command.format(wp=packet.id) if pmap and pmap.command else ""
    if command and pmap and pmap.command_file and not (Path(ctx.model.root) / pmap.command_file).is_file():
        command = ""
    rebuilt = bool(command and pmap and pmap.command_rebuilds) and all(
        any(fnmatch.fnmatchcase(PurePosixPath(contract).name, pattern) for pattern in pmap.command_rebuilds) for contract in contracts  # type: ignore[union-attr]
    )
    base = "the contract is the authority (the projection is drift): regenerate the projection from it"
    if rebuilt:
        return f"{base}, never by editing the markdown; not with `{command}`, which rebuilds these contracts from their markdown and would carry the drift into them"
    how = f"with `{command}`" if command else "with the repository's projection generator"
    return f"{base} {how}, never by editing the markdown"


@rule("PKT-025", "warning", "Generated projections match the JSON they are generated from")
def projections_in_sync(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Role protocols (June 2026): "If a Markdown projection conflicts with
    its source contract, the source contract wins and the projection is
    drift", and a change must "regenerate ... the projection in the same
    change". A contract of a live packet's folder (``packet.json``,
    ``refinement.json``, ``MT-*.json``: the profile's
    ``projection.contracts``) whose ``markdown_projection.status`` says
    the projection is generated and current must have that file, opening
    with the generated header, and the contract's and the header's hashes
    must be what the contract and the projection's body hash to today,
    computed as the repository's ``packet-contract-lib.mjs`` does. One
    finding per packet and cause (file missing, header missing, body
    changed, contract changed, header and record disagree), naming the
    files. The fix is the repository's generator, not an edit of the
    markdown. Closed packets are not judged: ORCH "Do not mutate a locked
    historical packet merely to make modern gates green". A contract that
    says its projection is pending or not generated claims nothing.

    The JSON traceability registry that names its markdown projection and
    says it is generated from the JSON (``rendered_md_projection_policy``)
    must show the rows its entries render to (the profile's
    ``projection.registry.tables``): one finding naming the rows that
    differ, at the first; the fix is the registry's own writer."""
    for packet in ctx.model.packets:
        if packet.lifecycle is not Lifecycle.ACTIVE or not packet.projections:
            continue
        for cause in _CAUSES:
            hit = [item for item in packet.projections if cause in causes(item)]
            if not hit:
                continue
            places = [_where(item, cause) for item in hit]
            names = [_name(item.path if cause != "source" else item.contract) for item in hit]
            loc, excerpt, _detail = places[0]
            yield rule_.finding(
                f"{packet.id}: {_what(cause, len(hit), _some(names))}; {_remedy(ctx, packet, [item.contract for item in hit])}",
                loc, excerpt, packet.id, details=tuple(detail for _loc, _excerpt, detail in places),
            )
    yield from _registry(rule_, ctx)


def _registry(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    registry = ctx.model.registry
    if registry is None or not registry.projection_rows:
        return
    rows = registry.projection_rows
    first = rows[0]
    pmap = ctx.profile.projection if ctx.profile else None
    command = f" (`{pmap.registry_command}` writes the JSON and renders the markdown again)" if pmap and pmap.registry_command else ""
    keys = list(dict.fromkeys(row.key for row in rows))
    details = []
    for row in rows:
        if row.shown and row.expected:
            details.append(f"{row.loc}: shows {row.shown!r}; the JSON renders {row.expected!r}")
        elif row.shown:
            details.append(f"{row.loc}: shows {row.shown!r}, which no JSON entry renders")
        else:
            details.append(f"{row.loc}: the JSON entry renders {row.expected!r}, which the markdown does not show")
    yield rule_.finding(
        f"the registry's generated projection {registry.projection} does not show what its JSON authority {registry.file} holds "
        f"for {len(keys)} row{'s' if len(keys) > 1 else ''} ({_some(keys)}); the JSON is the authority: regenerate the markdown from it{command}, never by editing the markdown",
        first.loc, (first.shown or first.expected)[:_EXCERPT], registry.projection, details=tuple(details),
    )
