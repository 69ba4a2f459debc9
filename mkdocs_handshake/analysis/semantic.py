"""A sentence embedding that ships in a registry package and runs offline.

The DONE_MEANS matcher (:mod:`.mapping`) compares an item with the
requirements of its anchored sections. Words and names decide most items;
a paraphrase ("sqlx has postgres feature" for "tests against both SQLite
and PostgreSQL") shares neither. A static word embedding places such
sentences near each other without any model running at build time.

The embedding is the one the PyPI package ``wordllama`` (MIT) ships inside
its wheel: a 32,000 x 256 token table (``weights/l2_supercat_256.safetensors``)
and the tokenizer it was made for (``tokenizers/l2_supercat_tokenizer_config.json``).
A sentence's vector is the mean of its tokens' rows, scaled to length 1, as
the package itself computes it. This module reads those two files directly
and never imports the package's Python code, whose loader knows how to
download: here nothing can. The files are pinned by their SHA-256, so a
different package version, a damaged file or a replaced one is refused
rather than silently changing results.

The package is an opt-in extra (``pip install mkdocs-handshake[semantic]``):
fitted across the labelled corpora, the signal maps no labelled item
that the other signals leave unmapped (``benchmarks/mapping.py --fit``), so
it is not worth a dozen packages and about a tenth of a cold check by
default (``--cost``). Not
installed, it is one info line per process; installed but refused (a
damaged or replaced file, a missing library), one warning, since the user
asked for it. Either way :func:`shared` returns ``None`` and the matcher
runs on its other signals (citations, names, words).

Deterministic: the same text gives the same vector (float32 sums in a
fixed order); cosines are rounded to four decimals before anything is
decided on them, so the last bit of a sum cannot flip a decision.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

_log = logging.getLogger("mkdocs.plugins.handshake")

PACKAGE = "wordllama"
#: The release whose files are pinned below (``pyproject.toml`` pins it too).
VERSION = "0.4.0.post1"
WEIGHTS = "weights/l2_supercat_256.safetensors"
WEIGHTS_SHA256 = "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
TOKENIZER_SHA256 = "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
TENSOR = "embedding.weight"

#: Decimals a cosine is rounded to before it is compared or shown.
DECIMALS = 4


class Unavailable(Exception):
    """Why the embedding cannot be used (shown in the one log line).
    ``absent``: the opt-in package is simply not installed."""

    def __init__(self, reason: str, *, absent: bool = False) -> None:
        super().__init__(reason)
        self.absent = absent


@dataclass
class Embedder:
    """The token table and tokenizer; :meth:`embed` gives unit vectors.
    ``signature`` names exactly what was loaded (package version and file
    hashes), so results cached with one embedding are never reused with
    another."""

    table: Any  # numpy float16 array, tokens x dimensions
    tokenizer: Any  # tokenizers.Tokenizer
    signature: str
    _np: Any = field(repr=False, default=None)

    @property
    def dimensions(self) -> int:
        return int(self.table.shape[1])

    def embed(self, texts: Sequence[str]) -> Any:
        """One unit row per text (float32); a text without tokens gets a
        zero row, whose cosine with anything is 0."""
        np = self._np
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return rows
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        last = self.table.shape[0] - 1
        for row, encoding in enumerate(encodings):
            ids = np.clip(np.asarray(encoding.ids, dtype=np.int64), 0, last)
            if ids.size == 0:
                continue
            vector = self.table[ids].astype(np.float32).sum(axis=0) / np.float32(ids.size)
            norm = float(np.sqrt(np.dot(vector, vector)))
            if norm > 0.0:
                rows[row] = vector / np.float32(norm)
        return rows

    def cosine(self, a: Any, b: Any) -> float:
        """Cosine of two unit rows, rounded to :data:`DECIMALS`."""
        return round(float(self._np.dot(a, b)), DECIMALS)


def package_folder() -> Path:
    """The installed package's folder, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable(f"the package '{PACKAGE}' is not installed (pip install 'mkdocs-handshake[semantic]')", absent=True)
    return Path(next(iter(spec.submodule_search_locations)))


#: Files whose hash was checked in this process, by path, size, modification
#: time and expected hash: :func:`signature` checks the files before
#: :func:`load` reads them, and the 16 MB table needs hashing only once.
_HASHED: set[tuple[str, int, int, str]] = set()


def _verified(path: Path, expected: str) -> bytes:
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as error:
        raise Unavailable(f"{path} cannot be read ({error.strerror or error})") from None
    key = (str(path), stat.st_size, stat.st_mtime_ns, expected)
    if key in _HASHED and len(data) == stat.st_size:
        return data
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise Unavailable(f"{path} has SHA-256 {digest[:12]}..., not the pinned {expected[:12]}... of {PACKAGE} {VERSION}")
    _HASHED.add(key)
    return data


def _table(data: bytes, np: Any) -> Any:
    """The token table from a safetensors file: an 8-byte little-endian
    header length, a JSON header naming each tensor's dtype, shape and byte
    range, then the raw data."""
    try:
        (length,) = struct.unpack_from("<Q", data, 0)
        header = json.loads(data[8 : 8 + length])
        entry = header[TENSOR]
        start, end = entry["data_offsets"]
        rows, dimensions = entry["shape"]
    except (struct.error, ValueError, KeyError, TypeError) as error:
        raise Unavailable(f"the embedding file's header is not readable ({error})") from None
    if entry.get("dtype") != "F16" or end - start != rows * dimensions * 2:
        raise Unavailable("the embedding file does not hold a float16 token table")
    return np.frombuffer(data, dtype="<f2", count=rows * dimensions, offset=8 + length + start).reshape(rows, dimensions)


def load(folder: Path | None = None) -> Embedder:
    """The embedding from the package's folder (or ``folder``); raises
    :class:`Unavailable` with the reason when it cannot be used."""
    folder = folder if folder is not None else package_folder()
    try:
        import numpy as np
        from tokenizers import Tokenizer
    except ImportError as error:
        raise Unavailable(f"a library the embedding needs is missing ({error.name})") from None
    weights = _verified(folder / WEIGHTS, WEIGHTS_SHA256)
    tokenizer_bytes = _verified(folder / TOKENIZER, TOKENIZER_SHA256)
    try:
        tokenizer = Tokenizer.from_str(tokenizer_bytes.decode("utf-8"))
    except Exception as error:  # the tokenizers library raises its own types
        raise Unavailable(f"the tokenizer cannot be read ({error})") from None
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Embedder(_table(weights, np), tokenizer, SIGNATURE, np)


SIGNATURE = f"{PACKAGE}-{VERSION}:{WEIGHTS_SHA256[:16]}:{TOKENIZER_SHA256[:16]}"


_SHARED: list[Embedder | None] = []


def shared() -> Embedder | None:
    """The process's embedding, loaded on first use; ``None`` (after one
    warning, once per process) when it cannot be used."""
    if not _SHARED:
        try:
            _SHARED.append(load())
        except Unavailable as reason:
            say = _log.info if reason.absent else _log.warning
            say(
                "DONE_MEANS mapping runs without its semantic signal: %s. Items are mapped by citations, "
                "names and shared words only, so fewer paraphrased items are mapped.",
                reason,
            )
            _SHARED.append(None)
    return _SHARED[0]


_CHECKED: list[str] = []


def signature() -> str:
    """What the mapping's semantic signal is made of: :data:`SIGNATURE`
    when the pinned files are there, else "none". Cached results are kept
    under it, so installing, removing or damaging the package maps again.
    Checking the files' hashes is cheap (no tokenizer is built), so a build
    whose mappings all come from its cache does not load the embedding."""
    if _SHARED:
        return _SHARED[0].signature if _SHARED[0] is not None else "none"
    if not _CHECKED:
        try:
            folder = package_folder()
            if importlib.util.find_spec("numpy") is None or importlib.util.find_spec("tokenizers") is None:
                raise Unavailable("a library the embedding needs is missing")
            _verified(folder / WEIGHTS, WEIGHTS_SHA256)
            _verified(folder / TOKENIZER, TOKENIZER_SHA256)
            _CHECKED.append(SIGNATURE)
        except Unavailable:
            shared()  # says why, once
            _CHECKED.append("none")
    return _CHECKED[0]


def reset() -> None:
    """Forget the loaded embedding (tests that replace the package)."""
    _SHARED.clear()
    _CHECKED.clear()
    _HASHED.clear()
