"""Real ``mkdocs build`` runs of fixture repos, as a user runs them.

Each build is a subprocess (``python -m mkdocs build``) on a copy of the
template, so these tests see exactly what a user sees: the exit code, the
log lines on stderr and the files of the built site. A build takes about
1-2 s; the per-rule checks live in test_rule_fixtures.py, without MkDocs.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest

from tests.fixtures.breakages import BY_ID, MERGE
from tests.fixtures.repo import AS_OF, TEMPLATE, Edit, materialise, plugin_options

# The template's mkdocs.yml ends its handshake options with this line; tests
# append their options after it.
LOG_LINE = re.compile(r"^(?P<level>ERROR|WARNING) +- +handshake: (?P<file>[^\s:]+):(?P<line>\d+): (?P<rule>[A-Z]+-\d{3}) (?P<message>.+)$")
COUNT_LINE = re.compile(r"governance: (?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\), (?P<waived>\d+) waived")
TEMPLATE_PACKETS = sorted(path.stem for path in (TEMPLATE / "docs" / "task_packets").glob("WP-*.md"))
# Chapters of the template's spec ("# 3. Storage"), each gets a page; fenced
# code is dropped first (the spec has a "# 2. count ..." shell comment).
_SPEC_TEXT = re.sub(r"^```.*?^```", "", (TEMPLATE / "Tallyline_Master_Spec_v01.04.md").read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
TEMPLATE_CHAPTERS = re.findall(r"^# (\d+)\. ", _SPEC_TEXT, re.MULTILINE)


def options(*lines: str, as_of: str | None = AS_OF.isoformat()) -> Edit:
    """An edit of mkdocs.yml adding plugin options (``as_of`` by default)."""
    added = ([f'      as_of: "{as_of}"'] if as_of else []) + list(lines)
    return plugin_options("".join(line + "\n" for line in added))


def repo(target: Path, *edits: Edit, extra: Sequence[str] = ()) -> Path:
    return materialise(target, [options(*extra), *edits])


def build(root: Path, site: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` in a subprocess. ``-q`` hides warnings, so tests that
    read warning lines build with ``quiet=False``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["-q"] if quiet else []), "-f", str(root / "mkdocs.yml"), "-d", str(site), *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=180,
    )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR")]


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def findings_json(site: Path) -> dict:
    return json.loads((site / "governance" / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """The template (with as_of) built once for the tests that read its site."""
    base = tmp_path_factory.mktemp("clean")
    root = repo(base / "repo")
    site = base / "site"
    return root, site, build(root, site)


# --------------------------------------------------------------------------
# The clean template
# --------------------------------------------------------------------------


def test_clean_template_builds_every_governance_page(clean_build) -> None:
    _root, site, result = clean_build
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert error_lines(result) == []
    governance = site / "governance"
    expected = ["index.html", "dag/index.html", "phase-gate/index.html", "traceability/index.html", "findings/index.html"]
    expected += [f"packets/{wp}/index.html" for wp in TEMPLATE_PACKETS]
    expected += [f"spec/{chapter}/index.html" for chapter in TEMPLATE_CHAPTERS]
    assert TEMPLATE_CHAPTERS == ["1", "2", "3", "4", "5", "6"]
    assert len(TEMPLATE_PACKETS) == 10
    missing = [path for path in expected if not (governance / path).is_file()]
    assert missing == []
    # The template's packets are docs pages: governance/packets/<id>/ sends
    # the reader to that one page, which carries the governance header.
    redirect = (governance / "packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../../task_packets/WP-1-Merge-Policy/"' in redirect
    page = (site / "task_packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="hs-packet-annotation"') == 1
    assert "WP-1-Merge-Policy" in page and "2.3.2" in page


def test_a_packet_that_is_a_docs_page_is_annotated_in_place(clean_build) -> None:
    """One page per packet: its own page shows lifecycle, status, risk,
    neighbours, signature with its audit row, findings and the DONE_MEANS
    mapping under its title, and no second packet page is built."""
    _root, site, result = clean_build
    assert result.returncode == 0, result.stderr
    page = (site / "task_packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    title, header = page.index("<h1"), page.index('class="hs-packet-annotation"')
    assert title < header < page.index('id="metadata"')
    annotation = page[header : page.index('id="metadata"')]
    assert "hs-lifecycle-active" in annotation and "hs-status-blocked" in annotation
    assert "<td>Risk tier</td><td>MEDIUM</td>" in annotation
    assert 'href="../WP-1-Conflict-Detection/">WP-1-Conflict-Detection</a>' in annotation
    assert "maria201120260930" in annotation and "SIGNATURE_AUDIT.md:32" in annotation
    assert 'href="../../governance/spec/2/#sec-2-3-2-r1">requirement 1</a>' in annotation
    assert "No findings" in annotation
    assert not list((site / "governance" / "packets").rglob("*.html")) or all(
        "http-equiv=\"refresh\"" in path.read_text(encoding="utf-8") for path in (site / "governance" / "packets").rglob("*.html")
    )
    dependent = (site / "task_packets" / "WP-1-Conflict-Detection" / "index.html").read_text(encoding="utf-8")
    assert 'href="../WP-1-Merge-Policy/">WP-1-Merge-Policy</a>' in dependent
    # The header is filled into its slot after templating: no page keeps an
    # empty slot, and the search index does not repeat the header.
    assert not [path for path in site.rglob("*.html") if "hs-annotation-slot" in path.read_text(encoding="utf-8")]
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Risk tier" not in index and "Merge-Policy" in index  # a label only the header has


def test_clean_template_findings_json_is_empty(clean_build) -> None:
    _root, site, _result = clean_build
    document = findings_json(site)
    assert document["as_of"] == AS_OF.isoformat()
    assert document["summary"]["error"] == 0
    assert document["summary"]["warning"] == 0
    assert document["findings"] == []


def test_model_json_carries_the_spec_with_lines(clean_build) -> None:
    _root, site, _result = clean_build
    model = json.loads((site / "governance" / "model.json").read_text(encoding="utf-8"))
    assert {"version", "root", "spec", "packets", "board", "signatures", "gate_events"} <= set(model)
    sections = {section["number"]: section for section in model["spec"]["sections"]}
    for section in sections.values():
        assert {"number", "title", "level", "line", "main_body", "requirements"} <= set(section), section["number"]
    merge = sections["2.3.2"]
    assert (merge["title"], merge["level"], merge["line"], merge["main_body"]) == ("Merge Policy", 3, 135, True)
    assert [(req["line"], req["strength"], req["ids"]) for req in merge["requirements"]] == [
        (137, "MUST", ["TLY-MRG-001"]), (139, "MUST", ["TLY-MRG-002"]), (141, "MUST", ["TLY-MRG-003"]), (143, "MAY", ["TLY-MRG-004"]),
    ]
    assert (sections["3.2.2.1"]["title"], sections["3.2.2.1"]["line"]) == ("Locate the checkpoint", 183)
    assert sections["6.1"]["main_body"] is False
    assert len(model["packets"]) == 10
    assert len(model["gate_events"]) == 20


def test_builds_are_byte_for_byte_deterministic(clean_build) -> None:
    """The second build starts from the parse cache the first one left on
    disk, so this also shows a warm build gives the cold build's pages."""
    root, site, first = clean_build
    assert (root / ".cache" / "plugin" / "handshake" / "parse-cache.json").is_file()
    again = root.parent / "site-again"
    second = build(root, again)
    assert first.returncode == second.returncode == 0, second.stderr
    left, right = site / "governance", again / "governance"
    files = sorted(path.relative_to(left) for path in left.rglob("*") if path.is_file())
    assert Path("model.json") in files and Path("findings.json") in files and len(files) > 20
    assert sorted(path.relative_to(right) for path in right.rglob("*") if path.is_file()) == files
    _match, mismatch, errors = filecmp.cmpfiles(left, right, [str(path) for path in files], shallow=False)
    assert (mismatch, errors) == ([], [])
    # The annotated packet pages too: the header is part of the page.
    packets = sorted(path.relative_to(site) for path in (site / "task_packets").rglob("*.html"))
    assert len(packets) == len(TEMPLATE_PACKETS)
    _match, mismatch, errors = filecmp.cmpfiles(site, again, [str(path) for path in packets], shallow=False)
    assert (mismatch, errors) == ([], [])


def test_one_process_and_two_build_the_same_site_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing and the writes of model.json and the parse cache may run in a
    second process (mkdocs_handshake.runtime.parallel); where they ran must not show
    in the site or the cache, and a warm build must leave the cache file alone."""
    root = repo(tmp_path / "repo")
    cache_file = root / ".cache" / "plugin" / "handshake" / "parse-cache.json"
    monkeypatch.setenv("HANDSHAKE_PROCESSES", "1")
    assert build(root, tmp_path / "one").returncode == 0
    one_cache = cache_file.read_bytes()
    shutil.rmtree(root / ".cache")
    monkeypatch.delenv("HANDSHAKE_PROCESSES")
    assert build(root, tmp_path / "two").returncode == 0
    assert cache_file.read_bytes() == one_cache
    left, right = tmp_path / "one", tmp_path / "two"
    files = sorted(str(path.relative_to(left)) for path in left.rglob("*") if path.is_file() and path.suffix in {".html", ".json", ".svg"})
    assert "governance/model.json" in files
    assert sorted(str(path.relative_to(right)) for path in right.rglob("*") if path.is_file() and path.suffix in {".html", ".json", ".svg"}) == files
    _match, mismatch, errors = filecmp.cmpfiles(left, right, files, shallow=False)
    assert (mismatch, errors) == ([], [])
    written = cache_file.stat().st_mtime_ns
    assert build(root, tmp_path / "warm").returncode == 0
    assert cache_file.stat().st_mtime_ns == written


# --------------------------------------------------------------------------
# Findings decide the exit code
# --------------------------------------------------------------------------


def test_errors_fail_the_build_with_sorted_file_line_rule_lines(tmp_path: Path) -> None:
    edits = BY_ID["PKT-005"].edits + BY_ID["PKT-001"].edits + BY_ID["SIG-006"].edits
    root = repo(tmp_path / "repo", *edits)
    result = build(root, tmp_path / "site", quiet=False)
    assert result.returncode != 0
    assert_no_traceback(result)
    logged = [LOG_LINE.match(line) for line in result.stderr.splitlines()]
    found = [(m["level"], m["file"], int(m["line"]), m["rule"]) for m in logged if m]
    # Both defects are in a signed packet: one finding asks for its revision.
    assert found == [
        ("WARNING", "docs/SIGNATURE_AUDIT.md", 32, "SIG-006"),
        ("ERROR", MERGE, 95, "REMEDY-001"),
    ]
    assert found == sorted(found, key=lambda item: (item[1], item[2]))
    counts = [COUNT_LINE.search(line) for line in result.stderr.splitlines()]
    assert [(m["errors"], m["warnings"], m["waived"]) for m in counts if m] == [("1", "1", "0")]
    remedy = next(f for f in findings_json(tmp_path / "site")["findings"] if f["rule"] == "REMEDY-001")
    assert [(part["rule"], part["line"]) for part in remedy["parts"]] == [("PKT-001", 4), ("PKT-005", 87)]


def test_warning_only_repo_passes_normally_and_fails_with_strict(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo", *BY_ID["SPEC-003"].edits)
    normal = build(root, tmp_path / "site", quiet=False)
    assert normal.returncode == 0, normal.stderr
    assert [m["rule"] for m in map(LOG_LINE.match, normal.stderr.splitlines()) if m] == ["SPEC-003"]
    assert findings_json(tmp_path / "site")["summary"]["warning"] == 1
    strict = build(root, tmp_path / "site-strict", "--strict", quiet=False)
    assert strict.returncode != 0
    assert_no_traceback(strict)
    assert "SPEC-003" in strict.stderr


def test_quiet_strict_build_still_fails_on_a_warning(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo", *BY_ID["SPEC-003"].edits)
    assert build(root, tmp_path / "site", "--strict").returncode != 0


def test_fail_on_never_builds_an_erroring_repo_and_lists_the_errors(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo", *BY_ID["PKT-001"].edits, extra=["      fail_on: never"])
    result = build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    document = findings_json(tmp_path / "site")
    assert document["summary"]["error"] == 1
    assert [(f["rule"], f["severity"], f["file"], f["line"], f["excerpt"]) for f in document["findings"]] == [
        ("REMEDY-001", "error", MERGE, 95, "maria201120260930"),
    ]
    assert [(p["rule"], p["line"], p["excerpt"]) for p in document["findings"][0]["parts"]] == [("PKT-001", 4, "WP-1-Merge-Policies")]


# --------------------------------------------------------------------------
# Configuration mistakes: one clear line, no traceback
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "names"),
    [
        pytest.param("      packet: docs/task_packets", ["unknown option", "'packet'"], id="unknown-option"),
        pytest.param("      task_board: docs/BOARD.md", ["task_board", "docs/BOARD.md", "does not exist"], id="missing-path"),
        pytest.param("      rules: {PKT-999: off}", ["unknown rule id", "PKT-999"], id="unknown-rule-id"),
        pytest.param("      profile: handshake-1999-01", ["option 'profile'", "handshake-1999-01", "handshake-2026-02"], id="unknown-profile"),
    ],
)
def test_configuration_mistake_is_one_clear_line(tmp_path: Path, option: str, names: list[str]) -> None:
    root = repo(tmp_path / "repo", extra=[option])
    result = build(root, tmp_path / "site")
    assert result.returncode != 0
    assert_no_traceback(result)
    errors = error_lines(result)
    assert len(errors) == 1, result.stderr
    for name in names:
        assert name in errors[0]
    assert not (tmp_path / "site" / "governance").exists()


# --------------------------------------------------------------------------
# Damaged encoding inside docs_dir
# --------------------------------------------------------------------------


def test_packet_with_invalid_utf8_builds_and_shows_the_repaired_dash(tmp_path: Path) -> None:
    root = repo(tmp_path / "repo", *BY_ID["PARSE-002-cp1252"].edits)
    assert b"\x96" in (root / MERGE).read_bytes()
    result = build(root, tmp_path / "site", quiet=False)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    warnings = [m for m in map(LOG_LINE.match, result.stderr.splitlines()) if m]
    assert [(m["level"], m["file"], int(m["line"]), m["rule"]) for m in warnings] == [("WARNING", MERGE, 95, "REMEDY-001")]
    assert "(PARSE-002)" in result.stderr
    page = (tmp_path / "site" / "task_packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    assert "never lose a sale \u2013 summing deltas" in page
    assert "\ufffd" not in page


# --------------------------------------------------------------------------
# Generated pages inside the user's theme and markdown settings
# --------------------------------------------------------------------------


def test_generated_pages_have_title_toc_and_the_users_permalinks(tmp_path: Path) -> None:
    """The plugin converts its pages itself; a reader must not notice: the
    page title, Material's table of contents and the ``toc`` permalinks the
    user configured are there, and the user's own pages keep exactly the
    markdown extensions the user chose (the plugin adds none)."""
    toc = Edit("mkdocs.yml", old="plugins:\n", new="markdown_extensions:\n  - toc:\n      permalink: \"#\"\nplugins:\n")
    root = repo(tmp_path / "repo", toc)
    (root / "docs" / "admonition-probe.md").write_text('# Probe\n\n!!! note "kept literal"\n    body\n', encoding="utf-8")
    result = build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    page = (site / "governance" / "findings" / "index.html").read_text(encoding="utf-8")
    assert "<title>Findings - " in page
    assert '<h1 id="findings">Findings<a class="headerlink" href="#findings" title="Permanent link">#</a></h1>' in page
    assert 'class="md-nav md-nav--secondary"' in page  # Material's table of contents
    overview = (site / "governance" / "index.html").read_text(encoding="utf-8")
    assert '<a href="#packets" class="md-nav__link">' in overview
    probe = (site / "admonition-probe" / "index.html").read_text(encoding="utf-8")
    assert "!!! note" in probe and 'class="admonition' not in probe


def test_cache_options_choose_where_the_parse_cache_lives_or_switch_it_off(tmp_path: Path) -> None:
    moved = repo(tmp_path / "moved", extra=["      cache_dir: build/handshake-cache"])
    assert build(moved, tmp_path / "site-moved").returncode == 0
    assert (moved / "build" / "handshake-cache" / "parse-cache.json").is_file()
    assert not (moved / ".cache").exists()
    off = repo(tmp_path / "off", extra=["      cache: false"])
    assert build(off, tmp_path / "site-off").returncode == 0
    assert not (off / ".cache").exists()


def test_a_warm_cache_never_hides_a_change_of_files_or_options(tmp_path: Path) -> None:
    """Findings and pages are cached under the digest of the files and the
    options; changing either must give the new result, not the cached one."""
    root = repo(tmp_path / "repo", *BY_ID["PKT-001"].edits, extra=["      fail_on: never"])
    first = build(root, tmp_path / "site")
    assert first.returncode == 0, first.stderr
    assert [(f["rule"], [p["rule"] for p in f["parts"]]) for f in findings_json(tmp_path / "site")["findings"]] == [("REMEDY-001", ["PKT-001"])]
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      rules:\n        PKT-001: off\n", encoding="utf-8")
    switched_off = build(root, tmp_path / "site")
    assert switched_off.returncode == 0, switched_off.stderr
    assert findings_json(tmp_path / "site")["findings"] == []
    packet = root / MERGE
    packet.write_text(packet.read_text(encoding="utf-8").replace("- STATUS: Blocked", "- STATUS: Sideways"), encoding="utf-8")
    edited = build(root, tmp_path / "site")
    assert edited.returncode == 0, edited.stderr
    assert "PKT-006" in [p["rule"] for f in findings_json(tmp_path / "site")["findings"] for p in f.get("parts", [f])]
    page = (tmp_path / "site" / "task_packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    annotation = page[page.index('class="hs-packet-annotation"') :]
    assert "PKT-006" in annotation and "Sideways" in annotation


def _broken_links(site: Path, folder: str) -> list[str]:
    """Relative links in the built pages under ``folder`` whose target file
    does not exist (fragments are checked by the render tests)."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urldefrag

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            href = dict(attrs).get("href")
            if tag == "a" and href:
                self.hrefs.append(href)

    broken = []
    for page in sorted((site / folder).rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            target, _fragment = urldefrag(href)
            if not target or "://" in target or target.startswith(("mailto:", "/")):
                continue
            resolved = (page.parent / unquote(target)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
    return broken


def test_explicit_nav_and_flat_urls_get_a_governance_section_with_working_links(tmp_path: Path) -> None:
    """A site with its own nav and use_directory_urls: false, the other common
    MkDocs setup: the plugin adds its pages as a Governance section, and
    every link on them reaches a page that was built."""
    setup = Edit(
        "mkdocs.yml", old="plugins:\n",
        new="use_directory_urls: false\nnav:\n  - Home: index.md\n  - Board: TASK_BOARD.md\nplugins:\n",
    )
    root = repo(tmp_path / "repo", setup)
    site = tmp_path / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    for entry in ("governance/index.html", "governance/dag.html", "governance/findings.html"):
        assert f'href="{entry}"' in home, entry
    assert (site / "governance" / "spec" / "2.html").is_file()
    overview = (site / "governance" / "index.html").read_text(encoding="utf-8")
    assert 'href="../task_packets/WP-1-Merge-Policy.html"' in overview
    redirect = (site / "governance" / "packets" / "WP-1-Merge-Policy.html").read_text(encoding="utf-8")
    assert 'url=../../task_packets/WP-1-Merge-Policy.html"' in redirect
    assert _broken_links(site, "governance") == []
    assert _broken_links(site, "task_packets") == []


def test_a_packet_outside_docs_dir_gets_a_generated_page(tmp_path: Path) -> None:
    """Packets that are not docs pages are shown on governance/packets/<id>/,
    the page itself, and every link points there."""
    root = repo(tmp_path / "repo", extra=["      packets: task_packets", "      fail_on: never"])
    (root / "docs" / "task_packets").rename(root / "task_packets")
    site = tmp_path / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stderr
    assert not (site / "task_packets").exists()
    page = (site / "governance" / "packets" / "WP-1-Merge-Policy" / "index.html").read_text(encoding="utf-8")
    assert "http-equiv" not in page and 'id="done_means"' in page and "hs-packet-annotation" not in page
    overview = (site / "governance" / "index.html").read_text(encoding="utf-8")
    assert 'href="packets/WP-1-Merge-Policy/"' in overview
    assert _broken_links(site, "governance") == []


def test_every_link_on_the_governance_pages_reaches_a_built_page(clean_build) -> None:
    """The generated pages, the redirects and the annotated packet pages."""
    _root, site, result = clean_build
    assert result.returncode == 0, result.stderr
    assert _broken_links(site, "governance") == []
    assert _broken_links(site, "task_packets") == []
    assert len(list((site / "task_packets").rglob("*.html"))) == len(TEMPLATE_PACKETS)


@pytest.mark.parametrize("explicit_nav", [False, True], ids=["automatic-nav", "explicit-nav"])
def test_nav_packets_false_builds_every_page_but_keeps_them_out_of_the_nav(tmp_path: Path, explicit_nav: bool) -> None:
    edits = [Edit("mkdocs.yml", old="plugins:\n", new="nav:\n  - Home: index.md\nplugins:\n")] if explicit_nav else []
    root = repo(tmp_path / "repo", *edits, extra=["      nav_packets: false"])
    site = tmp_path / "site"
    result = build(root, site, quiet=False)
    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if line.strip().startswith("- ")]
    assert not [line for line in listed if "governance/" in line], "MkDocs should not call generated pages missing from the nav"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="governance/findings/"' in home and 'href="governance/dag/"' in home
    assert "governance/packets/" not in home and "governance/spec/" not in home
    packet = site / "governance" / "packets" / "WP-1-Merge-Policy" / "index.html"
    assert packet.is_file() and (site / "governance" / "spec" / "2" / "index.html").is_file()
    overview = (site / "governance" / "index.html").read_text(encoding="utf-8")
    assert 'href="../task_packets/WP-1-Merge-Policy/"' in overview
    assert _broken_links(site, "governance") == []
    assert _broken_links(site, "task_packets") == []
