"""The dependency DAG page: escaping, links, colours, cycles, determinism,
the fallback without Graphviz, and splitting large graphs."""

from __future__ import annotations

import datetime as dt
import shutil

import graphviz
import pytest

from mkdocs_handshake.model import Status
from mkdocs_handshake.render import dag
from mkdocs_handshake.render.context import RenderContext
from tests.rules.builders import make_model, make_packet, occurrence

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
EVIL = '<script>alert(1)</script> "];evil['


def validated(wp: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return make_packet(wp, status=Status.VALIDATED, reports=[("PASS", "2026-11-20")], **kwargs)  # type: ignore[arg-type]


def ctx_for(packets, **kwargs: object) -> RenderContext:  # type: ignore[no-untyped-def]
    return RenderContext(make_model(packets), (), as_of=dt.date(2026, 12, 1), **kwargs)  # type: ignore[arg-type]


def evil_packet():  # type: ignore[no-untyped-def]
    return make_packet("WP-1-Evil", title=EVIL, fields={"What": (occurrence("WP-1-Evil", "What", EVIL, 13),)})


def sample_ctx(**kwargs: object) -> RenderContext:
    return ctx_for(
        [
            validated("WP-1-Base"),
            make_packet("WP-1-Mid", depends_on=["WP-1-Base"]),
            make_packet("WP-1-Top", depends_on=["WP-1-Mid", "WP-1-Base"]),
            make_packet("WP-1-Loop-A", depends_on=["WP-1-Loop-B"]),
            make_packet("WP-1-Loop-B", depends_on=["WP-1-Loop-A"]),
            make_packet("WP-1-Store", status=Status.SUPERSEDED),
            validated("WP-1-Store-v2"),
            evil_packet(),
        ],
        **kwargs,
    )


def test_dot_escapes_labels_and_tooltips() -> None:
    ctx = sample_ctx()
    source = dag.build_dot(ctx, dag.prepare(ctx), sorted(ctx.packets_by_id))
    line = next(line for line in source.splitlines() if line.startswith('  "WP-1-Evil" ['))
    assert 'label="WP-1-Evil\\n<script>alert(1)</script> \\"];evil[' in line
    assert '"];evil[' not in line.replace('\\"];evil[', "")  # every quote is escaped
    assert line.endswith("];")


@needs_dot
def test_svg_shows_hostile_title_as_text() -> None:
    page = dag.render_dag_page(sample_ctx())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "evil[" in page and "evil" not in page.replace("evil[", "")


@needs_dot
def test_nodes_link_to_packet_pages_for_both_url_styles() -> None:
    page = dag.render_dag_page(sample_ctx())
    assert 'xlink:href="../packets/WP-1-Mid/"' in page
    flat = dag.render_dag_page(sample_ctx(use_directory_urls=False))
    assert 'xlink:href="packets/WP-1-Mid.html"' in flat


@needs_dot
def test_blocker_not_validated_is_red_and_validated_dependency_is_not() -> None:
    ctx = sample_ctx()
    source = dag.build_dot(ctx, dag.prepare(ctx), sorted(ctx.packets_by_id))
    mid_top = next(line for line in source.splitlines() if '"WP-1-Mid" -> "WP-1-Top"' in line)
    base_mid = next(line for line in source.splitlines() if '"WP-1-Base" -> "WP-1-Mid"' in line)
    assert f'color="{dag.BLOCKER_COLOUR}"' in mid_top
    assert f'color="{dag.EDGE_COLOUR}"' in base_mid
    # Base -> Top is implied by Base -> Mid -> Top and hidden for display.
    assert '"WP-1-Base" -> "WP-1-Top"' not in source
    page = dag.render_dag_page(ctx)
    assert f'stroke="{dag.BLOCKER_COLOUR}"' in page
    assert "1 implied dependency is hidden" in page


@needs_dot
def test_cycle_is_drawn_and_named() -> None:
    ctx = sample_ctx()
    source = dag.build_dot(ctx, dag.prepare(ctx), sorted(ctx.packets_by_id))
    assert '"WP-1-Loop-A" -> "WP-1-Loop-B"' in source and '"WP-1-Loop-B" -> "WP-1-Loop-A"' in source
    assert source.count('label="cycle 1"') == 2
    page = dag.render_dag_page(ctx)
    assert "1. Cycle 1: [WP-1-Loop-A](packets/WP-1-Loop-A.md) → [WP-1-Loop-B](packets/WP-1-Loop-B.md) → [WP-1-Loop-A]" in page


def test_superseded_packet_is_clustered_with_its_variant() -> None:
    ctx = sample_ctx()
    source = dag.build_dot(ctx, dag.prepare(ctx), sorted(ctx.packets_by_id))
    start = source.index('subgraph "cluster_variants_')
    cluster = source[start : source.index("  }", start)]
    assert '"WP-1-Store" [' in cluster and '"WP-1-Store-v2" [' in cluster
    assert '"WP-1-Mid" [' not in cluster


@needs_dot
def test_output_is_deterministic_and_inlines_cleanly() -> None:
    first = dag.render_dag_page(sample_ctx())
    second = dag.render_dag_page(sample_ctx())
    assert first == second
    assert "<?xml" not in first and "<!DOCTYPE" not in first and "<!--" not in first
    assert 'id="hs-dag1-graph0"' in first
    svg = first[first.index("<svg") : first.index("</svg>")]
    assert "\n\n" not in svg


def test_fallback_when_dot_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_source: str) -> str:
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr(dag, "render_svg", missing)
    page = dag.render_dag_page(sample_ctx())
    assert page.count("!!! warning") == 1
    assert "`graphviz`" in page and "brew install graphviz" in page
    assert "<svg" not in page
    assert "1. Layer 1: [WP-1-Base](packets/WP-1-Base.md) (VALIDATED)" in page
    layer2 = next(line for line in page.splitlines() if line.startswith("2. Layer 2:"))
    assert "[WP-1-Mid](packets/WP-1-Mid.md) (Ready-for-Dev)" in layer2
    assert "WP-1-Loop-A" in page and "in cycle 1" in page
    assert "&lt;script&gt;" not in layer2 and "<script>" not in page
    assert "brew install graphviz" in dag.dot_missing_message()


def test_fallback_when_context_says_dot_unavailable() -> None:
    page = dag.render_dag_page(sample_ctx(dot_available=False))
    assert "!!! warning" in page and "<svg" not in page


@needs_dot
def test_large_graph_is_split_per_connected_component() -> None:
    packets = [validated("WP-1-A1"), make_packet("WP-1-A2", depends_on=["WP-1-A1"])]
    packets += [validated("WP-1-B1"), make_packet("WP-1-B2", depends_on=["WP-1-B1"])]
    packets += [make_packet("WP-1-Solo")]
    ctx = ctx_for(packets, options={"dag_max_nodes": 3})
    parts = dag.split_parts(ctx, dag.prepare(ctx))
    assert [nodes for _title, nodes in parts] == [["WP-1-A1", "WP-1-A2"], ["WP-1-B1", "WP-1-B2"], ["WP-1-Solo"]]
    page = dag.render_dag_page(ctx)
    assert page.count("<svg") == 3
    assert 'id="hs-dag2-graph0"' in page and 'id="hs-dag3-graph0"' in page
    assert "### Group 1: WP-1-A1 and 1 more" in page
    assert dag.split_parts(ctx_for(packets), dag.prepare(ctx))[0][0] == "All packets"
