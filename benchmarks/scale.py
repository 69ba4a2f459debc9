"""How do build time and memory grow with the number of packets?

For each size (default 100, 1,000 and 10,000 packets) a synthetic repo is
generated (``synthetic.py``, seeded) with the Master Spec of the reference
corpus in place of the template's small spec (SPEC_CURRENT is pointed at it,
and it is copied into docs/ so both builds have it as a page, as in
``site.py``). Each size is built twice, each in its own ``python -m mkdocs
build -q`` subprocess:

(a) plain:  theme material, plugin search;
(b) plugin: the same plus handshake (``fail_on: never``, no disk cache: a
    first build), ``nav_packets: false`` at 10,000 packets as the issue
    asks.

Both use the same explicit ``nav`` of the top-level docs pages (packets
are ``not_in_nav``). With MkDocs' automatic nav every page of a Material
site carries every packet in its navigation, so even the plain build grows
with the square of the packets; ``--nav auto`` measures that instead.

Reported per size: wall time and the child's peak RSS (``os.wait4``) of
both builds, their ratio, and the growth of each from one size to the next.
The issue's bounds: plugin/plain <= 1.5 at 1,000 packets; 10,000 packets
build, under 4 GB peak; plugin time from 1,000 to 10,000 grows <= 12x.

Usage: python benchmarks/scale.py [--sizes 100 1000 10000] [--nav explicit|auto] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import DEFAULT_CORPUS, check_corpus, child_environment, table, verdict

import synthetic
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.spec_files import find_spec_file
from mkdocs_handshake.parse.spec_current import parse_spec_current
from mkdocs_handshake.repository.source import decode

TEMPLATE_SPEC = "Tallyline_Master_Spec_v01.04.md"
RATIO_BOUND = 1.5
MEMORY_BOUND_MB = 4096
GROWTH_BOUND = 12.0


@dataclass(frozen=True)
class Build:
    seconds: float
    peak_mb: float


def corpus_spec(corpus: Path) -> Path:
    """The spec file the corpus' SPEC_CURRENT names."""
    layout = Layout(corpus)
    pointer, _ = parse_spec_current(decode((corpus / layout.spec_current).read_bytes(), layout.spec_current))
    if len(pointer.spec_names) != 1:
        sys.exit(f"{corpus}: SPEC_CURRENT does not name exactly one spec")
    found = find_spec_file(layout, pointer.spec_names[0][0], layout.spec_current)
    if found is None:
        sys.exit(f"{corpus}: the spec SPEC_CURRENT names is missing")
    return corpus / found


def prepare(work: Path, count: int, spec: Path, nav: str) -> tuple[Path, str]:
    """Generate the repo, swap in the corpus spec, write both configurations.
    Returns the root and the plugin's as_of date."""
    root = work / f"repo-{count}"
    repo = synthetic.generate(root, count)
    (root / TEMPLATE_SPEC).unlink()
    shutil.copyfile(spec, root / spec.name)
    shutil.copyfile(spec, root / "docs" / spec.name)
    pointer = root / "docs" / "SPEC_CURRENT.md"
    pointer.write_text(pointer.read_text(encoding="utf-8").replace(TEMPLATE_SPEC, spec.name), encoding="utf-8")
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    common = "docs_dir: docs\ntheme:\n  name: material\n"
    if nav == "explicit":
        pages = sorted(path.name for path in (root / "docs").glob("*.md"))
        common += "nav:\n" + "".join(f"  - {page}\n" for page in pages) + "not_in_nav: |\n  /task_packets/\n"
    (root / "plain.yml").write_text(f"site_name: scale {count} (plain)\n{common}site_dir: {work / f'site-plain-{count}'}\nplugins:\n  - search\n", encoding="utf-8")
    nav_packets = "      nav_packets: false\n" if count >= 10_000 else ""
    (root / "handshake.yml").write_text(
        f"site_name: scale {count} (handshake)\n{common}site_dir: {work / f'site-plugin-{count}'}\nplugins:\n  - search\n"
        f"  - handshake:\n      root: .\n      fail_on: never\n      cache: false\n      as_of: \"{repo.as_of.isoformat()}\"\n{nav_packets}",
        encoding="utf-8",
    )
    return root, repo.as_of.isoformat()


def build(root: Path, config: str, log: Path) -> Build:
    """One ``mkdocs build -q`` in a child process: wall time, the child's peak RSS."""
    environment = child_environment(log.parent)
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], cwd=root, env=environment, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        sys.exit(f"mkdocs build -f {config} in {root} failed with exit code {code}:\n" + "\n".join(tail))
    return Build(seconds, usage.ru_maxrss / 1024)


def growth(runs: dict[int, Build], sizes: list[int], attribute: str) -> list[str]:
    cells = ["-"]
    for smaller, larger in zip(sizes, sizes[1:]):
        cells.append(f"{getattr(runs[larger], attribute) / getattr(runs[smaller], attribute):.2f}x")
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus whose Master Spec the repos use (default: %(default)s)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000], help="packet counts (default: %(default)s)")
    parser.add_argument("--nav", choices=("explicit", "auto"), default="explicit", help="nav of both builds (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the repos and sites (their folder is printed)")
    args = parser.parse_args()
    spec = corpus_spec(check_corpus(args.corpus))
    sizes = sorted(args.sizes)
    work = Path(tempfile.mkdtemp(prefix="handshake-scale-bench-"))
    plain: dict[int, Build] = {}
    plugin: dict[int, Build] = {}
    try:
        print(f"spec: {spec.name} ({spec.stat().st_size / 1e6:.1f} MB); nav: {args.nav}; work: {work if args.keep else 'a temporary folder'}")
        print("each build: python -m mkdocs build -q in a subprocess, one run per size and side, no plugin cache")
        for count in sizes:
            root, _as_of = prepare(work, count, spec, args.nav)
            # One untimed plain build first: bytecode, file system cache.
            if count == sizes[0]:
                build(root, "plain.yml", work / "warmup.log")
            plain[count] = build(root, "plain.yml", work / f"plain-{count}.log")
            plugin[count] = build(root, "handshake.yml", work / f"plugin-{count}.log")
            print(f"  {count:,} packets: plain {plain[count].seconds:.1f} s, plugin {plugin[count].seconds:.1f} s", flush=True)
            if not args.keep:
                shutil.rmtree(work / f"site-plain-{count}", ignore_errors=True)
                shutil.rmtree(work / f"site-plugin-{count}", ignore_errors=True)
        print()
        rows = []
        for count in sizes:
            a, b = plain[count], plugin[count]
            rows.append([f"{count:,}", f"{a.seconds:.1f} s", f"{a.peak_mb:.0f} MB", f"{b.seconds:.1f} s", f"{b.peak_mb:.0f} MB", f"{b.seconds / a.seconds:.2f}", f"{b.peak_mb / a.peak_mb:.2f}"])
        print(table(("packets", "plain time", "plain peak", "plugin time", "plugin peak", "time ratio", "memory ratio"), rows))
        print()
        print(table(
            ("growth from the previous size", *(f"{count:,}" for count in sizes)),
            [
                ["plain time", *growth(plain, sizes, "seconds")],
                ["plugin time", *growth(plugin, sizes, "seconds")],
                ["plain peak RSS", *growth(plain, sizes, "peak_mb")],
                ["plugin peak RSS", *growth(plugin, sizes, "peak_mb")],
            ],
        ))
        print()
        if 1_000 in plain:
            print(verdict("plugin/plain time at 1,000 packets", plugin[1_000].seconds / plain[1_000].seconds, RATIO_BOUND))
        if 10_000 in plugin:
            print(verdict("plugin peak RSS at 10,000 packets (MB)", plugin[10_000].peak_mb, MEMORY_BOUND_MB, strict=True))
            if 1_000 in plugin:
                print(verdict("plugin time 10,000 / 1,000 packets", plugin[10_000].seconds / plugin[1_000].seconds, GROWTH_BOUND))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
