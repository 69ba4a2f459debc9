"""The micro-task DAG on a packet's page: the drawing and its edges, the
reduction and the folding of long runs, escaping, determinism, and a
``dot`` that fails or hangs (the table stays, one warning per build)."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.model.packet import MicroTask, Packet, WpRef
from mkdocs_handshake.render import microtask_dag
from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.packet_page import render_packet_page
from tests.render.test_dot_program import fake_dot
from tests.render.test_site import to_html, visible_text
from tests.rules.builders import make_model, make_packet

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
EVIL = '<script>alert(1)</script> "];evil[ \\ &lt;'
FOLDER = ".GOV/task_packets/WP-1-Ledger"


def task(mt_id: str, status: str = "PENDING", depends: tuple[str, ...] = (), title: str = "", blocks: tuple[str, ...] = ()) -> MicroTask:
    file = f"{FOLDER}/{mt_id}.json"
    return MicroTask(
        mt_id, file, Loc(file, 3), status=status, title=title or f"Step {mt_id}",
        depends_on=tuple(WpRef(name, Loc(file, 6)) for name in depends), blocks=tuple(WpRef(name, Loc(file, 7)) for name in blocks),
    )


def packet_with(*tasks: MicroTask, wp: str = "WP-1-Ledger") -> Packet:
    return replace(make_packet(wp), micro_tasks=tasks)


def diamond() -> Packet:
    """MT-004 waits on MT-002 and MT-003, which wait on MT-001; its own
    edge to MT-001 is implied and hidden by the reduction."""
    return packet_with(
        task("MT-001", "DONE"),
        task("MT-002", "IN_PROGRESS", ("MT-001",)),
        task("MT-003", "PENDING", ("MT-001",)),
        task("MT-004", "BLOCKED", ("MT-002", "MT-003", "MT-001"), title=EVIL),
    )


def page_of(*packets: Packet, **options: object) -> tuple[RenderContext, list[str]]:
    ctx = RenderContext(make_model(list(packets)), (), as_of=dt.date(2026, 6, 22), **options)  # type: ignore[arg-type]
    return ctx, [render_packet_page(ctx, packet) for packet in packets]


@needs_dot
def test_a_packet_with_micro_tasks_shows_their_dependency_drawing_above_the_table() -> None:
    _ctx, (page,) = page_of(diamond())
    svg = page[page.index("<svg"): page.index("</svg>")]
    edges = {html.unescape(title) for title in re.findall(r'<g id="hs-mt-edge\d+" class="edge">\s*<title>([^<]*)</title>', svg)}
    assert edges == {"MT-001->MT-002", "MT-001->MT-003", "MT-002->MT-004", "MT-003->MT-004"}
    text = visible_text(page)
    assert "4 micro-tasks, 5 dependencies between them." in text and "1 implied dependency is hidden (transitive reduction)" in text
    assert page.index("<svg") < page.index("| Micro-task | Status |")  # the table stays, below the drawing
    assert "MT-004 BLOCKED MT-002, MT-003, MT-001" in text


def test_hostile_titles_are_escaped_in_the_dot_source() -> None:
    source = microtask_dag.build_microtask_dot(microtask_dag.micro_task_graph(diamond()))
    line = next(line for line in source.splitlines() if line.startswith('  "MT-004" ['))
    assert '\\"];evil[' in line and '"];evil[' not in line.replace('\\"];evil[', "")
    assert "\\\\" in line and "&amp;lt;" in line  # a backslash and an entity stay literal text
    assert line.endswith("];") and line.count('tooltip="') == 1


@needs_dot
def test_hostile_titles_are_text_in_the_drawing() -> None:
    _ctx, (page,) = page_of(diamond())
    html = to_html(page)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;lt;" in html  # an entity written in a title is shown as written


@needs_dot
def test_the_drawing_is_deterministic() -> None:
    assert page_of(diamond())[1] == page_of(diamond())[1]


def test_runs_in_sequence_and_side_by_side_are_folded_but_cycles_never() -> None:
    chain = [task(f"MT-{n:03}", "DONE", (f"MT-{n - 1:03}",) if n > 1 else ()) for n in range(1, 8)]
    fan = [task(f"MT-{n:03}", "PENDING", ("MT-007",)) for n in range(8, 12)]
    loop = [task("MT-020", "PENDING", ("MT-022",)), task("MT-021", "PENDING", ("MT-020",)), task("MT-022", "PENDING", ("MT-021",))]
    content = microtask_dag.micro_task_graph(packet_with(*chain, *fan, *loop))
    assert [(box.kind, box.ids[0], len(box.ids)) for box in content.boxes] == [
        ("sequence", "MT-001", 7), ("parallel", "MT-008", 4), ("task", "MT-020", 1), ("task", "MT-021", 1), ("task", "MT-022", 1),
    ]
    assert content.edges == (("MT-001", "MT-008"), ("MT-020", "MT-021"), ("MT-021", "MT-022"), ("MT-022", "MT-020"))
    assert content.cycle_edges == {("MT-020", "MT-021"), ("MT-021", "MT-022"), ("MT-022", "MT-020")}
    source = microtask_dag.build_microtask_dot(content)
    assert 'label="MT-001 … MT-007\\n7 in sequence\\nDONE"' in source
    assert 'label="MT-008 and 3 more\\n4 side by side\\nPENDING"' in source
    assert source.count("penwidth=2.5") == 3


def test_blocks_written_on_the_other_end_are_edges_too() -> None:
    content = microtask_dag.micro_task_graph(packet_with(task("MT-001", blocks=("MT-002",)), task("MT-002", "DONE")))
    assert content.edges == (("MT-001", "MT-002"),)


def test_a_single_sequence_is_said_in_words_without_running_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(microtask_dag, "render_svg", lambda *_args: (_ for _ in ()).throw(AssertionError("dot was run")))
    chain = [task(f"MT-{n:03}", "PENDING", (f"MT-{n - 1:03}",) if n > 1 else ()) for n in range(1, 6)]
    _ctx, (page,) = page_of(packet_with(*chain))
    assert "5 micro-tasks, 4 dependencies between them. In sequence: MT-001 … MT-005 (PENDING)." in visible_text(page)


def test_too_many_boxes_are_not_drawn_and_the_page_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(microtask_dag, "MAX_DRAWN_BOXES", 3)
    monkeypatch.setattr(microtask_dag, "render_svg", lambda *_args: (_ for _ in ()).throw(AssertionError("dot was run")))
    _ctx, (page,) = page_of(diamond())
    text = visible_text(page)
    assert "4 boxes: too many to draw" in text and "MT-004 BLOCKED" in text


def test_a_failing_dot_leaves_the_table_and_warns_once_per_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_dot(monkeypatch, tmp_path, f"cat >/dev/null; echo run >> {tmp_path}/runs; echo 'Error: <b>bad</b> syntax' >&2; exit 1\n")
    ctx, pages = page_of(diamond(), replace(diamond(), id="WP-1-Other", file="docs/task_packets/WP-1-Other.md"))
    assert (tmp_path / "runs").read_text().count("run") == 1  # the second page does not run dot again
    assert ctx.warnings == [
        "Graphviz 'dot' exited with status 1: Error: <b>bad</b> syntax (drawing the micro-tasks of WP-1-Ledger); "
        "packet pages show their micro-tasks as tables without a drawing for the rest of this build"
    ]
    for page in pages:
        text = visible_text(page)
        assert "Graphviz dot failed: no drawing" in text and "MT-004 BLOCKED MT-002, MT-003, MT-001" in text
        assert "<svg" not in page and "<b>bad" not in to_html(page)


def test_a_hanging_dot_is_stopped_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_dot(monkeypatch, tmp_path, f"cat >/dev/null; echo run >> {tmp_path}/runs; sleep 30\n")
    ctx, pages = page_of(diamond(), replace(diamond(), id="WP-1-Other", file="docs/task_packets/WP-1-Other.md"), options={"dot_timeout": 0.3})
    assert (tmp_path / "runs").read_text().count("run") == 1
    assert len(ctx.warnings) == 1 and "timed out after 0.3 s" in ctx.warnings[0]
    assert all("| Micro-task | Status |" in page for page in pages)


def test_without_dot_the_page_says_so_and_keeps_the_table() -> None:
    _ctx, (page,) = page_of(diamond(), dot_available=False)
    text = visible_text(page)
    assert "Graphviz dot not found: no drawing" in text and "MT-004 BLOCKED" in text
