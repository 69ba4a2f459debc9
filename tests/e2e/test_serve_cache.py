"""``mkdocs serve`` rebuilds re-parse only what changed.

Serve reloads the config before every rebuild, and MkDocs hands back the
*same* plugin instance each time (plugins with ``on_startup`` are cached by
the ``plugins`` config option), so :attr:`HandshakePlugin.cache` survives.
These tests drive that exact sequence through MkDocs' Python API - load the
config, build, edit a packet, load the config again, build again - without
starting a server, and check that only the edited packet is parsed again,
that the rebuilt page shows the edit, and that the timing is logged.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.plugin import HandshakePlugin
from tests.fixtures.breakages import BY_ID, MERGE, SYNC
from tests.fixtures.repo import materialise

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "site_template"
EDITED = "WP-1-Sync-Events"
OLD_WHAT = "Emit one structured SYNC_ event per applied batch"
NEW_WHAT = "Emit exactly one structured SYNC_ event per applied batch, edited between rebuilds"

Lookup = tuple[str, str, bool]  # (parser kind, file, cache hit?)


@pytest.fixture(autouse=True)
def fresh_plugin_instance() -> Iterator[None]:
    """Start and end each test like a new ``mkdocs serve`` process.

    MkDocs keeps plugin instances in the ``plugins`` config option, which is
    shared by the whole Python process; without this, a plugin instance (and
    its warm cache and ``serve`` command) would leak between tests."""
    plugin_cache = dict(MkDocsConfig._schema)["plugins"].plugin_cache
    plugin_cache.pop("handshake", None)
    yield
    plugin_cache.pop("handshake", None)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A private copy of the template with its own config (fixed as_of, never failing)."""
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATE, root)
    (root / "mkdocs.yml").write_text(
        "site_name: Cache test\n"
        "docs_dir: docs\n"
        "theme:\n  name: mkdocs\n"
        "plugins:\n"
        "  - handshake:\n"
        "      root: .\n"
        "      fail_on: never\n"
        '      as_of: "2026-11-20"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture()
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[Lookup]:
    """Record every ParseCache lookup, whichever cache instance makes it."""
    seen: list[Lookup] = []
    original = ParseCache.get

    def recording_get(self: ParseCache, kind: str, src: object, digest: str, parse: Callable[[object], object]) -> object:
        misses = self.misses
        result = original(self, kind, src, digest, parse)  # type: ignore[arg-type]
        seen.append((kind, src.path, self.misses == misses))  # type: ignore[attr-defined]
        return result

    monkeypatch.setattr(ParseCache, "get", recording_get)
    return seen


def serve_config(repo: Path, site_dir: Path) -> MkDocsConfig:
    """What ``mkdocs serve`` does before each (re)build: load the config anew."""
    return load_config(config_file=str(repo / "mkdocs.yml"), site_dir=str(site_dir))


def handshake(config: MkDocsConfig) -> HandshakePlugin:
    plugin = config.plugins["handshake"]
    assert isinstance(plugin, HandshakePlugin)
    return plugin


def packet_html(site_dir: Path, packet_id: str) -> str:
    """The packet's one page: its own docs page with the governance header."""
    page = (site_dir / "task_packets" / packet_id / "index.html").read_text(encoding="utf-8")
    assert 'class="hs-packet-annotation"' in page
    return page


def test_rebuild_after_editing_one_packet_reparses_only_that_packet(repo: Path, tmp_path: Path, lookups: list[Lookup]) -> None:
    site_dir = tmp_path / "site"
    first = serve_config(repo, site_dir)
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    plugin = handshake(first)
    assert OLD_WHAT in packet_html(site_dir, EDITED)
    packets = sorted(f"docs/task_packets/{path.name}" for path in (repo / "docs" / "task_packets").glob("WP-*.md"))
    assert sorted(path for kind, path, _ in lookups if kind == "packet") == packets
    cold = [(kind, path) for kind, path, hit in lookups if hit and kind in ("packet", "spec")]
    assert cold == [], "a fresh serve session starts with a cold cache"

    packet_file = repo / "docs" / "task_packets" / f"{EDITED}.md"
    text = packet_file.read_text(encoding="utf-8")
    assert text.count(OLD_WHAT) == 1
    packet_file.write_text(text.replace(OLD_WHAT, NEW_WHAT), encoding="utf-8")
    lookups.clear()

    second = serve_config(repo, site_dir)
    assert handshake(second) is plugin, "serve must reuse the plugin instance, or its cache is lost"
    build(second)

    edited = f"docs/task_packets/{EDITED}.md"
    packet_misses = [path for kind, path, hit in lookups if kind == "packet" and not hit]
    packet_hits = sorted(path for kind, path, hit in lookups if kind == "packet" and hit)
    assert packet_misses == [edited]
    assert packet_hits == [path for path in packets if path != edited]
    spec = [(path, hit) for kind, path, hit in lookups if kind == "spec"]
    assert spec == [("Tallyline_Master_Spec_v01.04.md", True)]
    missed = sorted({(kind, path) for kind, path, hit in lookups if not hit})
    assert {path for _kind, path in missed} == {edited}, "only the edited packet is read again"
    assert ("packet", edited) in missed and ("source", edited) in missed

    page = packet_html(site_dir, EDITED)
    assert NEW_WHAT in page
    assert OLD_WHAT not in page


def test_rebuild_logs_load_rules_render_timing_and_cache_counts_at_debug(
    repo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.handshake")
    site_dir = tmp_path / "site"
    config = serve_config(repo, site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    build(serve_config(repo, site_dir))

    timings = [
        record for record in caplog.records
        if record.name == "mkdocs.plugins.handshake" and record.levelno == logging.DEBUG and "governance: load" in record.getMessage()
    ]
    assert len(timings) == 2, [record.getMessage() for record in caplog.records if record.name.startswith("mkdocs.plugins")]
    for record in timings:
        message = record.getMessage()
        for stage in ("load", "rules", "render"):
            assert f"{stage} " in message, message
    # The counts are this build's. Nothing changed between the two builds, so
    # the second one finds everything the first one parsed in the cache.
    (hits1, misses1), (hits2, misses2) = (cache_counts(record.getMessage()) for record in timings)
    assert misses1 > 0 and hits1 == 0, "the first build of a fresh repo parses everything"
    assert (hits2, misses2) == (misses1, 0)


def cache_counts(message: str) -> tuple[int, int]:
    match = re.search(r"cache (\d+) hits, (\d+) misses", message)
    assert match, message
    return int(match.group(1)), int(match.group(2))


def test_serve_stores_the_disk_cache_when_it_stops_not_after_every_rebuild(repo: Path, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    config = serve_config(repo, site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    from mkdocs_handshake.cache.disk import FILE_NAME

    stored = repo / ".cache" / "plugin" / "handshake" / FILE_NAME
    assert not stored.exists()
    config.plugins.on_shutdown()
    assert stored.is_file()


def test_model_json_after_a_rebuild_is_what_a_fresh_build_writes(repo: Path, tmp_path: Path) -> None:
    """A serve rebuild encodes only the edited packet again for model.json
    (the others come from memory); the file must still be exactly what a
    fresh build of the edited repo writes."""
    site_dir = tmp_path / "site"
    first = serve_config(repo, site_dir)
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    packet_file = repo / "docs" / "task_packets" / f"{EDITED}.md"
    packet_file.write_text(packet_file.read_text(encoding="utf-8").replace(OLD_WHAT, NEW_WHAT), encoding="utf-8")
    build(serve_config(repo, site_dir))
    rebuilt = (site_dir / "governance" / "model.json").read_text(encoding="utf-8")
    assert NEW_WHAT in rebuilt and OLD_WHAT not in rebuilt

    dict(MkDocsConfig._schema)["plugins"].plugin_cache.pop("handshake", None)
    fresh_site = tmp_path / "fresh"
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    build(serve_config(repo, fresh_site))
    assert (fresh_site / "governance" / "model.json").read_text(encoding="utf-8") == rebuilt


def _site_files(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in sorted(site_dir.rglob("*")) if path.is_file()}


def test_a_rebuild_shows_what_a_fresh_serve_shows(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve keeps findings per packet between rebuilds; after an edit that
    adds a finding, every file of the rebuilt site is what a new serve
    session writes for the edited repo. Serve leaves out the packets/<id>/
    redirects, which no link of the site uses."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # the theme stamps the build date
    site_dir = tmp_path / "site"
    first = serve_config(repo, site_dir)
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    packet_file = repo / "docs" / "task_packets" / f"{EDITED}.md"
    packet_file.write_text(packet_file.read_text(encoding="utf-8").replace(OLD_WHAT, "TBD"), encoding="utf-8")
    build(serve_config(repo, site_dir))
    rebuilt = _site_files(site_dir)
    assert b"PKT-005" in rebuilt[f"task_packets/{EDITED}/index.html"]
    assert not any(path.startswith("governance/packets/") for path in rebuilt)

    dict(MkDocsConfig._schema)["plugins"].plugin_cache.pop("handshake", None)
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    fresh_site = tmp_path / "fresh"
    fresh = serve_config(repo, fresh_site)
    fresh.plugins.on_startup(command="serve", dirty=False)
    build(fresh)
    assert _site_files(fresh_site) == rebuilt


def test_model_json_after_a_spec_edit_is_what_a_fresh_build_writes(repo: Path, tmp_path: Path) -> None:
    """The spec's part of model.json is kept between rebuilds too, under
    the spec file's bytes."""
    site_dir = tmp_path / "site"
    first = serve_config(repo, site_dir)
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)
    spec = repo / "Tallyline_Master_Spec_v01.04.md"
    text = spec.read_text(encoding="utf-8")
    assert text.count("MUST carry a 128-bit identifier") == 1
    spec.write_text(text.replace("MUST carry a 128-bit identifier", "MUST carry a 256-bit identifier"), encoding="utf-8")
    build(serve_config(repo, site_dir))
    rebuilt = (site_dir / "governance" / "model.json").read_text(encoding="utf-8")
    assert "256-bit identifier" in rebuilt

    dict(MkDocsConfig._schema)["plugins"].plugin_cache.pop("handshake", None)
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    build(serve_config(repo, tmp_path / "fresh"))
    assert (tmp_path / "fresh" / "governance" / "model.json").read_text(encoding="utf-8") == rebuilt


def test_each_rebuild_logs_the_plugins_part_at_debug(repo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The plugin's part of a (re)build - the time in its event handlers -
    is printed at debug level, once per build, and is a part of the build."""
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.handshake")
    site_dir = tmp_path / "site"
    config = serve_config(repo, site_dir)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    started = time.perf_counter()
    build(serve_config(repo, site_dir))
    rebuild = time.perf_counter() - started
    parts = [
        re.search(r"the plugin's part of this build: ([0-9.]+)s \(on_config ([0-9.]+)s, on_files ([0-9.]+)s, page events ([0-9.]+)s, on_post_build ([0-9.]+)s\)", record.getMessage())
        for record in caplog.records if record.name == "mkdocs.plugins.handshake" and record.levelno == logging.DEBUG
    ]
    found = [match for match in parts if match]
    assert len(found) == 2, "one line per build"
    total, *events = (float(value) for value in found[1].groups())
    assert 0 < total < rebuild
    assert abs(total - sum(events)) < 0.005


def test_a_rebuild_logs_only_the_findings_new_since_the_last_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The first build of a session logs every finding; a rebuild logs what
    the edit added, and counts what it fixed and what stayed, so an edit's
    effect is not buried under every finding of the repo again. A finding
    the edit only moved (a line inserted above it) is not new."""
    root = materialise(tmp_path / "repo", [*BY_ID["PKT-001"].edits, *BY_ID["SIG-006"].edits])
    (root / "mkdocs.yml").write_text(
        "site_name: Serve log\ndocs_dir: docs\ntheme:\n  name: mkdocs\nplugins:\n"
        '  - handshake:\n      root: .\n      fail_on: never\n      as_of: "2026-11-20"\n',
        encoding="utf-8",
    )
    site_dir = tmp_path / "site"
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.handshake")

    def rebuild() -> list[str]:
        caplog.clear()
        config = serve_config(root, site_dir)
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return [
            record.getMessage().removeprefix("handshake: ")
            for record in caplog.records if record.name == "mkdocs.plugins.handshake" and record.levelno >= logging.WARNING
        ]

    first = rebuild()
    # Merge-Policy is signed: its defect is listed under its REMEDY-001.
    assert [re.search(r" ([A-Z]+-\d{3}) ", line).group(1) for line in first[:-1]] == ["SIG-006", "REMEDY-001"]  # type: ignore[union-attr]
    assert first[-1] == "governance: 1 error(s), 1 warning(s), 0 waived"

    audit = root / "docs" / "SIGNATURE_AUDIT.md"
    audit.write_text(audit.read_text(encoding="utf-8").replace("| 2026-11-20 09:35 |", "| 2026-11-20 09:30 |"), encoding="utf-8")
    merge = root / MERGE
    text = merge.read_text(encoding="utf-8")
    merge.write_text(text.replace("\n", "\n\n", 1), encoding="utf-8")  # its finding moves down a line
    sync = root / SYNC
    sync.write_text(sync.read_text(encoding="utf-8").replace("## Notes\n", "## Remarks\n"), encoding="utf-8")  # PKT-003 in another signed packet
    second = rebuild()
    assert len(second) == 2 and " REMEDY-001 WP-1-Sync-Events " in second[0] and "(PKT-003)" in second[0]
    assert second[1] == (
        "governance: 2 error(s), 0 warning(s), 0 waived; since the last build: 1 new (above), 1 gone, "
        "1 unchanged (not repeated here; the findings page lists them)"
    )

    third = rebuild()
    assert third == ["governance: 2 error(s), 0 warning(s), 0 waived; since the last build: 0 new (above), 0 gone, "
                     "2 unchanged (not repeated here; the findings page lists them)"]
