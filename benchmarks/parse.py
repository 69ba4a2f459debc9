"""How much does parsing cost over merely reading and tokenising?

Measures, on one governance repo:

(a)  reading the raw bytes of every file the loader reads;
(a') the same plus decoding/repair (``source.decode``), for reference;
(b)  tokenising the markdown among them with markdown-it-py;
(c)  the full ``load_repo`` (decode, tokenise, parse, link).

The file set is derived by running the loader once and listing what it read
(its ParseCache keys every read file), so it follows the loader when the
loader learns to read more. The issue's bound: (c) within 3x of (b).

Usage: python benchmarks/parse.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

from pathlib import Path

from _common import TIMING_HEADERS, base_arguments, check_corpus, measure, table, timing_row, verdict

from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.parse.markdown import markdown_parser, tokenize
from mkdocs_handshake.repository.source import decode

BOUND = 3.0


def files_the_loader_reads(layout: Layout) -> list[str]:
    """Every file ``load_repo`` reads, relative to the root, in loader order
    (spec pointer, spec, packets, board, audit, gate log, protocols, anchored
    documents) — taken from the parse cache rather than restated here."""
    cache = ParseCache()
    load_repo(layout, cache)
    return [path for kind, path in cache.entries if kind == "source"]


def read_all(root: Path, files: list[str]) -> list[bytes]:
    return [(root / relative).read_bytes() for relative in files]


def decode_all(root: Path, files: list[str]) -> list[str]:
    return [decode((root / relative).read_bytes(), relative).text for relative in files]


def tokenise_all(texts: list[str]) -> int:
    """Tokenise with the shared parser, bypassing ``tokenize``'s lru_cache."""
    parser = markdown_parser()
    return sum(len(parser.parse(text)) for text in texts)


def main() -> int:
    args = base_arguments(__doc__.splitlines()[0]).parse_args()
    root = check_corpus(args.corpus)
    layout = Layout(root)
    files = files_the_loader_reads(layout)
    markdown = [relative for relative in files if relative.endswith(".md")]
    raw = read_all(root, files)
    texts = [decode((root / relative).read_bytes(), relative).text for relative in markdown]

    read = measure(lambda: read_all(root, files), args.repeat)
    read_decode = measure(lambda: decode_all(root, files), args.repeat)
    tokens = measure(lambda: tokenise_all(texts), args.repeat)
    full = measure(lambda: load_repo(layout), args.repeat, setup=tokenize.cache_clear)
    model = full.result

    print(f"corpus: {root}")
    print(
        f"files the loader reads: {len(files)} ({len(markdown)} markdown), "
        f"{sum(len(data) for data in raw) / 1e6:.2f} MB; {len(model.packets)} packets; "  # type: ignore[union-attr]
        f"{tokens.result} tokens; median of {args.repeat} runs after 1 warm-up"
    )
    print()
    print(
        table(
            TIMING_HEADERS,
            [
                timing_row("(a)  read bytes", read),
                timing_row("(a') read + decode/repair", read_decode),
                timing_row("(b)  tokenise (markdown-it)", tokens),
                timing_row("(c)  load_repo", full),
            ],
        )
    )
    print()
    parse_vs_tokens = full.median / tokens.median
    print(f"(c)/(b)  load_repo / tokenise     = {parse_vs_tokens:.2f}")
    print(f"(c)/(a)  load_repo / read         = {full.median / read.median:.1f}")
    print(f"(c)/(a') load_repo / read+decode  = {full.median / read_decode.median:.2f}")
    print(verdict("parse/tokenise (c)/(b)", parse_vs_tokens, BOUND))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
