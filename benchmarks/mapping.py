"""DONE_MEANS -> requirement mapping measured against the hand-labelled set.

``python benchmarks/mapping.py`` maps every item of
``tests/acceptance/done_means_labels.json`` with the matcher the build uses
(:func:`mkdocs_handshake.mapping.map_done_means`) and prints:

* recall: of the items labelled with a requirement, the share the matcher
  maps to one of the labelled requirements (bound >= 80%);
* precision: of the items the matcher maps to a requirement, the share whose
  requirement is one of the labelled ones (bound >= 90%);
* verification accuracy: over all items, agreement on "is a verification
  step" (bound >= 95%);
* the share of each signal among the mappings made, and the confusion table
  (label x outcome).

``--draw`` prints the seeded stratified draw the labelled set was built from
and checks that the labelled items are exactly that draw: the set was drawn,
not picked to suit the matcher. Both corpora are read from ``--corpora``
(default: ``../shared/corpus`` beside the repository).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO

from mkdocs_handshake.layout import Layout
from mkdocs_handshake.load import load_repo
from mkdocs_handshake import mapping
from mkdocs_handshake.mapping import RequirementIndex, map_done_means
from mkdocs_handshake.model import GovernanceModel, Requirement
from mkdocs_handshake.traceability import done_entries

LABELS = REPO / "tests" / "acceptance" / "done_means_labels.json"
CORPORA = ("handshake-2025-12-27", "handshake-2026-02-03")


def draw(models: list[tuple[str, GovernanceModel]], seed: int, quota: int) -> list[tuple[str, str, int, str]]:
    """``(corpus, file, line, text)`` of the drawn items: per corpus, packets
    in a seeded order, one random item per packet per round until the quota
    is met; an item already drawn (same packet id and text) is skipped."""
    drawn: list[tuple[str, str, int, str]] = []
    seen: set[tuple[str, str]] = set()
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
    parser.add_argument("--sweep", action="store_true", help="recall and precision at other thresholds (sensitivity, not tuning)")
    args = parser.parse_args()
    document = json.loads(LABELS.read_text(encoding="utf-8"))
    models = []
    for name in CORPORA:
        root = (args.corpora / name).resolve()
        if not (root / "docs").is_dir():
            sys.exit(f"corpus not found: {root}")
        models.append((name, load_repo(Layout(root))))
    labelled = [(item["corpus"], item["file"], item["line"], item["item"]) for item in document["items"]]
    drawn = draw(models, document["seed"], document["per_corpus"])
    if args.draw:
        for entry in drawn:
            print("\t".join(str(part) for part in entry))
    print(f"labelled items: {len(labelled)}; same as the seeded draw: {'yes' if drawn == labelled else 'NO'}")

    result = evaluate(document, models)
    report(result, len(document["items"]), args.verbose)
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


def evaluate(document: dict, models: list[tuple[str, GovernanceModel]]) -> Result:
    """Map every labelled item with the build's matcher and compare."""
    by_name = dict(models)
    result = Result()
    counts, signals, disagreements = result.counts, result.signals, result.disagreements
    made = correct = with_requirement = found = verification_right = unresolved_labels = 0
    mappings_by_corpus = {}
    for name, model in models:
        index = RequirementIndex.build(model.spec.by_number() if model.spec else {})
        mappings_by_corpus[name] = {packet.file: map_done_means(packet, index) for packet in model.packets}
    for item in document["items"]:
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
    for signal in ("citation", "identifier", "lexical", "ranked"):
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
