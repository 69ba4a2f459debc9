"""How long is the plugin's part of a ``mkdocs serve`` rebuild after one packet changes?

A synthetic repo (``scale.py``'s, default 1,000 packets, the reference
corpus' spec) is built the way ``mkdocs serve`` builds it, in this process
through MkDocs' Python API: load the config, build; append a line to one
packet; load the config again (serve hands back the same plugin instance,
with its in-memory cache) and build again. Every event handler of the
plugin is timed; their sum during the rebuild is the plugin's part. The
rebuilt page must show the edit. The plugin's own account of its part,
which it logs at debug level, is printed beside it.

The issue's bound: the plugin's part of the rebuild <= 1 s.

Usage: python benchmarks/serve.py [--packets N]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from _common import DEFAULT_CORPUS, check_corpus, table, verdict

import scale
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs_handshake.plugin import HandshakePlugin

EVENTS = ("on_config", "on_files", "on_page_read_source", "on_page_markdown", "on_page_content", "on_post_page", "on_post_build")
BOUND = 1.0


def timed(spent: dict[str, float]) -> None:
    """Wrap the plugin class's event handlers to add their time to ``spent``
    (the class, because MkDocs collects the handlers when it loads a config)."""
    for name in EVENTS:
        original = getattr(HandshakePlugin, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(HandshakePlugin, name, wrapper)


class Account(logging.Handler):
    """Keeps the plugin's debug line on its own part of each build."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "the plugin's part of this build" in message:
            self.lines.append(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--packets", type=int, default=1_000)
    args = parser.parse_args()
    spec = scale.corpus_spec(check_corpus(args.corpus))
    work = Path(tempfile.mkdtemp(prefix="handshake-serve-bench-"))
    logging.getLogger("mkdocs").setLevel(logging.CRITICAL)
    own_account: list[str] = []
    plugin_log = logging.getLogger("mkdocs.plugins.handshake")
    plugin_log.addHandler(Account(own_account))
    plugin_log.setLevel(logging.DEBUG)
    try:
        root, _ = scale.prepare(work, args.packets, spec, "explicit")
        config_file = root / "handshake.yml"
        config_file.write_text(config_file.read_text(encoding="utf-8").replace("      cache: false\n", ""), encoding="utf-8")
        spent: dict[str, float] = defaultdict(float)
        timed(spent)
        config = load_config(config_file=str(config_file))
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["handshake"]
        started = time.perf_counter()
        build(config, serve_url="http://127.0.0.1:8000/")
        first, first_plugin = time.perf_counter() - started, sum(spent.values())
        packets = sorted((root / "docs" / "task_packets").glob("WP-*.md"))
        packet = packets[len(packets) // 2]
        marker = "Edited between two serve builds."
        packet.write_text(packet.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        spent.clear()
        config = load_config(config_file=str(config_file))
        config.plugins.on_startup(command="serve", dirty=False)
        assert config.plugins["handshake"] is plugin, "serve reuses the plugin instance"
        started = time.perf_counter()
        build(config, serve_url="http://127.0.0.1:8000/")
        rebuild = time.perf_counter() - started
        page = Path(config.site_dir) / "task_packets" / packet.stem / "index.html"
        shows = marker in page.read_text(encoding="utf-8")
        print(f"{args.packets:,} packets; edited {packet.relative_to(root)}; the rebuilt page shows the edit: {'yes' if shows else 'NO'}")
        print(table(("build", "whole build", "plugin's part"), [
            ["first build (cold)", f"{first:.2f} s", f"{first_plugin:.2f} s"],
            ["rebuild after the edit", f"{rebuild:.2f} s", f"{sum(spent.values()):.2f} s"],
        ]))
        print(table(("plugin event, rebuild", "time"), [[name, f"{spent[name]:.3f} s"] for name in EVENTS]))
        if own_account:
            print(f"the plugin's debug line for the rebuild: {own_account[-1]}")
        print(verdict("plugin's part of the rebuild (s)", sum(spent.values()), BOUND))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
