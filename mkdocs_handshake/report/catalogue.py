"""The rules catalogue: which rules each shipped protocol era applies, and
how each era's files are found and read.

The protocol changes every few weeks, and a person reading a finding (or
deciding whether a rule should fire on their repository) needs to see, in
one place, that a rule belongs to one era and not another. The profiles are
the truth; this renders them. ``mkdocs-handshake rules`` prints it and the
README carries a copy that a test keeps equal to it.
"""

from __future__ import annotations

from typing import Sequence

from ..protocol.profiles import Profile
from ..rules import REGISTRY

#: Shown in a cell for a rule an era does not apply.
NOT_APPLIED = "–"


def _cell(text: str) -> str:
    """Text in a markdown table cell: a ``|`` would end the cell."""
    return text.replace("|", "\\|")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows)
    return lines


def rules_table(profiles: Sequence[Profile]) -> list[str]:
    """One row per registered rule; per era, the packets it judges
    (``active``: packets still in play, ``all``: history too, with ``*`` when
    the clause binds packets written before it) or ``–`` when the era does
    not apply it."""
    rows = []
    for rule_id in sorted(REGISTRY):
        rule = REGISTRY[rule_id]
        cells = [rule_id, rule.severity.value, rule.title]
        for profile in profiles:
            use = profile.rules.get(rule_id)
            cells.append(NOT_APPLIED if use is None else use.scope + ("*" if use.retroactive else ""))
        rows.append(cells)
    return _table(["rule", "severity", "checks", *(profile.id for profile in profiles)], rows)


def readers_table(profiles: Sequence[Profile]) -> list[str]:
    """One row per era: how the repository shows it is in that era, and
    where and how its packets, registry and stubs are read."""
    rows = []
    for profile in profiles:
        recognised = []
        if profile.packet_format_from:
            recognised.append(f"PACKET_FORMAT_VERSION from {profile.packet_format_from}")
        recognised.extend(f"`{marker}`" for marker in profile.markers)
        schemas = ", ".join(f"`{schema}`" for schema in profile.contract.schema_ids)
        rows.append([
            profile.id,
            "; ".join(recognised) or "the default",
            " → ".join(profile.packet_readers),
            schemas or NOT_APPLIED,
            f"`{profile.registry}`" if profile.registry else NOT_APPLIED,
            f"`{profile.stubs}` ({', '.join(f'`{pattern}`' for pattern in profile.stub_patterns)})" if profile.stubs else NOT_APPLIED,
        ])
    return _table(["era", "recognised by", "packet readers, in resolution order", "contract schemas", "registry", "stubs"], rows)


def catalogue(profiles: Sequence[Profile]) -> str:
    """Both tables as markdown, the eras in the order given (oldest first)."""
    lines = ["Rules by era (`active`: packets still in play; `all`: closed and superseded packets too; "
             "`*`: also packets written before the clause; `–`: not applied in that era):", ""]
    lines += rules_table(profiles)
    lines += ["", "How each era is recognised and read:", ""]
    lines += readers_table(profiles)
    return "\n".join(lines) + "\n"
