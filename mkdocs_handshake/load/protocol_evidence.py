"""Which profile a repository is judged by: its packet template and protocol
text, read as evidence, and the reason recorded in :class:`ProtocolInfo`."""

from __future__ import annotations

from pathlib import Path

from ..repository.discover import walk_names
from ..repository.layout import Layout
from ..model.records import ProtocolInfo
from ..protocol.profiles import Evidence, Profile, choose_profile, load_profile, shipped
from ..protocol.template import TemplateFacts, missing_phrases, moved_target, template_facts
from .file_reader import Collector


def _candidate_profiles(layout: Layout) -> list[Profile]:
    """The profiles whose layouts say where to look for a template and
    protocol text: the forced one, or every shipped one (newest first)."""
    if layout.profile != "auto":
        return [load_profile(layout.profile, layout.root.as_posix())]
    return [load_profile(name) for name in reversed(shipped())]


def existing_or_found(layout: Layout, paths: list[str]) -> list[str]:
    """``paths`` that exist; when none does, the files under the root that
    bear one of their names (a repository that moved its governance)."""
    present = [path for path in paths if "*" not in path and (layout.root / path).is_file()]
    # A pattern (``.GOV/roles/*/*_PROTOCOL.md``: one protocol per role
    # folder) stands for every file it matches.
    present += sorted(
        path.relative_to(layout.root).as_posix() for pattern in paths if "*" in pattern for path in layout.root.glob(pattern) if path.is_file()
    )
    if present:
        return list(dict.fromkeys(present))
    found = walk_names(layout.root, {Path(path).name for path in paths if "*" not in path})
    return sorted({path for matches in found.values() for path in matches})


def _read_template(out: Collector, candidates: list[Profile]) -> tuple[str, TemplateFacts | None]:
    """The repository's packet template (a MOVED shim followed once)."""
    paths = existing_or_found(out.layout, list(dict.fromkeys(path for profile in candidates for path in profile.template_paths)))
    for path in paths:
        read = out.read(path, required=False, what="packet template")
        if read is None:
            continue
        src = read[0]
        target = out.derived("template_moved", src, moved_target)
        if target:
            moved = out.read(target, required=False, what="packet template")
            if moved is None:
                continue
            path, src = target, moved[0]
        return path, out.derived("template_facts", src, template_facts)
    return "", None


def read_protocol_evidence(out: Collector, layout: Layout) -> tuple[ProtocolInfo, Profile]:
    """Choose the profile the repository is judged by, and record why."""
    candidates = _candidate_profiles(layout)
    template_file, facts = _read_template(out, candidates)
    texts: list[str] = []
    protocol_files: list[str] = []
    for path in existing_or_found(layout, list(dict.fromkeys(path for profile in candidates for path in profile.protocol_paths))):
        read = out.read(path, required=False, what="protocol file")
        if read:
            protocol_files.append(path)
            texts.append(read[0].text)
    if template_file:
        texts.append(out.sources[template_file].text)
    folded = "\n".join(texts).casefold()
    evidence = Evidence(template_file, frozenset(facts.labels) if facts else frozenset(), facts.format_version if facts else "", folded)
    if layout.profile != "auto":
        profile, reason, certain = candidates[0], f"the 'profile' option names {layout.profile}", True
    else:
        profile, reason, certain = choose_profile(evidence)
    info = ProtocolInfo(
        profile=profile.id,
        profile_source=profile.source,
        reason=reason,
        certain=certain,
        template_file=template_file,
        template_labels=facts.labels if facts else (),
        template_sections=facts.sections if facts else (),
        packet_format_version=facts.format_version if facts else "",
        protocol_files=tuple(protocol_files),
        missing_phrases=missing_phrases(profile.evidence_phrases(), folded) if protocol_files else (),
    )
    return info, profile
