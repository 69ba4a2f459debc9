"""Hostile input, failing tools and bad options, as a user meets them.

Each case builds a copy of the template with ``python -m mkdocs build`` in a
subprocess (what a user or CI runs) and asserts four things: the exit
status, that no traceback is printed, the exact line that explains what
happened, and that nothing was written anywhere but ``site_dir`` and the
plugin's cache folder. The cases are the rows of issue 11's table.

Graphviz failures use a fake ``dot`` first on PATH: a shell script that
fails, hangs, prints bytes that are not UTF-8 or prints no SVG; the case of
an old Graphviz that cannot lay out clusters hands everything else to the
real ``dot``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer

from mkdocs_handshake.cache import disk as disk_cache
from mkdocs_handshake.runtime import parallel
from mkdocs_handshake.plugin import HandshakePlugin
from tests.fixtures.repo import AS_OF, Edit, materialise, plugin_options

SPEC = "Tallyline_Master_Spec_v01.04.md"
PACKET = "docs/task_packets/WP-1-Merge-Policy.md"
SECRET = "TOP-SECRET-LINE-of-the-build-host"
REAL_DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(REAL_DOT is None, reason="Graphviz dot is not installed")


@dataclass
class Built:
    """One finished build: its result and where it wrote."""

    result: subprocess.CompletedProcess[str]
    base: Path
    root: Path
    site: Path
    before: dict[str, tuple[int, int]]

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr

    def lines(self, level: str) -> list[str]:
        """Messages of the plugin's log lines at ``level`` (ERROR, WARNING, INFO)."""
        found = []
        for line in self.result.stderr.splitlines():
            head, _, message = line.partition(" -  ")
            if head.strip() == level and message.startswith("handshake: "):
                found.append(message[len("handshake: "):])
        return found

    def site_text(self) -> str:
        """Every text file of the built site, concatenated."""
        return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sorted(self.site.rglob("*")) if path.is_file())

    def check(self, status: int) -> None:
        """Exit status, no traceback, and nothing written outside the site and the cache."""
        assert self.result.returncode == status, self.output
        assert "Traceback" not in self.output, self.output
        assert snapshot(self.base, self.site, self.root) == self.before, "files outside site_dir changed"


def snapshot(base: Path, site: Path, root: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every file under ``base`` except the site and the
    plugin's cache (symbolic links are listed, not followed)."""
    skipped = (site, root / ".cache")
    files: dict[str, tuple[int, int]] = {}
    for folder, subfolders, names in os.walk(base):
        here = Path(folder)
        subfolders[:] = [name for name in subfolders if not any((here / name) == skip for skip in skipped)]
        for name in names:
            path = here / name
            stat = path.lstat()
            files[path.relative_to(base).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return files


def option_lines(*lines: str) -> Edit:
    added = [f'      as_of: "{AS_OF.isoformat()}"', *lines]
    return plugin_options("".join(line + "\n" for line in added))


def fake_dot(base: Path, script: str) -> Path:
    """A folder holding an executable ``dot`` that runs ``script`` (sh)."""
    folder = base / "bin"
    folder.mkdir(exist_ok=True)
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    dot.chmod(0o755)
    return folder


def run_build(
    base: Path,
    *edits: Edit,
    options: tuple[str, ...] = (),
    path_first: Path | None = None,
    prepare=None,  # type: ignore[no-untyped-def]
    args: tuple[str, ...] = (),
) -> Built:
    """Build a template copy at ``base/repo`` into ``base/out/site`` (two
    levels down, so ``../../x`` from the site still lands inside ``base``,
    where the snapshot sees it)."""
    root = materialise(base / "repo", [option_lines(*options), *edits])
    (base / "secret.txt").write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    if prepare is not None:
        prepare(base, root)
    site = base / "out" / "site"
    site.parent.mkdir(parents=True, exist_ok=True)
    before = snapshot(base, site, root)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(site), *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    return Built(result, base, root, site, before)


def dag_page(built: Built) -> str:
    return (built.site / "governance" / "dag" / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Graphviz
# --------------------------------------------------------------------------


@needs_dot
def test_dot_that_cannot_lay_out_clusters_is_retried_without_them_and_draws(tmp_path: Path) -> None:
    """Graphviz 2.42 fails on the real repository's clusters with
    "trouble in init_rank"; the build used to die with a traceback."""
    script = (
        'input=$(cat)\n'
        'case "$input" in *cluster_*) echo "Error: trouble in init_rank" >&2; echo "lost edge" >&2; exit 1;; esac\n'
        f'printf "%s\\n" "$input" | exec "{REAL_DOT}" "$@"\n'
    )
    built = run_build(tmp_path, path_first=fake_dot(tmp_path, script))
    built.check(0)
    assert built.lines("WARNING") == [
        "Graphviz 'dot' failed to draw the dependency DAG with variant clusters "
        "(exited with status 1: Error: trouble in init_rank); it is drawn without the clusters"
    ]
    page = dag_page(built)
    assert "hs-dag1-graph0" in page and "WP-1-Session-Handshake-v2" in page
    assert "failed: showing the dependency graph as a list" not in page


FAILING_DOTS = {
    "exit-1": (
        'cat >/dev/null; echo "Error: <stdin>: syntax error in line 1" >&2; echo more >&2; exit 1\n',
        "Graphviz 'dot' exited with status 1: Error: <stdin>: syntax error in line 1; again without variant clusters: "
        "exited with status 1: Error: <stdin>: syntax error in line 1 (drawing the dependency DAG); "
        "the DAG page lists the packets by layer instead",
    ),
    "not-utf8": (
        "cat >/dev/null; printf '\\377\\376<svg>\\200\\201</svg>'; exit 0\n",
        "Graphviz 'dot' exited with status 0 but wrote output that is not UTF-8 (byte 0xFF at offset 0) "
        "(drawing the dependency DAG); the DAG page lists the packets by layer instead",
    ),
    "empty": (
        "cat >/dev/null; exit 0\n",
        "Graphviz 'dot' exited with status 0 but wrote nothing (drawing the dependency DAG); the DAG page lists the packets by layer instead",
    ),
    "not-svg": (
        "cat >/dev/null; echo 'digraph is not a drawing'; echo 'Warning: ignored' >&2; exit 0\n",
        "Graphviz 'dot' exited with status 0 but wrote no SVG drawing (output begins 'digraph is not a drawing'): Warning: ignored "
        "(drawing the dependency DAG); the DAG page lists the packets by layer instead",
    ),
}


@pytest.mark.parametrize("case", sorted(FAILING_DOTS))
def test_a_failing_dot_is_one_warning_and_the_layer_list(tmp_path: Path, case: str) -> None:
    script, warning = FAILING_DOTS[case]
    built = run_build(tmp_path, path_first=fake_dot(tmp_path, script))
    built.check(0)
    assert built.lines("WARNING") == [warning]
    page = dag_page(built)
    assert "hs-dag\"" not in page and "hs-dag1" not in page
    assert "Graphviz <code>dot</code> failed: showing the dependency graph as a list" in page
    assert "Layer 1:" in page


def test_a_dot_that_hangs_is_stopped_after_dot_timeout(tmp_path: Path) -> None:
    built_at = time.monotonic()
    built = run_build(tmp_path, options=("      dot_timeout: 1",), path_first=fake_dot(tmp_path, "cat >/dev/null; sleep 60 & wait\n"))
    took = time.monotonic() - built_at
    built.check(0)
    assert built.lines("WARNING") == [
        "Graphviz 'dot' timed out after 1 s and was stopped (option dot_timeout) (drawing the dependency DAG); "
        "the DAG page lists the packets by layer instead"
    ]
    assert took < 45, f"a hanging dot held the build for {took:.0f} s"
    assert "Layer 1:" in dag_page(built)


def test_a_failed_drawing_is_not_kept_in_the_cache(tmp_path: Path) -> None:
    """The next build with a working dot draws the graph (no stale fallback)."""
    built = run_build(tmp_path, path_first=fake_dot(tmp_path, "cat >/dev/null; exit 3\n"))
    built.check(0)
    if REAL_DOT is None:
        return
    shutil.rmtree(tmp_path / "bin")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    again = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(built.root / "mkdocs.yml"), "-d", str(built.site)],
        cwd=built.root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "hs-dag1-graph0" in dag_page(built)


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------

BAD_OPTIONS = {
    "dotdot": ('      output_dir: "../../x"', "option 'output_dir': '../../x' leaves the site folder ('..'); give a folder inside it, e.g. 'governance'"),
    "empty": ('      output_dir: ""', "option 'output_dir': is empty; generated pages would replace the site's own home page (use e.g. 'governance')"),
    "dot": ('      output_dir: "."', "option 'output_dir': '.' is the site's top folder; generated pages would replace the site's own home page"),
    "absolute": ('      output_dir: "/abs"', "option 'output_dir': '/abs' is an absolute path; give a folder relative to the site, e.g. 'governance'"),
    "theme-folder": ("      output_dir: assets", "option 'output_dir': 'assets' is a folder the theme or a plugin writes (assets); choose another name"),
    "dag-zero": ("      dag_max_nodes: 0", "option 'dag_max_nodes': 0 is out of range (at least 1)"),
    "dag-negative": ("      dag_max_nodes: -5", "option 'dag_max_nodes': -5 is out of range (at least 1)"),
    "timeout-zero": ("      dot_timeout: 0", "option 'dot_timeout': 0 is out of range (more than 0 and at most 3600)"),
    "size-negative": ("      max_file_mb: -1", "option 'max_file_mb': -1 is out of range (more than 0 and at most 4096)"),
    "as-of": ('      as_of: "2026-02-30"', "option 'as_of': '2026-02-30' is not a date (write YYYY-MM-DD, a day that exists)"),
    "packets-outside": ("      packets: ../../etc", "option 'packets': '../../etc' is outside the root folder {root}; give a path inside it"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_a_bad_option_stops_the_build_with_one_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    line, message = BAD_OPTIONS[case]
    edits = []
    if case == "as-of":  # replaces the default as_of rather than adding a second one
        edits.append(Edit("mkdocs.yml", old=f'      as_of: "{AS_OF.isoformat()}"\n', new=line + "\n"))
        built = run_build(tmp_path, *edits)
    else:
        built = run_build(tmp_path, options=(line,))
    built.check(1)
    assert built.lines("ERROR") == [message.format(root=built.root.resolve())]
    assert not (tmp_path / "x").exists() and not (tmp_path / "abs").exists()
    assert not list(built.site.rglob("*.json"))


REPLACED = {
    # A generated page at the path of your file.
    "generated page": (
        "docs/governance/index.md",
        "the generated page governance/index.md would replace your file docs/governance/index.md; "
        "move that file or set the option 'output_dir' to another folder",
    ),
    # governance/packets/<id>/ of a packet that is its own docs page is a
    # redirect the plugin writes, where MkDocs would build your page.
    "packet redirect": (
        "docs/governance/packets/WP-1-Merge-Policy.md",
        "the packet redirect governance/packets/WP-1-Merge-Policy/index.html would replace the page built from your file "
        "docs/governance/packets/WP-1-Merge-Policy.md; move that file or set the option 'output_dir' to another folder",
    ),
}


@pytest.mark.parametrize("case", sorted(REPLACED))
def test_what_the_plugin_writes_never_replaces_the_users_page(tmp_path: Path, case: str) -> None:
    path, message = REPLACED[case]
    mine = "# My governance notes\n\nWritten by hand.\n"
    built = run_build(tmp_path, Edit(path, write=mine))
    built.check(1)
    assert built.lines("ERROR") == [message]
    assert (built.root / path).read_text(encoding="utf-8") == mine


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and parallel.available_cpus() > 1), reason="no second process on this machine (not Linux, or one CPU)"
)
def test_the_last_info_line_says_what_was_written_and_by_whom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In two processes the check child writes model.json and the packet
    redirects while MkDocs builds pages; in one, the build writes them at
    the end. Either way the line names every file, and the redirects exist."""
    two = run_build(tmp_path / "two", options=("      fail_on: never",))
    two.check(0)
    [line] = [line for line in two.lines("INFO") if line.startswith("governance: wrote ")]
    assert line.startswith("governance: wrote findings.json (model.json and 10 packet redirects written while MkDocs built the pages)")
    assert (two.site / "governance" / "packets" / "WP-1-Merge-Policy" / "index.html").is_file()
    monkeypatch.setenv("HANDSHAKE_PROCESSES", "1")
    one = run_build(tmp_path / "one", options=("      fail_on: never",))
    one.check(0)
    [line] = [line for line in one.lines("INFO") if line.startswith("governance: wrote ")]
    assert line.startswith("governance: wrote model.json, findings.json and 10 packet redirects in ")
    assert (one.site / "governance" / "packets" / "WP-1-Merge-Policy" / "index.html").is_file()


# --------------------------------------------------------------------------
# Files outside the root
# --------------------------------------------------------------------------


def _link_packet(base: Path, root: Path) -> None:
    (root / "docs" / "task_packets" / "WP-1-Leak.md").symlink_to(base / "secret.txt")


def test_a_packet_linked_to_a_file_outside_root_is_not_read_or_published(tmp_path: Path) -> None:
    built = run_build(tmp_path, options=("      fail_on: never",), prepare=_link_packet)
    built.check(0)
    assert built.lines("ERROR") == [
        "docs/task_packets/WP-1-Leak.md:1: PARSE-001 the task packet docs/task_packets/WP-1-Leak.md resolves to a file "
        "outside the root folder (a symbolic link or '..'); it is not read",
        "governance: 1 error(s), 0 warning(s), 0 waived",
    ]
    assert built.lines("WARNING") == ["docs/task_packets/WP-1-Leak.md links to a file outside the repository; it is left out of the site"]
    assert SECRET not in built.site_text()


def _link_folder(base: Path, root: Path) -> None:
    outside = base / "outside"
    outside.mkdir()
    (outside / "leak.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    (root / "docs" / "notes").symlink_to(outside, target_is_directory=True)


def test_a_docs_folder_linked_outside_root_is_not_published(tmp_path: Path) -> None:
    built = run_build(tmp_path, options=("      fail_on: never",), prepare=_link_folder)
    built.check(0)
    assert built.lines("WARNING") == ["docs/notes/leak.md links to a file outside the repository; it is left out of the site"]
    assert SECRET not in built.site_text()


def _spec_outside(base: Path, root: Path, absolute: bool) -> None:
    outside = base / "outside"
    outside.mkdir()
    (outside / "Tallyline_Master_Spec_v09.01.md").write_text(f"# {SECRET}\n\n## 1. Leak\n\nThe build host's file.\n", encoding="utf-8")
    name = str(outside / "Tallyline_Master_Spec_v09.01.md") if absolute else "../outside/Tallyline_Master_Spec_v09.01.md"
    pointer = root / "docs" / "SPEC_CURRENT.md"
    pointer.write_text(pointer.read_text(encoding="utf-8").replace(f"**{SPEC}**", f"`{name}`"), encoding="utf-8")


@pytest.mark.parametrize("absolute", [True, False], ids=["absolute", "dotdot"])
def test_spec_current_naming_a_spec_outside_root_is_a_finding(tmp_path: Path, absolute: bool) -> None:
    built = run_build(tmp_path, options=("      fail_on: never",), prepare=lambda base, root: _spec_outside(base, root, absolute))
    built.check(0)
    name = str(tmp_path / "outside" / "Tallyline_Master_Spec_v09.01.md") if absolute else "../outside/Tallyline_Master_Spec_v09.01.md"
    errors = built.lines("ERROR")
    assert f"docs/SPEC_CURRENT.md:5: PARSE-001 SPEC_CURRENT names {name}, which is outside the root folder; it is not read" in errors
    assert not any("SPEC-001" in line for line in errors), errors
    assert SECRET not in built.site_text()


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def test_waiver_dates_that_are_not_dates_are_errors_and_excuse_nothing(tmp_path: Path) -> None:
    waivers = [
        ("2026-11-01", "2025-13-01"),
        ("2026-11-01", "whenever"),
        ("2026-11-01", "2026-02-30"),
        ("2025-01-01 NOT APPROVED", "2027-01-01"),
        ("2026-12-24", "2027-01-01"),
    ]
    lines = ["      waivers:"]
    for approved, expires in waivers:
        lines += [
            "        - rule: PKT-005",
            "          target: WP-1-Merge-Policy",
            "          reason: legacy",
            f'          approved: "{approved}"',
            f'          expires: "{expires}"',
        ]
    built = run_build(tmp_path, options=tuple(lines))
    built.check(1)
    label = "The waiver for PKT-005 on WP-1-Merge-Policy is invalid"
    tail = "it does not excuse the finding until the date is corrected"
    assert built.lines("ERROR") == [
        f"mkdocs.yml:1: PHASE-002 {label}: approval '2025-01-01 NOT APPROVED' is not a date (YYYY-MM-DD, a day that exists); {tail}",
        f"mkdocs.yml:1: PHASE-002 {label}: approval date 2026-12-24 is after the build date 2026-11-20 (as_of); {tail}",
        f"mkdocs.yml:1: PHASE-002 {label}: expiry '2025-13-01' is neither a date (YYYY-MM-DD, a day that exists) nor a phase; {tail}",
        f"mkdocs.yml:1: PHASE-002 {label}: expiry '2026-02-30' is neither a date (YYYY-MM-DD, a day that exists) nor a phase; {tail}",
        f"mkdocs.yml:1: PHASE-002 {label}: expiry 'whenever' is neither a date (YYYY-MM-DD, a day that exists) nor a phase; {tail}",
        "governance: 5 error(s), 0 warning(s), 0 waived",
        "governance check failed: 5 error(s), 0 warning(s) (fail_on: error); see governance/findings/ in the built site",
    ]


# --------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------


class _Payload:
    """What a poisoned pickle would run on load: it creates a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def test_a_poisoned_cache_runs_nothing_and_is_replaced(tmp_path: Path) -> None:
    marker = tmp_path / "out" / "site" / "PWNED"  # inside site_dir: only its absence is asserted

    def poison(base: Path, root: Path) -> None:
        folder = root / ".cache" / "plugin" / "handshake"
        folder.mkdir(parents=True)
        payload = pickle.dumps({"fingerprint": disk_cache.code_fingerprint(), "entries": _Payload(marker)})
        (folder / disk_cache.FILE_NAME).write_bytes(payload)
        (folder / "parse-cache.pickle").write_bytes(payload)

    built = run_build(tmp_path, prepare=poison)
    built.check(0)
    assert not marker.exists()
    cache_file = built.root / ".cache" / "plugin" / "handshake" / disk_cache.FILE_NAME
    infos = [line for line in built.lines("INFO") if "parse cache" in line]
    assert infos == [
        f"governance: ignoring the parse cache: cache file {cache_file} is not a handshake cache; parsing from scratch and rewriting it"
    ]
    entries, reason = disk_cache.read_entries(cache_file.parent)
    assert reason == "" and entries
    assert not (cache_file.parent / "parse-cache.pickle").exists()


def rebuild(built: Built) -> Built:
    """Build the same repo into the same site again, as a user's next build."""
    before = snapshot(built.base, built.site, built.root)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(built.root / "mkdocs.yml"), "-d", str(built.site)],
        cwd=built.root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True, timeout=300,
    )
    return Built(result, built.base, built.root, built.site, before)


#: What a build keeps in its cache folder; the test below fails when this
#: list no longer matches the folder, so a file added later cannot escape it.
CACHE_FILES = (disk_cache.FILE_NAME, "model.json", "model.json" + disk_cache.STAMP_SUFFIX)

DAMAGES = {
    "garbage": lambda data: bytes(range(256)) * 8,
    "truncated": lambda data: data[: len(data) // 2],
}


@pytest.mark.parametrize(
    ("name", "damage"),
    [(name, damage) for name in CACHE_FILES for damage in DAMAGES] + [("*", "garbage")],
)
def test_a_damaged_cache_file_costs_one_info_line_and_a_cold_build(tmp_path: Path, name: str, damage: str) -> None:
    built = run_build(tmp_path)
    built.check(0)
    folder = built.root / ".cache" / "plugin" / "handshake"
    assert sorted(path.name for path in folder.iterdir()) == sorted(CACHE_FILES)
    cold_model = (built.site / "governance" / "model.json").read_bytes()
    for path in folder.iterdir():
        if name in ("*", path.name):
            path.write_bytes(DAMAGES[damage](path.read_bytes()))

    damaged = rebuild(built)
    damaged.check(0)
    ignoring = [line for line in damaged.lines("INFO") if "ignoring" in line]
    # The parse cache and the kept model.json each say once that they were not used.
    assert len(ignoring) == (2 if name == "*" else 1), damaged.output
    assert (damaged.site / "governance" / "model.json").read_bytes() == cold_model
    # The damaged files were replaced: the next build is warm and says nothing.
    again = rebuild(damaged)
    again.check(0)
    assert not [line for line in again.lines("INFO") if "ignoring" in line], again.output
    assert (again.site / "governance" / "model.json").read_bytes() == cold_model


def test_a_temp_file_left_by_a_killed_build_is_removed(tmp_path: Path) -> None:
    dead_pid = 2**22 + 12345  # above Linux's pid_max default, so no process has it

    def leftovers(base: Path, root: Path) -> None:
        folder = root / ".cache" / "plugin" / "handshake"
        folder.mkdir(parents=True)
        (folder / f".parse-cache-{dead_pid}-x1.tmp").write_bytes(b"{" * 100_000)
        (folder / f".parse-cache-{os.getpid()}-x2.tmp").write_bytes(b"a concurrent writer's file")

    built = run_build(tmp_path, prepare=leftovers)
    built.check(0)
    left = sorted(path.name for path in (built.root / ".cache" / "plugin" / "handshake").iterdir())
    # model.json and its digest are the kept copy of the site's model.json.
    assert left == [f".parse-cache-{os.getpid()}-x2.tmp", "model.json", "model.json.sha256", disk_cache.FILE_NAME]


# --------------------------------------------------------------------------
# The spec search
# --------------------------------------------------------------------------


def _spec_moved(copies: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def prepare(base: Path, root: Path) -> None:
        spec = (root / SPEC).read_bytes()
        (root / SPEC).unlink()
        for copy in copies:
            target = root / copy / SPEC
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(spec)

    return prepare


def test_the_spec_search_skips_build_vcs_and_dependency_folders_and_says_it_searched(tmp_path: Path) -> None:
    decoys = ("node_modules/pkg", ".git/objects", ".cache", "out/site-copy/site")
    built = run_build(tmp_path, prepare=_spec_moved(("specs", *decoys)))
    built.check(0)
    assert built.lines("WARNING") == [
        f"governance: SPEC_CURRENT names {SPEC}, found only by searching the root, at specs/{SPEC}; write that path in SPEC_CURRENT"
    ]
    assert "Tallyline ledger" in (built.site / "governance" / "spec" / "1" / "index.html").read_text(encoding="utf-8")


def test_the_spec_search_warns_when_several_files_match(tmp_path: Path) -> None:
    built = run_build(tmp_path, prepare=_spec_moved(("specs/b", "specs/a")))
    built.check(0)
    assert built.lines("WARNING") == [
        f"governance: SPEC_CURRENT names {SPEC}; 2 files of that name are under the root "
        f"(specs/a/{SPEC}, specs/b/{SPEC}), using specs/a/{SPEC}; write its path relative to the root in SPEC_CURRENT to choose"
    ]


# --------------------------------------------------------------------------
# Damaged and oversized files
# --------------------------------------------------------------------------


def test_a_deeply_nested_gate_log_is_a_finding_not_a_recursion_error(tmp_path: Path) -> None:
    built = run_build(tmp_path, Edit("docs/ORCHESTRATOR_GATES.json", write="[" * 100_000))
    built.check(1)
    assert built.lines("ERROR") == [
        "docs/ORCHESTRATOR_GATES.json:1: PARSE-004 gate log nests arrays or objects too deeply to be read; its events are left out",
        "governance: 1 error(s), 0 warning(s), 0 waived",
        "governance check failed: 1 error(s), 0 warning(s) (fail_on: error); see governance/findings/ in the built site",
    ]


def test_a_50_mb_packet_is_reported_and_skipped(tmp_path: Path) -> None:
    def huge(base: Path, root: Path) -> None:
        line = b"2026-11-20T10:00:00Z DEBUG sync: applied batch 123456 of 999999 entries\n"
        (root / "docs" / "task_packets" / "WP-1-Huge-Log.md").write_bytes(line * (50 * 1024 * 1024 // len(line) + 1))

    started = time.monotonic()
    built = run_build(tmp_path, options=("      fail_on: never",), prepare=huge)
    took = time.monotonic() - started
    built.check(0)
    assert built.lines("ERROR") == [
        "docs/task_packets/WP-1-Huge-Log.md:1: PARSE-001 the task packet docs/task_packets/WP-1-Huge-Log.md is 50.0 MB, "
        "larger than the limit of 10.0 MB (option max_file_mb); it is not read",
        "governance: 1 error(s), 0 warning(s), 0 waived",
    ]
    page = (built.site / "task_packets" / "WP-1-Huge-Log" / "index.html").read_text(encoding="utf-8")
    assert "larger than the plugin&#39;s limit of 10 MB" in page or "larger than the plugin's limit of 10 MB" in page
    assert "applied batch" not in page
    assert took < 60, f"{took:.0f} s"


def test_a_binary_packet_is_one_finding(tmp_path: Path) -> None:
    blob = bytes(range(256)) * 64
    built = run_build(tmp_path, Edit("docs/task_packets/WP-1-Blob.md", write=blob), options=("      fail_on: never",))
    built.check(0)
    on_blob = [line for line in built.lines("ERROR") + built.lines("WARNING") if "WP-1-Blob" in line]
    assert on_blob == [
        "docs/task_packets/WP-1-Blob.md:1: PARSE-001 the task packet docs/task_packets/WP-1-Blob.md is a binary file, not text; it is not read"
    ]


def test_a_utf16_packet_is_read_with_one_finding(tmp_path: Path) -> None:
    def utf16(base: Path, root: Path) -> None:
        path = root / PACKET
        path.write_bytes(b"\xff\xfe" + path.read_text(encoding="utf-8").encode("utf-16-le"))

    built = run_build(tmp_path, prepare=utf16)
    built.check(0)
    # The packet is signed: the re-save is listed under the one finding that
    # asks for its revision (as severe as its worst defect: a warning).
    warnings = built.lines("WARNING")
    assert len(warnings) == 2 and warnings[1] == "governance: 0 error(s), 1 warning(s), 0 waived"
    assert warnings[0].startswith(f"{PACKET}:95: REMEDY-001 WP-1-Merge-Policy is locked") and "(PARSE-002)" in warnings[0]
    # The packet's own page (MkDocs read the text) carries the governance
    # header built from the parsed packet.
    page = (built.site / "task_packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    assert "AGENT_ID: orchestrator-tally-01" in page
    assert "Blocked" in page and "PKT-" not in page


# --------------------------------------------------------------------------
# mkdocs serve
# --------------------------------------------------------------------------


class RecordingServer:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


@pytest.fixture()
def fresh_plugin() -> Iterator[None]:
    plugin_cache = dict(MkDocsConfig._schema)["plugins"].plugin_cache
    plugin_cache.pop("handshake", None)
    yield
    plugin_cache.pop("handshake", None)


def test_serve_watches_governance_files_outside_docs_dir(tmp_path: Path, fresh_plugin: None) -> None:
    root = materialise(tmp_path / "repo", [option_lines("      fail_on: never")])
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    server = RecordingServer()
    plugin = config.plugins["handshake"]
    assert isinstance(plugin, HandshakePlugin)
    assert config.plugins.on_serve(server, config=config, builder=lambda: None) is server
    assert server.watched == [str((root / SPEC).resolve())]
    # MkDocs' own server takes the same call (it watches files as well as folders).
    real = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    try:
        config.plugins.on_serve(real, config=config, builder=lambda: None)
        assert str((root / SPEC).resolve()) in real._watched_paths
    finally:
        real.server_close()


@pytest.mark.skipif(not (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1), reason="no second process on this machine")
def test_a_second_process_that_dies_costs_time_not_results(tmp_path: Path, fresh_plugin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules and pages run in a forked child during a build; if the
    child dies (OOM killer, a crash), the build checks in-process and
    writes the same site files."""
    from mkdocs_handshake import pipeline as pipeline_module

    root = materialise(tmp_path / "repo", [option_lines("      fail_on: never", "      cache: false")])
    expected_site = tmp_path / "expected"
    monkeypatch.setenv("HANDSHAKE_PROCESSES", "1")
    mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(expected_site)))
    monkeypatch.delenv("HANDSHAKE_PROCESSES")
    dict(MkDocsConfig._schema)["plugins"].plugin_cache.pop("handshake", None)

    parent = os.getpid()
    original = pipeline_module.check_stage

    def dies_in_the_child(*args, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            (tmp_path / "child-died").touch()
            os._exit(9)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline_module, "check_stage", dies_in_the_child)
    site = tmp_path / "site"
    mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site)))
    assert (tmp_path / "child-died").exists(), "the build did not use a second process"
    for name in ("governance/model.json", "governance/findings.json", "governance/index.html", "task_packets/WP-1-Merge-Policy/index.html"):
        assert (site / name).read_bytes() == (expected_site / name).read_bytes(), name
