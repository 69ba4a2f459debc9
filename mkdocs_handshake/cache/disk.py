"""The parse cache on disk, so a build in a fresh process starts warm.

Tokenising and parsing the governance files is the plugin's largest cost
(about 1.5 s for the 1.5 MB spec and 70 packets of the reference corpus); a
spec changes far less often than the packets. Entries are keyed by file,
parser and the SHA-256 of the file's bytes, exactly like the in-memory
:class:`~mkdocs_handshake.load.parse_cache.ParseCache` they are restored into, so a
changed file is always parsed again.

The file is also stamped with a fingerprint of the plugin's own code and the
Python version: results parsed by other code are never reused, even when
someone edits the parsers without changing the version number.

The folder is one CI restores from a shared cache, so its content is not
trusted: the format is data only (:mod:`.cache_codec`, JSON that can build
nothing but plain values and the model's own classes), checked while it is
read. A file that is missing, foreign, corrupt or truncated is ignored and
rewritten; the cache can make a build faster, never fail it or run code.
Writes go to a temporary file that replaces the old one in one step, so a
concurrent build reads the old file or the new one; temporary files left by
a build that was killed mid-write are removed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from . import codec as cache_codec

FILE_NAME = "parse-cache.json"
FORMAT = "mkdocs-handshake-cache"
FORMAT_VERSION = 1
#: Files of earlier versions of this plugin in the same folder (a pickle,
#: never read again): removed when the new file is written.
LEGACY_FILES = ("parse-cache.pickle",)
_TEMP_PREFIX = ".parse-cache-"
_TEMP = re.compile(re.escape(_TEMP_PREFIX) + r"(\d+)-.*\.tmp$")
#: A temporary file older than this is a leftover even if its writer's
#: process id is in use again (a cache folder restored on another machine).
STALE_AFTER_SECONDS = 3600.0


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's source files and the Python version."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _header() -> dict[str, object]:
    return {"format": FORMAT, "version": FORMAT_VERSION, "fingerprint": code_fingerprint()}


def read_entries(folder: Path) -> tuple[dict[Any, Any], str]:
    """The entries stored in ``folder``, and why none were used (empty when
    they were). A missing file says so too; callers tell that case apart
    with :func:`is_missing`."""
    remove_stale_temporaries(folder)
    path = folder / FILE_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, f"no cache file at {path}"
    except OSError as error:
        return {}, f"cache file {path} unreadable ({error.strerror or error})"
    header_line, _, body = data.partition(b"\n")
    try:
        header = json.loads(header_line.decode("utf-8"))
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return {}, f"cache file {path} is not a handshake cache"
    try:
        if header.get("version") != FORMAT_VERSION or header.get("fingerprint") != code_fingerprint():
            return {}, f"cache file {path} was written by other plugin code"
        stored = cache_codec.loads(body.decode("utf-8", errors="surrogatepass"))
        return _entries(stored), ""
    except (ValueError, RecursionError, MemoryError) as error:
        # JSONDecodeError, CacheFormatError and UnicodeDecodeError are ValueErrors.
        return {}, f"cache file {path} is damaged or truncated ({shorten_error(error)})"


def is_missing(reason: str) -> bool:
    """Whether :func:`read_entries` found no file at all (a first build)."""
    return reason.startswith("no cache file")


def shorten_error(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:120]}"


def _entries(stored: object) -> dict[tuple[str, str], tuple[str, object]]:
    """Check the shape the in-memory cache relies on: a list of
    ``[kind, name, digest, value]`` rows with text keys."""
    if not isinstance(stored, list):
        raise cache_codec.CacheFormatError("the entries are not a list")
    entries: dict[tuple[str, str], tuple[str, object]] = {}
    for row in stored:
        if not (isinstance(row, list) and len(row) == 4 and all(isinstance(part, str) for part in row[:3])):
            raise cache_codec.CacheFormatError("an entry is not [kind, name, digest, value]")
        kind, name, digest, value = row
        entries[(kind, name)] = (digest, value)
    return entries


def encode_row(kind: str, name: str, digest: str, value: Any) -> str:
    """One entry as the file holds it; the file's list of entries is these
    joined by commas, so rows encoded ahead of the write (while a process
    waits, see :meth:`mkdocs_handshake.load.parse_cache.ParseCache.encode_ahead`) give the same bytes."""
    return cache_codec.dumps([kind, name, digest, value])


def write_entries(folder: Path, entries: dict[Any, Any], encoded: Mapping[Any, tuple[str, str]] | None = None) -> str:
    """Store ``entries`` atomically (a concurrent build sees the old file or
    the new one, never half of one). ``encoded`` holds rows already encoded
    (key -> (digest, text)); a row encoded for another digest is encoded
    again. Returns an error text, empty on success."""
    temporary: Path | None = None
    encoded = encoded or {}
    try:
        rows = []
        for (kind, name), (digest, value) in entries.items():
            ready = encoded.get((kind, name))
            rows.append(ready[1] if ready is not None and ready[0] == digest else encode_row(kind, name, digest, value))
        text = json.dumps(_header(), separators=(",", ":")) + "\n[" + ",".join(rows) + "]"
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=f"{_TEMP_PREFIX}{os.getpid()}-", suffix=".tmp")
        temporary = Path(name)
        # Our own file's time is the folder's clock, which ages the others.
        remove_stale_temporaries(folder, now=os.fstat(handle).st_mtime, keep=temporary)
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8", errors="surrogatepass"))
        os.replace(temporary, folder / FILE_NAME)
        temporary = None
        for legacy in LEGACY_FILES:
            (folder / legacy).unlink(missing_ok=True)
    except Exception as error:  # noqa: BLE001 - a read-only checkout must still build
        return f"cannot write the parse cache to {folder}: {shorten_error(error)}"
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return ""


def remove_stale_temporaries(folder: Path, now: float | None = None, keep: Path | None = None) -> list[Path]:
    """Delete temporary files of writers that are gone: their process no
    longer runs, or, given ``now``, the file is older than
    :data:`STALE_AFTER_SECONDS`. ``now`` is the folder's own clock (the
    time of a file just written there), not this process's: the two differ
    on a machine whose clock was set ahead or a folder on another machine's
    disk, and a live writer's file must not look an hour old. ``keep`` and a
    concurrent build's file in progress are left alone. Returns what was
    removed."""
    removed: list[Path] = []
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return removed
    for path in candidates:
        match = _TEMP.match(path.name)
        if not match or path == keep:
            continue
        try:
            old = now is not None and now - path.stat().st_mtime > STALE_AFTER_SECONDS
            if old or not _process_alive(int(match.group(1))):
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name != "posix":  # os.kill(pid, 0) would end the process there
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


#: A kept output (``model.json``) is stamped by a file beside it holding the
#: digest of what it was made from and the SHA-256 of its own bytes, so a
#: kept copy that was cut short or overwritten is never handed to the site.
STAMP_SUFFIX = ".sha256"
_STAMP = re.compile(rb"([0-9a-f]{64})\n([0-9a-f]{64})\n")
_CHUNK = 1 << 20


def copy_kept(folder: Path, name: str, digest: str, target: Path) -> str | None:
    """Copy ``folder/name`` to ``target`` when it was made from ``digest``
    and its bytes are the ones stamped. ``None`` when copied; otherwise why
    not: empty for an ordinary miss (nothing kept, or kept for other
    inputs), a sentence when the kept files are damaged or foreign, which
    the caller logs once before writing ``target`` anew."""
    kept, stamp = folder / name, folder / (name + STAMP_SUFFIX)
    try:
        stamped = stamp.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"{stamp} unreadable ({error.strerror or error})"
    match = _STAMP.fullmatch(stamped)
    if match is None:
        return f"{stamp} is damaged or was written by another version"
    if match.group(1) != digest.encode("ascii"):
        return ""
    try:
        copied = _copy_hashed(kept, target)
    except FileNotFoundError:
        return f"{kept} is missing"
    except OSError as error:
        return f"{kept} unreadable ({error.strerror or error})"
    if copied.encode("ascii") != match.group(2):
        return f"{kept} is damaged or truncated"
    return None


def keep(folder: Path, name: str, digest: str, source: Path) -> None:
    """Keep a copy of ``source`` as ``folder/name``, stamped with ``digest``
    (see :func:`copy_kept`). A folder that cannot be written only loses the
    copy: the stamp goes first and comes back last, so a copy cut short is
    never taken for a whole one."""
    kept, stamp = folder / name, folder / (name + STAMP_SUFFIX)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        copied = _copy_hashed(source, kept)
        stamp.write_bytes(f"{digest}\n{copied}\n".encode("ascii"))
    except OSError:
        pass


def _copy_hashed(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` in chunks; the SHA-256 of what was copied."""
    content = hashlib.sha256()
    with source.open("rb") as data, target.open("wb") as out:
        while chunk := data.read(_CHUNK):
            content.update(chunk)
            out.write(chunk)
    return content.hexdigest()
