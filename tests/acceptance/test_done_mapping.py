"""Issue 13 acceptance: the labelled DONE_MEANS set stays tied to the corpus,
and the mapping the pages, rules and model.json share carries its evidence.

The figures themselves (recall, precision, verification accuracy) are
measured by ``benchmarks/mapping.py``, not asserted here: a test that froze
them would only repeat what the matcher computed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_handshake.report.export import model_document
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.analysis.traceability import done_entries

pytestmark = pytest.mark.corpus

LABELS = Path(__file__).with_name("done_means_labels.json")


@pytest.fixture(scope="module")
def labelled() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def models(corpus_root: Path, labelled: dict) -> dict[str, GovernanceModel]:
    corpora = sorted({item["corpus"] for item in labelled["items"]})
    roots = {name: corpus_root.parent / name for name in corpora}
    missing = [name for name, root in roots.items() if not root.is_dir()]
    if missing:
        pytest.skip(f"corpus not found: {missing}")
    return {name: load_repo(Layout(root)) for name, root in roots.items()}


def test_the_labelled_set_is_large_enough_and_spans_the_three_corpora(labelled: dict) -> None:
    """Both docs-era snapshots (markdown packets) and the .GOV-era one (the
    acceptance criteria of its JSON contracts)."""
    items = labelled["items"]
    assert len(items) >= 200
    assert {item["corpus"] for item in items} == {"handshake-2025-12-27", "handshake-2026-02-03", "handshake-2026-06-22"}
    assert {item["label"] for item in items} == {"requirement", "verification", "none"}
    for item in items:
        if item["label"] == "requirement":
            assert item["requirements"], item["draw"]


def test_the_labelled_items_are_exactly_the_seeded_draws(labelled: dict, models: dict[str, GovernanceModel]) -> None:
    """Drawn, not picked to suit the matcher: the first draw and each later
    one (``more``) reproduce the labelled items in order."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from mapping import CORPORA, all_draws
    finally:
        sys.path.pop(0)
    drawn = all_draws([(name, models[name]) for name in CORPORA], labelled)
    assert drawn == [(item["corpus"], item["file"], item["line"], item["item"]) for item in labelled["items"]]


def test_every_labelled_item_is_a_done_means_item_at_its_line(labelled: dict, models: dict[str, GovernanceModel]) -> None:
    """The set names items by file, line and text: each must still be an
    item of that packet, or the labels no longer describe the corpus."""
    for item in labelled["items"]:
        model = models[item["corpus"]]
        packet = next(p for p in model.packets if p.file == item["file"])
        found = [(i.loc.line, i.text, header) for i, header in done_entries(packet)]
        assert (item["line"], item["item"], item["header"]) in found, item["draw"]


def test_every_labelled_requirement_is_a_requirement_of_the_current_spec(labelled: dict, models: dict[str, GovernanceModel]) -> None:
    for item in labelled["items"]:
        spec = models[item["corpus"]].spec
        assert spec is not None
        for entry in item.get("requirements", ()):
            texts = [r.text for s in spec.sections if s.number == entry["section"] for r in s.requirements]
            assert any(entry["text"].casefold() in text.casefold() for text in texts), (item["draw"], entry)


def test_model_json_carries_each_mapping_with_its_evidence(models: dict[str, GovernanceModel]) -> None:
    """The issue's own example ("Budget enforcement verified: returns
    HSK-402-BUDGET-EXCEEDED on overflow") maps to the budget requirement of
    the anchored §4.2.3, and model.json says by which signal, terms and score."""
    model = models["handshake-2025-12-27"]
    document = model_document(model, ".")
    packet = next(p for p in document["packets"] if p["id"] == "WP-1-LLM-Core")
    budget = next(m for m in packet["done_mappings"] if "HSK-402-BUDGET-EXCEEDED" in m["item"]["text"])
    assert budget["section"] == "4.2.3.2" and budget["kind"] in ("citation", "identifier", "lexical")
    assert budget["requirement_index"] > 0 and "max_tokens" in budget["requirement_text"]
    assert budget["terms"] and budget["score"] >= budget["threshold"] > 0
    assert {"group", "nearest_section", "nearest_index", "nearest_score"} <= set(budget)
