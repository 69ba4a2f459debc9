"""SPEC rules for an indexed Master Spec bundle: its manifest holds.

From May 2026 SPEC_CURRENT names a bundle (``master-spec-vNN.NNN/``) whose
``indexed-spec-manifest.json`` is the hash and order authority for its
modules, with a resolver ``INDEX.json`` and a JSONL changelog beside it
(see :mod:`mkdocs_handshake.parse.spec_bundle`). The orchestrator
protocol's write sequence for a new spec version requires every active
module and the manifest to carry the version SPEC_CURRENT names, the
manifest's hashes and byte counts to be updated whenever module bytes
change, and SPEC_CURRENT to move to the new bundle "only after the new
manifest, resolver index, modules, and changelog are internally
consistent". These rules check that consistency; they say nothing when the
spec is a single markdown file. That the changelog has an entry for the
current version is SPEC-004's check, which reads the bundle's changelog.
"""

from __future__ import annotations

from typing import Iterator

from ..findings.finding import Finding
from ..model.basics import Loc
from ..model.spec import SpecBundle
from .base import Rule, rule
from .context import RuleContext
from .spec import same_version

_LISTED = 6  # modules named in one message


def _bundle(ctx: RuleContext) -> SpecBundle | None:
    return ctx.model.spec.bundle if ctx.model.spec is not None else None


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


@rule("SPEC-006", "error", "Spec modules match their manifest hashes and byte counts")
def module_hashes(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL, spec bundle write sequence: "When module bytes
    change, update the affected ``modules[].sha256``, line/byte/heading
    metadata"; the bundle README makes each module authoritative only
    through its hash and manifest entry. A module whose bytes differ from
    its entry is one finding at the module's manifest entry.

    A difference a checkout's line-ending conversion alone explains (the
    file has no carriage returns where the manifest counted up to one more
    byte per line, or the reverse) is not reported: the same commit gives
    either bytes depending on the machine, and the content cannot be judged
    from this copy. A module the manifest names but the checkout lacks is
    PARSE-001's finding."""
    bundle = _bundle(ctx)
    if bundle is None:
        return
    for module in bundle.modules:
        if module.integrity() != "mismatch":
            continue
        parts = []
        if module.expected_sha256 and module.sha256 != module.expected_sha256:
            parts.append(f"sha256 {module.sha256[:12]}… where the manifest says {module.expected_sha256[:12]}…")
        if module.expected_byte_count >= 0 and module.byte_count != module.expected_byte_count:
            parts.append(f"{module.byte_count} bytes where the manifest says {module.expected_byte_count}")
        yield rule_.finding(
            f"spec module {module.path} has {' and '.join(parts)}; the module changed after the manifest was written: "
            "update its manifest entry (and the reconstruction hash) or restore the module",
            module.manifest_loc,
            module.bundle_path,
            module.path,
        )


@rule("SPEC-007", "error", "Every spec module carries the bundle's spec_version")
def module_versions(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL, spec bundle write sequence: "Ensure every
    active module and the manifest carry the same ``spec_version`` as the
    new ``SPEC_CURRENT.current_spec.version``". One finding for a manifest
    whose version differs from the one SPEC_CURRENT names (at SPEC_CURRENT),
    and one per module whose front matter (or manifest entry) names another
    version or none (at the module's front matter, else its entry)."""
    bundle = _bundle(ctx)
    if bundle is None:
        return
    pointer = ctx.model.spec_pointer
    if pointer is not None and pointer.version and bundle.version and not same_version(pointer.version, bundle.version):
        named = pointer.value_of("current_spec.version")
        loc = named[1] if named else Loc(pointer.file, 1)
        yield rule_.finding(
            f"SPEC_CURRENT says the current spec is v{pointer.version}, but the manifest it names ({bundle.manifest}) is v{bundle.version}; make them agree",
            loc,
            f"v{pointer.version}",
            bundle.manifest,
        )
    if not bundle.version:
        yield rule_.finding(
            f"the spec manifest {bundle.manifest} names no spec_version; write the bundle's version in it",
            bundle.version_loc,
            "",
            bundle.manifest,
        )
        return
    for module in bundle.modules:
        if not module.present:
            continue
        if not module.declared_version:
            yield rule_.finding(
                f"spec module {module.path} declares no spec_version in its front matter; the bundle is v{bundle.version}",
                Loc(module.path, 1),
                "",
                module.path,
            )
        elif not same_version(module.declared_version, bundle.version):
            yield rule_.finding(
                f"spec module {module.path} declares spec_version v{module.declared_version}, but its bundle is v{bundle.version}; update the module's front matter (and check its text is this version's)",
                module.declared_version_loc or Loc(module.path, 1),
                f"v{module.declared_version}",
                module.path,
            )
        elif module.manifest_version and not same_version(module.manifest_version, bundle.version):
            yield rule_.finding(
                f"the manifest entry of {module.bundle_path} says spec_version v{module.manifest_version}, but the bundle is v{bundle.version}; update the entry",
                module.manifest_loc,
                f"v{module.manifest_version}",
                module.path,
            )


@rule("SPEC-008", "warning", "The resolver index agrees with the manifest")
def resolver_index(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """ORCHESTRATOR_PROTOCOL, spec bundle write sequence: inspect the new
    bundle's ``INDEX.json`` and manifest, and move SPEC_CURRENT "only after
    the new manifest, resolver index, modules, and changelog are internally
    consistent". The index is what tools use to find the module that owns a
    section, so an index of another version or another module list sends
    them to the wrong text. Reported at the index: its version when it
    differs from the manifest's; the modules one lists and the other does
    not; the modules whose hashes differ (one finding naming them all)."""
    bundle = _bundle(ctx)
    if bundle is None or not bundle.index_read:
        return
    index = bundle.resolver_index
    if bundle.index_version and bundle.version and not same_version(bundle.index_version, bundle.version):
        yield rule_.finding(
            f"the resolver index {index} is v{bundle.index_version}, but the manifest it serves is v{bundle.version}; regenerate the index for this bundle",
            bundle.index_version_loc or Loc(index, 1),
            f"v{bundle.index_version}",
            index,
        )
    listed = {path: (sha, loc) for path, sha, loc in bundle.index_modules}
    in_manifest = {module.bundle_path: module for module in bundle.modules}
    missing = [path for path in in_manifest if path not in listed]
    extra = [path for path in listed if path not in in_manifest]
    if missing or extra:
        said = []
        if missing:
            said.append(f"lacks {_listed(missing)}")
        if extra:
            said.append(f"lists {_listed(extra)}, which the manifest does not")
        loc = listed[extra[0]][1] if extra else Loc(index, 1)
        yield rule_.finding(f"the resolver index {index} {' and '.join(said)}; it must list the manifest's modules", loc, (extra or missing)[0], index)
    differing = [
        path for path, (sha, _loc) in listed.items()
        if path in in_manifest and sha and in_manifest[path].expected_sha256 and sha != in_manifest[path].expected_sha256
    ]
    if differing:
        yield rule_.finding(
            f"the resolver index {index} gives other hashes than the manifest for {len(differing)} module(s): {_listed(differing)}; regenerate the index",
            listed[differing[0]][1],
            differing[0],
            index,
        )
