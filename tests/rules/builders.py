"""Hand-built model objects for rule tests.

Rule tests should not depend on parser quirks: they build exactly the model
a parser would produce for the case under test. Every builder fills the
fields a rule does not care about with valid, compliant values, so a test
changes only the one thing it is about.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from mkdocs_handshake.model.packet import AnchorRef, FieldOccurrence, ListItem, Packet, ValidationReport, WpRef
from mkdocs_handshake.model.records import AuditLog, Board, BoardEntry, SignatureRow, SignatureUse
from mkdocs_handshake.model.basics import BoardColumn, Loc, Status
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.spec import Requirement, Section, Spec, SpecPointer

PACKET_DIR = "docs/task_packets"


def packet_file(wp: str) -> str:
    return f"{PACKET_DIR}/{wp}.md"


def items(wp: str, texts: Iterable[str], first_line: int) -> tuple[ListItem, ...]:
    return tuple(ListItem(text, Loc(packet_file(wp), first_line + offset, 3)) for offset, text in enumerate(texts))


def occurrence(wp: str, name: str, value: str = "", line: int = 1, *, item_texts: Iterable[str] = (), code: str = "", form: str = "list") -> FieldOccurrence:
    return FieldOccurrence(
        name=name,
        raw_name=name,
        value=value,
        loc=Loc(packet_file(wp), line, 3),
        form=form,
        items=items(wp, item_texts, line + 1),
        code=code,
    )


def compliant_fields(wp: str, anchor: str = "2.1.1") -> dict[str, tuple[FieldOccurrence, ...]]:
    """Fields of a packet that passes every PKT rule."""
    plan = f"just cargo-clean\ncargo test\njust ai-review\njust post-work {wp}"
    specs = {
        "TASK_ID": occurrence(wp, "TASK_ID", wp, 4),
        "WP_ID": occurrence(wp, "WP_ID", wp, 5),
        "DATE": occurrence(wp, "DATE", "2026-11-18T10:00:00Z", 6),
        "STATUS": occurrence(wp, "STATUS", "Ready-for-Dev", 10),
        "What": occurrence(wp, "What", "Add the ledger reconciliation job.", 13),
        "Why": occurrence(wp, "Why", "Drift between ledgers goes unnoticed today.", 14),
        "IN_SCOPE_PATHS": occurrence(wp, "IN_SCOPE_PATHS", "", 15, item_texts=[f"src/ledger/file{i}.rs" for i in range(5)]),
        "OUT_OF_SCOPE": occurrence(wp, "OUT_OF_SCOPE", "", 21, item_texts=["UI changes", "Schema migrations", "Billing"]),
        "RISK_TIER": occurrence(wp, "RISK_TIER", "MEDIUM - one module, no migrations", 26),
        "TEST_PLAN": occurrence(wp, "TEST_PLAN", "", 27, code=plan),
        "DONE_MEANS": occurrence(
            wp,
            "DONE_MEANS",
            "",
            33,
            item_texts=[
                f"MUST: the reconciler compares balances (§{anchor}, requirement 1)",
                f"SHOULD: mismatches are logged (§{anchor}, requirement 2)",
                "All tests pass",
            ],
        ),
        "ROLLBACK_HINT": occurrence(wp, "ROLLBACK_HINT", "", 38, code="git revert --no-edit HEAD"),
        "FILES_TO_OPEN": occurrence(
            wp,
            "FILES_TO_OPEN",
            "",
            41,
            item_texts=["docs/START_HERE.md", "docs/SPEC_CURRENT.md", "docs/ARCHITECTURE.md", "src/ledger/mod.rs", "src/ledger/sync.rs"],
        ),
        "SEARCH_TERMS": occurrence(wp, "SEARCH_TERMS", "", 48, item_texts=[f'"term{i}"' for i in range(10)]),
        "RUN_COMMANDS": occurrence(wp, "RUN_COMMANDS", "", 60, code="just dev\ncargo test\njust validate"),
        "RISK_MAP": occurrence(
            wp,
            "RISK_MAP",
            "",
            66,
            item_texts=['"Balance drift" -> Ledger', '"Clock skew" -> Scheduler', '"Lock contention" -> Storage'],
        ),
        "SPEC_ANCHOR": occurrence(wp, "SPEC_ANCHOR", f"§{anchor}", 72),
    }
    return {name: (value,) for name, value in specs.items()}


def make_packet(
    wp: str,
    *,
    status: Status = Status.READY_FOR_DEV,
    status_raw: str | None = None,
    anchors: Iterable[str] = ("2.1.1",),
    depends_on: Iterable[str] = (),
    blocks: Iterable[str] = (),
    signature: str = "",
    fields: Mapping[str, tuple[FieldOccurrence, ...]] | None = None,
    reports: Iterable[tuple[str, str]] = (),
    date: str = "2026-11-18",
    title: str | None = None,
) -> Packet:
    file = packet_file(wp)
    anchor_list = tuple(anchors)
    all_fields = dict(compliant_fields(wp, anchor_list[0] if anchor_list else "2.1.1"))
    if fields:
        all_fields.update(fields)
    return Packet(
        id=wp,
        file=file,
        title=title if title is not None else f"Task Packet: {wp}",
        title_loc=Loc(file, 1),
        fields=all_fields,
        headings=tuple(
            (name, 2, Loc(file, line))
            for name, line in (("Metadata", 3), ("Scope", 12), ("Quality Gate", 25), ("Bootstrap", 40), ("Authority", 71), ("Notes", 75))
        ),
        status=status,
        status_raw=status_raw if status_raw is not None else status.value,
        status_loc=Loc(file, 10, 3),
        spec_anchors=tuple(AnchorRef(f"§{number}", Loc(file, 72, 19), number=number) for number in anchor_list),
        depends_on=tuple(WpRef(dep, Loc(file, 77, 17)) for dep in depends_on),
        blocks=tuple(WpRef(dep, Loc(file, 78, 12)) for dep in blocks),
        signature=signature,
        signature_loc=Loc(file, 82, 27) if signature else None,
        validation_reports=tuple(
            ValidationReport("VALIDATION REPORT", Loc(file, 90), verdict, Loc(file, 91), report_date) for verdict, report_date in reports
        ),
        date=date,
        phase=wp.split("-")[1],
    )


def make_section(
    number: str,
    *,
    title: str = "",
    main_body: bool = True,
    requirements: Iterable[str] = (),
    has_subsections: bool = False,
    line: int = 100,
    kind: str = "heading",
) -> Section:
    reqs = []
    for index, text in enumerate(requirements, start=1):
        keywords = tuple(word for word in ("MUST", "SHOULD", "MAY") if word in text)
        strength = keywords[0] if keywords else ""
        ids = tuple(token.strip("[]") for token in text.split() if token.startswith("[") and "-" in token)
        reqs.append(Requirement(text, Loc("Spec_v01.00.md", line + index), keywords, strength, ids, index))
    parent = number.rsplit(".", 1)[0] if "." in number else None
    return Section(
        number=number,
        title=title or f"Section {number}",
        level=number.count(".") + 1,
        loc=Loc("Spec_v01.00.md", line),
        kind=kind,
        main_body=main_body,
        parent=parent,
        requirements=tuple(reqs),
        ids=tuple(i for r in reqs for i in r.ids),
        has_subsections=has_subsections,
    )


def make_spec(sections: Iterable[Section], version: str = "01.00") -> Spec:
    return Spec(
        file=f"Spec_v{version}.md",
        version=version,
        title=f"Spec v{version}",
        title_version=version,
        title_loc=Loc(f"Spec_v{version}.md", 1),
        sections=tuple(sections),
        changelog_versions=((version, Loc(f"Spec_v{version}.md", 5)),),
    )


def board_entry(wp: str, column: BoardColumn, line: int, tags: Iterable[str] = ()) -> BoardEntry:
    return BoardEntry(wp, column, column.value, tuple(tags), f"[{wp}]", Loc("docs/TASK_BOARD.md", line, 5))


def audit_row(signature: str, line: int, *, when: str = "", invalid: bool = False, notes: str = "ok") -> SignatureRow:
    return SignatureRow(signature, "Orchestrator", when, "Packet lock", "v01.00", notes, invalid, Loc("docs/SIGNATURE_AUDIT.md", line, 3))


def make_model(
    packets: Iterable[Packet] = (),
    *,
    spec: Spec | None = None,
    board: Iterable[BoardEntry] | None = None,
    audit_rows: Iterable[SignatureRow] = (),
    uses: Iterable[SignatureUse] = (),
    **extra: object,
) -> GovernanceModel:
    spec = spec or make_spec([make_section("2.1.1", requirements=["The reconciler MUST compare balances.", "Mismatches SHOULD be logged."])])
    return GovernanceModel(
        root=".",
        spec_pointer=SpecPointer("docs/SPEC_CURRENT.md", ((spec.file, Loc("docs/SPEC_CURRENT.md", 3)),), version=spec.version),
        spec=spec,
        packets=tuple(packets),
        board=Board("docs/TASK_BOARD.md", tuple(board)) if board is not None else None,
        audit=AuditLog("docs/SIGNATURE_AUDIT.md", tuple(audit_rows)),
        gate_events=tuple(extra.pop("gate_events", ())),  # type: ignore[arg-type]
        signature_uses=tuple(uses),
        **extra,  # type: ignore[arg-type]
    )
