"""How long does ``mkdocs-handshake check`` take, against a plugin build of
the same repo?

The corpus is copied to a temporary folder with the mkdocs.yml its README
gives for reading it (``docs_dir: docs``, the handshake plugin with
``root: .``), on the theme the package depends on and the template uses
(material, with the search plugin, as in ``site.py``), plus ``as_of`` and
``fail_on: never``, so both commands read the same options and exit 0. Four measurements, in interleaved rounds so
that load on the (shared) machine hits all of them alike:

  build cold  - ``python -m mkdocs build -q``, the plugin's cache deleted first
  check cold  - ``python -m mkdocs_handshake check -o FILE``, the cache deleted first
  build warm  - the build again, nothing changed since the previous build
  check warm  - the check again, nothing changed since the previous check

Each is a subprocess, timed with ``perf_counter`` around it, as a CI step or
a pre-commit hook runs it. The issue's bound: check / build <= 0.40, cold
against cold and warm against warm.

Usage: python benchmarks/cli.py [--corpus PATH] [--repeat N] [--keep]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import CORPUS_AS_OF, REPO, base_arguments, check_corpus, table, verdict

CONFIG = f"""\
site_name: Corpus
docs_dir: docs
theme:
  name: material
plugins:
  - search
  - handshake:
      root: .
      as_of: {CORPUS_AS_OF}
      fail_on: never
"""
KINDS = ("build cold", "check cold", "build warm", "check warm")


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}


def run(root: Path, kind: str, out: Path) -> float:
    if kind.endswith("cold"):
        shutil.rmtree(root / ".cache", ignore_errors=True)
    if kind.startswith("build"):
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(out / "site")]
    else:
        command = [sys.executable, "-m", "mkdocs_handshake", "check", "-o", str(out / "findings.txt")]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{kind} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = base_arguments(__doc__.split("\n\n")[0], repeat=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    args = parser.parse_args()
    corpus = check_corpus(args.corpus)
    work = Path(tempfile.mkdtemp(prefix="handshake-cli-bench-"))
    root = work / "corpus"
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns("scripts", ".cache"))
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    try:
        for kind in KINDS:  # warm-up round: imports, bytecode, file system cache
            run(root, kind, work)
        for _ in range(max(1, args.repeat)):
            for kind in KINDS:
                samples[kind].append(run(root, kind, work))
        findings = (work / "findings.txt").read_text(encoding="utf-8").splitlines()[-1]
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    median = {kind: statistics.median(values) for kind, values in samples.items()}
    rows = [[kind, f"{median[kind]:.2f} s", f"{min(values):.2f} s", f"{max(values):.2f} s"] for kind, values in samples.items()]
    print(f"corpus: {corpus} ({findings})")
    print(f"medians of {args.repeat} interleaved rounds")
    print(table(("measurement", "median", "min", "max"), rows))
    print()
    print(verdict("check cold / build cold", median["check cold"] / median["build cold"], 0.40))
    print(verdict("check warm / build warm", median["check warm"] / median["build warm"], 0.40))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
