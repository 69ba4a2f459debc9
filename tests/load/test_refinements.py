"""Refinements in every format the profile names: the flat markdown file,
the folder's markdown projection and the typed ``refinement.json``, read
into one model and judged by PKT-020 the same way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from tests.fixtures.repo import unfold

WP = "WP-KERNEL-007-Loom-v1"
OTHER = "WP-KERNEL-008-Mail-v1"
TEMPLATE = "# TASK_PACKET_TEMPLATE\n\nProjection of `packet.json` (schema hsk.work_packet_contract@1).\n"


def _contract(wp: str, signature: str) -> dict:
    return {
        "schema_id": "hsk.work_packet_contract@1",
        "contract_authority": "PRIMARY_MACHINE_READABLE",
        "wp_id": wp,
        "lifecycle": {"status": "In Progress", "risk_tier": "HIGH", "user_signature": signature},
        "scope": {"summary": "Loom", "allowed_paths": ["src/loom"], "acceptance_criteria": ["loom opens"], "spec_anchors": ["#KernelActionCatalogV1"]},
    }


def _refinement(wp: str, **refinement: object) -> str:
    return json.dumps({"schema_id": "hsk.refinement_contract@1", "wp_id": wp, "refinement": refinement}, indent=2)


def _markdown(wp: str, status: str, signature: str) -> str:
    return f"## TECHNICAL_REFINEMENT\n- WP_ID: {wp}\n- USER_REVIEW_STATUS: {status}\n- USER_SIGNATURE: {signature}\n"


def _repo(root: Path, files: dict[str, str]) -> Path:
    (root / ".GOV" / "templates").mkdir(parents=True)
    (root / ".GOV" / "templates" / "TASK_PACKET_TEMPLATE.md").write_text(TEMPLATE, encoding="utf-8")
    (root / ".GOV" / "refinements").mkdir(parents=True)
    for wp in (WP, OTHER):
        folder = root / ".GOV" / "task_packets" / wp
        folder.mkdir(parents=True)
        (folder / "packet.json").write_text(json.dumps(_contract(wp, "anna180520260209"), indent=2), encoding="utf-8")
    for relative, text in files.items():
        (root / relative).write_text(text, encoding="utf-8")
    return root


def _pkt020(model) -> list:  # type: ignore[no-untyped-def]
    return [finding for finding in unfold(run_rules(model, EngineConfig(as_of=dt.date(2026, 6, 22)))) if finding.rule == "PKT-020"]


def test_the_typed_refinement_wins_over_its_projection_and_the_flat_file(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        f".GOV/task_packets/{WP}/refinement.json": _refinement(WP, user_review_status="APPROVED", user_signature="anna180520260209"),
        f".GOV/task_packets/{WP}/refinement.md": _markdown(WP, "PENDING", "<pending>"),
        f".GOV/refinements/{WP}.md": _markdown(WP, "PENDING", "<pending>"),
        f".GOV/refinements/{OTHER}.md": _markdown(OTHER, "APPROVED", "anna180520260209"),
    })
    model = load_repo(Layout(root), mappings=False)
    assert model.protocol.profile == "handshake-2026-06"
    loom = model.refinements[WP]
    assert loom.file == f".GOV/task_packets/{WP}/refinement.json"
    assert loom.value("USER_REVIEW_STATUS") == "APPROVED"
    # the value is placed at its key's line: {, schema_id, wp_id, refinement, user_review_status
    assert (loom.loc("USER_REVIEW_STATUS").line, loom.loc("WP_ID").line) == (5, 3)
    assert model.refinements[OTHER].file == f".GOV/refinements/{OTHER}.md"  # the flat file when there is nothing else
    assert _pkt020(model) == []


def test_a_typed_refinement_is_judged_like_a_markdown_one(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        f".GOV/task_packets/{WP}/refinement.json": _refinement(WP, user_review_status="PENDING", user_signature="anna010120260000"),
        f".GOV/task_packets/{OTHER}/refinement.json": _refinement(OTHER, user_review_status="APPROVED", user_signature=None),
    })
    findings = _pkt020(load_repo(Layout(root), mappings=False))
    assert [(finding.subject, finding.loc.file.rsplit("/", 2)[-2], finding.loc.line, finding.message.split(": ", 1)[1]) for finding in findings] == [
        (WP, WP, 5, "USER_REVIEW_STATUS is PENDING, not APPROVED; it is signed anna010120260000 but the packet is locked with anna180520260209"),
        (OTHER, OTHER, 5, "it has no USER_SIGNATURE"),
    ]
    assert findings[0].excerpt == "PENDING"


def test_a_refinement_contract_need_not_carry_what_the_gate_ledger_records(tmp_path: Path) -> None:
    """The June refinement contract template has no review status or
    signature (the signature bundle is `just record-signature`'s): leaving
    them out is no finding, while a missing refinement still is."""
    root = _repo(tmp_path, {f".GOV/task_packets/{WP}/refinement.json": _refinement(WP, operator_request="loom")})
    findings = _pkt020(load_repo(Layout(root), mappings=False))
    assert [finding.subject for finding in findings] == [OTHER]
    assert findings[0].message == (
        f"{OTHER} has no refinement file .GOV/task_packets/{OTHER}/refinement.json or .GOV/task_packets/{OTHER}/refinement.md"
        f" or .GOV/refinements/{OTHER}.md; record the refinement before the packet"
    )


def test_a_refinement_that_does_not_parse_is_one_finding_and_the_rest_is_read(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        f".GOV/task_packets/{WP}/refinement.json": '{\n  "wp_id": "' + WP + '",\n  oops\n}',
        f".GOV/task_packets/{OTHER}/refinement.json": _refinement(OTHER, user_review_status="APPROVED", user_signature="anna180520260209"),
    })
    model = load_repo(Layout(root), mappings=False)
    findings = [finding for finding in unfold(run_rules(model, EngineConfig(as_of=dt.date(2026, 6, 22)))) if f"{WP}/refinement.json" in finding.loc.file or finding.rule == "PKT-020"]
    assert [(finding.rule, finding.loc.line) for finding in findings] == [("PARSE-001", 3)]
    assert "is not valid JSON" in findings[0].message
    assert model.refinements[OTHER].value("USER_SIGNATURE") == "anna180520260209"


def test_the_places_are_the_profiles_with_the_folders_filled_in() -> None:
    from mkdocs_handshake.load.governance_files import refinement_places
    from mkdocs_handshake.protocol.profiles import load_profile

    june = load_profile("handshake-2026-06")
    assert [place for place, _form in refinement_places(Layout(Path("/r"), packets="work/"), june)] == [
        "work/{wp}/refinement.json", "work/{wp}/refinement.md", ".GOV/refinements/{wp}.md",
    ]
    assert refinement_places(Layout(Path("/r"), packets="."), june)[0] == ("{wp}/refinement.json", "json")  # no "./" that no file path has



REFINEMENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "hsk.refinement_contract@1",
    "type": "object",
    "required": ["schema_id", "wp_id", "refinement"],
    "properties": {"refinement": {"type": "object", "required": ["operator_request"], "properties": {"operator_request": {"type": "string"}}}},
}


def test_a_refinement_contract_is_checked_against_the_repositorys_schema_at_the_failing_key(tmp_path: Path) -> None:
    """The June corpus fails its own REFINEMENT_CONTRACT schema in 37 of 39
    refinements (issue 20); a live packet's refinement that fails it is a
    PKT-024 finding at the key, like its packet contract."""
    root = _repo(tmp_path, {
        f".GOV/task_packets/{WP}/refinement.json": _refinement(WP, operator_request=7),
        f".GOV/task_packets/{OTHER}/refinement.json": _refinement(OTHER, operator_request="mail"),
    })
    schemas = root / ".GOV" / "roles_shared" / "schemas"
    schemas.mkdir(parents=True)
    (schemas / "REFINEMENT_CONTRACT.schema.json").write_text(json.dumps(REFINEMENT_SCHEMA), encoding="utf-8")
    model = load_repo(Layout(root), mappings=False)
    findings = [finding for finding in unfold(run_rules(model, EngineConfig(as_of=dt.date(2026, 6, 22)))) if finding.rule == "PKT-024"]
    assert [(finding.subject, finding.loc.file, finding.loc.line, finding.excerpt) for finding in findings] == [
        (WP, f".GOV/task_packets/{WP}/refinement.json", 5, '"operator_request": 7'),
    ]
    assert "REFINEMENT_CONTRACT.schema.json at refinement.operator_request: 7 is not of type 'string'" in findings[0].message
