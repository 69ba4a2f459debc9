"""Does validation stay cheap and linear as a repo grows?

1. On the real corpus: parse (``load_repo``), rules (``run_rules``), and the
   ratios rules/parse and (parse+rules)/tokenise.
2. On synthetic repos of 1,000 and 10,000 packets grown from the template
   (see ``synthetic.py``): parse and validate time, per packet, the growth
   ratio validate(10k)/validate(1k) (10 means linear) and rules/parse.
3. Every rule timed on its own at each size, so a rule that grows faster
   than the corpus is named with its numbers; when validation is
   super-linear (or with ``--profile``) cProfile shows where the time goes.

The issue's bounds: rules/parse <= 2; growth <= 12.5 (10x the packets, a
25 % allowance for noise on a shared machine).

Usage: python benchmarks/validate.py [--corpus PATH] [--repeat N] [--sizes 1000,10000] [--profile] [--keep]
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from _common import CORPUS_AS_OF, TIMING_HEADERS, Timing, base_arguments, check_corpus, measure, ms, table, timing_row, verdict
from parse import files_the_loader_reads, tokenise_all
from synthetic import generate

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.parse.markdown import tokenize
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.repository.source import decode

RULES_PER_PARSE = 2.0
GROWTH = 12.5
SHARED_INDEXES = ("packets_by_id", "sections_by_number", "graph")


class StageCache(ParseCache):
    """A parse cache that never hits and times each parser by kind (spec,
    packet, board, audit, gate_log, ...): the loader's own seam, so the
    stages are measured without restating the loader here."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, float] = {}

    def get(self, kind, src, digest, parse):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return super().get(kind, src, digest, parse)
        finally:
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - started


def load_by_stage(layout: Layout) -> tuple[GovernanceModel, dict[str, float]]:
    cache = StageCache()
    started = time.perf_counter()
    model = load_repo(layout, cache)
    total = time.perf_counter() - started
    stages = {f"parse: {kind}": seconds for kind, seconds in cache.seconds.items()}
    stages["parse: the rest (signature scan, phase claims, linking)"] = total - sum(cache.seconds.values())
    return model, stages


@dataclass(frozen=True)
class SizeResult:
    packets: int
    parse: Timing
    rules: Timing
    findings: int
    per_rule: dict[str, float]
    stages: dict[str, float]
    model: GovernanceModel
    as_of: dt.date
    tokenise: float  # seconds to tokenise the same files with markdown-it


def time_rules_separately(model: GovernanceModel, as_of: dt.date, repeat: int) -> dict[str, float]:
    """Median seconds per rule, plus the shared indexes of the rule context
    (built once, as in ``run_rules``, and charged to no rule)."""
    context = RuleContext(model, as_of=as_of, options={"waivers": ()})
    started = time.perf_counter()
    for name in SHARED_INDEXES:
        getattr(context, name)
    timings = {"(shared indexes: packets, sections, graph)": time.perf_counter() - started}
    for rule_id in sorted(REGISTRY):
        rule = REGISTRY[rule_id]
        samples = []
        for _ in range(max(1, repeat)):
            begun = time.perf_counter()
            for _finding in rule.check(rule, context):
                pass
            samples.append(time.perf_counter() - begun)
        timings[rule_id] = statistics.median(samples)
    return timings


def measure_repo(root: Path, as_of: dt.date, repeat: int, warm: bool = True) -> tuple[Timing, Timing, GovernanceModel, int, dict[str, float]]:
    """Parse and rules timings; the parser stages are those of the last run."""
    layout = Layout(root)
    parse = measure(lambda: load_by_stage(layout), repeat, setup=tokenize.cache_clear, warmup=warm)
    model, stages = parse.result  # type: ignore[misc]
    config = EngineConfig(as_of=as_of)
    rules = measure(lambda: run_rules(model, config), repeat, warmup=warm)
    return parse, rules, model, len(rules.result), stages  # type: ignore[arg-type]


def real_corpus(root: Path, repeat: int) -> bool:
    files = files_the_loader_reads(Layout(root))
    texts = [decode((root / relative).read_bytes(), relative).text for relative in files if relative.endswith(".md")]
    tokens = measure(lambda: tokenise_all(texts), repeat)
    parse, rules, model, findings, _ = measure_repo(root, dt.date.fromisoformat(CORPUS_AS_OF), repeat)
    print(f"== real corpus: {root}")
    print(f"{len(model.packets)} packets, {len(files)} files, {findings} findings (as_of {CORPUS_AS_OF}); median of {repeat} runs after 1 warm-up")
    print()
    print(table(TIMING_HEADERS, [timing_row("tokenise (markdown-it)", tokens), timing_row("parse (load_repo)", parse), timing_row("rules (run_rules)", rules)]))
    print()
    rules_ratio = rules.median / parse.median
    print(f"rules/parse              = {rules_ratio:.3f}")
    print(f"(parse+rules)/tokenise   = {(parse.median + rules.median) / tokens.median:.2f}")
    line = verdict("real corpus rules/parse", rules_ratio, RULES_PER_PARSE)
    print(line)
    return line.startswith("PASS")


def synthetic(sizes: list[int], repeat: int, keep: bool) -> list[SizeResult]:
    results: list[SizeResult] = []
    folder = Path(tempfile.mkdtemp(prefix="handshake-bench-"))
    for position, size in enumerate(sizes):
        root = folder / f"gen-{size}"
        started = time.perf_counter()
        repo = generate(root, size)
        generated = time.perf_counter() - started
        # Imports and parser construction were warmed on the real corpus and
        # the first size; re-parsing 10,000 packets only to warm up is waste.
        parse, rules, model, findings, stages = measure_repo(root, repo.as_of, repeat, warm=position == 0)
        per_rule = time_rules_separately(model, repo.as_of, repeat)
        files = files_the_loader_reads(Layout(root))
        texts = [decode((root / relative).read_bytes(), relative).text for relative in files if relative.endswith(".md")]
        tokens = measure(lambda: tokenise_all(texts), 1, warmup=False)
        del texts
        results.append(SizeResult(len(model.packets), parse, rules, findings, per_rule, stages, model, repo.as_of, tokens.median))
        print(f"   generated {size} packets in {generated:.1f} s at {root if keep else 'a temporary folder'}", flush=True)
    if not keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return results


def report_synthetic(results: list[SizeResult]) -> tuple[bool, bool]:
    headers = ("packets", "tokenise", "parse", "parse/packet", "validate", "validate/packet", "rules/parse", "parse/tokenise", "validate/tokenise", "findings")
    rows = [
        [
            str(result.packets),
            ms(result.tokenise),
            ms(result.parse.median),
            f"{result.parse.median / result.packets * 1e3:.3f} ms",
            ms(result.rules.median),
            f"{result.rules.median / result.packets * 1e3:.3f} ms",
            f"{result.rules.median / result.parse.median:.3f}",
            f"{result.parse.median / result.tokenise:.2f}",
            f"{result.rules.median / result.tokenise:.3f}",
            str(result.findings),
        ]
        for result in results
    ]
    print(table(headers, rows))
    print()
    ok_ratio = True
    for result in results:
        line = verdict(f"rules/parse at {result.packets} packets", result.rules.median / result.parse.median, RULES_PER_PARSE)
        ok_ratio &= line.startswith("PASS")
        print(line)
    ok_growth = True
    if len(results) >= 2:
        small, large = results[0], results[-1]
        scale = large.packets / small.packets
        growth = large.rules.median / small.rules.median
        parse_growth = large.parse.median / small.parse.median
        print(f"parse({large.packets})/parse({small.packets})       = {parse_growth:.2f} (packets x{scale:g})")
        print(f"validate({large.packets})/validate({small.packets}) = {growth:.2f} (packets x{scale:g})")
        bound = GROWTH * scale / 10
        line = verdict(f"validate({large.packets})/validate({small.packets})", growth, bound)
        ok_growth = line.startswith("PASS")
        print(line)
        print(verdict(f"parse({large.packets})/parse({small.packets}) [informative, not an issue bound]", parse_growth, bound))
    return ok_ratio, ok_growth


def report_growth(title: str, results: list[SizeResult], parts: Callable[[SizeResult], dict[str, float]], total: Callable[[SizeResult], float], top: int = 10) -> list[str]:
    """The slowest parts at the largest size with their growth from the
    smallest; returns the parts that grow faster than the linear bound and
    take at least 1 % of the total (below that, timer noise dominates)."""
    small, large = results[0], results[-1]
    bound = GROWTH * (large.packets / small.packets) / 10
    large_parts, small_parts = parts(large), parts(small)
    ranked = sorted(large_parts, key=lambda name: (-large_parts[name], name))
    headers = ("part", *(f"{result.packets} pkts" for result in results), "growth")
    rows = []
    culprits: list[str] = []
    for name in ranked[:top]:
        before = small_parts.get(name, 0.0)
        growth = large_parts[name] / before if before > 0 else float("inf")
        if len(results) >= 2 and growth > bound and large_parts[name] > 0.01 * total(large):
            culprits.append(f"{name} ({ms(before)} -> {ms(large_parts[name])}, x{growth:.0f})")
        rows.append([name, *(ms(parts(result).get(name, 0.0)) for result in results), f"x{growth:.1f}"])
    print(f"{title} at {large.packets} packets:")
    print(table(headers, rows))
    if culprits:
        print(f"super-linear (growth above x{bound:g}): {'; '.join(culprits)}")
    return culprits


def profile_rules(result: SizeResult) -> None:
    """cProfile one ``run_rules`` on the largest repo's model: cumulative
    time per rule check and the top functions by own time."""
    config = EngineConfig(as_of=result.as_of)
    profiler = cProfile.Profile()
    profiler.enable()
    run_rules(result.model, config)
    profiler.disable()
    stats = pstats.Stats(profiler)
    checks = {rule.function.__code__: rule_id for rule_id, rule in REGISTRY.items()}
    per_rule = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for code, rule_id in checks.items():
            if code.co_filename == filename and code.co_firstlineno == line and code.co_name == name:
                per_rule.append((cumulative, rule_id, calls))
    print(f"cProfile of run_rules at {result.packets} packets, cumulative time per rule check:")
    print(table(("rule", "cumulative", "calls"), [[rule_id, ms(cumulative), str(calls)] for cumulative, rule_id, calls in sorted(per_rule, reverse=True)[:8]]))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print("top functions by own time:")
    prefix = str(Path(__file__).resolve().parents[1]) + "/"
    kept = [line.replace(prefix, "") for line in out.getvalue().splitlines() if line.strip() and "function calls" not in line and not line.lstrip().startswith(("Ordered", "List reduced"))]
    print("\n".join(kept))


def main() -> int:
    parser = base_arguments(__doc__.splitlines()[0], repeat=3)
    parser.add_argument("--sizes", default="1000,10000", help="synthetic repo sizes in packets, comma-separated (default: %(default)s)")
    parser.add_argument("--profile", action="store_true", help="always run cProfile on the largest size")
    parser.add_argument("--keep", action="store_true", help="keep the generated repos (their folder is printed)")
    args = parser.parse_args()
    root = check_corpus(args.corpus)
    sizes = sorted(int(size) for size in args.sizes.split(",") if size.strip())

    ok_real = real_corpus(root, args.repeat)
    print()
    print(f"== synthetic repos from site_template ({', '.join(map(str, sizes))} packets); median of {args.repeat} runs")
    results = synthetic(sizes, args.repeat, args.keep)
    print()
    ok_ratio, ok_growth = report_synthetic(results)
    print()
    report_growth("parse stages (one parse per kind, last timed run)", results, lambda result: result.stages, lambda result: result.parse.median)
    print()
    report_growth("slowest rules (each timed alone, median of its runs)", results, lambda result: result.per_rule, lambda result: result.rules.median)
    if args.profile or not ok_growth:
        print()
        profile_rules(results[-1])
    print()
    print(f"overall: {'PASS' if ok_real and ok_ratio and ok_growth else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
