"""How long does ``mkdocs-handshake check`` take, against a plugin build of
the same repo?

The corpus is copied to a temporary folder with the mkdocs.yml its README
gives for reading it (``docs_dir: docs``, or ``--docs-dir .GOV`` for the
June 2026 layout; the handshake plugin with ``root: .``), on the theme the package depends on and the template uses
(material, with the search plugin, as in ``site.py``), plus ``as_of`` and
``fail_on: never``, so both commands read the same options and exit 0. Four measurements, in interleaved rounds so
that load on the (shared) machine hits all of them alike:

  build cold  - ``python -m mkdocs build -q``, the plugin's cache deleted first
  check cold  - ``python -m mkdocs_handshake check -o FILE``, the cache deleted first
  build warm  - the build again, nothing changed since the previous build
  check warm  - the check again, nothing changed since the previous check

Each is a subprocess, timed with ``perf_counter`` around it, as a CI step or
a pre-commit hook runs it; its CPU time (user + system, from ``os.wait4``)
is reported too, because on a shared machine wall time also measures the
other users' load. Bytecode caching is on in both, as on a user's machine
(see ``_common.child_environment``). The issue's bound: check / build <= 0.40 in wall time,
cold against cold and warm against warm.

Usage: python benchmarks/cli.py [--corpus PATH] [--docs-dir DIR] [--as-of DATE] [--repeat N] [--keep]
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

from _common import CORPUS_AS_OF, REPO, add_docs_dir, base_arguments, check_corpus, child_environment, table, verdict

CONFIG = """\
site_name: Corpus
docs_dir: {docs_dir}
theme:
  name: material
plugins:
  - search
  - handshake:
      root: .
      as_of: "{as_of}"
      fail_on: never
"""
KINDS = ("build cold", "check cold", "build warm", "check warm")


def run(root: Path, kind: str, out: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    if kind.endswith("cold"):
        shutil.rmtree(root / ".cache", ignore_errors=True)
    if kind.startswith("build"):
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(out / "site")]
    else:
        command = [sys.executable, "-m", "mkdocs_handshake", "check", "-o", str(out / "findings.txt")]
    log = out / "log.txt"
    with log.open("w", encoding="utf-8") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=root, env=child_environment(out, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1"), stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{kind} failed ({child.returncode}):\n{log.read_text(encoding='utf-8')[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = base_arguments(__doc__.split("\n\n")[0], repeat=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    parser.add_argument("--as-of", default=CORPUS_AS_OF, help="the plugin's as_of date (default: %(default)s, the reference corpus' day)")
    add_docs_dir(parser)
    args = parser.parse_args()
    corpus = check_corpus(args.corpus, args.docs_dir)
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="handshake-cli-bench-"))
    root = work / "corpus"
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns("scripts", ".cache"))
    (root / "mkdocs.yml").write_text(CONFIG.format(docs_dir=args.docs_dir, as_of=args.as_of), encoding="utf-8")
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    try:
        for kind in KINDS:  # warm-up round: imports, bytecode, file system cache
            run(root, kind, work)
        for _ in range(max(1, args.repeat)):
            for kind in KINDS:
                wall, used = run(root, kind, work)
                samples[kind].append(wall)
                cpu[kind].append(used)
        findings = (work / "findings.txt").read_text(encoding="utf-8").splitlines()[-1]
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    median = {kind: statistics.median(values) for kind, values in samples.items()}
    cpu_median = {kind: statistics.median(values) for kind, values in cpu.items()}
    rows = [
        [kind, f"{median[kind]:.2f} s", f"{min(values):.2f} s", f"{max(values):.2f} s", f"{cpu_median[kind]:.2f} s"]
        for kind, values in samples.items()
    ]
    print(f"corpus: {corpus} ({findings})")
    print(f"medians of {args.repeat} interleaved rounds; load average before: {load_before:.1f} on {os.cpu_count()} CPUs")
    print(table(("measurement", "wall median", "min", "max", "CPU median"), rows))
    print()
    print(verdict("check cold / build cold", median["check cold"] / median["build cold"], 0.40))
    print(verdict("check warm / build warm", median["check warm"] / median["build warm"], 0.40))
    print(f"CPU time: check cold / build cold = {cpu_median['check cold'] / cpu_median['build cold']:.2f}, "
          f"check warm / build warm = {cpu_median['check warm'] / cpu_median['build warm']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
