"""benchmarks/parity.py on a ``.GOV``-style repository: how the justfile is
read (variables, quoted and wrapped script paths), which checks are found,
and why a check is compared, has no counterpart, or is not runnable here.

Small fixture justfiles and scripts only; the corpus runs are in
test_parity.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import parity_checks  # noqa: E402
import parity_just  # noqa: E402
import parity_node  # noqa: E402
import parity_probe  # noqa: E402

JUSTFILE = """\
set dotenv-load := false
GOV_ROOT := env_var_or_default('GOV_ROOT_FOR_TEST', '.GOV')
RECEIPTS := "../artifacts/receipts"

# a comment line
docs-check:
\tnode -e "['{{GOV_ROOT}}/README.md'].forEach(f => process.exit(0))"

gov-tests:
\tnode --test {{GOV_ROOT}}/tests/*.test.mjs

board-check:
\tnode "{{GOV_ROOT}}/shared/checks/board-check.mjs"

all-checks: _build
\tcargo run --quiet -- receipt run --command-line "node {{GOV_ROOT}}/shared/checks/all.mjs" --artifact-root "{{RECEIPTS}}" --slug "all"

gate-check wp-id:
\t@node "{{GOV_ROOT}}/shared/checks/gate.mjs" {{wp-id}}

pre-work wp-id:
\t@node "{{GOV_ROOT}}/roles/coder/checks/pre-work.mjs" {{wp-id}}

record-signature wp-id signature:
\t@node "{{GOV_ROOT}}/roles/orchestrator/checks/gates.mjs" sign {{wp-id}} {{signature}}

health wp-id stage="STATUS" role="":
\t@node "{{GOV_ROOT}}/shared/checks/health-check.mjs" {{wp-id}} {{stage}} {{role}}

create-packet wp-id:
\t@node "{{GOV_ROOT}}/roles/orchestrator/scripts/create-packet.mjs" {{wp-id}}
"""

SCRIPTS = {
    ".GOV/shared/checks/board-check.mjs": "console.log('ok');",
    ".GOV/shared/checks/all.mjs": "console.log('ok');",
    ".GOV/shared/checks/gate.mjs": "const wp = process.argv[2];",
    ".GOV/roles/orchestrator/checks/gates.mjs": "const [action, wp] = process.argv.slice(2);",
    ".GOV/shared/checks/health-check.mjs": "const wp = process.argv[2];",
    ".GOV/shared/checks/lib.mjs": "export const x = 1;",
    ".GOV/shared/checks/loose-check.mjs": "console.log('ok');",
    ".GOV/shared/scripts/topology-check.mjs": "console.log('named for a check, outside a check folder');",
    ".GOV/roles/orchestrator/scripts/create-packet.mjs": "const wp = process.argv[2];",
    ".GOV/tests/board-check.test.mjs": "console.log('a test, not a check');",
}


def make_repo(root: Path) -> Path:
    (root / "justfile").write_text(JUSTFILE, encoding="utf-8")
    for name, text in SCRIPTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


# --------------------------------------------------------------------------
# Reading the justfile
# --------------------------------------------------------------------------


def test_variables_take_the_repositorys_default_not_the_machines_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOV_ROOT_FOR_TEST", "/somewhere/else")
    values = parity_just.variables(JUSTFILE)
    assert values == {"GOV_ROOT": ".GOV", "RECEIPTS": "../artifacts/receipts"}
    calls = {call.recipe: call for call in parity_just.node_calls(make_repo(tmp_path) / "justfile")}
    assert calls["board-check"].script == ".GOV/shared/checks/board-check.mjs"


def test_calls_quoted_wrapped_inline_and_test_runs_are_told_apart(tmp_path: Path) -> None:
    calls = {call.recipe: call for call in parity_just.node_calls(make_repo(tmp_path) / "justfile")}
    assert (calls["docs-check"].kind, calls["gov-tests"].kind) == ("inline", "test")
    wrapped = calls["all-checks"]
    # the call inside the wrapper's quoted command line, not the wrapper's own options
    assert (wrapped.kind, wrapped.script, wrapped.args, wrapped.wrapper) == ("script", ".GOV/shared/checks/all.mjs", (), "cargo")
    gate = calls["gate-check"]
    assert (gate.script, gate.args, [param.name for param in gate.params]) == (".GOV/shared/checks/gate.mjs", ("{{wp-id}}",), ["wp-id"])
    assert calls["record-signature"].args == ("sign", "{{wp-id}}", "{{signature}}")
    assert [(param.name, param.has_default) for param in calls["health"].params] == [("wp-id", False), ("stage", True), ("role", True)]


def test_discovery_of_a_gov_layout_follows_the_justfile(tmp_path: Path) -> None:
    found = {validator.name: validator for validator in parity_node.discover(make_repo(tmp_path))}
    modes = {name: validator.mode for name, validator in found.items()}
    assert modes == {
        "board-check": "repo",
        "all": "repo",  # run without its receipt wrapper
        "gate": "packet",
        "pre-work": "skip",  # the recipe names a script the repository lacks
        "gates": "skip",  # a recording tool
        "health-check": "packet",  # the WP id first, defaulted parameters after it
        "lib": "skip",
        "loose-check": "repo",  # no recipe, no arguments: a stand-alone check
        "topology-check": "repo",  # named for a check
    }
    assert "create-packet" not in found and "board-check.test" not in found  # a tool, a test
    assert found["pre-work"].not_runnable.endswith("which the repository does not hold")
    assert "inside `cargo`" in found["all"].reason
    assert (found["gate"].recipe, found["loose-check"].recipe) == ("gate-check", "")


# --------------------------------------------------------------------------
# What a run reached for
# --------------------------------------------------------------------------

NODE = "/usr/local/bin/node"


def trace_of(copy: Path, home: Path) -> str:
    out = copy.parent
    return "\n".join(
        [
            f'100 openat(AT_FDCWD, "{copy}/.GOV/shared/checks/board-check.mjs", O_RDONLY|O_CLOEXEC) = 21',
            f'100 access("{out}/gov_runtime/roles_shared/GATES.json", F_OK) = -1 ENOENT (No such file or directory)',
            f'100 statx(AT_FDCWD, "{out}/package.json", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffd) = -1 ENOENT (No such file or directory)',
            f'100 openat(AT_FDCWD, "{copy}/.GOV/runtime/sessions.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
            f'100 statx(AT_FDCWD, "{copy}/.GOV/roles_shared/runtime", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffd) = -1 ENOENT (No such file or directory)',
            f'100 openat(AT_FDCWD, "{copy}/.GOV/task_packets/WP-1-Runtime-Backfill/packet.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
            f'100 openat(AT_FDCWD, "{copy}/.GOV/records/log.jsonl", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0666) = -1 EACCES (Permission denied)',
            '101 execve("/usr/bin/git", ["git", "rev-parse"], 0x5 /* 3 vars */) = 0',
            f'101 access("{home}/.gitconfig", R_OK) = -1 ENOENT (No such file or directory)',
            f'100 openat(AT_FDCWD, "{home}/.handshake/state.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
        ]
    )


def test_the_trace_tells_outside_runtime_and_refused_writes_apart(tmp_path: Path) -> None:
    copy, home = tmp_path / "outside" / "repo", tmp_path / "home"
    missing_outside, missing_runtime, network, written_outside, refused = parity_probe.read_trace(trace_of(copy, home), copy, home, NODE)
    # git's own lookups (pid 101 became git) and node's package.json walk are not the script's
    assert missing_outside == ["../../home/.handshake/state.json", "../gov_runtime/roles_shared/GATES.json"]
    # a runtime folder, not a packet whose name has the word in it
    assert missing_runtime == [".GOV/roles_shared/runtime", ".GOV/runtime/sessions.json"]
    assert refused == [".GOV/records/log.jsonl"] and not network and not written_outside
    network_trace = '100 connect(23, {sa_family=AF_INET, sin_port=htons(11434), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)'
    assert parity_probe.read_trace(network_trace, copy, home, NODE)[2]


def probe_of(code: int = 1, **fields: object) -> parity_probe.Probe:
    values: dict[str, object] = {"code": code, "timed_out": False, "missing_outside": (), "missing_runtime": (), "network": False, "changed": (), "written_outside": (), "traced": True}
    values.update(fields)
    return parity_probe.Probe(**values)  # type: ignore[arg-type]


def test_why_a_run_is_not_runnable() -> None:
    assert "outside itself (../gates.json)" in probe_of(missing_outside=("../gates.json",)).not_runnable()
    assert probe_of(code=0, missing_outside=("../gates.json",)).not_runnable() == ""  # it gave its verdict without the file
    assert "session runtime" in probe_of(missing_runtime=(".GOV/runtime/x.json",)).not_runnable()
    assert "network" in probe_of(code=0, network=True).not_runnable()
    assert "writes into the repository" in probe_of(code=0, changed=("a.md",)).not_runnable()
    assert "time limit" in probe_of(code=124, timed_out=True).not_runnable()
    assert "does not load" in probe_of(load_error="No such built-in module: node:sqlite").not_runnable()
    assert probe_of().not_runnable() == ""  # a plain failure is a verdict


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("git") is None, reason="node or git is not installed")
def test_a_probe_run_sees_writes_and_puts_the_copy_back(tmp_path: Path) -> None:
    copy = tmp_path / "outside" / "repo"
    (copy / "checks").mkdir(parents=True)
    (copy / "board.md").write_text("# board\n", encoding="utf-8")
    (copy / "checks" / "writer.mjs").write_text("import fs from 'node:fs'; fs.writeFileSync('board.md', 'changed');", encoding="utf-8")
    (copy / "checks" / "reader.mjs").write_text(
        "import fs from 'node:fs'; if (!fs.existsSync('../gov_runtime/GATES.json')) { console.error('no gate log'); process.exit(1); }", encoding="utf-8"
    )
    (copy / "checks" / "newer.mjs").write_text("import db from 'node:no-such-builtin';", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run([*git, *command], cwd=copy, check=True, capture_output=True)
    home = tmp_path / "home"
    home.mkdir()
    node = shutil.which("node") or "node"
    wrote = parity_probe.probe(copy, home, node, "checks/writer.mjs", [], 30)
    assert wrote.changed == ("board.md",) and "writes into the repository" in wrote.not_runnable()
    assert (copy / "board.md").read_text(encoding="utf-8") == "# board\n"  # put back
    assert "does not load" in parity_probe.probe(copy, home, node, "checks/newer.mjs", [], 30).not_runnable()
    read = parity_probe.probe(copy, home, node, "checks/reader.mjs", [], 30)
    if read.traced:
        assert read.missing_outside == ("../gov_runtime/GATES.json",)
        assert "outside itself" in read.not_runnable()
    else:
        assert read.code == 1 and read.not_runnable() == ""  # without strace the lookup is not seen


# --------------------------------------------------------------------------
# The class of each check
# --------------------------------------------------------------------------


def test_each_check_gets_one_class_with_its_reason() -> None:
    validators = [
        parity_node.Validator("board-check", ".GOV/checks/board-check.mjs", "repo", "recipe", "board-check"),
        parity_node.Validator("cadence-check", ".GOV/checks/cadence-check.mjs", "repo", "stand-alone"),
        parity_node.Validator("gate", ".GOV/checks/gate.mjs", "skip", "not runnable here: x", "gate-check", "needs files the repository keeps outside itself (../gates.json)"),
        parity_node.Validator("gates", ".GOV/checks/gates.mjs", "skip", "a recording tool", "record-signature"),
    ]
    outcomes = [
        parity_node.Outcome("board-check", "", 1, "Errors:\n  - Done entries must be ...\n"),
        parity_node.Outcome("cadence-check", "", 0, "ok"),
    ]
    lines = parity_checks.check_lines(
        validators,
        outcomes,
        mapped={"board-check": ("BOARD-007",), "gate": ("PKT-015",)},
        ours_count={"board-check": {"BOARD-007": 2}, "gate": {"PKT-015": 3}},
        agreement={"board-check": "1 both fail, 0 Node only, 0 ours only, 0 both pass (0 unexplained)"},
        whole={},
    )
    by_name = {line.name: line for line in lines}
    assert [by_name[name].kind for name in ("board-check", "cadence-check", "gate", "gates")] == [
        parity_checks.COMPARED,
        parity_checks.NO_COUNTERPART,
        parity_checks.NOT_RUNNABLE,
        parity_checks.NOT_A_CHECK,
    ]
    assert by_name["board-check"].verdict.startswith("FAIL (exit 1)") and by_name["board-check"].ours == "BOARD-007: 2"
    assert by_name["cadence-check"].verdict == "pass"
    # what our rules say on the subject of a check that could not run is still shown
    assert by_name["gate"].ours == "PKT-015: 3" and "../gates.json" in by_name["gate"].why


def test_summary_counts_only_findings_on_the_checks_question(tmp_path: Path) -> None:
    import re

    import parity

    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "pre.mjs").write_text("errors.push('Task packet missing fields: ' + names);", encoding="utf-8")
    validator = parity_node.Validator("pre", "checks/pre.mjs", "packet", "recipe", "pre-work")
    scope = parity.Check("pre", "required-fields", re.compile("missing fields"), ("PKT-003",), (("PKT-003", re.compile("(?i)scope")),))
    other = parity.Check("pre", "old-message", re.compile("a message this version does not print"), ("PKT-099",), (("PKT-099", None),))
    ours = {"PKT-003": [("WP-1-A", "WP-1-A lacks the section Scope"), ("WP-1-B", "WP-1-B lacks the section Notes")]}
    cells = {("pre", "required-fields"): parity.Cell(both_fail=1, both_pass=1), ("pre", "old-message"): parity.Cell(both_pass=2)}
    outcomes = [parity_node.Outcome("pre", "WP-1-A", 1, "Errors:\n  1. Task packet missing fields: SCOPE\n"), parity_node.Outcome("pre", "WP-1-B", 0, "")]
    (line,) = parity.summarise(tmp_path, [validator], outcomes, [scope, other], [], cells, ours)
    assert line.kind == parity_checks.COMPARED
    assert line.ours == "PKT-003: 1"  # the Notes finding is about another section; PKT-099's message is not in this script
    assert line.verdict == "1 of 2 packets fail"
    assert line.agreement == "1 both fail, 0 Node only, 0 ours only, 3 both pass (0 unexplained)"


def test_the_verdict_quotes_the_line_that_says_what_failed() -> None:
    crash = "file:///tmp/p/outside/repo/.GOV/lib.mjs:139\n      throw new Error(`hash mismatch`);\n            ^\n\nError: indexed spec module hash mismatch: spec-modules/00.md\n    at resolve (file:///tmp/p/outside/repo/.GOV/lib.mjs:139:13)\n"
    assert parity_checks.headline(crash, "/tmp/p/outside/repo") == "Error: indexed spec module hash mismatch: spec-modules/00.md"
    report = '{\n  "check": "linkage",\n  "verdict": "FAIL",\n  "failures": [\n    "x.md missing CX-1",\n'
    assert parity_checks.headline(report, "/r") == '"verdict": "FAIL",'
    missing = "Missing: /tmp/p/outside/repo/AGENTS.md\n"
    assert parity_checks.headline(missing, "/tmp/p/outside/repo") == "Missing: AGENTS.md"  # no temporary path in the report


def test_a_check_whose_script_is_missing_still_shows_what_we_say_on_its_subject(tmp_path: Path) -> None:
    import re

    import parity

    gate = parity_node.Validator("gate-check", "checks/gate-check.mjs", "skip", "the script is not in the repository", "gate-check", "justfile recipe `gate-check` runs checks/gate-check.mjs, which the repository does not hold")
    phases = parity.Check("gate-check", "phase-order", re.compile("SKELETON appears before BOOTSTRAP"), ("PKT-015",), (("PKT-015", re.compile("comes before")),))
    ours = {"PKT-015": [("WP-1-A", "SKELETON comes before BOOTSTRAP in WP-1-A")]}
    (line,) = parity.summarise(tmp_path, [gate], [], [phases], [], {}, ours)
    assert (line.kind, line.ours, line.verdict) == (parity_checks.NOT_RUNNABLE, "PKT-015: 1", "-")
