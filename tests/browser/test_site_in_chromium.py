"""The built governance site, driven in headless Chromium.

The render tests check the generated Markdown; these check what a reader
gets: the DAG is an SVG with one clickable node per packet, the findings
table appears and sorts, and no page logs a JavaScript or loading error.
Two sites are built: the embedded template (no findings) and a copy with a
deliberate breakage, so a real findings table can be exercised.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import BrowserErrors, Served, build_site, serve

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "site_template"
PACKET_DIR = TEMPLATE / "docs" / "task_packets"

# The breakage: two Ready-for-Dev packets claim In-Progress while the task
# board still lists them under "Ready for Dev" -> two BOARD-002 findings.
BROKEN_PACKETS = ("WP-1-Batch-Transfer", "WP-1-Sync-Events")
BROKEN_CONFIG = """\
site_name: Broken copy of the template
docs_dir: docs
theme:
  name: material
plugins:
  - search
  - handshake:
      root: .
      fail_on: never
      as_of: "2026-11-20"
"""

Page = tuple[Any, BrowserErrors]


@pytest.fixture(scope="module")
def template_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("template-site"))
    served = serve(site)
    yield served
    served.close()


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("broken") / "repo"
    shutil.copytree(TEMPLATE, root)
    for packet_id in BROKEN_PACKETS:
        path = root / "docs" / "task_packets" / f"{packet_id}.md"
        text = path.read_text(encoding="utf-8")
        assert "\n- STATUS: Ready-for-Dev\n" in text, f"template packet {packet_id} is no longer Ready-for-Dev; pick another"
        path.write_text(text.replace("\n- STATUS: Ready-for-Dev\n", "\n- STATUS: In-Progress\n", 1), encoding="utf-8")
    (root / "mkdocs.yml").write_text(BROKEN_CONFIG, encoding="utf-8")
    site = build_site(root / "mkdocs.yml", tmp_path_factory.mktemp("broken-site"))
    served = serve(site)
    yield served
    served.close()


def visit(page: Page, url: str) -> Any:
    """Open ``url``, wait until the network is quiet (Material's search
    worker loads its index late), and fail on an HTTP error status."""
    tab, _ = page
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
    tab.wait_for_load_state("networkidle")
    return tab


def assert_no_browser_errors(page: Page) -> None:
    tab, errors = page
    tab.wait_for_load_state("networkidle")
    assert errors.entries == [], "\n".join(errors.entries)


def table_column(table: Any, index: int) -> list[str]:
    return [text.strip() for text in table.locator(f"tbody tr td:nth-child({index})").all_inner_texts()]


def test_dag_has_one_node_per_packet_and_a_node_opens_its_packet(template_site: Served, page: Page) -> None:
    tab = visit(page, template_site.url + "governance/dag/")
    svg = tab.locator(".hs-dag svg")
    assert svg.count() == 1
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100, f"DAG drawn at {box}"

    packet_ids = sorted(path.stem for path in PACKET_DIR.glob("WP-*.md"))
    node_titles = sorted(title.strip() for title in svg.locator("g.node > title").all_text_contents())
    assert node_titles == packet_ids

    target = "WP-1-Batch-Transfer"
    node = svg.locator("g.node").filter(has=tab.locator("title", has_text=re.compile(rf"^{re.escape(target)}$")))
    assert node.count() == 1
    link = node.locator("a")
    # The packet is a docs page: the node links to that one page, which
    # shows the governance header under the packet's own title.
    assert link.get_attribute("xlink:href") == f"../../task_packets/{target}/"
    link.locator("text").first.click()
    tab.wait_for_url(re.compile(rf"/task_packets/{re.escape(target)}/$"))
    assert target in tab.locator("article h1").first.inner_text()
    assert tab.locator("article .hs-packet-annotation").is_visible()
    assert_no_browser_errors(page)


def test_template_findings_page_says_there_are_none(template_site: Served, page: Page) -> None:
    tab = visit(page, template_site.url + "governance/findings/")
    assert tab.locator("article h1").first.inner_text().strip() == "Findings"
    notice = tab.locator("article .admonition.success")
    assert notice.is_visible()
    assert "No findings" in notice.inner_text()
    assert tab.locator("article table.hs-sortable").count() == 0
    assert_no_browser_errors(page)


def test_findings_table_lists_the_breakage_and_sorts_on_click(broken_site: Served, page: Page) -> None:
    tab = visit(page, broken_site.url + "governance/findings/")
    table = tab.locator("article table.hs-sortable")
    assert table.count() == 1
    assert table.is_visible()

    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rule_col, where_col, subject_col = (headers.index(name) + 1 for name in ("Rule", "Where", "Subject"))
    assert table_column(table, rule_col) == ["BOARD-002", "BOARD-002"]
    assert table_column(table, subject_col) == list(BROKEN_PACKETS)
    where = table_column(table, where_col)
    assert all(place.startswith("docs/TASK_BOARD.md:") for place in where), where
    lines = [int(place.rsplit(":", 1)[1]) for place in where]
    assert lines == sorted(lines) and len(set(lines)) == 2

    where_header = table.locator("thead th").nth(where_col - 1)
    where_header.click()
    assert where_header.get_attribute("aria-sort") == "ascending"
    assert table_column(table, subject_col) == list(BROKEN_PACKETS)
    where_header.click()
    assert where_header.get_attribute("aria-sort") == "descending"
    assert table_column(table, subject_col) == list(reversed(BROKEN_PACKETS))
    assert table_column(table, where_col) == list(reversed(where))

    subject_link = table.locator("tbody tr").first.locator("a")
    subject_link.click()
    tab.wait_for_url(re.compile(rf"/task_packets/{BROKEN_PACKETS[-1]}/$"))
    assert BROKEN_PACKETS[-1] in tab.locator("article h1").first.inner_text()
    assert "BOARD-002" in tab.locator("article .hs-packet-annotation").inner_text()
    assert_no_browser_errors(page)


@pytest.mark.parametrize("path", ["governance/", "governance/phase-gate/", "governance/traceability/", "governance/spec/1/"])
def test_other_governance_pages_load_without_browser_errors(template_site: Served, page: Page, path: str) -> None:
    tab = visit(page, template_site.url + path)
    heading = tab.locator("article h1").first
    assert heading.is_visible() and heading.inner_text().strip()
    assert_no_browser_errors(page)


def test_the_old_packet_url_lands_on_the_packet_page(template_site: Served, page: Page) -> None:
    """governance/packets/<id>/ is a redirect to the packet's own page."""
    tab = visit(page, template_site.url + "governance/packets/WP-1-Merge-Policy/")
    tab.wait_for_url(re.compile(r"/task_packets/WP-1-Merge-Policy/$"))
    assert "WP-1-Merge-Policy" in tab.locator("article h1").first.inner_text()
    assert tab.locator("article .hs-packet-annotation").is_visible()
    assert_no_browser_errors(page)
