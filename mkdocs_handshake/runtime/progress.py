"""Progress of a build, for the person waiting on it.

A build of a large repo takes minutes; one that says nothing until it ends
looks hung. Each stage reports one line when it ends (what it made, how
many, how long), and a stage that runs longer than ``interval`` seconds
also reports how far it got, at most once per ``interval``. The stages
stay plain Python: they are handed a :class:`Progress` and know nothing of
MkDocs' logging; the plugin passes its logger's ``info``.
"""

from __future__ import annotations

import time
from typing import Callable

Report = Callable[[str], None]


class Progress:
    def __init__(self, report: Report | None = None, *, interval: float = 5.0, clock: Callable[[], float] = time.perf_counter) -> None:
        self._report = report
        self.interval = interval
        self._clock = clock
        self._stage = ""
        self._started = 0.0
        self._last = 0.0

    def start(self, stage: str) -> None:
        """Begin timing ``stage`` (a verb phrase: "parsing", "rendering pages")."""
        self._stage = stage
        self._started = self._last = self._clock()

    def tick(self, done: int, total: int) -> None:
        """Called after each unit of work; reports only every ``interval`` seconds."""
        if self._report is None:
            return
        now = self._clock()
        if now - self._last >= self.interval:
            self._last = now
            self._report(f"governance: {self._stage}: {done:,}/{total:,} after {now - self._started:.1f} s")

    def done(self, summary: str) -> float:
        """End the stage with its one line; returns its duration in seconds."""
        seconds = self._clock() - self._started
        if self._report is not None:
            self._report(f"governance: {summary} in {seconds:.2f} s")
        return seconds


#: For callers that want no reports (tests, benchmarks of a single stage).
SILENT = Progress()
