"""A second process for work that would otherwise leave a core idle.

A build on the reference corpus spends most of the plugin's time parsing
one 1.5-2.7 MB Master Spec and, on a large repo, parsing packets, checking
and rendering; the machines that build documentation commonly have two
cores, and MkDocs uses one. Two tools, each returning the same results
wherever the work ran:

* :func:`start` forks a child for some work and returns a :class:`Pending`;
  inside, :func:`send` hands the parent a message early (the plugin's rules
  and pages, before the child writes ``model.json`` and the cache);
* :func:`share` runs a list of jobs in the child and this process at once
  (the loader's parse), the child sending its results as it goes.

Forking is used only where it is safe and pays:

* the system is Linux (macOS has ``fork``, but system libraries a process
  may have loaded are not safe to use in a forked child, which is why
  Python itself stopped forking there by default) and more than one CPU is
  available to us;
* the process has a single thread. ``mkdocs serve`` runs a file watcher and
  an HTTP server in threads; forking a threaded process can copy a lock
  another thread holds, so serve (and any embedding program with threads)
  runs everything in-process. Serve rebuilds reuse the parse cache anyway;
* nothing asked for one process (``HANDSHAKE_PROCESSES=1`` in the
  environment, for profiling and for comparing the two paths).

Whatever goes wrong in the child (an exception, a crash, the OOM killer)
costs only time: the caller gets what the child managed to send, or
nothing, and computes the rest itself. The child never logs and leaves
with ``os._exit``, so it runs no ``atexit`` handler and flushes no buffer it
inherited.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import select
import sys
import threading
from typing import BinaryIO, Callable, Sequence, TypeVar

T = TypeVar("T")

#: Set to 1 to keep all work in the calling process.
PROCESSES_VARIABLE = "HANDSHAKE_PROCESSES"


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_allowed() -> bool:
    """Whether a child process may take a share of the work now."""
    if os.environ.get(PROCESSES_VARIABLE, "").strip() == "1":
        return False
    return sys.platform.startswith("linux") and available_cpus() > 1 and threading.active_count() == 1


def share(
    jobs: Sequence[Callable[[], None]], collect: Callable[[], T], progress: Callable[[int, int], None] | None = None,
    idle: Callable[[Callable[[], bool]], None] | None = None,
    first: Callable[[], None] | None = None,
) -> list[T]:
    """Run ``jobs`` in a forked child and this process together: the child
    takes jobs from the front of the list, this process from the back,
    until they meet, so neither waits while the other still has work (sizes
    do not predict cost well: a packet costs more per byte than the spec).
    Put the largest job first: it is then the child's, and what it leaves
    in memory (a big spec's tokens) goes with the child.

    After each job the child sends ``collect()`` (what it computed since
    the last call), and this process takes those messages between its own
    jobs: the unpickling is spread over the run instead of piling up at its
    end, and the child never waits on a full pipe. Returns the child's
    messages. Every job runs exactly once: what the child left undone (it
    died, or both stopped at the same job) runs here after it has ended.
    Empty, with every job run here, when there was no child. ``progress``
    hears, in this process only, how many jobs both have taken at most.
    ``idle`` runs here when this process has run out of jobs while the
    child is still on one: work the caller needs next anyway (an import,
    encoding what it will write) fills the wait instead of following it.
    It is given a function that says whether the child is still busy, so
    it can stop when waiting is over. It must not change results; an
    exception from it is dropped, to be met again where the work is needed.
    ``first`` runs here right after the child is started, before this
    process takes any job: work the caller will need whatever the jobs
    give (imports, a model to load) and that takes long enough that, done
    while waiting at the end, it would keep the child's result waiting.
    Done first, the child takes the jobs it would have left to this process
    meanwhile. The same rules as for ``idle`` apply.

    The two positions live in a few bytes of anonymous shared memory: no
    lock that a killed process could leave held, and no file anywhere."""
    if not jobs:
        return []
    claims = mmap.mmap(-1, 16)  # [0:8] the child's claim, [8:16] this process's
    _put(claims, 0, -1)
    _put(claims, 8, len(jobs))

    def in_child() -> T:
        index = -1
        while True:
            index += 1
            _put(claims, 0, index)
            if index >= _get(claims, 8):
                break
            jobs[index]()
            send(collect())
        return collect()

    pending = start(in_child)
    if pending is None:
        for index, job in enumerate(jobs):
            if progress is not None:
                progress(index, len(jobs))
            job()
        return []
    back = len(jobs)
    try:
        if first is not None:
            try:
                first()
            except Exception:  # noqa: BLE001 - see the docstring
                pass
        while True:
            back -= 1
            _put(claims, 8, back)
            if back <= _get(claims, 0):
                break
            if progress is not None:
                progress(len(jobs) - back + max(_get(claims, 0), 0), len(jobs))
            jobs[back]()
            pending.poll()
        if idle is not None and _get(claims, 0) <= back:
            try:
                idle(lambda: _get(claims, 0) <= back)
            except Exception:  # noqa: BLE001 - see the docstring
                pass
    finally:
        pending.finish()
    # The child's last claim is the job it was on when it stopped or died:
    # not done (or its result not sent). Everything from it to our stop is ours.
    # Each is a job this process runs, so progress hears of it as of any
    # other (every job has been taken by then).
    for index in range(max(_get(claims, 0), 0), back + 1):
        if progress is not None:
            progress(len(jobs), len(jobs))
        jobs[index]()
    return pending.messages()  # type: ignore[return-value]


def _put(claims: mmap.mmap, offset: int, value: int) -> None:
    claims[offset : offset + 8] = value.to_bytes(8, "little", signed=True)


def _get(claims: mmap.mmap, offset: int) -> int:
    return int.from_bytes(claims[offset : offset + 8], "little", signed=True)


#: In a child made by :func:`start`: the pipe to the parent.
_channel: BinaryIO | None = None


def send(message: object) -> None:
    """From inside work run by :func:`start`: hand ``message`` to the parent
    now, while the child goes on (the parent reads it with
    :meth:`Pending.first`). Useful when the parent needs a result before
    the child has finished writing files."""
    if _channel is None:
        raise RuntimeError("parallel.send() is for work running in a child made by parallel.start()")
    _write(_channel, message)


def _write(stream: BinaryIO, message: object) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(payload).to_bytes(8, "big"))
    stream.write(payload)
    stream.flush()


class Pending:
    """Work running in a child process. The child sends messages (those of
    :func:`send`, then the work's return value); :meth:`first` waits for the
    first one, :meth:`poll` takes those already sent, :meth:`finish` waits for
    the child to end and returns the last."""

    def __init__(self, pid: int, read_end: int) -> None:
        self._pid = pid
        self._fd = read_end
        self._buffer = bytearray()
        self._messages: list[object] = []
        self._broken = False
        self._eof = False
        self._status: int | None = None

    def _fill(self, block: bool) -> bool:
        """Read what the pipe holds (waiting for something when ``block``);
        False when nothing was read."""
        if self._eof:
            return False
        if not block and not select.select([self._fd], [], [], 0)[0]:
            return False
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    def _parse(self) -> None:
        while not self._broken and len(self._buffer) >= 8:
            size = int.from_bytes(self._buffer[:8], "big")
            if len(self._buffer) < 8 + size:
                return
            payload = bytes(self._buffer[8 : 8 + size])
            del self._buffer[: 8 + size]
            try:
                self._messages.append(pickle.loads(payload))  # noqa: S301 - our own child's bytes
            except Exception:  # noqa: BLE001 - a damaged message: nothing after it counts
                self._broken = True

    def poll(self) -> None:
        """Take the messages already sent, without waiting."""
        while self._fill(block=False):
            pass
        self._parse()

    def first(self) -> tuple[bool, object]:
        """``(True, message)`` for the first message, waiting for it; ``(False,
        None)`` when the child ended or broke without sending one."""
        while not self._messages and not self._broken and self._fill(block=True):
            self._parse()
        return (True, self._messages[0]) if self._messages else (False, None)

    def messages(self) -> list[object]:
        """Every whole message received so far."""
        return list(self._messages)

    def finish(self) -> tuple[bool, object]:
        """Wait for the child to end. ``(True, result)`` when it ended well
        with its return value sent; ``(False, None)`` when it crashed or sent
        nothing usable. Safe to call more than once."""
        if self._status is None:
            while self._fill(block=True):
                pass
            self._parse()
            os.close(self._fd)
            _, status = os.waitpid(self._pid, 0)
            self._status = status
            gc.unfreeze()
        ended_well = os.WIFEXITED(self._status) and os.WEXITSTATUS(self._status) == 0
        if not ended_well or self._broken or self._buffer or not self._messages:
            return False, None
        return True, self._messages[-1]


def start(work: Callable[[], T]) -> Pending | None:
    """Begin ``work`` in a forked child and return at once; None when no
    child may be made (see :func:`fork_allowed`): then the caller does the
    work itself. The child sees the memory as it is now; what the caller
    changes afterwards is not the child's concern."""
    global _channel
    if not fork_allowed():
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            _channel = os.fdopen(write_end, "wb")
            _write(_channel, work())
            _channel.close()
            status = 0
        except BaseException:  # noqa: BLE001 - the parent does the work again
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    return Pending(pid, read_end)
