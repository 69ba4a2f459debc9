"""The packet page: a view of one packet with its mapping, links, signature and findings."""

from __future__ import annotations

from dataclasses import replace

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.model.records import SignatureRow
from mkdocs_handshake.render.packet_page import packet_findings, render_packet_page
from tests.render.test_site import EVIL_TITLE, context, parse_html, sample_mappings, sample_model, sample_packets, to_html, visible_text
from tests.rules.builders import audit_row, make_model, make_packet, make_spec, occurrence, packet_file


def _page(wp: str = "WP-1-Ledger", **kwargs: object) -> str:
    ctx = context(**kwargs)  # type: ignore[arg-type]
    return render_packet_page(ctx, ctx.packets_by_id[wp])


def test_packet_page_shows_title_status_badge_risk_and_source() -> None:
    page = _page()
    html = to_html(page)
    text = visible_text(page)
    assert "Title " + EVIL_TITLE in text
    assert '<span class="hs-badge hs-status hs-status-in-progress"' in html
    assert "Risk tier MEDIUM - one module, no migrations" in text
    assert text.endswith("Source: docs/task_packets/WP-1-Ledger.md")


def test_packet_page_shows_scope_fields() -> None:
    text = visible_text(_page())
    assert "What Add the ledger reconciliation job." in text
    assert "Why Drift between ledgers goes unnoticed today." in text
    assert "In scope src/ledger/file0.rs src/ledger/file1.rs" in text
    assert "Out of scope UI changes Schema migrations Billing" in text


def test_done_means_items_link_to_the_requirement_they_map_to() -> None:
    html = to_html(_page())
    assert '<a href="../../spec/2/#sec-2-1-1-r1">requirement 1</a>: The reconciler MUST compare' in html
    assert '<a href="../../spec/2/#sec-2-1-1-r2">requirement 2</a>: Mismatches SHOULD be logged.' in html
    assert "<td>cited</td>" in html and "<td>verification step</td>" in html
    base = to_html(_page("WP-1-Base"))
    assert '<a href="../../spec/2/#sec-2-1-2-r1">requirement 1</a>: Alerts MUST name the ledger.' in base
    # The signal and the evidence a reviewer checks: matched terms, score and bar.
    assert "<td>by wording</td>" in base
    assert "<code>alert</code>, <code>ledger</code>; score 0.75 (bar 0.50)" in base
    assert '<span class="hs-flag hs-unmapped">UNMAPPED</span>' in base
    assert "nearest §2.1.2 requirement 1, score 0.20 &lt; 0.50; shared <code>ledger</code>" in base


def test_a_ranked_mapping_is_labelled_as_such_and_names_its_runner_up() -> None:
    """The weakest signal says what it is and how far ahead it was, so a
    reviewer knows which mappings to check first."""
    mappings = sample_mappings(sample_packets())
    first = mappings["WP-1-Base"][0]
    ranked = replace(first, kind="ranked", score=0.31, threshold=0.25, nearest_section="2.1.1", nearest_index=2, nearest_score=0.1)
    mappings["WP-1-Base"] = (ranked, *mappings["WP-1-Base"][1:])
    ctx = context(sample_model(done_mappings=mappings))
    html = to_html(render_packet_page(ctx, ctx.packets_by_id["WP-1-Base"]))
    assert '<a href="../../spec/2/#sec-2-1-2-r1">requirement 1</a>: Alerts MUST name the ledger.' in html
    assert "<td>best of the anchor</td>" in html
    assert "score 0.31 (bar 0.25); runner-up §2.1.1 requirement 2, score 0.10" in html


def test_a_group_citation_says_the_cited_subsections_stand_for_the_requirement() -> None:
    """A citation of several subsections at once reached their parent's
    requirement: the evidence says so instead of a bare 'score 1.00'."""
    mappings = sample_mappings(sample_packets())
    first = mappings["WP-1-Base"][0]
    group = replace(first, kind="citation", score=1.0, threshold=1.0, terms=("§2.1.2.1–§2.1.2.3",), via="group")
    mappings["WP-1-Base"] = (group, *mappings["WP-1-Base"][1:])
    ctx = context(sample_model(done_mappings=mappings))
    html = to_html(render_packet_page(ctx, ctx.packets_by_id["WP-1-Base"]))
    assert "<code>§2.1.2.1–§2.1.2.3</code>: subsections cited together, which elaborate this requirement of §2.1.2" in html


def test_a_list_mapping_says_the_item_named_several_items_of_one_list() -> None:
    """The item was scored against a whole list and mapped to its
    best-fitting item: the evidence says why that item, and against which bar."""
    mappings = sample_mappings(sample_packets())
    first = mappings["WP-1-Base"][0]
    listed = replace(first, kind="lexical", score=0.78, threshold=0.5, terms=("Drawer", "Timeline"), via="list")
    mappings["WP-1-Base"] = (listed, *mappings["WP-1-Base"][1:])
    ctx = context(sample_model(done_mappings=mappings))
    html = to_html(render_packet_page(ctx, ctx.packets_by_id["WP-1-Base"]))
    assert ("<code>Drawer</code>, <code>Timeline</code>: several items of one list named together, "
            "the list as a whole scores 0.78 (bar 0.50); this is the item that fits best") in html


def test_test_plan_is_a_code_block_whose_fence_outlasts_backticks_inside() -> None:
    plan = "cargo test\necho ```not the end```\njust post-work WP-1-Odd"
    packet = make_packet("WP-1-Odd", fields={"TEST_PLAN": (occurrence("WP-1-Odd", "TEST_PLAN", "", 27, code=plan),)})
    ctx = context(make_model([packet], spec=make_spec(sample_model().spec.sections)), findings=())  # type: ignore[union-attr]
    page = render_packet_page(ctx, packet)
    assert "````\ncargo test\necho ```not the end```\njust post-work WP-1-Odd\n````" in page
    assert "<pre><code>cargo test\necho ```not the end```\njust post-work WP-1-Odd\n</code></pre>" in to_html(page)


def test_upstream_and_downstream_packets_are_linked_with_their_status() -> None:
    ledger = to_html(_page())
    assert 'Depends on:</strong> <a href="../WP-1-Base/">WP-1-Base</a> <span class="hs-badge hs-status hs-status-validated"' in ledger
    assert "Blocks:</strong> nothing" in ledger
    base = to_html(_page("WP-1-Base"))
    assert 'Blocks:</strong> <a href="../WP-1-Ledger/">WP-1-Ledger</a>' in base


def test_a_dependency_without_packet_is_named_not_linked() -> None:
    packet = make_packet("WP-1-Lonely", depends_on=("WP-9-Ghost",))
    ctx = context(make_model([packet]), findings=())
    text = visible_text(render_packet_page(ctx, packet))
    assert "Depends on: WP-9-Ghost (no packet)" in text


def test_signature_shows_its_audit_row_and_flags_invalid_rows() -> None:
    text = visible_text(_page())
    assert "User Signature Locked: ilja181120261000 (docs/task_packets/WP-1-Ledger.md:82)" in text
    assert "Orchestrator 18.11.2026 10:00 Packet lock v01.00 ok SIGNATURE_AUDIT.md:7" in text
    packets = sample_packets()
    invalid = make_model(packets, audit_rows=[audit_row("ilja181120261000", 9, invalid=True, notes="revoked")])
    html = to_html(render_packet_page(context(invalid), invalid.packet("WP-1-Ledger")))  # type: ignore[arg-type]
    assert 'revoked <span class="hs-flag hs-sev-error">INVALID</span>' in html


def test_signature_without_audit_row_says_so() -> None:
    model = make_model(sample_packets(), audit_rows=[SignatureRow("other", "x", "", "", "", "", False, Loc("docs/SIGNATURE_AUDIT.md", 4))])
    text = visible_text(render_packet_page(context(model), model.packet("WP-1-Ledger")))  # type: ignore[arg-type]
    assert "No row in the signature audit log." in text


def test_validation_reports_show_verdict_and_date() -> None:
    html = to_html(_page())
    assert '<span class="hs-badge hs-status-validated">PASS</span>' in html
    assert "2026-11-19" in html
    assert "No validation report." in to_html(_page("WP-1-Base"))


def test_findings_appear_as_collapsible_admonitions_with_location_and_excerpt() -> None:
    html = to_html(_page())
    collector = parse_html(html)
    boxes = [attrs.get("class") for tag, attrs in collector.tags if tag == "details"]
    assert boxes == ["failure hs-findings"]
    assert "<summary>PKT-004 (error): 1 finding</summary>" in html
    assert '<code class="hs-path" title="docs/task_packets/WP-1-Ledger.md:12">WP-1-Ledger.md:12</code>' in html
    assert "Field missing: &lt;script&gt;alert(1)&lt;/script&gt; see" in html
    assert '<a class="hs-secref" href="../../spec/2/#sec-2-1-1">§2.1.1</a>' in html
    assert "<code>- RISK_MAP:</code>" in html
    assert '<details class="failure hs-findings" open>' in html  # errors start open
    base = to_html(_page("WP-1-Base"))
    assert '<details class="warning hs-findings">' in base
    assert '<details class="note hs-findings">' in base and "Waived: Approved in the weekly review" in base


def test_findings_of_one_rule_share_one_box_with_a_row_per_location() -> None:
    """Ten PARSE-002 findings: one box, the message once, ten rows."""
    packet = make_packet("WP-1-Noisy")
    findings = tuple(
        Finding("PARSE-002", Severity.WARNING, "Damaged character repaired", Loc(packet.file, 10 + n, 3), f"bad ??? {n}", packet.id)
        for n in range(10)
    ) + (Finding("PKT-004", Severity.ERROR, "Field missing: RISK_TIER", Loc(packet.file, 5), "", packet.id),)
    ctx = context(make_model([packet]), findings=findings)
    html = to_html(render_packet_page(ctx, packet))
    assert html.count("<details") == 2
    assert html.count("Damaged character repaired") == 1
    assert "<summary>PARSE-002 (warning): 10 findings</summary>" in html
    for n in range(10):
        assert f'title="{packet.file}:{10 + n}">WP-1-Noisy.md:{10 + n}</code></td>' in html
        assert f"<code>bad ??? {n}</code>" in html
    assert "11 finding(s) under 2 rule(s)" in html


def test_packet_tables_have_headers_and_sizable_columns() -> None:
    page = _page()
    html = to_html(page)
    assert '<div class="hs-packet-meta">' in html and "<th>Field</th>" in html and "<th>Value</th>" in html
    assert '<div class="hs-done-table">' in html and "<th>#</th>" in html
    assert "<th></th>" not in html
    assert '<code class="hs-path" title="docs/SIGNATURE_AUDIT.md:7">SIGNATURE_AUDIT.md:7</code>' in html


def test_packet_without_findings_says_every_rule_passes() -> None:
    html = to_html(_page(findings=()))
    assert '<div class="admonition success">' in html and "Every rule passes for this packet." in html


def test_findings_located_in_the_packet_file_count_even_without_subject() -> None:
    orphan = Finding("PARSE-004", Severity.ERROR, "Unreadable field", Loc(packet_file("WP-1-Base"), 30), "STATUS::", "")
    ctx = context(findings=(orphan,))
    assert packet_findings(ctx, ctx.packets_by_id["WP-1-Base"]) == [orphan]
    assert packet_findings(ctx, ctx.packets_by_id["WP-1-Ledger"]) == []


def test_duplicate_packet_ids_are_called_out() -> None:
    first = make_packet("WP-1-Twin", status=Status.DONE)
    second = make_packet("WP-1-Twin", title="Another")
    second = type(second)(**{**second.__dict__, "file": "docs/task_packets/old/WP-1-Twin.md"})
    ctx = context(make_model([first, second]), findings=())
    text = visible_text(render_packet_page(ctx, first))
    assert "Duplicate packet id This id is also used by docs/task_packets/old/WP-1-Twin.md" in text


def test_a_history_packet_says_so_and_why() -> None:
    from dataclasses import replace

    from mkdocs_handshake.model.basics import Lifecycle
    from mkdocs_handshake.render.packet_page import render_packet_page
    from tests.render.test_site import context, sample_model, to_html, visible_text

    model = sample_model()
    old = replace(model.packets[0], lifecycle=Lifecycle.SUPERSEDED, lifecycle_reason="listed under 'Superseded <b>(Archive)</b>' on the board")
    html = to_html(render_packet_page(context(replace(model, packets=(old, *model.packets[1:]))), old))
    text = visible_text(html)
    assert "History: superseded" in text and "Superseded <b>(Archive)</b>" in text  # escaped, shown as written
    active = to_html(render_packet_page(context(model), model.packets[0]))
    assert "History:" not in visible_text(active)


def test_group_header_sub_items_and_a_second_done_means_block_are_rows() -> None:
    """A header with sub-items is context, not an item; a later DONE_MEANS
    block adds rows. The mapping is the matcher's (no stored mappings)."""
    from dataclasses import replace

    from mkdocs_handshake.model.packet import ListItem

    file = packet_file("WP-1-Group")
    group = ListItem("Reconciler per §2.1.1:", Loc(file, 34, 3), children=(ListItem("The reconciler compares balances", Loc(file, 35, 5)),))
    first = replace(occurrence("WP-1-Group", "DONE_MEANS", "", 33), items=(group,))
    second = replace(occurrence("WP-1-Group", "DONE_MEANS", "", 90), items=(ListItem("All tests pass", Loc(file, 91, 3)),))
    packet = make_packet("WP-1-Group", fields={"DONE_MEANS": (first, second)})
    ctx = context(make_model([packet]), findings=())
    html = to_html(render_packet_page(ctx, packet))
    table = html[html.index("hs-done-table") : html.index('id="test_plan"')]
    done = [row for row in table.split("<tr>") if "<td>" in row]
    assert [row.split("\n")[1] for row in done] == ["<td>1</td>", "<td>2</td>"]
    assert "<em>Reconciler per" in done[0] and "</em> The reconciler compares balances" in done[0]
    assert "requirement 1</a>: The reconciler MUST compare balances." in done[0] and "<td>cited</td>" in done[0]
    # Matched terms are shown as the item wrote them, with the score and its bar.
    assert "<code>balances</code>, <code>compares</code>, <code>reconciler</code>; score 1.00 (bar 0.25)" in done[0]
    assert "<td>verification step</td>" in done[1]


def test_a_contract_packet_page_shows_its_files_fields_and_micro_tasks() -> None:
    from mkdocs_handshake.model.packet import FieldOccurrence, MicroTask, PacketFile, WpRef

    base = sample_packets()[0]
    folder = ".GOV/task_packets/WP-1-Ledger"
    status = FieldOccurrence("STATUS", "status", "In Progress", Loc(f"{folder}/packet.json", 12, 15), "json")
    tasks = tuple(
        MicroTask(f"MT-00{n}", f"{folder}/MT-00{n}.json", Loc(f"{folder}/MT-00{n}.json", 3), status="PENDING", title=f"Step <{n}> | x",
                  depends_on=(WpRef(f"MT-00{n - 1}", Loc(f"{folder}/MT-00{n}.json", 6)),) if n > 1 else ())
        for n in (1, 2)
    )
    packet = replace(
        base, file=f"{folder}/packet.json", fields={**base.fields, "STATUS": (status,)},
        files=(PacketFile(f"{folder}/packet.json", "contract"), PacketFile(f"{folder}/packet.md", "projection"), PacketFile(".GOV/task_packets/WP-1-Ledger.md", "legacy")),
        micro_tasks=tasks,
    )
    page = render_packet_page(context(model=sample_model([packet, *sample_packets()[1:]])), packet)
    text = visible_text(page)
    assert ".GOV/task_packets/WP-1-Ledger/packet.json the packet (primary machine-readable contract)" in text
    assert "packet.md generated projection of the contract; not the authority" in text
    assert "STATUS status (line 12) In Progress" in text and "Contract fields" in text
    assert "Micro-tasks (2)" in text and "MT-002 PENDING MT-001 Step <2> | x" in text
    assert "## TEST_PLAN" not in page and "Source:" not in text
    assert "<2>" not in to_html(page).replace("&lt;2&gt;", "")  # governance text is escaped


def test_a_contract_packet_page_says_whether_its_projections_are_in_sync() -> None:
    from mkdocs_handshake.model.packet import PacketFile, ProjectionSync

    base = sample_packets()[0]
    folder = ".GOV/task_packets/WP-1-Ledger"

    def sync(name: str, body: str, header: bool = True) -> ProjectionSync:
        contract = f"{folder}/{name}.json"
        return ProjectionSync(contract, f"{folder}/{name}.md", "GENERATED_IN_SYNC", Loc(contract, 3), "aa", "bb", "aa", Loc(contract, 4),
                              found=True, projection_hash=body, header=header, header_source="aa", header_projection="bb")

    packet = replace(
        base, file=f"{folder}/packet.json",
        files=(PacketFile(f"{folder}/packet.json", "contract"), PacketFile(f"{folder}/packet.md", "projection")),
        projections=(sync("packet", "cc"), sync("MT-001", "bb"), sync("MT-<2>", "bb", header=False)),
    )
    page = render_packet_page(context(model=sample_model([packet, *sample_packets()[1:]])), packet)
    text = visible_text(page)
    assert "packet.md generated projection of the contract; not the authority (out of sync: changed since generated with packet.json)" in text
    assert "1 of 2 other generated projections are in sync with their contracts; out of sync: MT-<2>.md." in text
    assert "<2>" not in to_html(page).replace("&lt;2&gt;", "")  # governance text is escaped
    in_sync = replace(packet, projections=(sync("packet", "bb"),))
    assert "not the authority (in sync with packet.json)" in visible_text(render_packet_page(context(model=sample_model([in_sync, *sample_packets()[1:]])), in_sync))


def test_a_contract_packet_page_lists_its_acceptance_rows_escaped() -> None:
    from mkdocs_handshake.model.packet import AcceptanceRow

    file = ".GOV/task_packets/WP-1-Ledger/packet.json"
    rows = (
        AcceptanceRow("HBRROW-001", True, "PENDING", "", "waits for <MT-065>", ("HBR-INT-001", "CX-503R"), Loc(file, 12), Loc(file, 14)),
        AcceptanceRow("HBRROW-002", False, "PROVED", "tests/a.rs", "", (), Loc(file, 20), Loc(file, 22)),
    )
    model = sample_model()
    model = replace(model, packets=tuple(replace(p, acceptance_rows=rows) if p.id == "WP-1-Ledger" else p for p in model.packets))
    html = to_html(render_packet_page(context(model), next(p for p in model.packets if p.id == "WP-1-Ledger")))
    text = " ".join(visible_text(html).split())
    assert "Acceptance matrix (2)" in text
    assert "HBRROW-001 (line 12) yes PENDING waits for <MT-065> HBR-INT-001, CX-503R" in text
    assert "<MT-065>" not in html  # escaped
