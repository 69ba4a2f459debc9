"""Work-packet ids: how they are written and how variants relate.

The parsers find ids in prose, and the board rules, the phase gate and the
DAG all group ``WP-1-X`` with its ``-v2``/``-v3`` variants. Each had its own
pattern, and they disagreed on case (``-V2``); one definition here keeps a
packet's family the same everywhere it is judged or drawn.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .packet import Packet

# The phase part of a WP id: digits (``WP-1-...``) or, from 2026, an
# upper-case track name followed by a number (``WP-KERNEL-005``; the
# repository's own contract schema allows any ``WP-[A-Za-z0-9]...``). The
# track must be followed by ``-<digit>`` so prose such as ``WP-ID-...`` or a
# template's ``WP-{phase}`` is not read as an id.
PHASE = r"(?:\d+|[A-Z][A-Z0-9]+(?=-\d))"

# A WP id as written in prose: ``WP-<phase>-<name>``; callers trim trailing
# punctuation the character class lets through ("WP-1-Foo." at a sentence end).
WP_ID = re.compile(rf"WP-{PHASE}-[A-Za-z0-9.\-]+")

_VARIANT = re.compile(r"^(?P<base>.+)-v(?P<n>\d+)$", re.IGNORECASE)


def variant_of(wp: str) -> tuple[str, int]:
    """``(family base, version)``: ``WP-1-X`` is version 1 of ``WP-1-X``;
    ``WP-1-X-v3`` is version 3 of it (Part 5.6 names variants ``-v2``)."""
    match = _VARIANT.match(wp)
    if match:
        return match.group("base"), int(match.group("n"))
    return wp, 1


def variant_base(wp: str) -> str:
    """``WP-1-Foo-v3`` -> ``WP-1-Foo``; other ids are their own base."""
    return variant_of(wp)[0]


# A whole WP id (a file stem or a declared TASK_ID): phase digits, a name of
# letters, digits, "." and "-" that starts and ends with a letter or digit.
WP_ID_FULL = re.compile(rf"^WP-{PHASE}-[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$")


def packet_aliases(packets: Iterable[Packet]) -> dict[str, str]:
    """Every name a packet can be referred to by -> its ``Packet.id``.

    A packet is its file name (the board and most references use it), and
    also the id it declares in TASK_ID / WP_ID (``WP-1-Storage-Foundation-v2``
    written in ``WP-1-Storage-Foundation-20251228.md``): a reference by
    either must resolve, or a dependency on the declared id reads as a
    missing packet. A file name always wins over another packet's declared
    id, and the first packet declaring an id keeps it."""
    aliases: dict[str, str] = {}
    packets = list(packets)
    for packet in packets:
        aliases.setdefault(packet.id, packet.id)
    for packet in packets:
        if packet.declared_id:
            aliases.setdefault(packet.declared_id, packet.id)
    return aliases


def stub_id(path: str) -> str:
    """A stub's WP id from its file: ``.../WP-1-X.md`` and
    ``.../WP-1-X.contract.json`` (the contract era writes both, or the
    contract alone) are both ``WP-1-X``."""
    name = path.rsplit("/", 1)[-1]
    for suffix in (".contract.json", ".json", ".md"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
