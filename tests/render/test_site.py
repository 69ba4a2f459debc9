"""The generated site as a whole: pages, nav, assets, links, escaping, determinism.

Pages are converted the way the plugin converts them (``render.html``), so
the assertions are about the HTML a reader gets, not about the markdown
source.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from html.parser import HTMLParser
from urllib.parse import urldefrag

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.packet import DoneMapping, Packet
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.render.context import RenderContext
from mkdocs_handshake.render.html import to_html as render_html
from mkdocs_handshake.render.common import fenced_code, link_section_refs
from mkdocs_handshake.render.site import extra_files, generate_pages, nav_entries
from tests.rules.builders import audit_row, make_model, make_packet, make_section, make_spec, packet_file

EVIL_TITLE = "<script>alert(1)</script>"
DOT_BREAKER = '"];evil['
AS_OF = dt.date(2026, 11, 20)


# --------------------------------------------------------------------------
# Shared fixture builders (imported by the other render tests)
# --------------------------------------------------------------------------


def sample_spec_sections() -> list:
    return [
        make_section("2", title="Ledger"),
        make_section("2.1", title="Reconciliation", has_subsections=True),
        make_section(
            "2.1.1",
            title="Balance checks",
            line=120,
            requirements=[
                "The reconciler MUST compare balances, see §2.1.2.",
                "Mismatches SHOULD be logged.",
                "Drift MUST raise an alert [HSK-LED-001] .",
            ],
        ),
        make_section("2.1.2", title="Alerts", line=140, requirements=["Alerts MUST name the ledger."]),
        make_section("3", title="Storage"),
        make_section("3.4", title="Retention", line=300, requirements=["Backups MUST be kept 30 days."]),
        make_section("3.4.1", title="First step", line=305, kind="list-item"),
        make_section("9", title="Roadmap"),
        make_section("9.1", title="Later", main_body=False, line=900, requirements=["It MUST someday exist."]),
    ]


def sample_packets() -> list[Packet]:
    ledger = make_packet(
        "WP-1-Ledger",
        title=EVIL_TITLE,
        anchors=("2.1.1",),
        depends_on=("WP-1-Base",),
        signature="ilja181120261000",
        reports=(("PASS", "2026-11-19"),),
        status=Status.IN_PROGRESS,
    )
    base = make_packet("WP-1-Base", title=DOT_BREAKER, anchors=("2.1.2",), status=Status.VALIDATED)
    return [ledger, base]


def sample_mappings(packets: list[Packet]) -> dict[str, tuple[DoneMapping, ...]]:
    ledger = next(p for p in packets if p.id == "WP-1-Ledger")
    items = ledger.field("DONE_MEANS").items  # type: ignore[union-attr]
    base = next(p for p in packets if p.id == "WP-1-Base")
    base_items = base.field("DONE_MEANS").items  # type: ignore[union-attr]
    return {
        "WP-1-Ledger": (
            DoneMapping(items[0], "citation", "2.1.1", 1, "The reconciler MUST compare balances, see §2.1.2."),
            DoneMapping(items[1], "citation", "2.1.1", 2, "Mismatches SHOULD be logged."),
            DoneMapping(items[2], "verification"),
        ),
        "WP-1-Base": (
            DoneMapping(base_items[0], "lexical", "2.1.2", 1, "Alerts MUST name the ledger.", 0.75, ("alert", "ledger"), 0.5),
            DoneMapping(base_items[1], "unmapped", threshold=0.5, nearest_section="2.1.2", nearest_index=1, nearest_score=0.2, terms=("ledger",)),
            DoneMapping(base_items[2], "verification"),
        ),
    }


def sample_findings() -> tuple[Finding, ...]:
    return (
        Finding("PKT-004", Severity.ERROR, f"Field missing: {EVIL_TITLE} see §2.1.1", Loc(packet_file("WP-1-Ledger"), 12, 3), "- RISK_MAP:", "WP-1-Ledger"),
        Finding("DEP-005", Severity.WARNING, "Ready-for-Dev for 12 work days", Loc(packet_file("WP-1-Base"), 10, 3), "Ready-for-Dev", "WP-1-Base"),
        Finding("PARSE-003", Severity.WARNING, "Section 3.4 out of order", Loc("Spec_v01.00.md", 300), "## 3.4 Retention", "3.4"),
        Finding("SIG-003", Severity.ERROR, "No audit row", Loc(packet_file("WP-1-Base"), 82, 27), "bob", "WP-1-Base", True, "Approved in the weekly review"),
    )


def sample_model(packets: list[Packet] | None = None, **extra: object) -> GovernanceModel:
    packets = packets if packets is not None else sample_packets()
    if "done_mappings" not in extra:
        extra["done_mappings"] = sample_mappings(packets)
    return make_model(
        packets,
        spec=make_spec(sample_spec_sections()),
        audit_rows=[audit_row("ilja181120261000", 7, when="18.11.2026 10:00")],
        **extra,
    )


def context(model: GovernanceModel | None = None, findings: tuple[Finding, ...] | None = None, **options: object) -> RenderContext:
    return RenderContext(
        model=model or sample_model(),
        findings=sample_findings() if findings is None else findings,
        as_of=AS_OF,
        **options,  # type: ignore[arg-type]
    )


def to_html(text: str) -> str:
    """The HTML the plugin hands MkDocs for a generated page."""
    return render_html(text).html


class _Collector(HTMLParser):
    """Text, element ids and link targets of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.add(values["id"])  # type: ignore[arg-type]
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])  # type: ignore[arg-type]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def visible_text(text_markdown: str) -> str:
    return " ".join("".join(parse_html(to_html(text_markdown)).text).split())


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_generate_pages_writes_every_governance_page_at_its_stable_path() -> None:
    pages = generate_pages(context())
    expected = {
        "governance/index.md",
        "governance/traceability.md",
        "governance/findings.md",
        "governance/packets/WP-1-Base.md",
        "governance/packets/WP-1-Ledger.md",
        "governance/spec/2.md",
        "governance/spec/3.md",
        "governance/spec/9.md",
    }
    assert expected <= set(pages)
    assert list(pages) == sorted(pages)
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in pages.values())


def test_dag_and_phase_gate_pages_are_generated_and_in_the_nav() -> None:
    ctx = context()
    pages = generate_pages(ctx)
    assert pages["governance/dag.md"].endswith("\n") and "Dependency DAG" in pages["governance/dag.md"]
    assert "governance/phase-gate.md" in pages
    titles = [next(iter(entry)) for entry in nav_entries(ctx)]
    assert titles == ["Overview", "Dependency DAG", "Phase gate", "Traceability", "Findings", "Packets", "Spec"]
    summary = [next(iter(entry)) for entry in nav_entries(ctx, per_page=False)]
    assert summary == ["Overview", "Dependency DAG", "Phase gate", "Traceability", "Findings"]


def test_nav_lists_packets_in_natural_order_and_chapters_with_titles() -> None:
    packets = [make_packet(wp) for wp in ("WP-1-Foo-v10", "WP-1-Foo-v9", "WP-1-Bar")]
    nav = nav_entries(context(sample_model(packets, done_mappings={}), findings=()))
    assert nav[0] == {"Overview": "governance/index.md"}
    packets_entry = next(entry["Packets"] for entry in nav if "Packets" in entry)
    assert [next(iter(e)) for e in packets_entry] == ["WP-1-Bar", "WP-1-Foo-v9", "WP-1-Foo-v10"]
    spec_entry = next(entry["Spec"] for entry in nav if "Spec" in entry)
    assert spec_entry == [
        {"§2 Ledger": "governance/spec/2.md"},
        {"§3 Storage": "governance/spec/3.md"},
        {"§9 Roadmap": "governance/spec/9.md"},
    ]


def test_output_is_byte_identical_across_runs_and_input_order() -> None:
    first = generate_pages(context())
    second = generate_pages(context())
    assert first == second
    reordered = sample_model(list(reversed(sample_packets())))
    shuffled = generate_pages(context(reordered, tuple(reversed(sample_findings()))))
    assert shuffled == first


def test_hostile_titles_render_as_text_on_every_page() -> None:
    pages = generate_pages(context())
    seen_evil = seen_breaker = 0
    for path, text in pages.items():
        html = to_html(text)
        assert EVIL_TITLE not in html, path
        assert "<script" not in html, path
        collector = parse_html(html)
        for tag, attrs in collector.tags:
            # A tooltip may carry the title, but whole: a broken attribute
            # would show up as a cut value or as an attribute named "evil[".
            for name, value in attrs.items():
                assert "evil" not in name, (path, tag, attrs)
                assert "evil" not in (value or "") or DOT_BREAKER in (value or ""), (path, tag, attrs)
        text_content = "".join(collector.text)
        seen_evil += EVIL_TITLE in text_content
        seen_breaker += DOT_BREAKER in text_content
    # The overview and the packet pages show the titles as readable text.
    assert seen_evil >= 2 and seen_breaker >= 2


def _resolve(ctx: RenderContext, page: str, href: str, url_to_page: dict[str, str]) -> tuple[str, str]:
    target, fragment = urldefrag(href)
    if not target:
        return page, fragment
    if target.endswith(".md"):
        return posixpath.normpath(posixpath.join(posixpath.dirname(page), target)), fragment
    base = ctx.url_of(page)
    base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
    url = posixpath.normpath(posixpath.join(base_dir, target))
    url = url + "/" if target.endswith("/") and not url.endswith("/") else url
    return url_to_page.get(url, f"<unknown url {url}>"), fragment


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_every_link_between_generated_pages_reaches_an_existing_id(use_directory_urls: bool) -> None:
    ctx = context(use_directory_urls=use_directory_urls)
    pages = generate_pages(ctx)
    url_to_page = {ctx.url_of(path).rstrip("/") + ("/" if ctx.url_of(path).endswith("/") else ""): path for path in pages}
    parsed = {path: parse_html(to_html(text)) for path, text in pages.items()}
    checked = 0
    for path, collector in parsed.items():
        for href in collector.hrefs:
            target, fragment = _resolve(ctx, path, href, url_to_page)
            assert target in pages, (path, href, target)
            if fragment:
                assert fragment in parsed[target].ids, (path, href)
            checked += 1
    assert checked > 40


def test_link_section_refs_links_known_sections_and_leaves_others() -> None:
    ctx = context()
    out = link_section_refs("see §2.1.1, §2.1.2. and §7.7", "governance/findings.md", ctx)
    assert '<a class="hs-secref" href="../spec/2/#sec-2-1-1">§2.1.1</a>' in out
    assert 'href="../spec/2/#sec-2-1-2">§2.1.2</a>.' in out
    assert "§7.7" in out and "sec-7-7" not in out
    flat = context(use_directory_urls=False)
    assert 'href="spec/2.html#sec-2-1-1"' in link_section_refs("§2.1.1", "governance/findings.md", flat)


def test_fenced_code_outgrows_backtick_runs_inside() -> None:
    block = fenced_code("echo ```\nx ````` y")
    assert block.startswith("``````\n") and block.endswith("\n``````")
    assert fenced_code("plain").startswith("```\n")


def test_extra_files_ship_css_and_script_under_the_output_dir() -> None:
    files = extra_files(context(output_dir="gov"))
    assert set(files) == {"gov/assets/handshake.css", "gov/assets/handshake.js"}
    assert ".hs-uncovered" in files["gov/assets/handshake.css"]
    script = files["gov/assets/handshake.js"]
    assert "table.hs-sortable" in script and "hs-chapter-filter" not in script and ".hs-filter" in script
    assert "document$" in script


def test_bulky_derived_pages_stay_out_of_the_search_index():
    """Spec chapters, the matrix, findings and the DAG repeat what packets
    and governance files say; packet pages and the overview stay searchable."""
    from tests.rules.builders import make_model, make_packet

    from mkdocs_handshake.render.context import RenderContext
    from mkdocs_handshake.render.site import SEARCH_EXCLUDED, generate_pages

    pages = generate_pages(RenderContext(make_model([make_packet("WP-1-Foo")]), (), as_of=AS_OF))
    excluded = sorted(path for path, text in pages.items() if text.startswith(SEARCH_EXCLUDED))
    assert "governance/findings.md" in excluded and "governance/traceability.md" in excluded
    assert any(path.startswith("governance/spec/") for path in excluded)
    assert not pages["governance/packets/WP-1-Foo.md"].startswith("---")
    assert not pages["governance/index.md"].startswith("---")


def test_redirect_paths_are_the_files_redirect_pages_writes():
    from tests.rules.builders import make_model, make_packet

    from mkdocs_handshake.render.context import RenderContext
    from mkdocs_handshake.render.site import redirect_pages, redirect_paths

    packets = [make_packet("WP-1-Foo"), make_packet("WP-1-Bar")]
    for urls in (True, False):
        ctx = RenderContext(make_model(packets), (), docs_dir="docs", use_directory_urls=urls, as_of=AS_OF)
        assert redirect_paths(ctx) == list(redirect_pages(ctx)) != []
