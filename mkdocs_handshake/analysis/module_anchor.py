"""Resolving an anchor into a spec bundle module against the current bundle.

One function, :func:`resolve_module_anchor`, for every reader of such
anchors (markdown packets, JSON contracts, acceptance rows): given the raw
anchor (or an :class:`~mkdocs_handshake.model.packet.AnchorRef` read by
:mod:`.parse.module_anchors`) and the current :class:`Spec`, it says which
module and line the anchor lands on now, and whether it was written against
another bundle version.

How a fragment is looked up in the module of the current bundle that has
the same path inside the bundle (``spec-modules/02-...md``):

* a section number: the section of that number in that module, else the
  section of that number anywhere in the spec (the text moved module);
* ``L<n>``: line n of the module, with the section it falls in; a line of
  an older bundle is not followed (lines move between versions);
* a name: an ``id="name"`` / ``{#name}`` the module defines, else the
  heading a markdown renderer would give that id (``#steps`` is the
  "#### Steps" heading, not an earlier sentence about steps), else the first
  place its text writes the name, the fragment's ``-`` and ``_`` standing
  for any run of spaces or punctuation, case ignored (so
  ``role-mailbox-message-contract`` finds "Role Mailbox message contract");
* no fragment: the module itself.

An anchor whose bundle version is not the current one is ``pinned``: it is
resolved the same way, and the message says which version it cites.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from ..model.packet import AnchorRef
from ..model.basics import Loc
from ..model.spec import Section, Spec, SpecModule
from ..parse.markdown import slugify
from ..parse.module_anchors import fragment_kind, parse_module_anchor

_same_version_parts = re.compile(r"\d+")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in _same_version_parts.findall(version))


@dataclass(frozen=True)
class ModuleAnchor:
    """Where a module anchor lands in the current bundle.

    ``resolved``: the fragment was found (``module``/``line``/``section``
    say where); ``pinned``: the anchor cites bundle ``cited_version``, not
    the current one; ``message``: a sentence for a finding, "" when the
    anchor resolves in the current bundle as written."""

    raw: str
    resolved: bool
    pinned: bool
    cited_version: str
    kind: str  # "number" | "line" | "name" | "" (the module itself)
    module: str = ""  # path relative to root of the current module it lands in
    line: int = 0
    section: Section | None = None
    message: str = ""

    @property
    def loc(self) -> Loc | None:
        return Loc(self.module, self.line) if self.module and self.line else None


class _ModuleIndex:
    """Line starts and sections of one module, built once per spec."""

    def __init__(self, spec: Spec, module: SpecModule) -> None:
        self.module = module
        starts = [0]
        text = module.text
        position = text.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        self.starts = starts
        own = [section for section in spec.sections if section.loc.file == module.path]
        self.sections = [section for section in own if section.kind == "heading"]
        self.section_lines = [section.loc.line for section in self.sections]
        #: The id a markdown renderer gives each of the module's own headings
        #: (numbered ones with and without their number) -> its line; the
        #: first heading keeps an id two headings would share.
        self.heading_ids: dict[str, int] = {}
        for section in own:
            if section.kind in ("heading", "unnumbered"):
                for text in (section.title, f"{section.number} {section.title}" if section.number else ""):
                    if text:
                        self.heading_ids.setdefault(slugify(text), section.loc.line)
        #: Fragment name -> the line it resolves to (0: not found), worked
        #: out once: the matcher, the DONE rules and the traceability page
        #: each ask for a packet's anchors, and a name is a scan of the module.
        self.names: dict[str, int] = {}

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line_of_name(self, fragment: str) -> int:
        """The line a name fragment lands on: an ``id`` the module defines,
        else the heading a renderer gives that id, else the first place the
        text writes it; 0 when none."""
        found = self.names.get(fragment)
        if found is None:
            defined, written = _name_patterns(fragment)
            match = defined.search(self.module.text)
            found = self.line_of(match.start()) if match else self.heading_ids.get(slugify(fragment), 0)
            if not found:
                match = written.search(self.module.text)
                found = self.line_of(match.start()) if match else 0
            self.names[fragment] = found
        return found

    def section_at(self, line: int) -> Section | None:
        position = bisect.bisect_right(self.section_lines, line) - 1
        return self.sections[position] if position >= 0 else None


_INDEXES: dict[tuple[int, str], tuple[Spec, _ModuleIndex]] = {}
_NUMBERS: dict[int, tuple[Spec, Mapping[str, tuple[Section, ...]]]] = {}


def _index(spec: Spec, module: SpecModule) -> _ModuleIndex:
    key = (id(spec), module.path)
    kept = _INDEXES.get(key)
    if kept is None or kept[0] is not spec:
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        kept = (spec, _ModuleIndex(spec, module))
        _INDEXES[key] = kept
    return kept[1]


@lru_cache(maxsize=1024)
def _name_patterns(fragment: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    escaped = re.escape(fragment)
    defined = re.compile(r"""(?:\bid\s*=\s*["']""" + escaped + r"""["']|\{#""" + escaped + r"\})")
    parts = [re.escape(part) for part in re.split(r"[-_]+", fragment) if part]
    written = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(parts) + r"(?![^\W_])", re.IGNORECASE)
    return defined, written


def _current_module(spec: Spec, inner: str) -> SpecModule | None:
    bundle = spec.bundle
    if bundle is None:
        return None
    wanted = inner.strip("/").casefold()
    for module in bundle.modules:
        if module.bundle_path.strip("./").casefold() == wanted or module.path.casefold().endswith("/" + wanted):
            return module
    return None


def _by_number(spec: Spec, number: str, module: SpecModule) -> tuple[Section | None, bool]:
    """The section of that number, preferring the module's own; the flag
    is True when it lies in another module."""
    kept = _NUMBERS.get(id(spec))
    if kept is None or kept[0] is not spec:
        _NUMBERS.clear()
        kept = (spec, spec.by_number())
        _NUMBERS[id(spec)] = kept
    found = kept[1].get(number, ())
    if not found:
        return None, False
    own = [section for section in found if section.loc.file == module.path]
    for group, moved in ((own, False), (list(found), True)):
        for section in group:
            if not section.duplicate:
                return section, moved
        if group:
            return group[0], moved
    return None, False


def resolve_module_anchor(anchor: AnchorRef | str, spec: Spec | None, loc: Loc | None = None) -> ModuleAnchor | None:
    """Resolve a module anchor (raw text or a parsed :class:`AnchorRef`)
    against ``spec``, the current spec. None when ``anchor`` is not a module
    anchor at all (no ``.md`` path inside a versioned folder)."""
    if isinstance(anchor, str):
        parsed = parse_module_anchor(anchor, loc or Loc("", 1))
        if parsed is None:
            return None
        anchor = parsed
    if not anchor.module:
        return None
    fragment = anchor.fragment
    kind = fragment_kind(fragment)
    cited = anchor.pinned_version
    target = f"{anchor.module}#{fragment}" if fragment else anchor.module
    if spec is None or spec.bundle is None:
        return ModuleAnchor(anchor.raw, False, False, cited, kind, message=f"the anchor cites {target} of spec bundle v{cited}, but the current spec is not a bundle")
    bundle = spec.bundle
    pinned = bool(cited) and _version_key(cited) != _version_key(bundle.version)
    pin = f"the anchor cites bundle v{cited}, the current one is v{bundle.version}; " if pinned else ""
    module = _current_module(spec, anchor.module)
    if module is None or not module.present:
        return ModuleAnchor(anchor.raw, False, pinned, cited, kind, message=f"{pin}the current bundle v{bundle.version} has no module {anchor.module}")
    if kind == "":
        return ModuleAnchor(anchor.raw, True, pinned, cited, kind, module.path, 1, None, pin.rstrip("; ") if pinned else "")
    if kind == "number":
        number = anchor.number or fragment.lstrip("§").strip().rstrip(".")
        section, moved = _by_number(spec, number, module)
        if section is None:
            swallowed = next((loc for written, loc in spec.swallowed_headings if written == number), None)
            why = f", written at {swallowed} inside a code block that swallows it (PARSE-006)" if swallowed else ""
            return ModuleAnchor(anchor.raw, False, pinned, cited, kind, module.path, message=f"{pin}§{number} is not a section of the current bundle v{bundle.version}{why}")
        where = f"; §{number} is now in {section.loc.file}:{section.loc.line}" if moved or pinned else ""
        return ModuleAnchor(anchor.raw, True, pinned, cited, kind, section.loc.file, section.loc.line, section, (pin.rstrip("; ") + where) if (pinned or moved) else "")
    index = _index(spec, module)
    if kind == "line":
        number = int(fragment[1:])
        if pinned:
            return ModuleAnchor(anchor.raw, False, True, cited, kind, module.path, message=f"{pin}a line number of an older version cannot be followed into the current module; cite a section number")
        if not 0 < number <= len(index.starts):
            return ModuleAnchor(anchor.raw, False, False, cited, kind, module.path, message=f"{module.path} has {len(index.starts)} lines, not {number}")
        return ModuleAnchor(anchor.raw, True, False, cited, kind, module.path, number, index.section_at(number))
    line = index.line_of_name(fragment)
    if not line:
        return ModuleAnchor(anchor.raw, False, pinned, cited, kind, module.path, message=f"{pin}{module.path} of the current bundle v{bundle.version} neither defines nor mentions {fragment!r}")
    note = f"{pin}{fragment!r} is now at {module.path}:{line}" if pinned else ""
    return ModuleAnchor(anchor.raw, True, pinned, cited, kind, module.path, line, index.section_at(line), note)
