"""benchmarks/parity.py: our rules against the repository's own Node validators.

The comparison logic is tested on hand-made outcomes; the whole run (Node
validators on a throw-away git copy of each corpus) is tested when node,
git and the corpus are there. The corpus runs take about a minute together.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import Lifecycle
from tests.rules.builders import make_model, make_packet

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import parity  # noqa: E402
import parity_node  # noqa: E402

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


# --------------------------------------------------------------------------
# Finding the validators and how the justfile calls them
# --------------------------------------------------------------------------


def test_discovery_follows_the_justfile(tmp_path: Path) -> None:
    validation = tmp_path / "scripts" / "validation"
    validation.mkdir(parents=True)
    for name, text in {
        "per-wp.mjs": "const wp = process.argv[2];",
        "board.mjs": "console.log('ok');",
        "gates.mjs": "const [action, wp] = process.argv.slice(2);",
        "phase.mjs": "const phase = process.argv[2] || 'P1';",
        "lib.mjs": "export function helper() {}",
        "loose.mjs": "console.log('ok');",
        "needs-args.mjs": "const x = process.argv[2];",
    }.items():
        (validation / name).write_text(text, encoding="utf-8")
    (tmp_path / "justfile").write_text(
        "set dotenv-load := false\n"
        "pre-work wp-id:\n\t@node scripts/validation/per-wp.mjs {{wp-id}}\n"
        "board-check:\n\tnode scripts/validation/board.mjs\n"
        "record-signature wp-id signature:\n\t@node scripts/validation/gates.mjs sign {{wp-id}} {{signature}}\n"
        'phase-gate phase="Phase-1":\n\t@node scripts/validation/phase.mjs {{phase}}\n',
        encoding="utf-8",
    )
    found = {validator.name: validator.mode for validator in parity_node.discover(tmp_path)}
    assert found == {
        "per-wp": "packet",
        "board": "repo",
        "gates": "skip",  # a recording tool: a sub-command and a signature
        "phase": "repo",  # its one parameter has a default
        "lib": "skip",
        "loose": "repo",  # no recipe, no arguments: a stand-alone check
        "needs-args": "skip",
    }


# --------------------------------------------------------------------------
# Comparing outcomes
# --------------------------------------------------------------------------

SCOPE = parity.Check("pre-work", "required-fields", re.compile("missing fields"), ("PKT-003",), (("PKT-003", re.compile("(?i)scope")),))
FAILED = "Pre-work validation FAILED\n\nErrors:\n  1. Task packet missing fields: SCOPE\n\nWarnings:\n  1. Missing PREPARE record\n"


def compared(tmp_path: Path, outcomes, allows=(), default=None, history=None, lifecycle=Lifecycle.ACTIVE):
    packet = make_packet("WP-1-A")
    packet = type(packet)(**{**packet.__dict__, "lifecycle": lifecycle})
    (tmp_path / "docs" / "task_packets").mkdir(parents=True)
    (tmp_path / packet.file).write_text("# WP-1-A\n## Scope\n", encoding="utf-8")
    validators = [parity_node.Validator("pre-work", "scripts/validation/pre-work.mjs", "packet", "test")]
    return parity.compare(validators, outcomes, [SCOPE], list(allows), make_model([packet]), default or {}, history or {}, tmp_path)


def test_node_only_without_cover_or_reason_is_unexplained(tmp_path: Path) -> None:
    cells = compared(tmp_path, [parity_node.Outcome("pre-work", "WP-1-A", 1, FAILED)])
    cell = cells[("pre-work", "required-fields")]
    assert (cell.node_only, cell.unexplained) == (1, ["WP-1-A"])


def test_node_only_explained_by_a_reason_that_matches_the_packet(tmp_path: Path) -> None:
    allow = parity.Allow("pre-work", "required-fields", "case-sensitive SCOPE", text=re.compile(r"(?i)\bscope\b"))
    cell = compared(tmp_path, [parity_node.Outcome("pre-work", "WP-1-A", 1, FAILED)], [allow])[("pre-work", "required-fields")]
    assert (cell.explained, cell.unexplained) == (1, [])
    closed_only = parity.Allow("*", "*", "history", lifecycle=("closed",))
    cell = compared(tmp_path / "b", [parity_node.Outcome("pre-work", "WP-1-A", 1, FAILED)], [closed_only])[("pre-work", "required-fields")]
    assert cell.unexplained == ["WP-1-A"]  # the packet is active: the policy does not apply


def test_both_fail_covered_and_ours_only(tmp_path: Path) -> None:
    ours = {"PKT-003": [("WP-1-A", "WP-1-A lacks the section Scope required by the packet template")]}
    cell = compared(tmp_path, [parity_node.Outcome("pre-work", "WP-1-A", 1, FAILED)], default=ours)[("pre-work", "required-fields")]
    assert (cell.both_fail, cell.node_only) == (1, 0)
    cell = compared(tmp_path / "b", [parity_node.Outcome("pre-work", "WP-1-A", 1, FAILED)], history=ours)[("pre-work", "required-fields")]
    assert (cell.node_only, cell.covered, cell.unexplained) == (1, 1, [])
    passed = [parity_node.Outcome("pre-work", "WP-1-A", 0, "Pre-work validation PASSED")]
    cell = compared(tmp_path / "c", passed, default=ours)[("pre-work", "required-fields")]
    assert (cell.ours_only, cell.ours_only_active) == (1, ["WP-1-A"])
    other = {"PKT-003": [("WP-1-A", "WP-1-A lacks the section Notes required by the packet template")]}
    cell = compared(tmp_path / "d", passed, default=other)[("pre-work", "required-fields")]
    assert (cell.ours_only, cell.both_pass) == (0, 1)  # a finding about another section is another check


def test_a_packet_whose_id_another_file_name_contains_is_shadowed(tmp_path: Path) -> None:
    packets = [make_packet("WP-1-A"), make_packet("WP-1-A-v2")]
    (tmp_path / "docs" / "task_packets").mkdir(parents=True)
    for item in packets:
        (tmp_path / item.file).write_text(f"# {item.id}\n", encoding="utf-8")
    validators = [parity_node.Validator("pre-work", "scripts/validation/pre-work.mjs", "packet", "test")]
    allow = parity.Allow("pre-work", "*", "reads the first file containing the id", shadowed=True)
    outcomes = [parity_node.Outcome("pre-work", wp, 1, FAILED) for wp in ("WP-1-A", "WP-1-A-v2")]
    cell = parity.compare(validators, outcomes, [SCOPE], [allow], make_model(packets), {}, {}, tmp_path)[("pre-work", "required-fields")]
    assert (cell.explained, cell.unexplained) == (1, ["WP-1-A-v2"])  # only WP-1-A can have been confused


def test_a_failure_no_check_recognises_is_unexplained(tmp_path: Path) -> None:
    strange = parity_node.Outcome("pre-work", "WP-1-A", 1, "Errors:\n  1. Something new the script learned\n")
    cells = compared(tmp_path, [strange])
    assert cells[("pre-work", parity.UNRECOGNISED)].unexplained == ["WP-1-A"]


def test_warnings_are_not_failures() -> None:
    assert parity.error_lines(FAILED) == ["  1. Task packet missing fields: SCOPE"]


# --------------------------------------------------------------------------
# The corpora
# --------------------------------------------------------------------------


def _row(output: str, validator: str, check: str) -> list[int]:
    block = output.split(f"\n{validator} (", 1)[1].split("\n\n", 1)[0]
    match = re.search(rf"^\s+{re.escape(check)}\s+[A-Z0-9, -]+?\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+) \|\s+(\d+)\s+(\d+)\s+(\d+)$", block, re.MULTILINE)
    assert match, f"no row {check} under {validator}:\n{block}"
    return [int(value) for value in match.groups()]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "corpus, node_fails",
    [
        # (validator, check, packets Node fails on that check): Node's side of
        # the matrix, fixed by the snapshot and its scripts
        ("handshake-2025-12-27", [("gate-check", "approval-marker", 47), ("pre-work-check", "required-fields", 7), ("validator-packet-complete", "status", 57)]),
        ("handshake-2026-02-03", [("gate-check", "approval-marker", 77), ("post-work-check", "ascii", 63), ("pre-work-check", "manifest", 48), ("validator-packet-complete", "spec-reference", 2)]),
    ],
)
def test_parity_run_on_the_corpus(corpus: str, node_fails: list[tuple[str, str, int]]) -> None:
    root = CORPORA / corpus
    if not root.is_dir():
        pytest.skip("corpus not available")
    if shutil.which("node") is None or shutil.which("git") is None:
        pytest.skip("node or git is not installed")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "parity.py"), str(root)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Node-only cases neither covered nor explained: 0" in done.stdout
    for validator, check, fails in node_fails:
        both, node_only, _, _, covered, explained, unexplained = _row(done.stdout, validator, check)
        assert both + node_only == fails
        assert covered + explained == node_only and unexplained == 0


@pytest.mark.corpus
def test_parity_run_on_the_june_layout() -> None:
    """The .GOV layout: checks found from the justfile's variables and
    quoted paths; what cannot run on a copy is said, not counted."""
    root = CORPORA / "handshake-2026-06-22"
    if not root.is_dir():
        pytest.skip("corpus not available")
    if shutil.which("node") is None or shutil.which("git") is None or shutil.which("strace") is None:
        pytest.skip("node, git or strace is not installed")
    done = subprocess.run([sys.executable, str(BENCHMARKS / "parity.py"), str(root), "--as-of", "2026-06-22"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Node-only cases neither covered nor explained: 0" in done.stdout
    table = done.stdout.split("\nchecks: ", 1)[1]
    sections = {name: block for name, block in re.findall(r"^(compared|no counterpart|not runnable here):\n(.*?)(?=^\S|\Z)", table, re.MULTILINE | re.DOTALL)}
    # the justfile names a script the snapshot does not hold
    assert "gate-check (just gate-check)\n      why: justfile recipe `gate-check` runs .GOV/roles_shared/checks/gate-check.mjs" in sections["not runnable here"]
    # the gate log and session registry live outside the repository
    assert re.search(r"gov-check \(just gov-check\)\n      why: needs files the repository keeps outside itself \(\.\./", sections["not runnable here"])
    assert "task-board-check (just task-board-check)" in sections["compared"]
