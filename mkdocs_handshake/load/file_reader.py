"""Reading one governance file for the load: through
:func:`~mkdocs_handshake.repository.source.read_source` (so damaged
encodings are repaired and recorded) and the parse cache. A file that
cannot be read becomes a PARSE-001 issue, never an exception: the rules
decide what that means for the build."""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from ..repository.layout import Layout
from ..model.basics import EncodingIssue, Loc, ParseIssue
from ..model.records import SignatureUse
from ..repository.realpath import RealPaths
from ..repository.source import SourceText
from .parse_cache import ParseCache


T = TypeVar("T")


@dataclass
class Collector:
    """Everything the individual files contribute beyond their parsed objects."""

    layout: Layout
    cache: ParseCache
    encoding: list[EncodingIssue] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    uses: list[SignatureUse] = field(default_factory=list)
    sources: dict[str, SourceText] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    real_paths: RealPaths = field(default_factory=RealPaths)

    def read(self, relative: str, *, required: bool = True, what: str = "file") -> tuple[SourceText, str] | None:
        if relative in self.sources:  # read once per load, whatever reads it again
            return self.sources[relative], self.digests[relative]
        try:
            refusal = _refusal(self.layout, relative, self.real_paths)
            if refusal:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} {refusal}; it is not read", relative, relative))
                return None
            data = (self.layout.root / relative).read_bytes()
            note = _not_text(data)
            if note:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} {note}; it is not read", relative, relative))
                return None
        except FileNotFoundError:
            if required:
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} does not exist", relative, relative))
            return None
        except OSError as error:
            if required:
                reason = "is a folder, expected a file" if isinstance(error, IsADirectoryError) else (error.strerror or str(error))
                self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the configured {what} {relative} cannot be read: {reason}", relative, relative))
            return None
        digest = hashlib.sha256(data).hexdigest()
        src = self.cache.get("source", RawFile(relative, data), digest, decode_raw)
        self.encoding.extend(src.issues)
        self.sources[relative] = src
        self.digests[relative] = digest
        return src, digest

    def raw(self, relative: str) -> tuple[bytes, str] | None:
        """A file's bytes as written and their digest, or None when it is
        absent or must not be read; nothing is decoded or reported. For
        facts about the bytes themselves (a generated file's hash), which
        the repaired text of :meth:`read` no longer has."""
        try:
            if _refusal(self.layout, relative, self.real_paths):
                return None
            data = (self.layout.root / relative).read_bytes()
        except OSError:
            return None
        return data, hashlib.sha256(data).hexdigest()

    def derived(self, kind: str, src: SourceText, compute: Callable[[SourceText], T]) -> T:
        """A fact computed from one file's text alone (its signature uses,
        its phase claims), cached with the file's parse."""
        try:
            return self.cache.get(kind, src, self.digests[src.path], compute)
        except Exception as error:  # noqa: BLE001 - as in parse(): a finding, not a failed build
            self.issues.append(ParseIssue("PARSE-001", Loc(src.path, 1), f"{src.path} could not be read for {kind.replace('_', ' ')} ({_error_text(error)})", src.path, src.path))
            return ()  # type: ignore[return-value]

    def parse(
        self,
        relative: str,
        kind: str,
        parser: Callable[[SourceText], tuple[T, list[ParseIssue]]],
        *,
        what: str,
        required: bool = True,
    ) -> tuple[T, SourceText] | None:
        """Read one file, parse it (cached by content hash) and collect its
        parse issues: the step every governance file goes through."""
        read = self.read(relative, required=required, what=what)
        if read is None:
            return None
        src, digest = read
        try:
            result, issues = self.cache.get(kind, src, digest, parser)
        except Exception as error:  # noqa: BLE001 - one bad file is a finding, never a failed build
            self.issues.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the {what} {relative} could not be parsed ({_error_text(error)}); its content is left out", relative, relative))
            return None
        self.issues.extend(issues)
        return result, src


#: Control bytes that do not occur in text (NUL and the C0 range, except
#: tab, line feed, vertical tab, form feed, carriage return and escape).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 11, 12, 13, 27})


def _refusal(layout: Layout, relative: str, real: RealPaths | None = None) -> str:
    """Why ``relative`` must not be read, or "". A file that resolves
    (through a symbolic link or ``..``) outside the root could be any file
    of the machine that builds the site, and what is read is published;
    a file past the size limit would take minutes and gigabytes."""
    real = real if real is not None else RealPaths()
    root = real.folder(layout.root)
    path = real.of(layout.root / relative)
    if not path.is_relative_to(root):
        return "resolves to a file outside the root folder (a symbolic link or '..')"
    try:
        status = path.stat()
    except OSError:
        return ""  # the read that follows says what is wrong
    size = status.st_size if stat.S_ISREG(status.st_mode) else 0
    if size > layout.max_file_bytes:
        return f"is {_megabytes(size)}, larger than the limit of {_megabytes(layout.max_file_bytes)} (option max_file_mb)"
    return ""


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _not_text(data: bytes) -> str:
    """Why ``data`` is not a text file, or "". A binary file read as text
    would be dozens of bogus "damaged encoding" findings; a few stray
    control bytes in a text file are damage PARSE-002 reports instead.
    UTF-16 (with its byte order mark) is text: :func:`~mkdocs_handshake.repository.source.decode` reads it."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" not in sample:
        return ""
    if sum(sample.count(byte) for byte in _BINARY_BYTES) * 20 > len(sample):
        return "is a binary file, not text"
    return ""


def _error_text(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__


@dataclass(frozen=True)
class RawFile:
    """A file's bytes as read, decoded through the parse cache (kind
    ``source``) so that each distinct content is decoded once."""

    path: str
    data: bytes


def decode_raw(raw: RawFile) -> SourceText:  # type: ignore[misc]
    """The parse-cache parser of kind ``source``: the repaired text of a
    :class:`RawFile`."""
    from ..repository.source import decode

    return decode(raw.data, raw.path)
