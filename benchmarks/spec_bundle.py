"""What does reading a Master Spec bundle cost, cold and from the cache?

On a repository whose SPEC_CURRENT names an indexed bundle (by default the
June 2026 snapshot), measures:

(a) tokenising the bundle's modules with markdown-it-py (the floor);
(b) reading the bundle cold: decoding, parsing every module, reading the
    manifest, index and changelog and assembling one Spec;
(c) the same with a parse cache that holds the modules (a rebuild);
(d) for scale, parsing the single-file spec the pointer names as its
    source baseline, when the checkout has it: the cost per megabyte of
    (b) and (d) should be alike (the bundle read is linear in its size).

Bound, as for the whole load (benchmarks/parse.py): (b) within 3x of (a).

Usage: python benchmarks/spec_bundle.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

from pathlib import Path

from _common import REPO, TIMING_HEADERS, base_arguments, measure, table, timing_row, verdict

from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.file_reader import Collector
from mkdocs_handshake.parse.markdown import markdown_parser, tokenize
from mkdocs_handshake.parse.spec import parse_spec
from mkdocs_handshake.parse.spec_pointer import parse_spec_pointer
from mkdocs_handshake.repository.source import decode
from mkdocs_handshake.load.spec_bundle import load_bundle, repo_path

JUNE = REPO / ".." / "shared" / "corpus" / "handshake-2026-06-22"
BOUND = 3.0


def main() -> int:
    parser = base_arguments(__doc__.splitlines()[0], repeat=3)
    parser.set_defaults(corpus=JUNE)
    args = parser.parse_args()
    root = args.corpus.resolve()
    if not root.is_dir():
        raise SystemExit(f"corpus not found: {root}")
    pointer_file = next((path for path in sorted(root.rglob("SPEC_CURRENT.md")) if ".git" not in path.parts), None)
    if pointer_file is None:
        raise SystemExit(f"no SPEC_CURRENT.md under {root}")
    relative = pointer_file.relative_to(root).as_posix()
    pointer, _ = parse_spec_pointer(decode(pointer_file.read_bytes(), relative))
    if pointer is None or pointer.format != "json" or not pointer.spec_names:
        raise SystemExit(f"{relative} does not name a spec bundle")
    manifest = repo_path(root, pointer.spec_names[0][0], relative)
    if manifest is None:
        raise SystemExit(f"{pointer.spec_names[0][0]} is not in the checkout")
    layout = Layout(root)

    def read(cache: ParseCache) -> object:
        return load_bundle(Collector(layout, cache), manifest, pointer)

    spec = read(ParseCache())
    modules = [module.path for module in spec.bundle.modules if module.present]  # type: ignore[attr-defined]
    texts = [decode((root / path).read_bytes(), path).text for path in modules]
    size = sum((root / path).stat().st_size for path in modules)
    md = markdown_parser()
    tokenise = measure(lambda: sum(len(md.parse(text)) for text in texts), args.repeat)
    # The tokenizer keeps the last texts' tokens: cleared so every run tokenises.
    cold = measure(lambda: read(ParseCache()), args.repeat, setup=tokenize.cache_clear)
    warm_cache = ParseCache()
    read(warm_cache)
    warm = measure(lambda: read(warm_cache), args.repeat)
    rows = [
        timing_row(f"(a) tokenise {len(modules)} modules ({size / 1e6:.1f} MB)", tokenise),
        timing_row("(b) read the bundle, cold", cold, [f"{cold.median / (size / 1e6) * 1000:.0f} ms/MB"]),
        timing_row("(c) read the bundle, modules cached", warm),
    ]
    baseline = pointer.value_of("current_spec.source_baseline_path")
    found = repo_path(root, baseline[0], relative) if baseline else None
    if found:
        src = decode((root / found).read_bytes(), found)
        single = measure(lambda: parse_spec(src), args.repeat, setup=tokenize.cache_clear)
        rows.append(timing_row(f"(d) parse {found} ({(root / found).stat().st_size / 1e6:.1f} MB)", single, [f"{single.median / ((root / found).stat().st_size / 1e6) * 1000:.0f} ms/MB"]))
    print(table([*TIMING_HEADERS, "per MB"], [row + [""] * (5 - len(row)) for row in rows]))
    print(f"sections: {len(spec.sections)}")  # type: ignore[attr-defined]
    print(verdict("(b) / (a)", cold.median / tokenise.median, BOUND))
    return 0 if cold.median / tokenise.median <= BOUND else 1


if __name__ == "__main__":
    raise SystemExit(main())
