"""Synthetic governance repos of any size, grown from the embedded template.

Every generated packet is a copy of one of the template packets in
``site_template/docs/task_packets`` (taken round-robin) with:

* its id renamed to ``WP-1-Gen-NNNNN`` (file name, TASK_ID, WP_ID, every
  mention), and mentions of the *other* template packets pointed at a real
  generated packet, so prose references still resolve;
* 0-3 ``Depends on`` entries, all on earlier packets (the graph is a DAG),
  and a ``Blocks`` line that is the exact inverse, so DEP-004 has something
  to compare;
* a unique signature ``maria`` + DDMMYYYYHHMM whose moment moves forward by
  a random 7 to 180 minutes per packet; the packet's DATE, the audit row,
  and the gate log's REFINEMENT/SIGNATURE events all use that moment.

The task board is the template board with each packet line repeated for the
generated packets of that template (same column, same label), the audit log
is the template log with its packet rows replaced, and the spec,
SPEC_CURRENT, Codex and protocol files are copied unchanged. Generation is
seeded, so the same size always gives the same repo.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from _common import REPO

TEMPLATE = REPO / "site_template"
PACKETS = "docs/task_packets"
USER = "maria"
START = dt.datetime(2026, 11, 2, 17, 0)
_WP = re.compile(r"WP-1-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_BOARD_ENTRY = re.compile(r"^(\s*)(?:[-*]|(\d+)\.)(\s+\*\*\[)(WP-[^\]]+)(\]\*\*.*)$")
_FIELD = re.compile(r"^(\s*- \*\*(Depends on|Blocks)\*\*:).*$", re.MULTILINE)
_DATE = re.compile(r"^(- DATE:).*$", re.MULTILINE)
_UPDATED = re.compile(r"^(\*\*Last Updated:\*\*).*$", re.MULTILINE)
_LOCKED = re.compile(r"^(\*\*User Signature Locked:\*\*).*$", re.MULTILINE)


@dataclass(frozen=True)
class GenPacket:
    id: str
    template: str
    depends_on: tuple[str, ...]
    signed: dt.datetime

    @property
    def signature(self) -> str:
        return USER + self.signed.strftime("%d%m%Y%H%M")


@dataclass(frozen=True)
class SyntheticRepo:
    root: Path
    packets: tuple[GenPacket, ...]

    @property
    def as_of(self) -> dt.date:
        """The day after the last signature, so no signature lies in the future."""
        return (self.packets[-1].signed + dt.timedelta(days=1)).date() if self.packets else START.date()


def template_packets() -> dict[str, str]:
    """Template packet id -> text, sorted by id."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted((TEMPLATE / PACKETS).glob("WP-*.md"))}


def plan(count: int, templates: list[str], seed: int = 20251227) -> tuple[GenPacket, ...]:
    """Ids, templates, dependencies and signing moments of ``count`` packets."""
    rng = random.Random(seed)
    moment = START
    packets: list[GenPacket] = []
    for number in range(1, count + 1):
        earlier = [packet.id for packet in packets[-200:]]
        depends = tuple(sorted(rng.sample(earlier, min(len(earlier), rng.randint(0, 3)))))
        moment += dt.timedelta(minutes=rng.randint(7, 180))
        packets.append(GenPacket(f"WP-1-Gen-{number:05d}", templates[(number - 1) % len(templates)], depends, moment))
    return tuple(packets)


def _renamer(packet: GenPacket, templates: dict[str, str], fallback: str) -> Callable[[re.Match[str]], str]:
    """Replace the packet's own template id with its new id, other template
    ids with a generated packet it really relates to."""
    other = packet.depends_on[0] if packet.depends_on else fallback

    def rename(match: re.Match[str]) -> str:
        found = match.group(0)
        if found == packet.template:
            return packet.id
        return other if found in templates else found

    return rename


def packet_text(packet: GenPacket, text: str, templates: dict[str, str], blocks: list[str], fallback: str) -> str:
    text = _WP.sub(_renamer(packet, templates, fallback), text)
    signed = packet.signed

    def field(match: re.Match[str]) -> str:
        values = packet.depends_on if match.group(2) == "Depends on" else blocks
        return f"{match.group(1)} {', '.join(values) if values else 'none'}"

    text = _FIELD.sub(field, text)
    text = _DATE.sub(lambda m: f"{m.group(1)} {signed:%Y-%m-%dT%H:%M:00Z}", text)
    text = _UPDATED.sub(lambda m: f"{m.group(1)} {signed:%Y-%m-%d}", text)
    return _LOCKED.sub(lambda m: f"{m.group(1)} {packet.signature}", text)


def board_text(template_board: str, packets: tuple[GenPacket, ...], templates: dict[str, str]) -> str:
    """Each template entry line becomes one line per generated packet of
    that template; numbered lists are renumbered."""
    by_template: dict[str, list[GenPacket]] = {}
    for packet in packets:
        by_template.setdefault(packet.template, []).append(packet)
    out: list[str] = []
    counter = 0
    for line in template_board.split("\n"):
        match = _BOARD_ENTRY.match(line)
        if not match or match.group(4) not in templates:
            counter = 0 if not line.strip() or line.startswith("#") else counter
            out.append(line)
            continue
        indent, numbered, opener, wp, rest = match.groups()
        for packet in by_template.get(wp, []):
            fallback = packet.depends_on[0] if packet.depends_on else packet.id
            renamed = _WP.sub(_renamer(packet, templates, fallback), rest)
            if numbered:
                counter += 1
                out.append(f"{indent}{counter}.{opener}{packet.id}{renamed}")
            else:
                out.append(f"{indent}-{opener}{packet.id}{renamed}")
    return "\n".join(out)


def audit_text(template_audit: str, packets: tuple[GenPacket, ...], templates: dict[str, str]) -> str:
    """Template rows about template packets are replaced by one row per
    generated packet, in signing order, after the rows that are kept."""
    lines = template_audit.split("\n")
    packet_rows = {i for i, line in enumerate(lines) if line.startswith("|") and any(wp in templates for wp in _WP.findall(line))}
    if not packet_rows:
        return template_audit
    generated = [
        f"| {p.signature} | Orchestrator | {p.signed:%Y-%m-%d %H:%M} | Task packet lock: {p.id} | v01.04 | Locks {PACKETS}/{p.id}.md |"
        for p in packets
    ]
    kept = [line for i, line in enumerate(lines) if i not in packet_rows]
    insert_at = min(packet_rows)  # no packet row precedes the first one, so its index is unchanged
    return "\n".join(kept[:insert_at] + generated + kept[insert_at:])


def gate_log_text(template_log: str, packets: tuple[GenPacket, ...], templates: dict[str, str], rng: random.Random) -> str:
    """REFINEMENT 25 minutes before each signature, then the SIGNATURE event."""
    events = [event for event in json.loads(template_log).get("gate_logs", []) if event.get("wpId") not in templates]
    alphabet = string.ascii_lowercase + string.digits
    for packet in packets:
        refined = packet.signed - dt.timedelta(minutes=25)
        events.append({"wpId": packet.id, "type": "REFINEMENT", "data": f"refinement of {packet.id}", "timestamp": f"{refined:%Y-%m-%dT%H:%M:00.000Z}", "turn_token": "".join(rng.choices(alphabet, k=6))})
        events.append({"wpId": packet.id, "type": "SIGNATURE", "data": "User signature recorded in a new turn", "signature": packet.signature, "timestamp": f"{packet.signed:%Y-%m-%dT%H:%M:00.000Z}", "turn_token": "".join(rng.choices(alphabet, k=6))})
    return json.dumps({"gate_logs": events}, indent=2) + "\n"


def generate(root: Path, count: int, seed: int = 20251227) -> SyntheticRepo:
    """Write a repo of ``count`` packets under ``root`` (created; must not exist)."""
    templates = template_packets()
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("WP-*.md", "site", "mkdocs.yml"))
    packets = plan(count, list(templates), seed)
    blocks: dict[str, list[str]] = {packet.id: [] for packet in packets}
    for packet in packets:
        for dependency in packet.depends_on:
            blocks[dependency].append(packet.id)
    folder = root / PACKETS
    for index, packet in enumerate(packets):
        fallback = packets[index - 1].id if index else packet.id
        text = packet_text(packet, templates[packet.template], templates, blocks[packet.id], fallback)
        (folder / f"{packet.id}.md").write_text(text, encoding="utf-8")
    docs = root / "docs"
    (docs / "TASK_BOARD.md").write_text(board_text((docs / "TASK_BOARD.md").read_text(encoding="utf-8"), packets, templates), encoding="utf-8")
    (docs / "SIGNATURE_AUDIT.md").write_text(audit_text((docs / "SIGNATURE_AUDIT.md").read_text(encoding="utf-8"), packets, templates), encoding="utf-8")
    gate_log = docs / "ORCHESTRATOR_GATES.json"
    gate_log.write_text(gate_log_text(gate_log.read_text(encoding="utf-8"), packets, templates, random.Random(seed + 1)), encoding="utf-8")
    return SyntheticRepo(root, packets)
