"""The repository's own Node validators: which there are, how each is
called, and what each said about a throw-away copy of the repository.

Nothing here names a validator of the corpora. Validators are the check
scripts of the repository: those its ``justfile`` runs (read by
parity_just.py, its variables substituted) from a folder named
``validation`` or ``checks``, or named ``*-check.mjs``, plus the other
``.mjs`` files of such folders and the other ``*-check.mjs`` files
(``scripts/validation/`` and ``scripts/*-check.mjs`` in the docs layout,
``.GOV/roles_shared/checks/``, ``.GOV/roles/*/checks/`` and the like in the
``.GOV`` one). How each is called comes from the ``justfile``:

* a recipe that passes the script exactly its one WP-id parameter (and at
  most variadic or defaulted ones after it) makes a *per-packet* validator,
  run once per packet;
* a recipe that passes nothing, or only defaulted / variadic parameters,
  makes a *repository* validator, run once;
* a script no recipe calls is run once when it reads no command-line
  argument and exports nothing (a stand-alone check), and skipped otherwise
  (a library, or a tool whose arguments only its author knows);
* a recipe that passes a literal sub-command or other values (``sign
  {{wp-id}} {{signature}}``) is a recording tool, never run: it writes the
  governance state it would be judged on;
* a recipe that names a script the repository does not hold is a check
  that cannot run here;
* a call inside another program's command line (a receipt wrapper) is run
  without the wrapper.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from parity_just import NodeCall, Param, node_calls

HARNESS = Path(__file__).with_name("parity_harness.mjs")

_PLACEHOLDER = re.compile(r"\{\{\s*([\w-]+)\s*\}\}")
# where a repository keeps its checks: a folder named for them, or a
# script named for one (both layouts: scripts/validation/, .GOV/*/checks/,
# scripts/scaffold-check.mjs)
_CHECK_FOLDERS = ("validation", "checks")
_CHECK_NAME = re.compile(r"[-_]check$")
_SKIP_FOLDERS = {"node_modules", "tests", ".git"}


@dataclass(frozen=True)
class Validator:
    name: str  # file stem, e.g. "gate-check"
    script: str  # relative to the corpus top
    mode: str  # "packet" | "repo" | "skip"
    reason: str  # why this mode (the recipe, or why skipped)
    recipe: str = ""  # the justfile recipe that runs it ("" when none does)
    # why its verdict cannot be had on a copy of the repository ("" when it
    # can): set for a check the justfile names but the repository lacks,
    # and from the probe of a run
    not_runnable: str = ""


def _mode_from_recipe(recipe: str, params: tuple[Param, ...], args: tuple[str, ...]) -> tuple[str, str] | None:
    by_name = {param.name: param for param in params}
    passed = []
    for arg in args:
        match = _PLACEHOLDER.fullmatch(arg)
        if not match or match.group(1) not in by_name:
            return None  # a literal sub-command or value: a recording tool
        passed.append(by_name[match.group(1)])
    required = [param for param in passed if not (param.has_default or param.variadic)]
    if not required:
        return "repo", f"justfile recipe `{recipe}` runs it without arguments"
    if len(required) == 1 and re.search(r"wp", required[0].name, re.IGNORECASE) and passed[0] is required[0]:
        return "packet", f"justfile recipe `{recipe} {required[0].name}` runs it per packet"
    return None


def is_check(script: str) -> bool:
    """Whether the repository files this script as a check."""
    path = Path(script)
    return path.parent.name in _CHECK_FOLDERS or bool(_CHECK_NAME.search(path.stem))


def _check_files(corpus: Path, called: set[str]) -> list[str]:
    """The repository's check scripts: those the justfile calls, then the
    ``.mjs`` files of every check folder and every ``*-check.mjs``, in
    path order."""
    found = set(script for script in called if is_check(script))
    for path in corpus.rglob("*.mjs"):
        relative = path.relative_to(corpus)
        if _SKIP_FOLDERS & set(relative.parts[:-1]) or path.name.endswith(".test.mjs"):
            continue
        if is_check(relative.as_posix()):
            found.add(relative.as_posix())
    # check folders first, then the scripts named for a check elsewhere
    return sorted(found, key=lambda script: (Path(script).parent.name not in _CHECK_FOLDERS, script))


def discover(corpus: Path) -> list[Validator]:
    calls = [call for call in node_calls(corpus / "justfile") if call.kind == "script"]
    by_script: dict[str, list[NodeCall]] = {}
    for call in calls:
        by_script.setdefault(call.script, []).append(call)
    found = []
    for relative in _check_files(corpus, set(by_script)):
        path = corpus / relative
        name = path.stem
        recipes = by_script.get(relative, [])
        if recipes and not path.is_file():
            found.append(Validator(name, relative, "skip", "the script is not in the repository", recipes[0].recipe, f"justfile recipe `{recipes[0].recipe}` runs {relative}, which the repository does not hold"))
            continue
        modes = [(mode, call) for mode, call in ((_mode_from_recipe(call.recipe, call.params, call.args), call) for call in recipes) if mode]
        if modes:
            # per packet wins: a repository-wide call of the same script is
            # the per-packet check with its argument left out
            (mode, reason), call = sorted(modes, key=lambda item: item[0][0] != "packet")[0]
            if call.wrapper:
                reason += f" (inside `{call.wrapper}`, which records a receipt of the run; run here without it)"
            found.append(Validator(name, relative, mode, reason, call.recipe))
            continue
        if recipes:
            found.append(Validator(name, relative, "skip", f"every justfile recipe passes it a sub-command or a value other than a WP id (`{recipes[0].recipe}`): a recording tool", recipes[0].recipe))
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "process.argv" in text:
            found.append(Validator(name, relative, "skip", "no justfile recipe calls it and it reads arguments"))
        elif re.search(r"^export\s", text, re.MULTILINE):
            found.append(Validator(name, relative, "skip", "a library the other validators import"))
        else:
            found.append(Validator(name, relative, "repo", "no justfile recipe; a stand-alone check without arguments"))
    return found


class NodeUnavailable(RuntimeError):
    pass


def node_binary() -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeUnavailable("node is not installed")
    return node


def throwaway_copy(corpus: Path, into: Path) -> Path:
    """A copy of the corpus with a fresh one-commit git history, as the
    validators that read git state (HEAD, merge-base main) expect."""
    copy = into / corpus.name
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(".git"))
    git = ["git", "-c", "user.name=parity", "-c", "user.email=parity@localhost", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "snapshot"]):
        subprocess.run([*git, *command], cwd=copy, check=True, capture_output=True)
    return copy


@dataclass(frozen=True)
class Outcome:
    validator: str
    subject: str  # the WP id for per-packet runs, "" for repository runs
    code: int
    output: str  # stdout and stderr together

    @property
    def failed(self) -> bool:
        return self.code != 0


def run_all(copy: Path, validators: list[Validator], packet_ids: list[str], timeout_s: int = 60, parallel: int = 2, home: Path | None = None) -> list[Outcome]:
    """Every validator on the copy: repository validators one by one, then
    the per-packet runs ``parallel`` at a time (they only read)."""
    jobs: list[dict[str, object]] = []
    owners: list[tuple[str, str]] = []
    for validator in validators:
        if validator.mode == "packet":
            for wp in packet_ids:
                jobs.append({"script": validator.script, "args": [wp], "parallel": True})
                owners.append((validator.name, wp))
        elif validator.mode == "repo":
            jobs.append({"script": validator.script, "args": []})
            owners.append((validator.name, ""))
    results_file = copy.parent / "parity-results.json"
    completed = subprocess.run(
        [node_binary(), str(HARNESS), str(results_file)],
        cwd=copy,
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(home or copy), "PARITY_JOB_TIMEOUT_MS": str(timeout_s * 1000), "PARITY_PARALLEL": str(parallel)},
        timeout=timeout_s * max(1, len(jobs)),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the Node harness failed: {completed.stderr.strip()[:500]}")
    try:
        results = json.loads(results_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(f"the Node harness wrote no results: {error}") from None
    return [Outcome(name, subject, int(result["code"]), (result["stdout"] or "") + "\n" + (result["stderr"] or "")) for (name, subject), result in zip(owners, results)]
