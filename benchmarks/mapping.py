"""DONE_MEANS -> requirement mapping measured against the hand-labelled set.

``python benchmarks/mapping.py`` maps every item of
``tests/acceptance/done_means_labels.json`` with the matcher the build uses
(:func:`mkdocs_handshake.analysis.mapping.map_done_means`) and prints:

* recall: of the items labelled with a requirement, the share the matcher
  maps to one of the labelled requirements (bound >= 80%);
* precision: of the items the matcher maps to a requirement, the share whose
  requirement is one of the labelled ones (bound >= 90%);
* verification accuracy: over all items, agreement on "is a verification
  step" (bound >= 95%);
* the share of each signal among the mappings made, and the confusion table
  (label x outcome).

``--draw`` prints the seeded stratified draws the labelled set was built from
(the first, and each later one under ``more``) and checks that the labelled
items are exactly those draws: the set was drawn, not picked to suit the
matcher. Both corpora are read from ``--corpora`` (default:
``../shared/corpus`` beside the repository).

``--fit`` fits the calibrated decision's bar and margin
(``mapping.DECISION_BAR``, ``DECISION_MARGIN``) on one corpus and measures
them on each other one, then on all (the values to ship): the most
recall at a precision of at least 90%, the more cautious setting on ties
(``--grid`` adds every setting measured on each corpus).
``--cost`` times the embedding (load, sentences embedded, mapping with and
without it) against a cold ``check`` of each corpus, then the mapping of
synthetic repos of growing size (``--synthetic``). ``--no-embedding``
measures the matcher as it runs when the package is absent.

The labelled corpora are the two docs-era snapshots (markdown packets) and
the .GOV-era one, whose JSON contracts' acceptance criteria are its
DONE_MEANS: each later draw under ``more`` names the corpora it draws from.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO

from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.analysis import mapping
from mkdocs_handshake.analysis.mapping_index import RequirementIndex
from mkdocs_handshake.analysis.mapping import map_done_means
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.spec import Requirement
from mkdocs_handshake.analysis.traceability import done_entries

LABELS = REPO / "tests" / "acceptance" / "done_means_labels.json"
#: The labelled corpora: the two docs-era snapshots and the .GOV-era one
#: (its JSON contracts' acceptance criteria).
CORPORA = ("handshake-2025-12-27", "handshake-2026-02-03", "handshake-2026-06-22")


def all_draws(models: list[tuple[str, GovernanceModel]], document: dict) -> list[tuple[str, str, int, str]]:
    """The first draw (``seed``, ``per_corpus`` from each of ``corpora``),
    then each later one (``more``: a seed, a quota and the corpora it draws
    from), which skips every item drawn before it."""
    seen: set[tuple[str, str]] = set()
    drawn = draw([(name, model) for name, model in models if name in document["corpora"]], document["seed"], document["per_corpus"], seen)
    for extra in document.get("more", ()):
        drawn += draw([(name, model) for name, model in models if name in extra["corpora"]], extra["seed"], extra["quota"], seen)
    return drawn


def draw(models: list[tuple[str, GovernanceModel]], seed: int, quota: int, seen: set[tuple[str, str]] | None = None) -> list[tuple[str, str, int, str]]:
    """``(corpus, file, line, text)`` of the drawn items: per corpus, packets
    in a seeded order, one random item per packet per round until the quota
    is met; an item already drawn (same packet id and text) is skipped."""
    drawn: list[tuple[str, str, int, str]] = []
    seen = set() if seen is None else seen
    for position, (name, model) in enumerate(models):
        rng = random.Random(seed * 1000 + position)
        pools: dict[str, list] = {}
        for packet in sorted(model.packets, key=lambda p: p.file):
            entries = [(packet.id, item) for item, _ in done_entries(packet) if (packet.id, item.text) not in seen]
            if entries:
                pools[packet.file] = entries
        order = sorted(pools)
        rng.shuffle(order)
        taken = 0
        while taken < quota and any(pools[f] for f in order):
            for file in order:
                if taken >= quota:
                    break
                if not pools[file]:
                    continue
                wp, item = pools[file].pop(rng.randrange(len(pools[file])))
                drawn.append((name, item.loc.file, item.loc.line, item.text))
                seen.add((wp, item.text))
                taken += 1
    return drawn


def matches(requirement_text: str, section: str, labelled: list[dict]) -> bool:
    """Whether the requirement (its section and text) is one of the labelled ones."""
    return any(entry["section"] == section and entry["text"].casefold() in requirement_text.casefold() for entry in labelled)


def _resolves(model: GovernanceModel, entry: dict) -> bool:
    found: list[Requirement] = [
        requirement
        for section in model.spec.sections
        if section.number == entry["section"]
        for requirement in section.requirements
        if entry["text"].casefold() in requirement.text.casefold()
    ] if model.spec else []
    return bool(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--draw", action="store_true", help="print the seeded draw and compare it with the labelled set")
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    parser.add_argument("--no-embedding", action="store_true", help="measure the matcher without its semantic signal (as when the package is absent)")
    parser.add_argument("--cost", action="store_true", help="time the semantic signal on each corpus")
    parser.add_argument("--synthetic", type=int, nargs="*", metavar="PACKETS", default=None,
                        help="with --cost: also time the mapping on synthetic repos of these sizes (default 1000 10000)")
    parser.add_argument("--fit", action="store_true", help="fit the decision's bar and margin on one corpus, measure on the other")
    parser.add_argument("--grid", action="store_true", help="with --fit: every bar and margin of the fit's grid, measured on each corpus")
    parser.add_argument("--sweep", action="store_true", help="recall and precision at other thresholds (sensitivity, not tuning)")
    args = parser.parse_args()
    document = json.loads(LABELS.read_text(encoding="utf-8"))
    models = []
    for name in CORPORA:
        root = (args.corpora / name).resolve()
        if not root.is_dir():
            sys.exit(f"corpus not found: {root}")
        models.append((name, load_repo(Layout(root))))
    labelled = [(item["corpus"], item["file"], item["line"], item["item"]) for item in document["items"]]
    drawn = all_draws(models, document)
    if args.draw:
        for entry in drawn:
            print("\t".join(str(part) for part in entry))
    print(f"labelled items: {len(labelled)}; same as the seeded draw: {'yes' if drawn == labelled else 'NO'}")

    embedder = None if args.no_embedding else "shared"
    indexes = {name: RequirementIndex.build(model.spec.by_number() if model.spec else {}, embedder=embedder) for name, model in models}
    result = evaluate(document, models, indexes)
    report(result, len(document["items"]), args.verbose)
    if args.cost:
        print()
        cost(models, args.corpora.resolve())
        print()
        synthetic_cost(args.synthetic if args.synthetic else [1000, 10000])
    if args.fit:
        if any(index.embedder is None for index in indexes.values()):
            sys.exit("--fit needs the embedding (see the warning above)")
        print()
        print("Cross-corpus: the decision's bar and margin fitted on one corpus, measured on the other")
        report_cross(cross_corpus(document, models, indexes), document)
        if args.grid:
            print()
            report_grid(document, models, indexes)
        bar, margin, pooled = fit(document, models, indexes, tuple(name for name, _ in models))
        print()
        print(f"fitted on both (the shipped values): bar {bar}, margin {margin}: recall {pooled.recall:.1%}, precision {pooled.precision:.1%}"
              f" (shipped: bar {mapping.DECISION_BAR}, margin {mapping.DECISION_MARGIN})")
    if args.sweep:
        print()
        print("| lexical threshold | identifier threshold | recall | precision |")
        print("|---|---|---|---|")
        saved = (mapping.LEXICAL_THRESHOLD, mapping.IDENTIFIER_THRESHOLD)
        for lexical, identifier in ((0.3, 0.2), (0.4, 0.27), (0.5, 0.34), (0.6, 0.4)):
            mapping.LEXICAL_THRESHOLD, mapping.IDENTIFIER_THRESHOLD = lexical, identifier
            other = evaluate(document, models)
            print(f"| {lexical} | {identifier} | {other.found}/{other.with_requirement} = {other.recall:.1%} | {other.correct}/{other.made} = {other.precision:.1%} |")
        mapping.LEXICAL_THRESHOLD, mapping.IDENTIFIER_THRESHOLD = saved
        print()
        print("| ranked threshold | ranked margin | recall | precision |")
        print("|---|---|---|---|")
        saved = (mapping.RANKED_THRESHOLD, mapping.RANKED_MARGIN)
        for bar, margin in ((0.2, 2.0), (0.25, 1.5), (0.25, 2.0), (0.25, 3.0), (0.34, 2.0), (1.01, 2.0)):
            mapping.RANKED_THRESHOLD, mapping.RANKED_MARGIN = bar, margin
            other = evaluate(document, models)
            shown = "off" if bar > 1 else bar
            print(f"| {shown} | {margin} | {other.found}/{other.with_requirement} = {other.recall:.1%} | {other.correct}/{other.made} = {other.precision:.1%} |")
        mapping.RANKED_THRESHOLD, mapping.RANKED_MARGIN = saved
    return 0


@dataclass
class Result:
    counts: Counter = field(default_factory=Counter)
    signals: Counter = field(default_factory=Counter)
    made: int = 0
    correct: int = 0
    with_requirement: int = 0
    found: int = 0
    verification_right: int = 0
    unresolved_labels: int = 0
    disagreements: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.with_requirement if self.with_requirement else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.made if self.made else 0.0


def evaluate(document: dict, models: list[tuple[str, GovernanceModel]], indexes: dict[str, RequirementIndex] | None = None,
             corpora: tuple[str, ...] | None = None) -> Result:
    """Map every labelled item with the build's matcher and compare
    (``corpora``: only the items of those corpora; ``indexes``: requirement
    indexes to reuse, so a sweep embeds each requirement once)."""
    by_name = dict(models)
    result = Result()
    counts, signals, disagreements = result.counts, result.signals, result.disagreements
    made = correct = with_requirement = found = verification_right = unresolved_labels = 0
    mappings_by_corpus = {}
    items = [item for item in document["items"] if corpora is None or item["corpus"] in corpora]
    for name, model in models:
        if corpora is not None and name not in corpora:
            continue
        index = (indexes or {}).get(name) or RequirementIndex.build(model.spec.by_number() if model.spec else {})
        files = {item["file"] for item in items if item["corpus"] == name}
        mappings_by_corpus[name] = {packet.file: map_done_means(packet, index) for packet in model.packets if packet.file in files}
    for item in items:
        model = by_name[item["corpus"]]
        mappings = [m for m in mappings_by_corpus[item["corpus"]].get(item["file"], ()) if m.item.loc.line == item["line"] and m.item.text == item["item"]]
        label = item["label"]
        covering = [m for m in mappings if m.covers]
        kind = "verification" if any(m.kind == "verification" for m in mappings) else ("mapped" if covering else "unmapped")
        requirements = item.get("requirements", [])
        unresolved_labels += sum(1 for entry in requirements if not _resolves(model, entry))
        right_requirement = any(matches(m.requirement_text, m.section, requirements) for m in covering)
        if covering:
            made += 1
            signals[covering[0].kind] += 1
            if label == "requirement" and right_requirement:
                correct += 1
        if label == "requirement":
            with_requirement += 1
            found += right_requirement
        outcome = kind if kind != "mapped" else ("right requirement" if right_requirement else "wrong requirement")
        counts[(label, outcome)] += 1
        verification_right += (label == "verification") == (kind == "verification")
        if outcome not in ("right requirement", "verification", "unmapped") or (label, outcome) in (("requirement", "unmapped"), ("requirement", "verification"), ("none", "verification"), ("verification", "unmapped")):
            shown = covering[0] if covering else (mappings[0] if mappings else None)
            detail = (f"§{shown.section} r{shown.requirement_index} {shown.kind} {shown.score} {list(shown.terms)[:6]}" + (f" nearest §{shown.nearest_section} r{shown.nearest_index} {shown.nearest_score}" if shown.nearest_section else "")) if shown else "-"
            disagreements.append(f"  #{item['draw']} [{label} -> {outcome}] {item['item'][:90]!r} :: {detail}")

    result.made, result.correct, result.with_requirement, result.found = made, correct, with_requirement, found
    result.verification_right, result.unresolved_labels = verification_right, unresolved_labels
    return result


def map_all(model: GovernanceModel, embedder: object) -> tuple[float, RequirementIndex]:
    """Seconds to index the model's spec (with ``embedder``, or None) and
    map every packet's DONE_MEANS, as the build does; and the index."""
    import time

    began = time.perf_counter()
    index = RequirementIndex.build(model.spec.by_number() if model.spec else {}, embedder=embedder, spec=model.spec)  # type: ignore[arg-type]
    for packet in model.packets:
        map_done_means(packet, index)
    return time.perf_counter() - began, index


def cost(models: list[tuple[str, GovernanceModel]], corpora: Path) -> None:
    """What the semantic signal costs per corpus: loading the embedding,
    embedding the requirements the packets' anchors reach (each once) and
    the items, against mapping without it and a cold ``check``."""
    import subprocess
    import time

    from mkdocs_handshake.analysis import semantic

    semantic.reset()
    start = time.perf_counter()
    embedder = semantic.shared()
    loaded = time.perf_counter() - start
    if embedder is None:
        sys.exit("--cost needs the embedding (see the warning above)")
    spent = [0.0]
    plain_embed = embedder.embed

    def timed(texts):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return plain_embed(texts)
        finally:
            spent[0] += time.perf_counter() - began

    embedder.embed = timed  # type: ignore[method-assign]
    print(f"embedding load (verify SHA-256, read table and tokenizer): {loaded:.2f} s")
    print()
    print("| corpus | packets | requirements embedded | embedding | mapping with it | mapping without | cold check (subprocess) | embedding's share |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        for name, model in models:
            spent[0] = 0.0
            with_it, index = map_all(model, embedder)
            without, _ = map_all(model, None)
            date = name.rsplit("-", 3)[-3:]
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mkdocs_handshake", "check", "--no-config", "--no-cache", "--fail-on", "never",
                            "--as-of", "-".join(date), "--output", "/dev/null", str(corpora / name)],
                           check=False, capture_output=True, env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
            check = time.perf_counter() - began
            share = (loaded + spent[0]) / check if check else 0.0
            print(f"| {name} | {len(model.packets)} | {index.embedded} | {spent[0]:.2f} s (+ {loaded:.2f} s load) | {with_it:.2f} s "
                  f"| {without:.2f} s | {check:.2f} s | {share:.1%} |")
    finally:
        embedder.embed = plain_embed  # type: ignore[method-assign]


def synthetic_cost(sizes: list[int]) -> None:
    """The mapping's cost as the repository grows: synthetic repos
    (``synthetic.py``, the template's spec and packets, seeded) of each
    size, every packet mapped with the embedding and without it. Each
    requirement is embedded once per index, and each distinct item text
    once, so the embedding's work grows with the distinct text, at most
    linearly with the packets."""
    import tempfile

    import synthetic
    from mkdocs_handshake.analysis import semantic

    embedder = semantic.shared()
    if embedder is None:
        sys.exit("--cost needs the embedding (see the warning above)")
    print("| synthetic packets | requirements embedded | item texts embedded | mapping with the embedding | without | growth with / without |")
    print("|---|---|---|---|---|---|")
    previous: tuple[int, float, float] | None = None
    with tempfile.TemporaryDirectory(prefix="mapping-cost-") as work:
        for size in sorted(sizes):
            repo = synthetic.generate(Path(work) / f"repo-{size}", size)
            model = load_repo(Layout(repo.root))
            with_it, index = map_all(model, embedder)
            without, _ = map_all(model, None)
            grown = "-" if previous is None else (
                f"{with_it / previous[1]:.2f}x / {without / previous[2]:.2f}x for {size / previous[0]:.0f}x the packets")
            print(f"| {len(model.packets)} | {index.embedded} | {index.item_texts} | {with_it:.2f} s | {without:.2f} s | {grown} |")
            previous = (size, with_it, without)
            shutil.rmtree(repo.root)


BARS = tuple(round(0.20 + 0.05 * step, 2) for step in range(13))
MARGINS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)


def fit(document: dict, models: list[tuple[str, GovernanceModel]], indexes: dict[str, RequirementIndex], corpora: tuple[str, ...]) -> tuple[float, float, Result]:
    """The decision's bar and margin that give the most recall at a
    precision of at least 90% on ``corpora`` (ties: the higher bar, then
    the higher margin, the more cautious setting); when no setting reaches
    90%, the most precise one."""
    saved = (mapping.DECISION_BAR, mapping.DECISION_MARGIN)
    best: tuple[tuple, float, float, Result] | None = None
    try:
        for bar in BARS:
            for margin in MARGINS:
                mapping.DECISION_BAR, mapping.DECISION_MARGIN = bar, margin
                result = evaluate(document, models, indexes, corpora)
                key = (result.precision >= 0.9, result.recall if result.precision >= 0.9 else result.precision, bar, margin)
                if best is None or key > best[0]:
                    best = (key, bar, margin, result)
    finally:
        mapping.DECISION_BAR, mapping.DECISION_MARGIN = saved
    assert best is not None
    return best[1], best[2], best[3]


def report_grid(document: dict, models: list[tuple[str, GovernanceModel]], indexes: dict[str, RequirementIndex]) -> None:
    """Right mappings / mappings made and recall on each corpus at every
    bar and margin of the grid: where the decision gains and what it costs."""
    names = [name for name, _ in models]
    print("| bar | margin | " + " | ".join(f"{name}: right/made (recall)" for name in names) + " |")
    print("|---|---|" + "---|" * len(names))
    saved = (mapping.DECISION_BAR, mapping.DECISION_MARGIN)
    try:
        for bar in BARS:
            for margin in MARGINS:
                mapping.DECISION_BAR, mapping.DECISION_MARGIN = bar, margin
                cells = []
                for name in names:
                    result = evaluate(document, models, indexes, (name,))
                    cells.append(f"{result.correct}/{result.made} ({result.found}/{result.with_requirement})")
                print(f"| {bar} | {margin} | " + " | ".join(cells) + " |")
    finally:
        mapping.DECISION_BAR, mapping.DECISION_MARGIN = saved


def cross_corpus(document: dict, models: list[tuple[str, GovernanceModel]], indexes: dict[str, RequirementIndex]) -> list[tuple[str, str, float, float, Result]]:
    """Fit on one corpus, measure on the other, both ways."""
    rows = []
    names = [name for name, _ in models]
    saved = (mapping.DECISION_BAR, mapping.DECISION_MARGIN)
    for fitted_on in names:
        bar, margin, _ = fit(document, models, indexes, (fitted_on,))
        for measured_on in names:
            if measured_on == fitted_on:
                continue
            mapping.DECISION_BAR, mapping.DECISION_MARGIN = bar, margin
            try:
                rows.append((fitted_on, measured_on, bar, margin, evaluate(document, models, indexes, (measured_on,))))
            finally:
                mapping.DECISION_BAR, mapping.DECISION_MARGIN = saved
    return rows


def report_cross(rows: list[tuple[str, str, float, float, Result]], document: dict) -> None:
    print("| fitted on | measured on | bar | margin | recall | precision | verification |")
    print("|---|---|---|---|---|---|---|")
    pooled = Result()
    total = 0
    for fitted_on, measured_on, bar, margin, result in rows:
        items = sum(1 for item in document["items"] if item["corpus"] == measured_on)
        total += items
        pooled.found += result.found
        pooled.with_requirement += result.with_requirement
        pooled.correct += result.correct
        pooled.made += result.made
        pooled.verification_right += result.verification_right
        print(f"| {fitted_on} | {measured_on} | {bar} | {margin} | {result.found}/{result.with_requirement} = {result.recall:.1%} "
              f"| {result.correct}/{result.made} = {result.precision:.1%} | {result.verification_right}/{items} = {result.verification_right / items:.1%} |")
    print(f"| (both directions) | | | | {pooled.found}/{pooled.with_requirement} = {pooled.recall:.1%} "
          f"| {pooled.correct}/{pooled.made} = {pooled.precision:.1%} | {pooled.verification_right}/{total} = {pooled.verification_right / total:.1%} |")


def report(result: Result, total: int, verbose: bool) -> None:
    counts, signals, made = result.counts, result.signals, result.made
    found, with_requirement, correct = result.found, result.with_requirement, result.correct
    recall, precision = result.recall, result.precision
    accuracy = result.verification_right / total if total else 0.0
    verification_right = result.verification_right
    print(f"labels naming a requirement the current parse cannot find: {result.unresolved_labels}")
    print()
    print("| measure | value | bound | result |")
    print("|---|---|---|---|")
    print(f"| recall (items with a requirement mapped to a labelled one) | {found}/{with_requirement} = {recall:.1%} | >= 80% | {'PASS' if recall >= 0.8 else 'FAIL'} |")
    print(f"| precision (mappings made that name a labelled requirement) | {correct}/{made} = {precision:.1%} | >= 90% | {'PASS' if precision >= 0.9 else 'FAIL'} |")
    print(f"| verification step recognised (all items) | {verification_right}/{total} = {accuracy:.1%} | >= 95% | {'PASS' if accuracy >= 0.95 else 'FAIL'} |")
    print()
    print("| signal | mappings | share |")
    print("|---|---|---|")
    for signal in ("citation", "identifier", "lexical", "ranked", "semantic"):
        print(f"| {signal} | {signals[signal]} | {signals[signal] / made:.1%} |" if made else f"| {signal} | 0 | - |")
    print()
    outcomes = ("right requirement", "wrong requirement", "verification", "unmapped")
    print("| label \\ outcome | " + " | ".join(outcomes) + " | total |")
    print("|---|" + "---|" * (len(outcomes) + 1))
    for label in ("requirement", "verification", "none"):
        row = [counts[(label, outcome)] for outcome in outcomes]
        print(f"| {label} | " + " | ".join(str(value) for value in row) + f" | {sum(row)} |")
    if verbose and result.disagreements:
        print("\ndisagreements:")
        print("\n".join(result.disagreements))


if __name__ == "__main__":
    raise SystemExit(main())
