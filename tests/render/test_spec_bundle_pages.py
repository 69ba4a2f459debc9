"""Spec pages of a spec read from a bundle of modules: each chapter page
names the module its sections come from, and every section and
requirement points at its module and line; the overview lists the modules."""

from __future__ import annotations

from pathlib import Path

from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.overview import render_overview
from mkdocs_handshake.render.spec_pages import render_spec_chapter
from tests.fixtures.bundle import make_bundle
from tests.fixtures.repo import check, materialise
from tests.render.test_site import to_html
from tests.fixtures.repo import AS_OF


def test_a_chapter_page_names_its_module_and_lines_there(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    model, findings = check(bundle.root)
    assert model.spec is not None
    module = f"{bundle.folder}/{bundle.modules[2]}"
    page = render_spec_chapter(RenderContext(model, tuple(findings), as_of=AS_OF), "2")
    assert f"of module `{module}` of the bundle `{bundle.manifest}`" in page
    html = to_html(page)
    text = (bundle.root / module).read_text(encoding="utf-8").split("\n")
    section = next(section for section in model.spec.sections if section.number == "2.2.2")
    assert text[section.loc.line - 1].lstrip("#").strip().startswith("2.2.2")
    assert f"line {section.loc.line}" in html
    assert bundle.manifest + ":" not in html  # lines are the module's, never the manifest's


def test_the_overview_lists_the_modules_with_their_state(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    path = bundle.module_file(3)
    path.write_bytes(path.read_bytes() + b"\nchanged\n")
    bundle.module_file(4).unlink()
    model, findings = check(bundle.root)
    html = to_html(render_overview(RenderContext(model, tuple(findings), as_of=AS_OF)))
    assert bundle.modules[2] in html and "matches the manifest" in html
    assert "differs from the manifest (SPEC-006)" in html
    assert "not in the checkout" in html
