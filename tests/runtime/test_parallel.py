"""The second process: it computes what the caller would have computed,
and anything that goes wrong in it costs time, never results."""

from __future__ import annotations

import io
import os
import select
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from mkdocs_handshake.load import parse_ahead
from mkdocs_handshake.runtime import parallel
from mkdocs_handshake.report.export import write_model
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.assemble import load_repo
from tests.fixtures.repo import TEMPLATE

# Skipped only where the machine cannot fork a helper (not Linux, one CPU);
# a thread left running by an earlier test fails these tests instead.
needs_fork = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and parallel.available_cpus() > 1), reason="no second process on this machine (not Linux, or one CPU)"
)


class Signal:
    """A pipe made before the fork: one process says that something has
    happened, the other waits for exactly that. The tests wait on the event
    itself, never on a guess of how long the other process takes (a guess
    that a busy machine proves wrong)."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)

    def send(self, data: bytes = b"x") -> None:
        os.write(self._write, data)

    def happened(self, timeout: float = 60.0) -> bool:
        """Whether it has been said (waiting up to ``timeout``), without
        taking it: every later call answers the same."""
        return bool(select.select([self._read], [], [], timeout)[0])

    def take(self, size: int, timeout: float = 60.0) -> bytes:
        """What was said, ``size`` bytes of it, waiting up to ``timeout``
        for them (fewer when the time ran out)."""
        deadline = time.monotonic() + timeout
        taken = b""
        while len(taken) < size and select.select([self._read], [], [], max(0.0, deadline - time.monotonic()))[0]:
            taken += os.read(self._read, size - len(taken))
        return taken

    def count(self, times: int, timeout: float = 60.0) -> bool:
        """Wait until it has been said ``times`` times (taking them)."""
        return len(self.take(times, timeout)) == times


@pytest.fixture()
def signals() -> Iterator[Callable[[], Signal]]:
    made: list[Signal] = []

    def make() -> Signal:
        made.append(Signal())
        return made[-1]

    yield make
    for signal in made:
        signal.close()


def _ended(pid: int, timeout: float = 60.0) -> bool:
    """Whether process ``pid`` has exited (a zombie until its parent waits
    for it, or gone), waiting up to ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.001)
    return False


@needs_fork
def test_start_runs_the_work_in_another_process_and_hands_back_its_messages() -> None:
    def work() -> tuple[str, int]:
        parallel.send("early")
        return ("done", os.getpid())

    pending = parallel.start(work)
    assert pending is not None
    assert pending.first() == (True, "early")  # before the work has finished
    finished, result = pending.finish()
    assert finished and result[0] == "done" and result[1] != os.getpid()  # type: ignore[index]
    assert pending.finish() == (finished, result)  # safe to ask again


@needs_fork
def test_a_child_that_raises_sends_nothing_usable() -> None:
    def fails() -> None:
        raise RuntimeError("boom")

    pending = parallel.start(fails)
    assert pending is not None and pending.finish() == (False, None)


@needs_fork
def test_a_child_killed_midway_sends_nothing_usable() -> None:
    pending = parallel.start(lambda: os._exit(9))
    assert pending is not None and pending.first() == (False, None) and pending.finish() == (False, None)


def test_send_outside_a_child_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        parallel.send("nobody listens")


@needs_fork
def test_share_runs_every_job_once_across_both_processes(signals: Callable[[], Signal]) -> None:
    done: list[int] = []
    reported: list[int] = []
    child_job, parent_job = signals(), signals()

    def since_last() -> list[int]:
        new = done[len(reported):]
        reported.extend(new)
        return new

    def job(index: int) -> None:
        # Each process waits for the other to have started, so both take a share.
        done.append(index)
        if os.getpid() != parent:
            child_job.send()
            if len(done) == 3:
                assert parent_job.happened()
        elif len(done) == 1:
            parent_job.send()
            assert child_job.count(3)

    parent = os.getpid()
    jobs = [lambda index=index: job(index) for index in range(200)]
    heard: list[tuple[int, int]] = []
    messages = parallel.share(jobs, since_last, lambda taken, total: heard.append((taken, total)))
    in_child = [index for message in messages for index in message]
    in_parent = done
    assert len(messages) > 2  # sent as it went, not once at the end
    assert sorted(in_child + in_parent) == list(range(200))
    assert in_child and in_parent  # both took a share
    assert all(total == 200 for _, total in heard) and len(heard) == len(in_parent)


@needs_fork
def test_what_a_child_sent_before_it_died_is_kept(signals: Callable[[], Signal]) -> None:
    done: list[int] = []
    child_job = signals()

    def job(index: int) -> None:
        done.append(index)
        if os.getpid() != parent:
            child_job.send()
            if len(done) == 3:
                os._exit(3)
        elif len(done) == 1:
            assert child_job.count(3)  # the child reached its third job before this process goes on

    parent = os.getpid()
    reported: list[int] = []

    def since_last() -> list[int]:
        new = done[len(reported):]
        reported.extend(new)
        return new

    messages = parallel.share([lambda index=index: job(index) for index in range(50)], since_last)
    from_child = [index for message in messages for index in message]
    assert len(from_child) == 2  # the third job's result never left the dying child
    # ... so this process ran it, with everything else: each job once.
    assert sorted(from_child + done) == list(range(50))


@needs_fork
def test_idle_work_fills_the_wait_for_a_busy_child_and_cannot_change_results(signals: Callable[[], Signal]) -> None:
    """The child takes the first, long job; this process runs out of short
    ones while it is still busy, and only then does its idle work. An idle
    job that fails is dropped: it is only ever a head start."""
    order: list[str] = []
    claimed, released = signals(), signals()

    def long_job() -> None:
        if os.getpid() != parent:
            claimed.send()
            assert released.happened()  # in the child: busy until this process has done its idle work
        order.append("long")

    def short_job() -> None:
        assert claimed.happened()  # the child is on the long job
        order.append("short")

    parent = os.getpid()

    def idle(busy) -> None:  # type: ignore[no-untyped-def]
        order.append("idle" if busy() else "idle too late")
        released.send()
        raise ImportError("only a head start")

    parallel.share([long_job, short_job, short_job, short_job], lambda: None, idle=idle)
    assert order == ["short", "short", "short", "idle"]  # the long job ran in the child only


@needs_fork
def test_first_work_runs_before_this_process_takes_a_job_while_the_child_takes_more(signals: Callable[[], Signal]) -> None:
    """Long work the caller needs anyway (an embedding to load) is done
    first: the child goes on through the jobs meanwhile, and this process
    takes only what is left. An exception from it is dropped."""
    parent = os.getpid()
    order: list[str] = []
    done_in_child = signals()

    def job(name: str) -> Callable[[], None]:
        def run() -> None:
            if os.getpid() != parent:
                done_in_child.send()
            else:
                order.append(name)
        return run

    def first() -> None:
        order.append("first")
        assert done_in_child.count(2)  # the child did two jobs while this process was busy here
        raise ImportError("only a head start")

    parallel.share([job("a"), job("b"), job("c"), job("d")], lambda: None, first=first)
    assert order[0] == "first" and "a" not in order and "b" not in order


@needs_fork
def test_no_idle_work_when_the_child_is_done_first(signals: Callable[[], Signal]) -> None:
    parent = os.getpid()
    called: list[str] = []
    child = signals()
    child_pid: list[int] = []

    def job() -> None:
        if os.getpid() != parent:
            if not child_pid:
                child_pid.append(os.getpid())
                child.send(os.getpid().to_bytes(8, "little"))
        elif not child_pid:
            # This process's first job ends only once the child has ended: it ran out of jobs first.
            pid = child.take(8)
            assert len(pid) == 8
            child_pid.append(int.from_bytes(pid, "little"))
            assert _ended(child_pid[0])

    parallel.share([job for _ in range(20)], lambda: None, idle=lambda busy: called.append("idle"))
    assert called == []


def test_one_process_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.PROCESSES_VARIABLE, "1")
    assert not parallel.fork_allowed()
    assert parallel.start(lambda: 1) is None
    ran: list[int] = []
    assert parallel.share([lambda index=index: ran.append(index) for index in range(5)], lambda: None) == []
    assert ran == [0, 1, 2, 3, 4]  # all of it here, in order


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.fork_allowed()
    finally:
        stop.set()
        thread.join()


def _model_json(root: Path, cache: ParseCache) -> str:
    stream = io.StringIO()
    write_model(load_repo(Layout(root), cache), ".", stream)
    return stream.getvalue()


@needs_fork
def test_the_model_is_the_same_whichever_process_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    # A damaged packet: its repair and PARSE-002 must come back from the child too.
    damaged = root / "docs/task_packets/WP-1-Merge-Policy.md"
    damaged.write_bytes(damaged.read_bytes().replace(b"## ", b"## \xe2\x80", 1))
    monkeypatch.setattr(parse_ahead, "PARALLEL_MIN_BYTES", 0)
    shares: list[int] = []
    share = parallel.share

    def counting(jobs, collect, progress=None, **options):  # type: ignore[no-untyped-def]
        messages = share(jobs, collect, progress, **options)
        shares.append(sum(len(message) for message in messages))
        return messages

    monkeypatch.setattr(parallel, "share", counting)
    two = ParseCache()
    parallel_json = _model_json(root, two)
    assert shares and shares[0] > 0  # the child did parse a share
    monkeypatch.setenv(parallel.PROCESSES_VARIABLE, "1")
    one = ParseCache()
    assert _model_json(root, one) == parallel_json
    # The build log's "N computed, M reused" is the same as well.
    assert (two.hits, two.misses) == (one.hits, one.misses)
    assert "\"encoding_issues\":[]" not in parallel_json  # the repair came back from the child
