"""Issue 12's baseline round trip on a copy of the reference corpus: record
today's findings (several hundred), then fail only on a new one, survive unrelated
edits, and report the entry of a finding that was fixed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.conftest import AS_OF
from tests.cli.conftest import run_check

pytestmark = pytest.mark.corpus

TEXT_LINE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):\d+: (error|warning) (?P<rule>[A-Z]+-\d{3}) ")
PACKETS = "docs/task_packets"


def findings_in(output: str) -> list[tuple[str, int, str]]:
    return [(m["file"], int(m["line"]), m["rule"]) for m in map(TEXT_LINE.match, output.splitlines()) if m]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    data = path.read_bytes()
    assert data.count(old.encode("utf-8")) == count, (path, old)
    path.write_bytes(data.replace(old.encode("utf-8"), new.encode("utf-8")))


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # --cache: the copy has no site config; later runs reuse the parsed files.
    return run_check("--cache", *args, cwd=root, as_of=AS_OF.isoformat())


def test_baseline_round_trip(corpus_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(corpus_root, root, ignore=shutil.ignore_patterns("scripts"))

    # 1. Record the debt: from now on the repo checks clean.
    written = check(root, "--write-baseline", "baseline.json")
    assert written.returncode == 0, written.stderr
    recorded = re.search(r"wrote (\d+) finding\(s\) in \d+ entries to baseline\.json", written.stderr)
    assert recorded and int(recorded.group(1)) > 300, written.stderr
    clean = check(root, "--baseline", "baseline.json", "--format", "json")
    assert clean.returncode == 0, clean.stdout[-2000:]
    document = json.loads(clean.stdout)
    debt = document["summary"]["baselined"]
    # The baseline records each defect (over 300); the report folds the
    # defects of each locked packet into one REMEDY-001 finding.
    remedies = [f for f in document["findings"] if f["rule"] == "REMEDY-001"]
    assert (document["summary"]["error"], document["summary"]["warning"], debt) == (0, 0, len(document["findings"]))
    assert remedies and all(f.get("baselined") for f in remedies)
    lines_before = {(f["rule"], f["subject"], f["excerpt"]): f["line"] for f in document["findings"]}

    # 2. One new violation in one packet: exit 1, with exactly that finding.
    edit(root / PACKETS / "WP-1-Debug-Bundle.md", "- TASK_ID: WP-1-Debug-Bundle\n", "- TASK_ID: WP-1-Debug-Bundles\n")
    new = check(root, "--baseline", "baseline.json")
    assert new.returncode == 1
    # The packet is locked (validated FAIL): the new defect is not hidden
    # behind its REMEDY-001 finding, which turns new and names it.
    new_findings = findings_in(new.stdout)
    assert [(file, rule) for file, _, rule in new_findings] == [(f"{PACKETS}/WP-1-Debug-Bundle.md", "REMEDY-001")]
    listed = [line for line in new.stdout.splitlines() if line.startswith(f"    - {PACKETS}/WP-1-Debug-Bundle.md:")]
    assert [line for line in listed if "(known debt)" not in line] == [line for line in listed if line.startswith(f"    - {PACKETS}/WP-1-Debug-Bundle.md:4: PKT-001 ")]
    assert len(listed) > 5
    edit(root / PACKETS / "WP-1-Debug-Bundle.md", "- TASK_ID: WP-1-Debug-Bundles\n", "- TASK_ID: WP-1-Debug-Bundle\n")

    # 3. Move unrelated lines in other files: every line number after them
    #    changes, and nothing is new.
    for name in ("WP-1-Workflow-Engine-v3.md", "WP-1-Calendar-Lens.md", "WP-1-ACE-Runtime.md"):
        path = root / PACKETS / name
        lines = path.read_bytes().split(b"\n")
        # The title stays first; three blank lines and the last line move up.
        path.write_bytes(b"\n".join([lines[0], b"", b"", b"", lines[-1], *lines[1:-1]]))
    board = root / "docs" / "TASK_BOARD.md"
    board_lines = board.read_bytes().split(b"\n")
    board.write_bytes(b"\n".join([board_lines[0], b"", b"", *board_lines[1:]]))
    moved = check(root, "--baseline", "baseline.json", "--format", "json")
    assert moved.returncode == 0, moved.stdout[-2000:]
    summary = json.loads(moved.stdout)["summary"]
    assert (summary["error"], summary["warning"], summary["baselined"]) == (0, 0, debt)
    lines_after = {(f["rule"], f["subject"], f["excerpt"]): f["line"] for f in json.loads(moved.stdout)["findings"]}
    assert sum(1 for key, line in lines_after.items() if lines_before.get(key) != line) >= 5  # the lines did move

    # 4. Fix a baselined finding: the repo stays clean and the entry is stale.
    #    (The audit row's date is corrected to the time the signature encodes.)
    edit(root / "docs" / "SIGNATURE_AUDIT.md", "| ilja251220250037 | Orchestrator | 2025-12-26 00:37 |", "| ilja251220250037 | Orchestrator | 2025-12-25 00:37 |")
    fixed = check(root, "--baseline", "baseline.json")
    assert fixed.returncode == 0
    stale = [line for line in fixed.stdout.splitlines() if line.startswith("stale baseline entry:")]
    assert len(stale) == 1 and stale[0].startswith("stale baseline entry: SIG-006 ilja251220250037 'ilja251220250037'")
    assert f"{debt - 1} known debt" in fixed.stdout

    # --ratchet: rewriting the baseline may shrink it, never grow it.
    shrunk = check(root, "--write-baseline", "baseline.json", "--ratchet")
    assert shrunk.returncode == 0 and "1 stale entry dropped" in shrunk.stderr
    assert "stale baseline entry" not in shrunk.stdout
    edit(root / PACKETS / "WP-1-Debug-Bundle.md", "- TASK_ID: WP-1-Debug-Bundle\n", "- TASK_ID: WP-1-Debug-Bundles\n")
    kept = (root / "baseline.json").read_bytes()
    grown = check(root, "--write-baseline", "baseline.json", "--ratchet")
    assert grown.returncode == 1 and "not written" in grown.stderr
    assert (root / "baseline.json").read_bytes() == kept
    assert check(root, "--baseline", "baseline.json", "--ratchet", "--fail-on", "never").returncode == 1
