"""The repository's own Node validators: which there are, how each is
called, and what each said about a throw-away copy of the repository.

Nothing here names a validator of the two corpora. Validators are the
``.mjs`` files of ``scripts/validation/`` plus ``scripts/*-check.mjs``; how
each is called comes from the repository's ``justfile``:

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
  governance state it would be judged on.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HARNESS = Path(__file__).with_name("parity_harness.mjs")

_RECIPE = re.compile(r"""^(?P<name>[A-Za-z0-9_-]+)(?P<params>(?:\s+[*+]?[\w-]+(?:=(?:"[^"]*"|'[^']*'|[^\s:]+))?)*)\s*:(?!=)""")
_NODE_CALL = re.compile(r"\bnode\s+(?P<script>scripts/[\w./-]+\.mjs)(?P<args>[^\n;&|]*)")
_PLACEHOLDER = re.compile(r"\{\{\s*([\w-]+)\s*\}\}")


@dataclass(frozen=True)
class Validator:
    name: str  # file stem, e.g. "gate-check"
    script: str  # relative to the corpus top
    mode: str  # "packet" | "repo" | "skip"
    reason: str  # why this mode (the recipe, or why skipped)


@dataclass(frozen=True)
class Param:
    name: str
    has_default: bool
    variadic: bool


def _params(text: str) -> list[Param]:
    params = []
    for token in re.findall(r"[*+]?[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|\S+))?", text):
        variadic = token[0] in "*+"
        name = token.lstrip("*+").split("=", 1)[0]
        params.append(Param(name, "=" in token or token.startswith("*"), variadic))
    return params


def justfile_calls(justfile: Path) -> dict[str, list[tuple[str, list[Param], list[str]]]]:
    """script -> [(recipe, its parameters, the arguments it passes)]."""
    calls: dict[str, list[tuple[str, list[Param], list[str]]]] = {}
    if not justfile.is_file():
        return calls
    recipe: tuple[str, list[Param]] | None = None
    for line in justfile.read_text(encoding="utf-8", errors="replace").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            match = _RECIPE.match(line)
            recipe = (match.group("name"), _params(match.group("params"))) if match and not line.startswith("set ") else None
            continue
        if recipe is None:
            continue
        for call in _NODE_CALL.finditer(line):
            args = call.group("args").split()
            calls.setdefault(call.group("script"), []).append((recipe[0], recipe[1], args))
    return calls


def _mode_from_recipe(recipe: str, params: list[Param], args: list[str]) -> tuple[str, str] | None:
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


def discover(corpus: Path) -> list[Validator]:
    scripts = sorted((corpus / "scripts" / "validation").glob("*.mjs")) + sorted((corpus / "scripts").glob("*-check.mjs"))
    calls = justfile_calls(corpus / "justfile")
    found = []
    for path in scripts:
        relative = path.relative_to(corpus).as_posix()
        name = path.stem
        recipes = calls.get(relative, [])
        modes = [mode for mode in (_mode_from_recipe(*call) for call in recipes) if mode]
        if modes:
            # per packet wins: a repository-wide call of the same script is
            # the per-packet check with its argument left out
            mode, reason = sorted(modes, key=lambda item: item[0] != "packet")[0]
            found.append(Validator(name, relative, mode, reason))
            continue
        if recipes:
            found.append(Validator(name, relative, "skip", f"every justfile recipe passes it a sub-command or a value other than a WP id (`{recipes[0][0]}`): a recording tool"))
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


def run_all(copy: Path, validators: list[Validator], packet_ids: list[str], timeout_s: int = 60, parallel: int = 2) -> list[Outcome]:
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
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(copy), "PARITY_JOB_TIMEOUT_MS": str(timeout_s * 1000), "PARITY_PARALLEL": str(parallel)},
        timeout=timeout_s * max(1, len(jobs)),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the Node harness failed: {completed.stderr.strip()[:500]}")
    try:
        results = json.loads(results_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(f"the Node harness wrote no results: {error}") from None
    return [Outcome(name, subject, int(result["code"]), (result["stdout"] or "") + "\n" + (result["stderr"] or "")) for (name, subject), result in zip(owners, results)]
