"""The governance site of the real corpus (issue #4's acceptance): every page
is generated and converts, the DAG draws every packet, and the matrix lists
every section a packet anchors."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.pipeline import Governance, RenderOptions, run_pipeline
from mkdocs_handshake.render.html import to_html
from mkdocs_handshake.render.common import chapters
from mkdocs_handshake.render.traceability_page import all_sections, element_id
from mkdocs_handshake.analysis.resolve import resolve_anchor
from tests.acceptance.conftest import AS_OF


@pytest.fixture(scope="module")
def site(corpus_root: Path) -> Governance:
    render = RenderOptions(dot_available=shutil.which("dot") is not None)
    return run_pipeline(Layout(corpus_root), EngineConfig(as_of=AS_OF), render, ParseCache())


def test_every_page_is_generated_and_converts(site: Governance, corpus_root: Path) -> None:
    packet_files = sorted(path.stem for path in (corpus_root / "docs" / "task_packets").glob("WP-*.md"))
    expected = {f"governance/{name}.md" for name in ("index", "dag", "phase-gate", "traceability", "findings")}
    expected |= {f"governance/packets/{wp}.md" for wp in packet_files}
    expected |= {f"governance/spec/{chapter}.md" for chapter in chapters(site.context)}
    assert len(packet_files) == 70 and len(chapters(site.context)) > 10
    assert expected <= set(site.pages)
    for path in sorted(expected):
        rendered = to_html(site.pages[path])
        assert rendered.html.strip() and rendered.title, path


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_the_dag_draws_every_packet_once(site: Governance) -> None:
    svg = site.pages["governance/dag.md"]
    titles = [html.unescape(title) for title in re.findall(r'class="node">\s*<title>([^<]+)</title>', svg)]
    assert sorted(titles) == sorted(site.context.packets_by_id)
    assert len(titles) == 70


def test_the_matrix_lists_every_section_a_packet_anchors(site: Governance) -> None:
    page = site.pages["governance/traceability.md"]
    sections = all_sections(site.context)
    anchored = set()
    for packet in site.model.packets:
        for anchor in packet.spec_anchors:
            section = resolve_anchor(anchor, sections)
            if section is not None:
                anchored.add(element_id(section, sections))
    assert len(anchored) > 40
    missing = sorted(anchor for anchor in anchored if f'id="trace-{anchor}"' not in page)
    assert missing == []
