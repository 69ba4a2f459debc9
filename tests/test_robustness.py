"""Damaged governance files never crash the pipeline.

Real repos are edited by people and agents, copied between Windows and
Linux, cut off by a full disk, merged badly. Each case here damages one file
of the template in one such way (seeded, so a failure reproduces) and runs
every stage a build runs: load, rules, page generation (with Graphviz when it
is installed) and conversion to HTML. Nothing may raise, every finding must
point into a file that exists with a line inside it, and a byte-level damage
of a file must be reported, never silently read past.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Callable

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.html import to_html
from mkdocs_handshake.render.site import generate_pages
from mkdocs_handshake.repository.source import decode
from tests.fixtures.repo import AS_OF, TEMPLATE

FILES = (
    "docs/SPEC_CURRENT.md",
    "Tallyline_Master_Spec_v01.04.md",
    "docs/TASK_BOARD.md",
    "docs/SIGNATURE_AUDIT.md",
    "docs/task_packets/WP-1-Merge-Policy.md",
    "docs/task_packets/WP-1-Sync-Events.md",
)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut anywhere, also inside a multi-byte character."""
    return data[: rng.randrange(1, len(data))]


def _stray_bytes(data: bytes, rng: random.Random) -> bytes:
    """Bytes that are not UTF-8 (and control characters) at random places."""
    out = bytearray(data)
    for _ in range(8):
        at = rng.randrange(len(out))
        out[at:at] = bytes([rng.choice([0x00, 0x07, 0x1B, 0x81, 0x96, 0xC3, 0xFF])])
    return bytes(out)


def _drop_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    start = rng.randrange(len(lines))
    return b"\n".join(lines[:start] + lines[start + rng.randrange(1, 12) :])


def _repeat_lines(data: bytes, rng: random.Random) -> bytes:
    """A bad merge: a block pasted twice (duplicate ids, headings, rows)."""
    lines = data.split(b"\n")
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.randrange(1, 20)]
    return b"\n".join(lines[:start] + block + block + lines[start:])


def _open_fence(data: bytes, rng: random.Random) -> bytes:
    """A code fence that never closes swallows the rest of the file."""
    lines = data.split(b"\n")
    lines.insert(rng.randrange(len(lines)), b"```")
    return b"\n".join(lines)


def _windows(data: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


def _old_mac(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r")


def _table_noise(data: bytes, rng: random.Random) -> bytes:
    """Pipes, hashes and brackets at line starts: half-made tables and headings."""
    lines = data.split(b"\n")
    for _ in range(10):
        at = rng.randrange(len(lines))
        lines[at] = rng.choice([b"| ", b"# ", b"[", b"- **", b"|---|", b"> ", b"    "]) + lines[at]
    return b"\n".join(lines)


def _markup_in_values(data: bytes, rng: random.Random) -> bytes:
    """Governance text that is HTML, DOT or template syntax."""
    lines = data.split(b"\n")
    for _ in range(6):
        at = rng.randrange(len(lines))
        lines[at] += rng.choice([b' <script>alert(1)</script>', b' "];evil[', b" {{ config }}", b" \\", b" `", b" &amp;"])
    return b"\n".join(lines)


def _empty(data: bytes, rng: random.Random) -> bytes:
    return b""


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": _truncate,
    "stray-bytes": _stray_bytes,
    "drop-lines": _drop_lines,
    "repeat-lines": _repeat_lines,
    "open-fence": _open_fence,
    "crlf-bom": _windows,
    "cr-only": _old_mac,
    "table-noise": _table_noise,
    "markup": _markup_in_values,
    "empty": _empty,
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("relative", FILES)
def test_a_damaged_file_is_reported_not_crashed_on(tmp_path: Path, relative: str, mutation: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root)
    path = root / relative
    rng = random.Random(f"{relative}:{mutation}")
    damaged = MUTATIONS[mutation](path.read_bytes(), rng)
    path.write_bytes(damaged)

    model = load_repo(Layout(root))
    findings = run_rules(model, EngineConfig(as_of=AS_OF))
    pages = generate_pages(RenderContext(model, tuple(findings), as_of=AS_OF, dot_available=shutil.which("dot") is not None))
    for markdown in pages.values():
        to_html(markdown)

    for finding in findings:
        where = root / finding.loc.file
        if where.is_file():
            lines = decode(where.read_bytes(), finding.loc.file).lines
            assert 1 <= finding.loc.line <= max(len(lines), 1), finding.log_line()
    try:
        damaged.decode("utf-8")
    except UnicodeDecodeError:
        # In a signed packet the damage is listed under its REMEDY-001 finding.
        reported = [part for f in findings for part in (f.parts or (f,))]
        assert any(f.rule == "PARSE-002" and f.loc.file == relative for f in reported), "undecodable bytes went unreported"
