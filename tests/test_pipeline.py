"""The build's governance work as plain Python: stages cached by their inputs."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Mapping

import pytest

from mkdocs_handshake.rules.engine import EngineConfig
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.pipeline import RenderOptions, check_stage, convert_page, load_stage, run_pipeline
from tests.fixtures.breakages import AUDIT, BOARD, BY_ID, CONFLICT, MERGE, SYNC
from tests.fixtures.repo import AS_OF, TEMPLATE, materialise, unfold


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """The template with one PKT-001 error, so the rules have something to say."""
    return materialise(tmp_path / "repo", list(BY_ID["PKT-001"].edits))


def test_an_unchanged_repo_reuses_every_stage(broken: Path) -> None:
    cache = ParseCache()
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False)
    first = run_pipeline(Layout(broken), engine, render, cache)
    misses = cache.misses
    second = run_pipeline(Layout(broken), engine, render, cache)
    assert cache.misses == misses, "nothing was parsed, checked or rendered again"
    assert second.findings == first.findings and [f.rule for f in unfold(first.findings)] == ["PKT-001"]
    assert second.pages == first.pages
    assert second.annotations == first.annotations


def test_a_changed_option_or_file_recomputes_what_depends_on_it(broken: Path) -> None:
    cache = ParseCache()
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False)
    run_pipeline(Layout(broken), engine, render, cache)
    silenced = run_pipeline(Layout(broken), replace(engine, severities={"PKT-001": "off"}), render, cache)
    assert silenced.findings == ()
    moved = run_pipeline(Layout(broken), engine, replace(render, output_dir="gov"), cache)
    assert sorted(moved.pages)[0].startswith("gov/")
    (broken / MERGE).write_text((broken / MERGE).read_text(encoding="utf-8").replace("- STATUS: Blocked", "- STATUS: Sideways"), encoding="utf-8")
    edited = run_pipeline(Layout(broken), engine, render, cache)
    assert "PKT-006" in [finding.rule for finding in unfold(edited.findings)]
    assert "Sideways" in edited.pages["governance/packets/WP-1-Merge-Policy.md"]


def test_converted_pages_are_cached_by_their_markdown_and_heading_options() -> None:
    cache = ParseCache()
    first = convert_page("governance/x.md", "# X\n\n## Part\n", cache)
    assert convert_page("governance/x.md", "# X\n\n## Part\n", cache) is first
    linked = convert_page("governance/x.md", "# X\n\n## Part\n", cache, permalink="#")
    assert linked is not first and 'class="headerlink"' in linked.html


def test_the_template_builds_clean(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root)
    governance = run_pipeline(Layout(root), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False), ParseCache())
    assert governance.findings == ()
    assert "governance/index.md" in governance.pages and governance.cache_misses > 0


def test_model_json_is_kept_in_the_cache_folder_and_copied_while_nothing_changed(broken: Path, tmp_path: Path) -> None:
    from mkdocs_handshake.report.export import dumps, model_document
    from mkdocs_handshake.pipeline import write_model_json

    keep, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    governance = run_pipeline(Layout(broken), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False), ParseCache())
    expected = dumps(model_document(governance.model, "."), compact=True)
    assert write_model_json(governance, ".", site / "model.json", keep) == ""
    assert (site / "model.json").read_text(encoding="utf-8") == expected == (keep / "model.json").read_text(encoding="utf-8")
    # The kept copy is what a build with the same digest writes: copied, not encoded again.
    (site / "model.json").write_text("", encoding="utf-8")
    assert write_model_json(governance, ".", site / "model.json", keep) == ""
    assert (site / "model.json").read_text(encoding="utf-8") == expected
    # A kept copy whose bytes are not the stamped ones never reaches the site.
    (keep / "model.json").write_text("stale", encoding="utf-8")
    assert write_model_json(governance, ".", site / "model.json", keep) == f"{keep / 'model.json'} is damaged or truncated"
    assert (site / "model.json").read_text(encoding="utf-8") == expected == (keep / "model.json").read_text(encoding="utf-8")
    # A stamp for other inputs is an ordinary miss: encoded again, nothing to report.
    stamp = (keep / "model.json.sha256").read_text(encoding="ascii")
    (keep / "model.json.sha256").write_text("0" * 64 + stamp[64:], encoding="ascii")
    assert write_model_json(governance, ".", site / "model.json", keep) == ""
    assert (site / "model.json").read_text(encoding="utf-8") == expected
    write_model_json(governance, ".", site / "model.json", None)
    assert (site / "model.json").read_text(encoding="utf-8") == expected


def _incremental(root: Path, cache: ParseCache) -> tuple[Finding, ...]:
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False)
    return check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True).findings


def _fresh(root: Path) -> tuple[Finding, ...]:
    return run_pipeline(Layout(root), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False), ParseCache()).findings


def _kept(cache: ParseCache) -> dict[tuple[str, str], tuple[str, object]]:
    return {key: value for key, value in cache.entries.items() if key[0] == "per_packet" and key[1].startswith("findings ")}


def test_serve_judges_again_only_the_packet_that_changed(tmp_path: Path) -> None:
    """``mkdocs serve`` rebuilds after every save: the per-packet rules'
    findings on the packets that did not change are taken from memory, and
    the findings are those a fresh check gives."""
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    assert _incremental(root, cache) == ()
    before = _kept(cache)
    assert {name.split(" ", 2)[2] for _, name in before} == {f"docs/task_packets/{path.name}" for path in (root / "docs/task_packets").glob("WP-*.md")}
    conflict = root / CONFLICT
    conflict.write_text(conflict.read_text(encoding="utf-8").replace("\n## ", "\n- OUT_OF_SCOPE: TBD\n\n## ", 1), encoding="utf-8")
    after_edit = _incremental(root, cache)
    assert [(finding.rule, finding.excerpt) for finding in unfold(after_edit)] == [("PKT-005", "TBD")]
    assert after_edit == _fresh(root)
    recomputed = {key for key, value in _kept(cache).items() if before.get(key) is not value}
    assert recomputed and {name.split(" ", 2)[2] for _, name in recomputed} == {CONFLICT}


def test_a_packet_whose_lifecycle_changes_is_judged_again(tmp_path: Path) -> None:
    """The board decides whether a packet is history: moving a packet with a
    placeholder to Done ends the finding, as a fresh check says."""
    root = materialise(tmp_path / "repo", [])
    conflict = root / CONFLICT
    conflict.write_text(conflict.read_text(encoding="utf-8").replace("\n## ", "\n- OUT_OF_SCOPE: TBD\n\n## ", 1), encoding="utf-8")
    cache = ParseCache()
    assert [finding.rule for finding in unfold(_incremental(root, cache))] == ["PKT-005"]
    board = root / BOARD
    text = board.read_text(encoding="utf-8")
    line = "- **[WP-1-Conflict-Detection]** - Detect concurrent edits and record them [READY FOR DEV]\n"
    board.write_text(text.replace(line, "", 1).replace("## Done\n\n", "## Done\n\n" + line.replace("READY FOR DEV", "VALIDATED"), 1), encoding="utf-8")
    assert _incremental(root, cache) == _fresh(root)
    assert "PKT-005" not in [finding.rule for finding in unfold(_fresh(root))]


def test_the_dependency_graph_is_built_once_for_the_rules_and_once_for_the_pages(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The DAG rules, the phase gate (as a rule and as a page), the DAG page
    and every packet header read one graph each side."""
    import mkdocs_handshake.analysis.graph as graph_module
    import mkdocs_handshake.analysis.phase_gate as phase_gate_module
    import mkdocs_handshake.rules.context as rule_context_module

    built: list[object] = []
    real = graph_module.dependency_graph

    def counting(model: object) -> object:
        built.append(model)
        return real(model)  # type: ignore[arg-type]

    for module in (graph_module, phase_gate_module, rule_context_module):
        monkeypatch.setattr(module, "dependency_graph", counting)
    governance = run_pipeline(Layout(broken), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False, docs_dir="docs"), ParseCache())
    assert governance.annotations and "governance/dag.md" in governance.pages
    assert len(built) == 2


def test_a_rebuild_maps_an_edited_packet_without_indexing_the_spec_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec's requirement index stays in memory while the spec's bytes
    are unchanged; an edited spec is indexed again."""
    from mkdocs_handshake.analysis.mapping_index import RequirementIndex

    root = materialise(tmp_path / "repo", [])
    real = RequirementIndex.build.__func__  # type: ignore[attr-defined]
    built: list[object] = []
    monkeypatch.setattr(RequirementIndex, "build", classmethod(lambda cls, sections, **options: built.append(1) or real(cls, sections, **options)))
    cache = ParseCache()
    _incremental(root, cache)
    assert len(built) == 1
    conflict = root / CONFLICT
    conflict.write_text(conflict.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    _incremental(root, cache)
    assert len(built) == 1
    spec_file = root / "Tallyline_Master_Spec_v01.04.md"
    spec_file.write_text(spec_file.read_text(encoding="utf-8") + "\nAppended.\n", encoding="utf-8")
    _incremental(root, cache)
    assert len(built) == 2


def _annotations(root: Path, cache: ParseCache | None) -> Mapping[str, str]:
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False, docs_dir="docs")
    if cache is None:
        return run_pipeline(Layout(root), engine, render, ParseCache()).annotations
    return check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True).annotations


SITE_WIDE_EDITS = {
    # A neighbour's status badge: Merge-Policy depends on Conflict-Detection.
    "a dependency's status": (CONFLICT, "- STATUS: Ready-for-Dev", "- STATUS: Blocked"),
    # Batch-Transfer's header gains Sync-Events under "Blocks".
    "a dependency added in another packet": (SYNC, "- **Depends on**: none (foundational)", "- **Depends on**: WP-1-Batch-Transfer"),
    # The signature cell shows the audit row.
    "the audit log": (AUDIT, "Task packet lock: WP-1-Conflict-Detection", "Task packet lock (re-signed): WP-1-Conflict-Detection"),
    # DONE_MEANS rows show the requirement text.
    "the spec": ("Tallyline_Master_Spec_v01.04.md", "MUST", "MUST NOT"),
}


@pytest.mark.parametrize("edit", sorted(SITE_WIDE_EDITS))
def test_headers_kept_between_rebuilds_follow_edits_of_other_files(tmp_path: Path, edit: str) -> None:
    """Serve keeps each packet's header while nothing it shows changed: an
    edit elsewhere that changes what a header shows renders it again."""
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    before = _annotations(root, cache)
    name, old, new = SITE_WIDE_EDITS[edit]
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    after = _annotations(root, cache)
    assert after == _annotations(root, None)
    assert after != before


def test_an_edit_of_one_packet_renders_only_its_header_again(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    before = dict(_annotations(root, cache))
    conflict = root / CONFLICT
    conflict.write_text(conflict.read_text(encoding="utf-8").replace("\n## ", "\n- OUT_OF_SCOPE: TBD\n\n## ", 1), encoding="utf-8")
    after = _annotations(root, cache)
    assert after == _annotations(root, None)
    rendered_again = sorted(page for page, header in after.items() if header is not before[page])
    assert rendered_again == ["task_packets/WP-1-Conflict-Detection.md"]


def test_the_phase_gate_kept_between_rebuilds_sees_a_new_deferred_work_note(tmp_path: Path) -> None:
    """Serve keeps what the phase gate read in each packet's text; an edit
    that adds a deferred-work note shows on the phase-gate page."""
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False, docs_dir="docs")
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True)
    conflict = root / CONFLICT
    text = conflict.read_text(encoding="utf-8")
    assert text.count("to the conflict register.") == 1
    conflict.write_text(text.replace("to the conflict register.", "to the conflict register; the conflict UI is deferred to phase 2."), encoding="utf-8")
    pages = check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True).pages
    assert pages == run_pipeline(Layout(root), engine, render, ParseCache()).pages
    assert "the conflict UI is deferred to phase 2" in pages["governance/phase-gate.md"]


def test_a_phase_claim_written_between_rebuilds_is_judged(tmp_path: Path) -> None:
    """The rules keep what they read in each packet's text too (claims
    that a phase is closed); a claim added to one packet is judged."""
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    assert _incremental(root, cache) == ()
    conflict = root / CONFLICT
    text = conflict.read_text(encoding="utf-8")
    conflict.write_text(text.replace("to the conflict register.", "to the conflict register. Phase 1 is CLOSED."), encoding="utf-8")
    after = _incremental(root, cache)
    assert after == _fresh(root)
    assert "PHASE-001" in [finding.rule for finding in after]


def test_the_dag_kept_between_rebuilds_follows_a_new_dependency(tmp_path: Path) -> None:
    """Serve keeps the DAG's drawing and transitive reduction under the
    graph they were made from; a dependency added in one packet redraws."""
    engine, render = EngineConfig(as_of=AS_OF), RenderOptions(dot_available=True, docs_dir="docs")
    root = materialise(tmp_path / "repo", [])
    cache = ParseCache()
    before = check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True).pages["governance/dag.md"]
    name, old, new = SITE_WIDE_EDITS["a dependency added in another packet"]
    path = root / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    after = check_stage(load_stage(Layout(root), cache), engine, render, cache, incremental=True).pages["governance/dag.md"]
    assert after == run_pipeline(Layout(root), engine, render, ParseCache()).pages["governance/dag.md"]
    assert after != before
