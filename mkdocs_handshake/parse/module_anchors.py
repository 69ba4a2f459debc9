"""Reading spec anchors written as a path into a spec bundle module.

Since the Master Spec became a bundle of modules, contracts and packets
anchor it by module path and fragment::

    .GOV/spec/master-spec-v02.185/spec-modules/02-system-architecture.md#2.3.13.10
    .GOV/spec/master-spec-v02.186/spec-modules/02-system-architecture.md#role-mailbox-message-contract
    .GOV/spec/master-spec-v02.192/spec-modules/07-user-experience-and-development.md#L1158

Reading rules: a module anchor is a ``.md`` path with a folder whose name
carries a version (``master-spec-v02.185``), optionally followed by
``#fragment``. The folder's version becomes the anchor's
``pinned_version`` and the whole path its ``spec_file``, so the rules can
tell an anchor into the current bundle from one into an older bundle, as
they tell ``§7.6.3.15 (v02.36)`` from ``§7.6.3.15``. The fragment is:
a section number (``2.3.13.10``, a leading ``§`` allowed) -> ``number``;
a line (``L1158``) or a name (``KernelActionCatalogV1``,
``role-mailbox-message-contract``) -> kept in ``fragment`` for
:func:`mkdocs_handshake.analysis.module_anchor.resolve_module_anchor`. Where the
module path sits inside the bundle (``spec-modules/02-...md``) is kept in
``module``. Nothing here knows a bundle's folder or file names.
"""

from __future__ import annotations

import re

from ..model.packet import AnchorRef
from ..model.basics import Loc

MODULE_ANCHOR = re.compile(
    r"(?P<path>(?:[\w.-]+/)*?(?P<bundle>[\w.-]*?v(?P<version>\d+(?:\.\d+)+))/(?P<inner>(?:[\w.-]+/)*[\w.-]+\.md))"
    r"(?:#(?P<fragment>[^\s,;)\]}\"'`<>|]+))?",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^§?\s*((?:\d{1,3}|[A-Z]\d{1,3})(?:\.\d{1,4})*)\.?$")
_LINE = re.compile(r"^L(\d+)$")


def fragment_kind(fragment: str) -> str:
    """``"number"``, ``"line"``, ``"name"`` or ``""`` (no fragment)."""
    if not fragment:
        return ""
    if _LINE.match(fragment):  # a line, as code hosts write it (never appendix "L")
        return "line"
    if _NUMBER.match(fragment):
        return "number"
    return "name"


def _anchor(match: re.Match[str], loc: Loc) -> AnchorRef:
    fragment = (match.group("fragment") or "").rstrip(".")
    number_match = _NUMBER.match(fragment) if fragment_kind(fragment) == "number" else None
    return AnchorRef(
        raw=match.group(0),
        loc=Loc(loc.file, loc.line, loc.column + match.start()),
        number=number_match.group(1) if number_match else "",
        pinned_version=match.group("version"),
        spec_file=match.group("path"),
        module=match.group("inner"),
        fragment=fragment,
        label="" if number_match else fragment,
    )


def parse_module_anchor(raw: str, loc: Loc) -> AnchorRef | None:
    """The module anchor in ``raw`` (the first, when it holds several), or
    None when it names no file inside a versioned folder. ``loc`` is where
    ``raw`` starts; the anchor's column is that of its path."""
    match = MODULE_ANCHOR.search(raw.replace("\\", "/"))
    return _anchor(match, loc) if match else None


def find_module_anchors(text: str, loc: Loc) -> list[AnchorRef]:
    """Every module anchor in ``text`` (a SPEC_ANCHOR value may list several)."""
    return [_anchor(match, loc) for match in MODULE_ANCHOR.finditer(text.replace("\\", "/"))]
