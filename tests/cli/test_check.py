"""``mkdocs-handshake check`` on fixture repos: exit codes, the options it
reads, compiler-style output, and no MkDocs anywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.breakages import BY_ID, MERGE
from tests.fixtures.repo import Edit, materialise, plugin_options

from .conftest import REPO, assert_one_line_error, run_check

TEXT_LINE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning) (?P<rule>[A-Z]+-\d{3}) (?P<message>.+)$")


def options(*lines: str) -> Edit:
    return plugin_options("".join(f"      {line}\n" for line in lines))


def findings_in(output: str) -> list[tuple[str, int, str, str]]:
    return [(m["file"], int(m["line"]), m["severity"], m["rule"]) for m in map(TEXT_LINE.match, output.splitlines()) if m]


def test_runs_without_mkdocs_importable(tmp_path: Path) -> None:
    """The checks must outlive MkDocs as the host: with every ``mkdocs``
    import made to fail, the command still checks the repo."""
    root = materialise(tmp_path / "repo", BY_ID["PKT-001"].edits)
    script = (
        "import sys\n"
        "sys.modules['mkdocs'] = None  # any 'import mkdocs...' now raises ImportError\n"
        "from mkdocs_handshake.cli import main\n"
        "code = main(['check', sys.argv[1], '--as-of', '2026-11-20', '--format', 'json', '-o', sys.argv[2]])\n"
        "loaded = sorted(name for name in sys.modules if name == 'mkdocs' or name.startswith(('mkdocs.', 'mkdocs_handshake.plugin', 'mkdocs_handshake.options.config')))\n"
        "print(code, loaded)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", script, str(root), str(tmp_path / "out.json")], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 ['mkdocs']"  # only the blocked placeholder itself
    assert '"rule": "PKT-001"' in (tmp_path / "out.json").read_text(encoding="utf-8")


def test_clean_repo_exits_0(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    result = run_check(str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "governance: 0 error(s), 0 warning(s), 0 waived\n"


def test_errors_exit_1_with_compiler_style_lines_and_the_excerpt(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo", [*BY_ID["PKT-001"].edits, *BY_ID["SIG-006"].edits])
    result = run_check(cwd=root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # The packet is signed: its defect is listed under the one finding
    # that asks for a new revision, at the lock, each with its own place.
    assert findings_in(result.stdout) == [("docs/SIGNATURE_AUDIT.md", 32, "warning", "SIG-006"), (MERGE, 95, "error", "REMEDY-001")]
    at = next(index for index, line in enumerate(lines) if " REMEDY-001 " in line)
    assert lines[at].startswith(f"{MERGE}:95:28: error REMEDY-001 WP-1-Merge-Policy is locked with signature maria201120260930")
    assert lines[at + 1] == "    maria201120260930"
    assert lines[at + 2].startswith(f"    - {MERGE}:4: PKT-001 ")
    assert lines[-1] == "governance: 1 error(s), 1 warning(s), 0 waived"


def test_paths_are_relative_to_where_the_command_runs(tmp_path: Path) -> None:
    """Editors and CI open the paths from the current folder, so a check of
    a sub-folder prefixes them."""
    root = materialise(tmp_path / "repo", BY_ID["PKT-001"].edits)
    result = run_check("repo", cwd=tmp_path)
    assert [item[0] for item in findings_in(result.stdout)] == [f"repo/{MERGE}"]


def test_fail_on_from_the_flag_and_from_mkdocs_yml(tmp_path: Path) -> None:
    warning_only = materialise(tmp_path / "warn", BY_ID["SPEC-003"].edits)
    assert run_check(cwd=warning_only).returncode == 0
    assert run_check("--fail-on", "warning", cwd=warning_only).returncode == 1
    never = materialise(tmp_path / "never", [*BY_ID["PKT-001"].edits, options("fail_on: never")])
    result = run_check(cwd=never)
    assert result.returncode == 0, result.stdout
    assert findings_in(result.stdout) == [(MERGE, 95, "error", "REMEDY-001")]
    assert run_check("--fail-on", "error", cwd=never).returncode == 1


def test_rule_severities_come_from_mkdocs_yml_and_flags(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo", [*BY_ID["PKT-001"].edits, options("rules:", "  PKT-001: warning")])
    result = run_check(cwd=root)
    assert result.returncode == 0
    # The remedy finding is as severe as the worst defect it lists.
    assert findings_in(result.stdout) == [(MERGE, 95, "warning", "REMEDY-001")]
    result = run_check("--rule", "PKT-001=off", cwd=root)
    assert (result.returncode, findings_in(result.stdout)) == (0, [])


def test_the_projects_own_mkdocs_yml_points_at_the_template() -> None:
    """This repo's mkdocs.yml says ``root: site_template``; the command
    follows it from the repo top, as CI would run it."""
    result = run_check(cwd=REPO, as_of=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("governance: 0 error(s), 0 warning(s), 0 waived\n")


def test_output_file_gets_the_report_and_stderr_the_summary(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo", BY_ID["PKT-001"].edits)
    result = run_check("--output", str(tmp_path / "report.txt"), cwd=root)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "governance: 1 error(s), 0 warning(s), 0 waived\n"
    assert findings_in((tmp_path / "report.txt").read_text(encoding="utf-8")) == [(MERGE, 95, "error", "REMEDY-001")]


@pytest.mark.parametrize(
    ("args", "edits", "words"),
    [
        pytest.param(["--rule", "PKT-999=off"], [], ["unknown rule id", "PKT-999"], id="unknown-rule"),
        pytest.param(["--rule", "PKT-001"], [], ["--rule", "ID=SEVERITY"], id="rule-without-severity"),
        pytest.param(["--task-board", "docs/BOARD.md"], [], ["task_board", "does not exist"], id="missing-path"),
        pytest.param([], [options("packet: docs")], ["unknown option", "'packet'"], id="unknown-option-in-mkdocs-yml"),
        pytest.param([], [Edit("mkdocs.yml", write="plugins: [handshake\n")], ["mkdocs.yml", "not valid YAML"], id="broken-yaml"),
        pytest.param(["--baseline", "missing.json"], [], ["baseline", "does not exist"], id="missing-baseline"),
        pytest.param(["nowhere"], [], ["ROOT", "nowhere"], id="missing-root"),
        pytest.param(["--output", "no/such/folder/out.txt"], [], ["cannot write", "out.txt"], id="unwritable-output"),
        pytest.param(["--changed-only", "HEAD", "--write-baseline", "b.json"], [], ["--write-baseline", "--changed-only"], id="write-with-changed"),
    ],
)
def test_usage_and_configuration_errors_exit_2_in_one_line(tmp_path: Path, args: list[str], edits: list[Edit], words: list[str]) -> None:
    root = materialise(tmp_path / "repo", edits)
    assert_one_line_error(run_check(*args, cwd=root), *words)


def test_argparse_usage_errors_exit_2(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    result = run_check("--format", "xml", cwd=root)
    assert result.returncode == 2 and "invalid choice" in result.stderr and "Traceback" not in result.stderr


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed")
def test_changed_only_reports_findings_in_files_changed_since_the_ref(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo", BY_ID["SIG-006"].edits)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "start")
    BY_ID["PKT-001"].edits[0].apply(root)
    everything = run_check(cwd=root)
    assert [item[3] for item in findings_in(everything.stdout)] == ["SIG-006", "REMEDY-001"]
    changed = run_check("--changed-only", "HEAD", cwd=root)
    assert changed.returncode == 1
    assert findings_in(changed.stdout) == [(MERGE, 95, "error", "REMEDY-001")]
    # An untracked packet counts as changed too.
    (root / "docs" / "task_packets" / "WP-1-New.md").write_text("# Task Packet: WP-1-New\n", encoding="utf-8")
    files = {item[0] for item in findings_in(run_check("--changed-only", "HEAD", cwd=root).stdout)}
    assert "docs/task_packets/WP-1-New.md" in files and "docs/SIGNATURE_AUDIT.md" not in files
    assert_one_line_error(run_check("--changed-only", "no-such-ref", cwd=root), "--changed-only no-such-ref")


def test_the_command_restores_the_collector_it_tunes() -> None:
    """The command raises the collector's threshold while it parses (it
    owns its process); called in-process, it leaves the setting as it was."""
    import gc

    from mkdocs_handshake import cli
    from mkdocs_handshake.runtime import collector

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    original = cli.check

    def spy(args):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return 0

    cli.check = spy
    try:
        assert cli.main(["check", "--no-config", "."]) == 0
    finally:
        cli.check = original
    assert seen[0][0] == collector.GC_THRESHOLD and gc.get_threshold() == before
