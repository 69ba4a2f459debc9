"""The build's governance work as plain Python: stages cached by their inputs."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.engine import EngineConfig
from mkdocs_handshake.layout import Layout
from mkdocs_handshake.load import ParseCache
from mkdocs_handshake.pipeline import RenderOptions, convert_page, run_pipeline
from tests.fixtures.breakages import BY_ID, MERGE
from tests.fixtures.repo import AS_OF, TEMPLATE, materialise


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
    assert second.findings == first.findings and [f.rule for f in first.findings] == ["PKT-001"]
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
    assert "PKT-006" in [finding.rule for finding in edited.findings]
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
    from mkdocs_handshake.export import dumps, model_document
    from mkdocs_handshake.pipeline import write_model_json

    keep, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    governance = run_pipeline(Layout(broken), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False), ParseCache())
    expected = dumps(model_document(governance.model, "."), compact=True)
    write_model_json(governance, ".", site / "model.json", keep)
    assert (site / "model.json").read_text(encoding="utf-8") == expected == (keep / "model.json").read_text(encoding="utf-8")
    # The kept copy is what a build with the same digest writes; another
    # digest means the model is encoded again.
    (keep / "model.json").write_text("stale", encoding="utf-8")
    write_model_json(governance, ".", site / "model.json", keep)
    assert (site / "model.json").read_text(encoding="utf-8") == "stale"
    (keep / "model.json.sha256").write_text("another digest", encoding="utf-8")
    write_model_json(governance, ".", site / "model.json", keep)
    assert (site / "model.json").read_text(encoding="utf-8") == expected
    write_model_json(governance, ".", site / "model.json", None)
    assert (site / "model.json").read_text(encoding="utf-8") == expected
