"""The parse cache on disk, so a build in a fresh process starts warm.

Tokenising and parsing the governance files is the plugin's largest cost
(about 1.5 s for the 1.5 MB spec and 70 packets of the reference corpus); a
spec changes far less often than the packets. Entries are keyed by file,
parser and the SHA-256 of the file's bytes, exactly like the in-memory
:class:`~mkdocs_handshake.load.ParseCache` they are restored into, so a
changed file is always parsed again.

The file is also stamped with a fingerprint of the plugin's own code and the
Python version: results parsed by other code are never reused, even when
someone edits the parsers without changing the version number.

The format is pickle, because the entries are the model's own frozen
dataclasses. The file lives under the project (``.cache/plugin/handshake``,
the folder mkdocs-material's plugins use too) and is written only by this
plugin; like any build cache it must not be taken from someone you would
not take code from. A file that cannot be read for any reason is ignored
and rewritten: the cache can make a build faster, never fail it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

FILE_NAME = "parse-cache.pickle"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's source files and the Python version."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_entries(folder: Path) -> tuple[dict[Any, Any], str]:
    """The entries stored in ``folder``, and why none were used (empty when
    they were)."""
    path = folder / FILE_NAME
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except FileNotFoundError:
        return {}, f"no cache file at {path}"
    except Exception as error:  # noqa: BLE001 - any unreadable cache is simply not used
        return {}, f"cache file {path} unreadable ({type(error).__name__}: {error})"
    if not isinstance(stored, dict) or stored.get("fingerprint") != code_fingerprint() or not isinstance(stored.get("entries"), dict):
        return {}, f"cache file {path} was written by other plugin code"
    return stored["entries"], ""


def write_entries(folder: Path, entries: dict[Any, Any]) -> str:
    """Store ``entries`` atomically (a concurrent build sees the old file or
    the new one, never half of one). Returns an error text, empty on success."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".parse-cache-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"fingerprint": code_fingerprint(), "entries": entries}, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / FILE_NAME)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception as error:  # noqa: BLE001 - a read-only checkout must still build
        return f"cannot write the parse cache to {folder}: {type(error).__name__}: {error}"
    return ""
