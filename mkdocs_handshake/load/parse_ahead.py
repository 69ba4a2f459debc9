"""Parsing the governance files ahead of the load in two processes, so the
load that follows finds every result in the cache."""

from __future__ import annotations

import hashlib
from typing import Callable, Sequence

from ..analysis import graph, semantic
from ..runtime import parallel
from ..repository.layout import Layout
from ..parse.audit import parse_audit
from ..parse.gate_log import parse_gate_log
from ..runtime.progress import Progress
from .spec_bundle import load_module
from .file_reader import Collector
from .governance_files import load_board, load_packet, load_protocol_file, load_spec
from .parse_cache import ParseCache


#: Below this many bytes still to parse a second process costs more (fork,
#: pickling) than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


def parse_in_two_processes(
    layout: Layout, cache: ParseCache, spec_file: str | None, packet_files: list[str], protocol_files: list[str],
    markers: tuple[str, ...], progress: Progress, module_files: list[str] | None = None, *, embedding: bool = False,
    warm: Sequence[Callable[[], object]] = (),
) -> None:
    """Fill the cache with the parses of the spec, the packets, the board,
    the audit log, the gate log and the protocol files using two processes
    (:func:`.parallel.share`): a forked child works down the files from the
    largest (so the spec's tokens leave with it), this process up from the
    smallest, and the child's results are adopted into the cache. The load that follows then finds every result in the cache
    and collects issues and facts exactly as it does after a warm start, so
    the model does not depend on where anything was parsed.

    Only files whose parse is not in the cache count. Without a second
    process (one CPU, threads, ``HANDSHAKE_PROCESSES=1``) this does nothing
    and the load parses as it always did.

    ``embedding``: the caller maps DONE_MEANS next. When the spec or a
    packet is parsed afresh, some mapping is made afresh too, and it needs
    the sentence embedding; its load (numpy, a 16 MB table) then fills this
    process's wait for the child instead of following it. ``warm``: more
    such work of the caller's (its imports); it must not change results,
    and an exception from it is dropped, to be met again where it matters."""
    jobs: list[tuple[int, str, Callable[[Collector], object]]] = []
    if spec_file is not None:
        jobs.append((_stale_size(layout, cache, "spec", spec_file), spec_file, lambda out: load_spec(out, spec_file)))
    for relative in module_files or ():
        jobs.append((_stale_size(layout, cache, "spec_module", relative), relative, lambda out, name=relative: load_module(out, name)))
    for relative in packet_files:
        jobs.append((_stale_size(layout, cache, "packet", relative), relative, lambda out, name=relative: load_packet(out, name, markers)))
    jobs.append((_stale_size(layout, cache, "board", layout.task_board), layout.task_board, lambda out: load_board(out, required=False)))
    for relative, kind, parser in ((layout.signature_audit, "audit", parse_audit), (layout.gate_log, "gate_log", parse_gate_log)):
        jobs.append((_stale_size(layout, cache, kind, relative), relative, lambda out, name=relative, kind=kind, parser=parser: out.parse(name, kind, parser, what=kind, required=False)))
    for relative in protocol_files:
        jobs.append((_stale_size(layout, cache, "spec_mentions", relative), relative, lambda out, name=relative: load_protocol_file(out, name)))
    jobs = [job for job in jobs if job[0] > 0]
    mapped_inputs = {spec_file, *(module_files or ()), *packet_files} if embedding else set()
    mapped_afresh = any(name in mapped_inputs for _size, name, _job in jobs)
    if sum(size for size, _, _ in jobs) < PARALLEL_MIN_BYTES or not parallel.fork_allowed():
        return
    out = Collector(layout, cache)  # one per process: the child has its own copy
    ordered = [lambda job=job: _quietly(job, out) for _size, _name, job in sorted(jobs, key=lambda job: (-job[0], job[1]))]
    counts = (cache.hits, cache.misses)
    cache.journal = []
    try:
        # What the child computed since it last sent, without the decoded
        # texts: decoding a file again here costs a tenth of unpickling it
        # (12 MB for 1,000 packets).
        # Before its share of the files, this process imports what the
        # rules will need first (networkx) and what the caller asks for,
        # and loads the embedding the mapping will need (0.15 s): the child
        # starts on the spec at once and takes more of the other files
        # meanwhile. While the child finishes, this process encodes its own
        # results for the cache file.
        def first() -> None:
            graph.prepare()
            for work in warm:
                work()
            if mapped_afresh:
                semantic.shared()

        def idle(busy: Callable[[], bool]) -> None:
            cache.encode_ahead(busy)

        adopted = parallel.share(ordered, lambda: cache.take_journal(skip=frozenset({"source"})), progress.tick, idle=idle, first=first)
        parsed_here = cache.take_journal()
    finally:
        cache.journal = None
    cache.hits, cache.misses = counts
    cache.adopt(parsed_here, *adopted)


def _quietly(job: Callable[[Collector], object], out: Collector) -> None:
    """Parse ahead of the load; a failure is left for the load itself to
    meet again and report."""
    try:
        job(out)
    except Exception:  # noqa: BLE001
        pass


def _stale_size(layout: Layout, cache: ParseCache, kind: str, relative: str) -> int:
    """The size of ``relative`` when its ``kind`` parse is not in the cache
    for its current bytes (0 when it is, or the file cannot be read)."""
    try:
        data = (layout.root / relative).read_bytes()
    except OSError:
        return 0
    entry = cache.entries.get((kind, relative))
    if entry is not None and entry[0] == hashlib.sha256(data).hexdigest():
        return 0
    return len(data)
