"""Would latent semantic indexing close the matcher's recall gap? A measured no.

The items the matcher leaves unmapped (see ``python benchmarks/mapping.py
--verbose``) restate a requirement in other words: "sqlx has the postgres
feature" for "tests against PostgreSQL", "hard-coded capability maps
removed" for "a centralized CapabilityRegistry". Latent semantic indexing
is the classic way to relate such wordings without downloading a model:
words that occur in the same paragraphs of the spec end up close together.

This script builds that space from each corpus' own spec (TF-IDF over its
blank-line paragraphs, with the matcher's own terms, reduced by truncated
SVD) and measures it as a *last* signal: an item the matcher leaves
unmapped goes to the requirement of its packet's anchored sections with the
highest cosine, when that cosine reaches a bar and leads the runner-up by a
margin. It prints recall and precision on the labelled set over a grid of
bars and margins, and for each labelled item the matcher misses, where the
LSA ranks its requirement.

Needs numpy and scipy, which the package does not depend on: this is the
experiment behind leaving LSA out, kept so the next person can rerun it on
a new snapshot rather than repeat it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

from _common import REPO
from mapping import CORPORA, LABELS, matches

from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.analysis.mapping_index import RequirementIndex
from mkdocs_handshake.analysis.mapping_scope import candidates_in, scope_of, anchored
from mkdocs_handshake.analysis.mapping import map_done_means
from mkdocs_handshake.analysis.mapping_terms import terms_of
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.repository.source import decode
from mkdocs_handshake.analysis.traceability import done_entries

BARS = (0.5, 0.6, 0.7, 0.8)
MARGINS = (1.1, 1.25, 1.5, 2.0)


class Space:
    """One spec's latent space: a vector per term, texts as the
    idf-weighted sum of their terms' vectors."""

    def __init__(self, paragraphs: list[str], dimensions: int) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix, diags
        from scipy.sparse.linalg import svds

        self.np = np
        documents = [terms_of(paragraph).all for paragraph in paragraphs]
        documents = [terms for terms in documents if len(terms) >= 3]
        frequency = Counter(term for terms in documents for term in terms)
        self.vocabulary = {term: column for column, term in enumerate(sorted(t for t, n in frequency.items() if n >= 2))}
        self.idf = {term: math.log(len(documents) / frequency[term]) for term in self.vocabulary}
        rows, columns, values = [], [], []
        for row, terms in enumerate(documents):
            for term in sorted(terms):
                if term in self.vocabulary:
                    rows.append(row)
                    columns.append(self.vocabulary[term])
                    values.append(self.idf[term])
        matrix = csr_matrix((values, (rows, columns)), shape=(len(documents), len(self.vocabulary)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = diags(1.0 / np.where(norms > 0, norms, 1.0)) @ matrix
        start = np.full(min(matrix.shape), 1.0 / math.sqrt(min(matrix.shape)))  # a fixed start: the same space every run
        _, singular, right = svds(matrix, k=dimensions, v0=start)
        self.terms = right.T * singular

    def vector(self, text: str):  # -> numpy array
        total = self.np.zeros(self.terms.shape[1])
        for term in terms_of(text).all:
            if term in self.vocabulary:
                total += self.idf[term] * self.terms[self.vocabulary[term]]
        norm = self.np.linalg.norm(total)
        return total / norm if norm else total


def paragraphs(root: Path, model: GovernanceModel) -> list[str]:
    """The spec's blank-line paragraphs: of its one file, or of every
    module of a bundle."""
    if model.spec is None:
        return []
    if model.spec.bundle is not None:
        text = "\n\n".join(module.text for module in model.spec.bundle.modules)
    else:
        text = decode((root / model.spec.file).read_bytes(), model.spec.file).text
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--dimensions", type=int, default=150, help="latent dimensions kept (default: %(default)s)")
    args = parser.parse_args()
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as error:
        sys.exit(f"this experiment needs numpy and scipy ({error.name} is not installed)")
    document = json.loads(LABELS.read_text(encoding="utf-8"))
    rows = []  # (label, matcher outcome, top is labelled, top cosine, lead over the runner-up, draw, text)
    for name in CORPORA:
        root = (args.corpora / name).resolve()
        if not root.is_dir():
            sys.exit(f"corpus not found: {root}")
        model = load_repo(Layout(root))
        space = Space(paragraphs(root, model), args.dimensions)
        index = RequirementIndex.build(model.spec.by_number() if model.spec else {}, spec=model.spec)
        for item in (entry for entry in document["items"] if entry["corpus"] == name):
            packet = next(p for p in model.packets if p.file == item["file"])
            mappings = [m for m in map_done_means(packet, index) if m.item.loc.line == item["line"] and m.item.text == item["item"]]
            labels = item.get("requirements", [])
            if any(m.kind == "verification" for m in mappings):
                outcome = "verification"
            elif any(m.covers for m in mappings):
                outcome = "right" if any(m.covers and matches(m.requirement_text, m.section, labels) for m in mappings) else "wrong"
            else:
                outcome = "unmapped"
            header = next(h for i, h in done_entries(packet) if i.loc.line == item["line"] and i.text == item["item"])
            query = space.vector(f"{header} {item['item']}" if header else item["item"])
            scored = sorted(
                ((float(query @ space.vector(requirement.text)), number, requirement) for number, requirement in candidates_in(scope_of(anchored(packet, index.sections_by_number, index.spec), index))),
                key=lambda entry: (-entry[0], entry[1]),
            )
            if not scored:
                rows.append((item["label"], outcome, False, 0.0, 0.0, item["draw"], item["item"]))
                continue
            top, second = scored[0], (scored[1][0] if len(scored) > 1 else 0.0)
            lead = top[0] / second if second > 0 else math.inf
            rows.append((item["label"], outcome, matches(top[2].text, top[1], labels), top[0], lead, item["draw"], item["item"]))

    with_requirement = sum(1 for row in rows if row[0] == "requirement")
    print("Items the matcher misses (labelled with a requirement, unmapped or wrong), and the LSA's first choice:")
    print("| draw | matcher | LSA first is labelled | cosine | lead | item |")
    print("|---|---|---|---|---|---|")
    for label, outcome, right, cosine, lead, draw, text in rows:
        if label == "requirement" and outcome in ("unmapped", "wrong"):
            print(f"| {draw} | {outcome} | {'yes' if right else 'no'} | {cosine:.2f} | {lead:.2f} | {text[:70]} |")
    print()
    print("LSA as a last signal for unmapped items (the matcher's mappings kept as they are):")
    print("| cosine bar | lead margin | recall | precision |")
    print("|---|---|---|---|")
    for bar in BARS:
        for margin in MARGINS:
            made = correct = found = 0
            for label, outcome, right, cosine, lead, _draw, _text in rows:
                mapped_here = outcome == "unmapped" and cosine >= bar and lead >= margin
                if outcome in ("right", "wrong") or mapped_here:
                    made += 1
                    hit = outcome == "right" or (mapped_here and right and label == "requirement")
                    correct += hit
                    found += hit and label == "requirement"
            precision = correct / made if made else 0.0
            print(f"| {bar} | {margin} | {found}/{with_requirement} = {found / with_requirement:.1%} | {correct}/{made} = {precision:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
