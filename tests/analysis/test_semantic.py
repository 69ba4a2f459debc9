"""The semantic signal of the DONE_MEANS matcher: the embedding shipped in
the ``wordllama`` wheel, read offline and pinned by hash, and what the
matcher does with it and without it."""

from __future__ import annotations

import logging
import shutil
import socket
from pathlib import Path

import pytest

from mkdocs_handshake.analysis import semantic
from mkdocs_handshake.analysis.mapping_index import RequirementIndex
from mkdocs_handshake.analysis.mapping import map_done_means, map_item
from mkdocs_handshake.model.packet import ListItem
from mkdocs_handshake.model.basics import Loc
from tests.rules.builders import make_packet, make_section, make_spec, occurrence

pytest.importorskip("numpy")
try:
    PACKAGE = semantic.package_folder()
except semantic.Unavailable:
    pytest.skip("the embedding package is not installed", allow_module_level=True)

WORKFLOWS = make_section(
    "2.6.1",
    requirements=[
        "[HSK-WF-001] Durable Node Persistence (Normative): The Workflow Engine MUST persist every node execution, status transition, and payload to the database.",
        "[HSK-WF-002] Crash Recovery (Normative): Workflows MUST follow a strict state machine: Queued, Running, Completed, Failed.",
        "Upon engine restart, the system MUST be able to identify Running workflows that were interrupted and mark them as Stalled.",
        "[HSK-WF-003] Startup Recovery Loop (Normative): The engine MUST scan for stale workflows at startup.",
    ],
)
STORAGE = make_section(
    "2.3.12",
    requirements=[
        "The storage layer MUST support the following backends:",
        "Every database migration MUST be tested against both SQLite and PostgreSQL.",
        "Connection pools MUST be closed on shutdown.",
    ],
    line=300,
)


@pytest.fixture
def fresh(monkeypatch):
    """A process that has not looked for the embedding yet."""
    monkeypatch.setattr(semantic, "_SHARED", [])
    monkeypatch.setattr(semantic, "_CHECKED", [])
    monkeypatch.setattr(semantic, "_HASHED", set())


def sections():
    return make_spec([WORKFLOWS, STORAGE]).by_number()


def packet_with(done: list[str], anchors: tuple[str, ...]):
    field = occurrence("WP-1-Engine", "DONE_MEANS", "", 40, item_texts=done)
    return make_packet("WP-1-Engine", anchors=anchors, fields={"DONE_MEANS": (field,)})


def test_the_embedding_loads_from_the_package_files_and_places_a_paraphrase_near_its_sentence(fresh):
    embedder = semantic.shared()
    assert embedder is not None and embedder.signature == semantic.SIGNATURE
    item, right, wrong = embedder.embed([
        "Workflows left running when the engine crashed are marked stalled on restart",
        "Upon engine restart, the system MUST be able to identify Running workflows that were interrupted",
        "Connection pools MUST be closed on shutdown.",
    ])
    assert embedder.cosine(item, right) > embedder.cosine(item, wrong) + 0.2


def test_the_build_never_opens_a_network_connection(fresh, monkeypatch):
    """Loading, embedding and mapping with every socket refused."""

    def refuse(*args, **kwargs):
        raise AssertionError("the semantic signal opened a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert semantic.shared() is not None
    mappings = map_done_means(packet_with(["Workflows left running at a crash are marked stalled on restart."], ("2.6.1",)),
                              RequirementIndex.build(sections()))
    assert mappings[0].kind != "unmapped"


def test_vectors_are_the_same_on_every_run(fresh):
    texts = ["Every migration is tested against PostgreSQL", "Stalled workflows are recovered"]
    first = semantic.shared().embed(texts)
    semantic.reset()
    second = semantic.shared().embed(texts)
    assert first.tobytes() == second.tobytes()


def copy_of_package(tmp_path: Path) -> Path:
    target = tmp_path / "wordllama"
    for name in (semantic.WEIGHTS, semantic.TOKENIZER):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGE / name, target / name)
    return target


def test_a_damaged_weights_file_is_refused_by_its_hash(tmp_path):
    folder = copy_of_package(tmp_path)
    data = bytearray((folder / semantic.WEIGHTS).read_bytes())
    data[-1] ^= 0xFF
    (folder / semantic.WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(semantic.Unavailable, match="SHA-256"):
        semantic.load(folder)
    assert semantic.load(copy_of_package(tmp_path / "again")).signature == semantic.SIGNATURE


@pytest.mark.parametrize("damage", ["absent", "damaged"])
def test_without_the_embedding_one_line_and_the_matcher_runs_on_its_other_signals(fresh, monkeypatch, caplog, tmp_path, damage):
    """Not installed (the extra is opt-in): one info line. Installed but
    refused: one warning, since the user asked for it."""
    if damage == "absent":
        monkeypatch.setattr(semantic.importlib.util, "find_spec", lambda name, *a: None if name == semantic.PACKAGE else __import__("importlib").util.find_spec(name))
    else:
        folder = copy_of_package(tmp_path)
        (folder / semantic.TOKENIZER).write_text("{}", encoding="utf-8")
        monkeypatch.setattr(semantic, "package_folder", lambda: folder)
    done = ["[HSK-WF-001] every node execution is persisted", "Workflows left running at a crash are marked stalled on restart."]
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.handshake"):
        assert semantic.signature() == "none"
        with_default = map_done_means(packet_with(done, ("2.6.1",)), RequirementIndex.build(sections()))
        map_done_means(packet_with(done, ("2.6.1",)), RequirementIndex.build(sections()))
    said = [record for record in caplog.records if "semantic signal" in record.getMessage()]
    assert [record.levelno for record in said] == [logging.INFO if damage == "absent" else logging.WARNING]
    assert ("not installed" if damage == "absent" else "SHA-256") in said[0].getMessage()
    # Exactly the matcher without an embedding: no silent change.
    without = map_done_means(packet_with(done, ("2.6.1",)), RequirementIndex.build(sections(), embedder=None))
    assert with_default == without
    assert with_default[0].kind == "citation" and with_default[0].requirement_index == 1


def test_a_cited_id_proves_the_best_fitting_sentence_of_its_block_not_the_first(fresh):
    index = RequirementIndex.build(sections())
    [mapping] = map_item(ListItem("[HSK-WF-002] On restart, interrupted Running workflows are identified and marked Stalled.", Loc("p.md", 9, 3)),
                         "", {"2.6.1": WORKFLOWS}, index)
    assert (mapping.kind, mapping.requirement_index) == ("citation", 3)
    [mapping] = map_item(ListItem("[HSK-WF-002] Workflows follow the strict state machine Queued, Running, Completed, Failed.", Loc("p.md", 10, 3)),
                         "", {"2.6.1": WORKFLOWS}, index)
    assert mapping.requirement_index == 2
    # The next id starts a new block: HSK-WF-003 is never the sentence of HSK-WF-002.
    [mapping] = map_item(ListItem("[HSK-WF-002] The engine scans for stale workflows at startup.", Loc("p.md", 11, 3)),
                         "", {"2.6.1": WORKFLOWS}, index)
    assert mapping.requirement_index in (2, 3)


def test_words_decide_first_and_a_list_header_is_never_the_requirement_of_a_cited_section(fresh):
    index = RequirementIndex.build(sections())
    [mapping] = map_item(ListItem("Database migrations are checked on every supported database.", Loc("p.md", 12, 3)), "", {"2.3.12": STORAGE}, index)
    assert (mapping.kind, mapping.requirement_index) == ("lexical", 2)
    # Inside a cited section, the sentence that introduces a list whose
    # items are requirements of their own (they restate it) is not a candidate.
    header = "The storage layer MUST support the following backends:"
    backends = make_section("2.3.13", requirements=[header, f"{header} SQLite for a single user.", f"{header} PostgreSQL for teams."], line=400)
    spec = make_spec([WORKFLOWS, STORAGE, backends]).by_number()
    for embedder in (RequirementIndex.build(spec), RequirementIndex.build(spec, embedder=None)):
        [mapping] = map_item(ListItem("Per §2.3.13, the storage layer supports the backends listed below.", Loc("p.md", 13, 3)), "", {"2.3.13": backends}, embedder)
        assert mapping.kind == "citation" and mapping.section == "2.3.13" and mapping.requirement_index != 1


def test_the_semantic_decision_maps_the_clear_best_and_shows_the_nearest_below_its_bar(fresh, monkeypatch):
    """The mechanism, with a bar and margin set here (the shipped ones are
    fitted by benchmarks/mapping.py --fit): an item whose words decide
    nothing maps by the combined score when it clears the bar and leads the
    runner-up, naming it; below the bar it stays unmapped."""
    from mkdocs_handshake.analysis import mapping as matcher

    index = RequirementIndex.build(sections())
    item = ListItem("No connection is left open when the service stops.", Loc("p.md", 16, 3))
    monkeypatch.setattr(matcher, "DECISION_BAR", 0.2)
    monkeypatch.setattr(matcher, "DECISION_MARGIN", 0.0)
    [mapping] = map_item(item, "", {"2.3.12": STORAGE}, index)
    assert (mapping.kind, mapping.requirement_index) == ("semantic", 3)
    assert mapping.score >= 0.2 and mapping.nearest_section == "2.3.12" and mapping.nearest_index in (1, 2)  # the runner-up, not itself
    monkeypatch.setattr(matcher, "DECISION_BAR", 0.9)
    [mapping] = map_item(item, "", {"2.3.12": STORAGE}, index)
    assert mapping.kind == "unmapped" and not mapping.covers
    # The nearest shown is the one its words come closest to (the service).
    assert (mapping.nearest_section, mapping.nearest_index) == ("2.3.12", 3) and mapping.nearest_score < mapping.threshold


def test_each_requirement_is_embedded_once_per_index(fresh):
    index = RequirementIndex.build(sections())
    packets = [packet_with([f"Item {n} about stalled workflows on restart"], ("2.6.1", "2.3.12")) for n in range(5)]
    for packet in packets:
        map_done_means(packet, index)
    assert index.embedded == len(WORKFLOWS.requirements) + len(STORAGE.requirements)


def test_a_build_with_a_damaged_package_warns_once_and_builds(tmp_path):
    """``mkdocs build`` of the template with a ``wordllama`` whose weights
    file is gone, found first on the path: the build succeeds and says
    once, by name, that the mapping runs without its semantic signal."""
    import os
    import subprocess
    import sys

    from tests.e2e.test_build import options
    from tests.fixtures.repo import materialise

    shadow = tmp_path / "shadow" / semantic.PACKAGE
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    root = materialise(tmp_path / "repo", [options()])
    repo_dir = Path(__file__).resolve().parents[2]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": os.pathsep.join([str(shadow.parent), str(repo_dir)])}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "without its semantic signal" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("WARNING") and "cannot be read" in warnings[0]



def test_the_files_are_hashed_once_when_the_signature_is_asked_before_the_load(fresh, monkeypatch):
    hashed: list[int] = []
    real = semantic.hashlib.sha256

    def counting(data=b""):  # type: ignore[no-untyped-def]
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(semantic.hashlib, "sha256", counting)
    assert semantic.signature() == semantic.SIGNATURE
    assert semantic.shared() is not None
    assert len(hashed) == 2  # the table and the tokenizer, once each


def test_one_score_from_all_signals_a_word_pick_gives_way_to_a_clearly_better_requirement(fresh, monkeypatch):
    """The calibrated decision overrules a word pick only when it names
    another requirement that leads every other one, the word pick
    included, by the margin; the mapping names the word pick it beat."""
    from mkdocs_handshake.analysis import mapping as matcher

    index = RequirementIndex.build(sections())
    anchors = {"2.6.1": WORKFLOWS, "2.3.12": STORAGE}
    item = ListItem("Every node execution of a workflow is closed on shutdown.", Loc("p.md", 17, 3))
    [mapping] = map_item(item, "", anchors, index)
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("lexical", "2.6.1", 1)
    monkeypatch.setattr(matcher, "DECISION_BAR", 0.0)
    monkeypatch.setattr(matcher, "DECISION_MARGIN", 0.0)
    [mapping] = map_item(item, "", anchors, index)
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("semantic", "2.3.12", 3)
    assert (mapping.nearest_section, mapping.nearest_index) == ("2.6.1", 1)
    # Without the embedding the words decide, whatever the decision's values.
    [mapping] = map_item(item, "", anchors, RequirementIndex.build(sections(), embedder=None))
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("lexical", "2.6.1", 1)


def test_a_cited_section_without_a_fitting_sentence_leaves_the_anchors_to_the_decision(fresh, monkeypatch):
    """The item cites §2.3.12, none of whose sentences fits; the calibrated
    decision may still find its requirement elsewhere in the anchors. At
    the shipped values it stays a citation of the section as a whole."""
    from mkdocs_handshake.analysis import mapping as matcher

    index = RequirementIndex.build(sections())
    anchors = {"2.6.1": WORKFLOWS, "2.3.12": STORAGE}
    item = ListItem("Per §2.3.12: interrupted Running workflows are marked Stalled after a crash.", Loc("p.md", 18, 3))
    [mapping] = map_item(item, "", anchors, index)
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("citation", "2.3.12", 0) and not mapping.covers
    monkeypatch.setattr(matcher, "DECISION_BAR", 0.3)
    monkeypatch.setattr(matcher, "DECISION_MARGIN", 0.05)
    [mapping] = map_item(item, "", anchors, index)
    assert (mapping.kind, mapping.section, mapping.requirement_index) == ("semantic", "2.6.1", 3)
