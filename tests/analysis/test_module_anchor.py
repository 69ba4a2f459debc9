"""Spec anchors written as a path into a bundle module, resolved against
the current bundle (numbers, lines, names; current or older bundles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.analysis.module_anchor import resolve_module_anchor
from mkdocs_handshake.parse.anchors import parse_anchor_value
from mkdocs_handshake.parse.module_anchors import parse_module_anchor
from tests.fixtures.bundle import Bundle, make_bundle
from tests.fixtures.repo import Edit, check, materialise, unfold

PACKET = "docs/task_packets/WP-1-Batch-Transfer.md"
ANCHOR_LINE = "- **SPEC_ANCHOR**: §2.2.2 (Batch Transfer) [TLY-BAT-001], [TLY-BAT-002], [TLY-BAT-003]"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    return make_bundle(materialise(tmp_path_factory.mktemp("anchors") / "repo"))


@pytest.fixture(scope="module")
def spec(bundle: Bundle):  # type: ignore[no-untyped-def]
    model, _ = check(bundle.root)
    assert model.spec is not None
    return model.spec


def _module(bundle: Bundle, position: int, version: str = "v01.05") -> str:
    return f".GOV/spec/master-spec-{version}/{bundle.modules[position]}"


def test_the_parts_of_a_module_anchor_are_read() -> None:
    raw = ".GOV/spec/master-spec-v02.185/spec-modules/02-system-architecture.md#2.3.13.10"
    anchor = parse_module_anchor(f"see {raw}, then", Loc("p.json", 7, 3))
    assert anchor is not None
    assert (anchor.raw, anchor.number, anchor.pinned_version, anchor.module, anchor.fragment) == (
        raw, "2.3.13.10", "02.185", "spec-modules/02-system-architecture.md", "2.3.13.10",
    )
    assert anchor.loc == Loc("p.json", 7, 7)
    named = parse_module_anchor(raw.replace("#2.3.13.10", "#KernelActionCatalogV1"), Loc("p.json", 1))
    assert named is not None and named.number == "" and named.fragment == "KernelActionCatalogV1"
    line = parse_module_anchor(raw.replace("#2.3.13.10", "#L545"), Loc("p.json", 1))
    assert line is not None and line.number == "" and line.fragment == "L545"


@pytest.mark.parametrize("text", ["Handshake_Master_Spec_v02.113.md 11.10.3", "§2.6.6.7.3, §2.6.6.7.9", "docs/VALIDATOR_PROTOCOL.md#x"])
def test_other_anchors_are_not_module_anchors(text: str) -> None:
    assert parse_module_anchor(text, Loc("p.md", 1)) is None
    assert all(not anchor.module for anchor in parse_anchor_value(text, Loc("p.md", 1)))


def test_a_spec_anchor_value_may_list_module_paths() -> None:
    value = ".GOV/spec/master-spec-v02.185/spec-modules/02-a.md#2.3.1, .GOV/spec/master-spec-v02.185/spec-modules/04-b.md#4.1"
    anchors = parse_anchor_value(value, Loc("p.md", 3, 20))
    assert [(anchor.number, anchor.module) for anchor in anchors] == [("2.3.1", "spec-modules/02-a.md"), ("4.1", "spec-modules/04-b.md")]


def test_a_number_in_the_current_bundle_lands_on_its_module_and_line(bundle: Bundle, spec) -> None:  # type: ignore[no-untyped-def]
    found = resolve_module_anchor(f"{_module(bundle, 2)}#2.2.2", spec)
    assert found is not None and found.resolved and not found.pinned and found.message == ""
    assert found.module == _module(bundle, 2) and found.section is not None and found.section.number == "2.2.2"
    text = (bundle.root / found.module).read_text(encoding="utf-8").split("\n")
    assert text[found.line - 1].lstrip("#").strip().startswith("2.2.2")


def test_an_anchor_into_an_older_bundle_is_pinned_to_it(bundle: Bundle, spec) -> None:  # type: ignore[no-untyped-def]
    found = resolve_module_anchor(f"{_module(bundle, 2, 'v01.02')}#2.2.2", spec)
    assert found is not None and found.resolved and found.pinned and found.cited_version == "01.02"
    assert "v01.02" in found.message and "v01.05" in found.message and f"{found.module}:{found.line}" in found.message


def test_a_name_resolves_to_where_the_module_writes_it(bundle: Bundle, spec) -> None:  # type: ignore[no-untyped-def]
    found = resolve_module_anchor(f"{_module(bundle, 2)}#TLY-BAT-002", spec)
    assert found is not None and found.resolved
    assert "TLY-BAT-002" in (bundle.root / found.module).read_text(encoding="utf-8").split("\n")[found.line - 1]
    phrase = resolve_module_anchor(f"{_module(bundle, 2)}#session-transport", spec)
    assert phrase is not None and phrase.resolved and phrase.section is not None and phrase.section.number == "2.2"


def test_a_name_that_is_a_heading_id_lands_on_the_heading_not_an_earlier_mention(tmp_path: Path) -> None:
    """``#retry-budget`` is the id a renderer gives "#### Retry Budget"; a
    sentence that says "retry budget" earlier in the module is not it."""
    bundle = make_bundle(materialise(tmp_path / "repo"))
    module = bundle.module_file(2)
    text = module.read_text(encoding="utf-8")
    text = text.replace("### 2.2.2 Batch Transfer", "The retry budget is defined below.\n\n### 2.2.2 Batch Transfer", 1)
    text = text.replace("## 2.3 Conflict Handling", "#### Retry Budget\n\nA batch is retried three times.\n\n## 2.3 Conflict Handling", 1)
    module.write_text(text, encoding="utf-8")
    bundle.rehash()
    model, _ = check(bundle.root)
    found = resolve_module_anchor(f"{_module(bundle, 2)}#retry-budget", model.spec)
    lines = text.split("\n")
    assert found is not None and found.resolved and lines[found.line - 1] == "#### Retry Budget"
    assert found.section is not None and found.section.number == "2.2.2"
    mention = resolve_module_anchor(f"{_module(bundle, 2)}#defined-below", model.spec)
    assert mention is not None and mention.resolved and lines[mention.line - 1].startswith("The retry budget")


def test_a_line_resolves_in_the_current_bundle_only(bundle: Bundle, spec) -> None:  # type: ignore[no-untyped-def]
    current = resolve_module_anchor(f"{_module(bundle, 2)}#L12", spec)
    assert current is not None and current.resolved and current.line == 12 and current.section is not None
    older = resolve_module_anchor(f"{_module(bundle, 2, 'v01.02')}#L12", spec)
    assert older is not None and not older.resolved and older.pinned and "line" in older.message
    past_end = resolve_module_anchor(f"{_module(bundle, 2)}#L99999", spec)
    assert past_end is not None and not past_end.resolved


def test_unknown_modules_names_and_numbers_do_not_resolve(bundle: Bundle, spec) -> None:  # type: ignore[no-untyped-def]
    module = resolve_module_anchor(".GOV/spec/master-spec-v01.05/spec-modules/99-gone.md#1.1", spec)
    assert module is not None and not module.resolved and "99-gone.md" in module.message
    name = resolve_module_anchor(f"{_module(bundle, 2)}#NoSuchCatalogV9", spec)
    assert name is not None and not name.resolved and "NoSuchCatalogV9" in name.message
    number = resolve_module_anchor(f"{_module(bundle, 2)}#2.9.9", spec)
    assert number is not None and not number.resolved and "2.9.9" in number.message
    assert resolve_module_anchor("§2.2.2", spec) is None


def _with_anchor(tmp_path: Path, value: str) -> list:  # type: ignore[type-arg]
    root = materialise(tmp_path / "repo", [Edit(PACKET, ANCHOR_LINE, f"- **SPEC_ANCHOR**: {value}")])
    make_bundle(root)
    _, findings = check(root)
    # The template's packets are signed: an anchor defect is a part of the packet's REMEDY-001.
    return [finding for finding in unfold(findings) if finding.rule.startswith("ANCHOR") and finding.subject == "WP-1-Batch-Transfer"]


def test_a_packet_anchor_into_the_current_bundle_is_no_finding(tmp_path: Path) -> None:
    assert _with_anchor(tmp_path, ".GOV/spec/master-spec-v01.05/spec-modules/02-ledger-synchronisation.md#2.2.2") == []


def test_a_packet_anchor_into_an_older_bundle_says_it_is_pinned(tmp_path: Path) -> None:
    (finding,) = _with_anchor(tmp_path, ".GOV/spec/master-spec-v01.02/spec-modules/02-ledger-synchronisation.md#2.2.2")
    assert finding.rule == "ANCHOR-006" and "master-spec-v01.02" in finding.message and "v01.05" in finding.message


def test_a_packet_anchor_by_a_name_the_module_lacks_is_anchor_008(tmp_path: Path) -> None:
    (finding,) = _with_anchor(tmp_path, ".GOV/spec/master-spec-v01.05/spec-modules/02-ledger-synchronisation.md#NoSuchCatalogV9")
    assert finding.rule == "ANCHOR-008" and "NoSuchCatalogV9" in finding.message
    assert finding.loc.file == PACKET


def test_a_packet_anchor_by_name_into_an_older_bundle_is_anchor_008_naming_both(tmp_path: Path) -> None:
    (finding,) = _with_anchor(tmp_path, ".GOV/spec/master-spec-v01.02/spec-modules/02-ledger-synchronisation.md#TLY-BAT-002")
    assert finding.rule == "ANCHOR-008" and "v01.02" in finding.message and "v01.05" in finding.message


def _mappings(tmp_path: Path, value: str) -> list[tuple[str, str, int]]:
    root = materialise(tmp_path / "repo", [Edit(PACKET, ANCHOR_LINE, f"- **SPEC_ANCHOR**: {value}")])
    make_bundle(root)
    model, _ = check(root)
    return [(mapping.kind, mapping.section, mapping.requirement_index) for mapping in model.done_mappings["WP-1-Batch-Transfer"]]


def test_done_means_under_an_anchor_by_name_map_as_under_its_section_number(tmp_path: Path) -> None:
    """``02-ledger-synchronisation.md#TLY-BAT-002`` points into §2.2.2 as
    surely as ``#2.2.2`` does: the DONE_MEANS items are matched against the
    same requirements, instead of finding no anchored section at all."""
    by_number = _mappings(tmp_path / "number", ".GOV/spec/master-spec-v01.05/spec-modules/02-ledger-synchronisation.md#2.2.2")
    by_name = _mappings(tmp_path / "name", ".GOV/spec/master-spec-v01.05/spec-modules/02-ledger-synchronisation.md#TLY-BAT-002")
    assert any(section == "2.2.2" and index > 0 for _, section, index in by_number)
    assert by_name == by_number
    unknown = _mappings(tmp_path / "unknown", ".GOV/spec/master-spec-v01.05/spec-modules/02-ledger-synchronisation.md#NoSuchCatalogV9")
    assert all(index == 0 for _, _, index in unknown)
