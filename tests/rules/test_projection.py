"""PKT-025 on a tiny folder packet on disk (issue 20): a contract and its
projection as the repository's library wrote them are in sync; an edited
body, an edited contract, a lost header and a missing file are each one
finding per packet and cause; closed packets and contracts that claim no
sync are not judged; the registry's markdown is held to its JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.load.file_reader import Collector
from mkdocs_handshake.load.parse_cache import ParseCache
from mkdocs_handshake.load.projections import folder_projections
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.model.packet import PacketFile
from mkdocs_handshake.model.records import ProjectionRow, Registry
from mkdocs_handshake.protocol.lifecycle import with_lifecycles
from mkdocs_handshake.protocol.profiles import load_profile
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.fixtures.breakages import PROJECTED_CONTRACT, PROJECTION
from tests.rules.builders import make_model, make_packet

JUNE = load_profile("handshake-2026-06")
FOLDER = "docs/task_packets/WP-1-Ledger-Loom"


def _write(root: Path, contract: str = PROJECTED_CONTRACT, projection: bytes | None = PROJECTION, name: str = "packet") -> None:
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(contract.replace("/packet.md", f"/{name}.md"), encoding="utf-8")
    if projection is not None:
        (folder / f"{name}.md").write_bytes(projection)


def _findings(root: Path, status: Status = Status.IN_PROGRESS, registry: Registry | None = None) -> list[Finding]:
    out = Collector(Layout(root), ParseCache())
    projections = folder_projections(out, FOLDER, JUNE.projection)
    files = (PacketFile(f"{FOLDER}/packet.json", "contract"), PacketFile(f"{FOLDER}/packet.md", "projection"))
    packet = replace(make_packet("WP-1-Ledger-Loom", status=status, status_raw=status.value), file=f"{FOLDER}/packet.json", files=files, projections=projections)
    model = replace(make_model([packet], board=[], registry=registry), root=str(root))
    rule = REGISTRY["PKT-025"]
    return list(rule.check(rule, RuleContext(with_lifecycles(model, JUNE), as_of=dt.date(2026, 6, 22), profile=JUNE)))


def test_a_pair_the_repository_wrote_is_in_sync(tmp_path: Path) -> None:
    _write(tmp_path)
    _write(tmp_path, name="MT-001")  # same contract text, other file: its projection record names MT-001.md
    out = Collector(Layout(tmp_path), ParseCache())
    (task, packet) = folder_projections(out, FOLDER, JUNE.projection)  # sorted by file name
    assert packet.in_sync and packet.projection_hash == packet.recorded_projection == "643daf089bb3a98a"
    assert not task.in_sync and task.source_drift  # the path in its record changed, so its hash did
    assert [finding.message.split(":")[1].strip()[:60] for finding in _findings(tmp_path)] == ["the contract MT-001.json no longer hashes to the source_hash"]


def test_a_hand_edited_projection_body_is_drift_at_its_header(tmp_path: Path) -> None:
    _write(tmp_path, projection=PROJECTION.replace(b"In Progress", b"Done"))
    (finding,) = _findings(tmp_path)
    assert (finding.loc.file, finding.loc.line, finding.excerpt) == (f"{FOLDER}/packet.md", 1, "projection_hash=643daf089bb3a98a")
    assert PROJECTION.decode().split("\n")[0][finding.loc.column - 1:].startswith(finding.excerpt)
    assert "the body of packet.md no longer hashes to the projection_hash its contract records" in finding.message
    assert "regenerate the projection from it with the repository's projection generator, never by editing the markdown" in finding.message
    assert finding.details == (f"{FOLDER}/packet.md: body hashes to {_body_hash(tmp_path)}, packet.json records 643daf089bb3a98a",)


def _body_hash(root: Path) -> str:
    from mkdocs_handshake.parse.projection import projection_body_hash

    return projection_body_hash((root / FOLDER / "packet.md").read_bytes().decode())


def test_an_edited_contract_a_lost_header_and_a_missing_file_are_each_named(tmp_path: Path) -> None:
    edited = PROJECTED_CONTRACT.replace('"status": "In Progress"', '"status": "Blocked"')
    _write(tmp_path, contract=edited, projection=PROJECTION.split(b"-->\n", 1)[1])
    (header, source) = _findings(tmp_path)
    assert "does not open with the HANDSHAKE_GENERATED_PROJECTION header" in header.message and header.loc.line == 1
    assert "the contract packet.json no longer hashes to the source_hash it records" in source.message
    assert (source.loc.file, source.excerpt) == (f"{FOLDER}/packet.json", "c13e218fb610d0a7")
    (tmp_path / FOLDER / "packet.md").unlink()
    (missing,) = _findings(tmp_path)
    assert "does not exist" in missing.message and missing.excerpt == f"{FOLDER}/packet.md"


def test_closed_packets_and_contracts_claiming_no_sync_are_not_judged(tmp_path: Path) -> None:
    _write(tmp_path, projection=PROJECTION.replace(b"In Progress", b"Done"))
    assert _findings(tmp_path, status=Status.VALIDATED) == []  # ORCH: do not mutate locked history to make gates green
    pending = json.loads(PROJECTED_CONTRACT)
    pending["markdown_projection"]["status"] = "GENERATED_PENDING"
    _write(tmp_path, contract=json.dumps(pending, indent=2), projection=None)
    (tmp_path / FOLDER / "packet.md").unlink()
    assert _findings(tmp_path) == []


def test_the_registry_projection_is_one_finding_naming_its_rows(tmp_path: Path) -> None:
    _write(tmp_path)
    md = ".GOV/roles_shared/records/WP_TRACEABILITY_REGISTRY.md"
    rows = (
        ProjectionRow("WP-1-A", "| WP-1-A | a.md | Done | old <b>note</b> |", "| WP-1-A | a.md | Done | new |", Loc(md, 80)),
        ProjectionRow("WP-1-B", "", "| WP-1-B | b.md | TBD |  |", Loc("reg.json", 12)),
    )
    registry = Registry("reg.json", (), md, rows)
    (finding,) = _findings(tmp_path, registry=registry)
    assert (finding.loc, finding.excerpt, finding.subject) == (Loc(md, 80), "| WP-1-A | a.md | Done | old <b>note</b> |", md)
    assert "does not show what its JSON authority reg.json holds for 2 rows (WP-1-A, WP-1-B)" in finding.message
    assert "`just wp-traceability-set <BASE_WP_ID> <ACTIVE_WP_ID>`" in finding.message
    assert finding.details[1] == "reg.json:12: the JSON entry renders '| WP-1-B | b.md | TBD |  |', which the markdown does not show"


def test_the_import_command_is_named_for_a_packet_and_not_for_contracts_it_rebuilds_from_markdown(tmp_path: Path) -> None:
    """June's import regenerates packet.md from packet.json, but rebuilds
    MT-*.json from MT-*.md: naming it for a drifted micro-task projection
    would carry the drift into the contract (profile ``command_rebuilds``)."""
    script = tmp_path / JUNE.projection.command_file
    script.parent.mkdir(parents=True)
    script.write_text("// the repository's import\n")
    _write(tmp_path, projection=PROJECTION.replace(b"In Progress", b"Done"))
    (packet,) = _findings(tmp_path)
    assert "regenerate the projection from it with `node " in packet.message and "wp-contract-import.mjs WP-1-Ledger-Loom`" in packet.message
    for name in ("packet.json", "packet.md"):
        (tmp_path / FOLDER / name).unlink()
    _write(tmp_path, name="MT-001")  # its record names MT-001.md, so its source hash drifted
    tasks = _findings(tmp_path)
    assert tasks and all("MT-001" in finding.message for finding in tasks)
    assert all("never by editing the markdown; not with `node " in f.message and "rebuilds these contracts from their markdown" in f.message for f in tasks)
