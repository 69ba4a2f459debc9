"""Parsed files cached by content hash, so that ``mkdocs serve`` re-parses
only what changed; the 1.5 MB spec of the reference corpus is the expensive
one. The cache can be kept on disk between builds (:mod:`mkdocs_handshake.cache.disk`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar, Iterable, TypeVar

from ..cache import disk as disk_cache
from ..runtime import parallel
from ..repository.source import SourceText

T = TypeVar("T")


@dataclass
class ParseCache:
    """Parsed results keyed by (parser, path) and the bytes' SHA-256.

    ``hits``/``misses`` count lookups since the cache was made (of the
    kinds the cache file holds, not :attr:`MEMORY_ONLY`); ``used`` holds
    the keys looked up since the latest :func:`load_repo` began, so
    :meth:`persist` stores what the repo needs now and drops files that were
    deleted. Kinds in :attr:`KEEP_UNUSED` are looked up only when an
    enclosing result missed (a DAG drawing, inside the pages of a build
    whose pages came from the cache), so their entries are kept unused."""

    KEEP_UNUSED: ClassVar[frozenset[str]] = frozenset({"dot_svg"})
    #: Kinds kept for this process only: cheaper to compute again than to
    #: store (the repaired text of a page; a packet's ``model.json`` entry,
    #: findings, header and phase-gate text; the spec's ``model.json``
    #: entry and requirement index; the DAG's transitive reduction),
    #: and looked up after a second process may have written the cache.
    MEMORY_ONLY: ClassVar[frozenset[str]] = frozenset({
        "page_source", "packet_json", "spec_json", "per_packet", "packet_header", "phase_text", "requirement_index", "dag_reduction",
    })

    entries: dict[tuple[str, str], tuple[str, object]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    used: set[tuple[str, str]] = field(default_factory=set)
    changed: bool = False
    #: Keys of the file on disk as last read or written.
    stored: frozenset[tuple[str, str]] = frozenset()
    #: Results computed ahead of the load that asks for them (in this
    #: process or a second one, see :func:`.parse_ahead.parse_in_two_processes`): their
    #: first lookup counts as computed, not reused.
    fresh: set[tuple[str, str]] = field(default_factory=set)
    #: While a list: the keys computed since it was last taken
    #: (:meth:`take_journal`), so a second process can send what it computed.
    journal: list[tuple[str, str]] | None = None
    #: Rows of the cache file encoded ahead of writing it: key -> (digest, text).
    encoded: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def get(self, kind: str, src: SourceText, digest: str, parse: Callable[[SourceText], T]) -> T:
        return self.lookup(kind, src.path, digest, lambda: parse(src))

    def lookup(self, kind: str, name: str, digest: str, compute: Callable[[], T]) -> T:
        """The cached result for ``(kind, name)`` if it was computed from the
        input with this ``digest``; otherwise compute and keep it. Later
        stages cache through this too (a generated page's HTML, keyed by
        the hash of its markdown)."""
        key = (kind, name)
        self.used.add(key)
        stored = kind not in self.MEMORY_ONLY
        cached = self.entries.get(key)
        if cached and cached[0] == digest:
            if key in self.fresh:
                self.fresh.discard(key)
                self.misses += stored
            else:
                self.hits += stored
            return cached[1]  # type: ignore[return-value]
        self.misses += stored
        if stored:
            self.changed = True
        result = compute()
        self.entries[key] = (digest, result)
        if self.journal is not None:
            self.journal.append(key)
        return result

    def adopt(self, *computed: dict[tuple[str, str], tuple[str, object]]) -> None:
        """Keep results computed ahead of their lookup (see :attr:`fresh`)."""
        for entries in computed:
            for key, value in entries.items():
                self.entries[key] = value
                self.fresh.add(key)
                self.used.add(key)
                self.changed = True

    def take_journal(self, skip: frozenset[str] = frozenset()) -> dict[tuple[str, str], tuple[str, object]]:
        """The entries computed since the journal was started or last taken
        (kinds in ``skip`` and :attr:`MEMORY_ONLY` left out: they are for
        this process only); the journal starts again empty."""
        keys, self.journal = self.journal or [], []
        skip = skip | self.MEMORY_ONLY
        return {key: self.entries[key] for key in keys if key in self.entries and key[0] not in skip}

    def mark_stored(self, keys: tuple[tuple[str, str], ...]) -> None:
        """Another process wrote the cache file with these entries (and
        this cache has adopted them): nothing is left to write."""
        self.stored = frozenset(keys)
        self.changed = False

    def forget(self, kind: str, name: str) -> None:
        """Drop one result, so the next lookup computes it again."""
        self.entries.pop((kind, name), None)
        self.used.discard((kind, name))
        self.changed = True

    def inputs_digest(self, *extra: str, keys: Iterable[tuple[str, str]] | None = None) -> str:
        """One digest of every input the latest :func:`load_repo` read (each
        file's parser and content hash), or of ``keys`` only, plus ``extra``:
        the key under which later stages cache what they compute from the
        model alone."""
        digest = hashlib.sha256()
        for kind, name in sorted(self.used if keys is None else keys):
            digest.update(f"{kind}\0{name}\0{self.entries[(kind, name)][0]}\n".encode())
        for text in extra:
            digest.update(b"\1" + text.encode())
        return digest.hexdigest()

    def restore(self, folder: Path) -> str:
        """Add the entries stored in ``folder`` (those already in memory win).
        Returns why nothing was restored, or an empty string."""
        stored, reason = disk_cache.read_entries(folder)
        for key, value in stored.items():
            self.entries.setdefault(key, value)
        self.stored = frozenset(stored)
        return reason

    def encode_ahead(self, busy: Callable[[], bool] = lambda: True) -> None:
        """Encode the rows the cache file will hold, while ``busy()`` says
        this process would only wait (the loader's, while its child parses
        the spec): the write that follows the rules then has less to do."""
        for key, (digest, value) in list(self.entries.items()):
            if not busy():
                return
            if key[0] in self.MEMORY_ONLY or self.encoded.get(key, ("",))[0] == digest:
                continue
            try:
                self.encoded[key] = (digest, disk_cache.encode_row(key[0], key[1], digest, value))
            except (TypeError, ValueError):
                continue  # the write reports what cannot be stored

    def persist(self, folder: Path) -> str:
        """Write the entries the latest load used, if any is new or the file
        holds entries no longer used (a deleted packet). Returns an error
        text, or an empty string."""
        keep = self._handover()
        if keep is None:
            return ""
        error = disk_cache.write_entries(folder, keep, self.encoded)
        self._handed_over(keep, written=not error)
        return error

    def persist_in_child(self, folder: Path) -> Callable[[], str]:
        """:meth:`persist` in a second process (:func:`.parallel.start`), so
        the caller's next work runs meanwhile. Returns the function that
        waits for it and returns the error text; when no child could write
        the file, that function writes it here."""
        keep = self._handover()
        if keep is None:
            return lambda: ""
        pending = parallel.start(lambda: disk_cache.write_entries(folder, keep, self.encoded))

        def finish() -> str:
            finished, error = pending.finish() if pending is not None else (False, None)
            self._handed_over(keep, written=finished and not error)
            return self.persist(folder)  # nothing left to write once the child did

        return finish

    def _handover(self) -> dict[tuple[str, str], tuple[str, object]] | None:
        """What :meth:`persist` would write now; None when the file is up to
        date. Until :meth:`_handed_over` says how the write went, the cache
        counts as stored: a result computed meanwhile marks it changed again."""
        keep = self._to_keep()
        if not self.changed and frozenset(keep) == self.stored:
            return None
        self.changed = False
        return keep

    def _handed_over(self, keep: dict[tuple[str, str], tuple[str, object]], written: bool) -> None:
        if written:
            self.stored = frozenset(keep)
        else:
            self.changed = True

    def _to_keep(self) -> dict[tuple[str, str], tuple[str, object]]:
        return {
            key: value for key, value in sorted(self.entries.items())
            if (key in self.used or key[0] in self.KEEP_UNUSED) and key[0] not in self.MEMORY_ONLY
        }
