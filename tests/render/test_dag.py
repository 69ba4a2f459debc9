"""The dependency DAG page: escaping, links, colours, cycles, determinism,
the fallback without Graphviz, and splitting large graphs."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil

import pytest

from mkdocs_handshake.model.basics import Status
from mkdocs_handshake.render import dag, dag_dot, dag_graph, dot_program
from mkdocs_handshake.render.context import RenderContext
from tests.rules.builders import make_model, make_packet, occurrence
from tests.fixtures.repo import AS_OF
from tests.render.test_dot_program import fake_dot

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
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
    line = next(line for line in source.splitlines() if line.startswith('  "WP-1-Evil" ['))
    assert 'label="WP-1-Evil\\n<script>alert(1)</script>\\n\\"];evil[' in line
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
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
    mid_top = next(line for line in source.splitlines() if '"WP-1-Mid" -> "WP-1-Top"' in line)
    base_mid = next(line for line in source.splitlines() if '"WP-1-Base" -> "WP-1-Mid"' in line)
    assert f'color="{dag_dot.BLOCKER_COLOUR}"' in mid_top
    assert f'color="{dag_dot.EDGE_COLOUR}"' in base_mid
    # Base -> Top is implied by Base -> Mid -> Top and hidden for display.
    assert '"WP-1-Base" -> "WP-1-Top"' not in source
    page = dag.render_dag_page(ctx)
    assert f'stroke="{dag_dot.BLOCKER_COLOUR}"' in page
    assert "1 implied dependency is hidden" in page


@needs_dot
def test_cycle_is_drawn_and_named() -> None:
    ctx = sample_ctx()
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
    assert '"WP-1-Loop-A" -> "WP-1-Loop-B"' in source and '"WP-1-Loop-B" -> "WP-1-Loop-A"' in source
    assert source.count('label="cycle 1"') == 2
    page = dag.render_dag_page(ctx)
    assert "1. Cycle 1: [WP-1-Loop-A](../packets/WP-1-Loop-A/) → [WP-1-Loop-B](../packets/WP-1-Loop-B/) → [WP-1-Loop-A]" in page


def test_superseded_packet_is_clustered_with_its_variant() -> None:
    ctx = sample_ctx()
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
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
    def missing(_source: str, _timeout: float = 0) -> str:
        raise dot_program.DotFailure("was not found on PATH", missing=True)

    monkeypatch.setattr(dag, "render_svg", missing)
    page = dag.render_dag_page(sample_ctx())
    assert page.count('<div class="admonition warning">') == 1
    assert "`graphviz`" in page and "brew install graphviz" in page
    assert "<svg" not in page
    assert "1. Layer 1: [WP-1-Base](../packets/WP-1-Base/) (VALIDATED)" in page
    layer2 = next(line for line in page.splitlines() if line.startswith("2. Layer 2:"))
    assert "[WP-1-Mid](../packets/WP-1-Mid/) (Ready-for-Dev)" in layer2
    assert "WP-1-Loop-A" in page and "in cycle 1" in page
    assert "&lt;script&gt;" not in layer2 and "<script>" not in page
    assert "brew install graphviz" in dot_program.dot_missing_message()


def test_fallback_when_context_says_dot_unavailable() -> None:
    page = dag.render_dag_page(sample_ctx(dot_available=False))
    assert '<div class="admonition warning">' in page and "<svg" not in page


@needs_dot
def test_large_graph_is_split_per_connected_component() -> None:
    packets = [validated("WP-1-A1"), make_packet("WP-1-A2", depends_on=["WP-1-A1"])]
    packets += [validated("WP-1-B1"), make_packet("WP-1-B2", depends_on=["WP-1-B1"])]
    packets += [make_packet("WP-1-Solo")]
    ctx = ctx_for(packets, options={"dag_max_nodes": 3})
    parts = dag_graph.split_parts(ctx, dag_graph.prepare(ctx))
    assert [nodes for _title, nodes in parts] == [["WP-1-A1", "WP-1-A2"], ["WP-1-B1", "WP-1-B2"], ["WP-1-Solo"]]
    page = dag.render_dag_page(ctx)
    assert page.count("<svg") == 3
    assert 'id="hs-dag2-graph0"' in page and 'id="hs-dag3-graph0"' in page
    assert "### Group 1: WP-1-A1 and 1 more" in page
    assert dag_graph.split_parts(ctx_for(packets), dag_graph.prepare(ctx))[0][0] == "All packets"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_status_has_its_own_colour_and_readable_dark_text() -> None:
    fills = list(dag_dot.STATUS_FILL.values())
    assert len(set(fills)) == len(fills) == len(Status)
    text = _luminance(dag_dot.NODE_TEXT)
    for status, fill in dag_dot.STATUS_FILL.items():
        contrast = (_luminance(fill) + 0.05) / (text + 0.05)
        assert contrast >= 4.5, (status, fill, round(contrast, 2))
    # Nearly-equal greys are as bad as equal ones: every pair differs visibly.
    for i, one in enumerate(fills):
        for other in fills[i + 1 :]:
            distance = sum(abs(int(one[k : k + 2], 16) - int(other[k : k + 2], 16)) for k in (1, 3, 5))
            assert distance >= 60, (one, other)


def test_graph_background_is_transparent_and_nodes_carry_fill_and_dark_text() -> None:
    ctx = sample_ctx()
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
    assert 'bgcolor="transparent"' in source
    assert f'fontcolor="{dag_dot.NODE_TEXT}"' in source
    mid = next(line for line in source.splitlines() if line.startswith('  "WP-1-Mid" ['))
    assert f'fillcolor="{dag_dot.STATUS_FILL[Status.READY_FOR_DEV]}"' in mid


def test_packet_without_status_is_drawn_as_its_edge_describes_it() -> None:
    """No STATUS but a PASS verdict: the node is VALIDATED-green, and node and
    edge tooltips both say where that comes from (the packet, not the board)."""
    ctx = ctx_for(
        [
            make_packet("WP-1-Recorder", status=Status.UNKNOWN, status_raw="", reports=[("PASS", "2026-11-20")]),
            make_packet("WP-1-Job", depends_on=["WP-1-Recorder"]),
            make_packet("WP-1-Vague", status=Status.UNKNOWN, status_raw=""),
        ]
    )
    source = dag_dot.build_dot(ctx, dag_graph.prepare(ctx), sorted(ctx.packets_by_id))
    node = next(line for line in source.splitlines() if line.startswith('  "WP-1-Recorder" ['))
    edge = next(line for line in source.splitlines() if '"WP-1-Recorder" -> "WP-1-Job"' in line)
    assert f'fillcolor="{dag_dot.STATUS_FILL[Status.VALIDATED]}"' in node
    assert "WP-1-Recorder - VALIDATED (no STATUS in packet; latest validator verdict PASS)" in node
    assert f'color="{dag_dot.EDGE_COLOUR}"' in edge
    assert "WP-1-Job depends on WP-1-Recorder (VALIDATED (no STATUS in packet; latest validator verdict PASS))" in edge
    vague = next(line for line in source.splitlines() if line.startswith('  "WP-1-Vague" ['))
    assert f'fillcolor="{dag_dot.STATUS_FILL[Status.UNKNOWN]}"' in vague and "Unknown (no STATUS in packet)" in vague


def _node_positions(svg: str) -> dict[str, tuple[float, float]]:
    """Node id -> (x, y) of its label's first text line in the SVG."""
    found = {}
    for match in re.finditer(r'<g id="[^"]*node\d+" class="node">\s*<title>([^<]+)</title>.*?<text[^>]* x="([\d.-]+)" y="([\d.-]+)"', svg, re.S):
        found[html.unescape(match.group(1))] = (float(match.group(2)), float(match.group(3)))
    return found


@needs_dot
def test_packets_without_dependencies_form_a_grid_read_a_to_z() -> None:
    names = [f"WP-1-Solo-{letter}" for letter in "ABCDEFGHIJK"]
    ctx = ctx_for([validated("WP-1-Base"), make_packet("WP-1-Top", depends_on=["WP-1-Base"])] + [make_packet(n) for n in reversed(names)])
    data = dag_graph.prepare(ctx)
    assert dag_dot.isolated_nodes(data, sorted(ctx.packets_by_id)) == names
    svg = dot_program.render_svg(dag_dot.build_dot(ctx, data, sorted(ctx.packets_by_id)))
    positions = _node_positions(svg)
    assert set(names) <= set(positions)
    rows = [names[i : i + dag_dot.GRID_COLUMNS] for i in range(0, len(names), dag_dot.GRID_COLUMNS)]
    assert len(rows) == 4 and len(rows[-1]) == 2
    for row in rows:
        ys = {round(positions[n][1]) for n in row}
        assert len(ys) == 1, row  # one row
        xs = [positions[n][0] for n in row]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)  # A..Z left to right
    tops = [positions[row[0]][1] for row in rows]
    assert tops == sorted(tops)  # rows top to bottom (SVG y grows downwards)
    # Layout edges are invisible: only the one real dependency is drawn.
    assert svg.count('class="edge"') == 1
    assert svg.count('class="node"') == len(ctx.packets_by_id)


@needs_dot
def test_legend_comes_before_the_graph() -> None:
    page = dag.render_dag_page(sample_ctx())
    legend = page.index('<div class="hs-dag-legend">')
    assert legend < page.index("<svg")
    for status in (Status.GAP, Status.DRAFT, Status.SUPERSEDED):
        assert f"background:{dag_dot.STATUS_FILL[status]}" in page[legend : page.index("<svg")]


# --------------------------------------------------------------------------
# A dot that fails (fake dot scripts first on PATH)
# --------------------------------------------------------------------------

MINIMAL_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><g id="graph0"></g></svg>'




def test_a_layout_failure_with_clusters_is_drawn_without_them(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_dot(monkeypatch, tmp_path, f"""input=$(cat)
case "$input" in *cluster_*) echo "Error: trouble in init_rank" >&2; exit 1;; esac
echo '{MINIMAL_SVG}'
""")
    ctx = sample_ctx()
    page = dag.render_dag_page(ctx)
    assert 'id="hs-dag1-graph0"' in page and "failed" not in page
    assert ctx.warnings == [
        "Graphviz 'dot' failed to draw the dependency DAG with variant clusters (exited with status 1: "
        "Error: trouble in init_rank); it is drawn without the clusters"
    ]


def test_a_failed_dot_gives_the_layer_list_with_the_reason_escaped(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_dot(monkeypatch, tmp_path, "cat >/dev/null; echo 'Error: <script>x</script> in *line* 1' >&2; exit 1\n")
    ctx = sample_ctx()
    page = dag.render_dag_page(ctx)
    assert "Graphviz <code>dot</code> failed: showing the dependency graph as a list" in page
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "\\*line\\*" in page
    assert "1. Layer 1:" in page
    assert len(ctx.warnings) == 1 and ctx.warnings[0].endswith("the DAG page lists the packets by layer instead")
    assert "again without variant clusters" in ctx.warnings[0]


def test_a_timeout_is_not_retried(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake_dot(monkeypatch, tmp_path, f"cat >/dev/null; echo run >> {tmp_path}/runs; sleep 30\n")
    ctx = sample_ctx(options={"dot_timeout": 0.3})
    dag.render_dag_page(ctx)
    assert (tmp_path / "runs").read_text().count("run") == 1
    assert ctx.warnings == [
        "Graphviz 'dot' timed out after 0.3 s and was stopped (option dot_timeout) (drawing the dependency DAG); "
        "the DAG page lists the packets by layer instead"
    ]


def test_a_group_too_large_to_draw_is_listed_in_layers(monkeypatch) -> None:
    """Graphviz is not run on a group past MAX_DRAWN_NODES: the page lists
    the layers and says why, instead of a build that never ends."""
    packets = [make_packet("WP-1-A"), make_packet("WP-1-B", depends_on=("WP-1-A",)), make_packet("WP-1-C", depends_on=("WP-1-B",))]
    monkeypatch.setattr(dag, "MAX_DRAWN_NODES", 2)
    monkeypatch.setattr(dag, "render_svg", lambda source, timeout=60.0: (_ for _ in ()).throw(AssertionError("dot was run")))
    ctx = RenderContext(model=make_model(packets), findings=(), options={"dag_max_nodes": 1}, as_of=AS_OF)
    page = dag.render_dag_page(ctx)
    assert "3 connected packets: too many to draw" in page
    assert "Layer 3:" in page and "WP-1-C" in page and "<svg" not in page
