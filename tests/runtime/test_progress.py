"""Progress lines: one per stage with its count and time, and a line every
``interval`` seconds while a long stage runs (never more often)."""

from __future__ import annotations

from mkdocs_handshake.rules.engine import EngineConfig
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.pipeline import RenderOptions, run_pipeline
from mkdocs_handshake.runtime.progress import Progress
from tests.fixtures.repo import AS_OF, materialise


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_long_stage_reports_every_interval_and_ends_with_one_line() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, interval=5.0, clock=clock)
    progress.start("parsing packets")
    for done in range(1, 1001):
        clock.now += 0.015625  # exact in binary: 15.625 s for the stage
        progress.tick(done, 1000)
    assert progress.done("parsed 1,000 packets") == 15.625
    assert lines == [
        "governance: parsing packets: 320/1,000 after 5.0 s",
        "governance: parsing packets: 640/1,000 after 10.0 s",
        "governance: parsing packets: 960/1,000 after 15.0 s",
        "governance: parsed 1,000 packets in 15.62 s",
    ]


def test_a_short_stage_says_one_line() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = Progress(lines.append, clock=clock)
    progress.start("checking")
    for done in range(10):
        clock.now += 0.1
        progress.tick(done, 10)
    progress.done("checked the rules: 0 findings")
    assert lines == ["governance: checked the rules: 0 findings in 1.00 s"]


def test_the_pipeline_reports_each_stage_with_its_counts(tmp_path) -> None:
    root = materialise(tmp_path / "repo", [])
    lines: list[str] = []
    run_pipeline(Layout(root), EngineConfig(as_of=AS_OF), RenderOptions(dot_available=False, docs_dir="docs"), ParseCache(), Progress(lines.append))
    assert [line.split(" in ")[0] if "(" not in line else line.split(" (")[0] for line in lines] == [
        "governance: loaded 10 packets and 38 spec sections",
        "governance: checked the rules: 0 findings",
        "governance: rendered 11 pages and 10 packet headers",
    ]
    assert all(line.endswith(" s") for line in lines)
