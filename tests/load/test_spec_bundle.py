"""The Master Spec as an indexed bundle of modules, named by a JSON SPEC_CURRENT.

Every fixture is the clean template whose spec is cut into a bundle
(:mod:`tests.fixtures.bundle`), then spoiled in one way. The same text read
as a bundle must give what it gives as one file; each broken part of a
bundle is one finding at the place to fix, and the rest is still read.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mkdocs_handshake.report.export import dumps, model_document
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.schemas import schema
from tests.fixtures.bundle import Bundle, make_bundle
from tests.fixtures.repo import check, materialise


def _facts(model: GovernanceModel) -> list[tuple[object, ...]]:
    assert model.spec is not None
    return [
        (section.number, section.title, section.kind, section.main_body, section.parent, section.duplicate, tuple(r.text for r in section.requirements), section.ids)
        for section in model.spec.sections
    ]


def _keys(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted((finding.rule, finding.subject, finding.message) for finding in findings)


@pytest.fixture
def bundled(tmp_path: Path) -> Bundle:
    return make_bundle(materialise(tmp_path / "repo"), version="v01.04", folder="spec/master-spec-v01.04")


def rules(findings: list[Finding], *ids: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule in ids]


def test_a_bundle_reads_as_the_same_spec_as_the_file_it_was_cut_from(tmp_path: Path, bundled: Bundle) -> None:
    whole, whole_findings = check(materialise(tmp_path / "whole"))
    model, findings = check(bundled.root)
    assert model.spec is not None and model.spec.bundle is not None
    assert model.spec.version == "01.04" and model.spec.file == bundled.manifest
    assert _facts(model) == _facts(whole)
    assert [module.bundle_path for module in model.spec.bundle.modules] == list(bundled.modules)
    # The same findings: the packets' anchors land on the same sections.
    assert _keys(findings) == _keys(whole_findings)


def test_every_section_names_its_module_and_its_line_there(bundled: Bundle) -> None:
    model, _ = check(bundled.root)
    assert model.spec is not None
    for section in model.spec.sections:
        assert section.loc.file.startswith(bundled.folder + "/spec-modules/")
        line = (bundled.root / section.loc.file).read_text(encoding="utf-8").split("\n")[section.loc.line - 1]
        # a heading writes its number; a list item its own marker; an unnumbered heading its title
        written = {"heading": section.number, "list-item": section.number.rsplit(".", 1)[-1] + "."}.get(section.kind, section.title)
        assert written in line


def test_every_heading_the_manifest_counts_is_read_but_the_comments_of_a_shell_example(bundled: Bundle) -> None:
    """The manifest counts every line that starts with ``#``; the reader
    takes each real heading (with or without a number) as a section, and
    the ``# follow batch events`` comment lines of a bash example as code."""
    model, _ = check(bundled.root)
    assert model.spec is not None and model.spec.bundle is not None
    for module in model.spec.bundle.modules:
        lines = (bundled.root / module.path).read_text(encoding="utf-8").split("\n")
        fenced, comments = False, 0
        for line in lines:
            if line.startswith("```"):
                fenced = not fenced
            comments += fenced and line.startswith("# ")
        assert module.headings_read == module.heading_count - comments, module.path
    assert sum(module.heading_count - module.headings_read for module in model.spec.bundle.modules) == 2
    assert sum(module.headings_read for module in model.spec.bundle.modules) == len([s for s in model.spec.sections if s.kind != "list-item"])


def test_a_bom_before_the_json_pointer_is_read_past(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"), bom=True)
    model, findings = check(bundle.root)
    assert model.spec_pointer is not None and model.spec_pointer.format == "json"
    assert model.spec is not None and model.spec.version == "01.05"
    assert not rules(findings, "PARSE-001", "SPEC-001")


def test_the_provenance_monolith_beside_the_bundle_is_not_the_spec(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    model, _ = check(bundle.root)
    pointer = model.spec_pointer
    assert pointer is not None and [name for name, _ in pointer.spec_names] == [bundle.manifest]
    assert pointer.value_of("current_spec.source_baseline_path") is not None
    assert model.spec is not None and model.spec.file == bundle.manifest


def test_spec_current_under_gov_is_found_by_its_name(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    (root / "docs/SPEC_CURRENT.md").unlink()
    bundle = make_bundle(root, spec_current=".GOV/spec/SPEC_CURRENT.md")
    model, findings = check(bundle.root)
    assert model.spec is not None and model.spec.file == bundle.manifest
    assert not rules(findings, "SPEC-001")


def test_paths_are_the_repository_s_when_the_root_holds_it(tmp_path: Path) -> None:
    """A root one folder above the repository: the pointer's paths are
    found under the folder that holds SPEC_CURRENT's repository."""
    repo = materialise(tmp_path / "outer" / "repo")
    bundle = make_bundle(repo)
    from mkdocs_handshake.repository.layout import Layout
    from mkdocs_handshake.load.assemble import load_repo

    model = load_repo(Layout(tmp_path / "outer", spec_current="repo/docs/SPEC_CURRENT.md", packets="repo/docs/task_packets",
                             task_board="repo/docs/TASK_BOARD.md", signature_audit="repo/docs/SIGNATURE_AUDIT.md"))
    assert model.spec is not None and model.spec.file == "repo/" + bundle.manifest
    assert len(model.spec.bundle.modules) == len(bundle.modules)  # type: ignore[union-attr]


def test_model_json_carries_the_modules_and_validates(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    model, _ = check(bundle.root)
    document = json.loads(dumps(model_document(model, "."), compact=True))
    jsonschema.Draft202012Validator(schema("model")).validate(document)
    modules = document["spec"]["bundle"]["modules"]
    assert [module["bundle_path"] for module in modules] == list(bundle.modules)
    assert {module["integrity"] for module in modules} == {"match"}
    assert all("text" not in module for module in modules)
    assert document["spec_current"]["format"] == "json"


# --- manifest integrity -------------------------------------------------


def test_a_module_edited_after_the_manifest_is_spec_006_at_its_entry(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    path = bundle.module_file(2)
    path.write_bytes(path.read_bytes().replace(b"Ledger", b"Journal", 1))
    _, findings = check(bundle.root)
    found = rules(findings, "SPEC-006")
    assert len(found) == 1
    assert found[0].loc.file == bundle.manifest and bundle.modules[2] in found[0].message and "sha256" in found[0].message


def test_a_module_whose_size_changed_is_reported_with_both_counts(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    path = bundle.module_file(1)
    path.write_bytes(path.read_bytes() + b"\nAn added line.\n")
    _, findings = check(bundle.root)
    (finding,) = rules(findings, "SPEC-006")
    assert f"{path.stat().st_size} bytes" in finding.message


def test_a_checkout_with_other_line_endings_is_not_a_changed_module(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    path = bundle.module_file(2)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    model, findings = check(bundle.root)
    assert not rules(findings, "SPEC-006")
    assert model.spec is not None and model.spec.bundle is not None
    assert model.spec.bundle.modules[2].integrity() == "line-endings"
    # ... and the other way round: the manifest counted CRLF, the checkout has LF.
    bundle.rehash()
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    _, findings = check(bundle.root)
    assert not rules(findings, "SPEC-006")


def test_a_module_of_another_version_is_spec_007_at_its_front_matter(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    path = bundle.module_file(3)
    path.write_bytes(path.read_bytes().replace(b'spec_version: "v01.05"', b'spec_version: "v01.03"'))
    bundle.rehash()
    _, findings = check(bundle.root)
    (finding,) = rules(findings, "SPEC-007")
    assert finding.loc.file == f"{bundle.folder}/{bundle.modules[3]}" and finding.loc.line == 3
    assert "v01.03" in finding.message and "v01.05" in finding.message


def test_spec_current_naming_another_version_than_its_manifest_is_spec_007(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    pointer = bundle.data(bundle.spec_current)
    pointer["current_spec"]["version"] = "v01.06"
    bundle.write(bundle.spec_current, pointer)
    _, findings = check(bundle.root)
    (finding,) = rules(findings, "SPEC-007")
    assert finding.loc.file == bundle.spec_current and "v01.06" in finding.message


def test_an_index_of_another_version_and_module_list_is_spec_008(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    index = bundle.data(bundle.index)
    index["spec_version"] = "v01.03"
    index["modules"] = index["modules"][:-1]
    index["modules"][0]["sha256"] = "0" * 64
    bundle.write(bundle.index, index)
    _, findings = check(bundle.root)
    found = rules(findings, "SPEC-008")
    assert len(found) == 3 and all(finding.loc.file == bundle.index for finding in found)
    text = " ".join(finding.message for finding in found)
    assert "v01.03" in text and bundle.modules[-1] in text and bundle.modules[0] in text


def test_a_changelog_without_the_current_version_is_spec_004_at_the_changelog(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    changelog = bundle.root / bundle.changelog
    changelog.write_text(changelog.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    _, findings = check(bundle.root)
    (finding,) = rules(findings, "SPEC-004")
    assert finding.loc.file == bundle.changelog and "v01.05" in finding.message


def test_a_sound_bundle_has_no_spec_finding(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"), version="v01.04", folder=".GOV/spec/master-spec-v01.04")
    _, findings = check(bundle.root)
    assert not [finding for finding in findings if finding.rule.startswith("SPEC") or finding.rule == "PARSE-001"]


# --- bad input ----------------------------------------------------------


def _parse_001(findings: list[Finding]) -> list[Finding]:
    return rules(findings, "PARSE-001")


def _about_the_spec(findings: list[Finding]) -> list[Finding]:
    """Findings on reading the spec (SPEC-005, the packets and protocol
    files naming another version as current, is about them, not it)."""
    return [finding for finding in findings if finding.rule == "PARSE-001" or (finding.rule.startswith("SPEC") and finding.rule != "SPEC-005")]


def test_a_missing_module_is_one_finding_at_the_manifest_and_the_rest_is_read(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    bundle.module_file(3).unlink()
    model, findings = check(bundle.root)
    (finding,) = _parse_001(findings)
    assert finding.loc.file == bundle.manifest and bundle.modules[3] in finding.message
    assert model.spec is not None
    files = {section.loc.file for section in model.spec.sections}
    assert f"{bundle.folder}/{bundle.modules[2]}" in files and f"{bundle.folder}/{bundle.modules[4]}" in files
    assert not rules(findings, "SPEC-006", "SPEC-007", "SPEC-008")


@pytest.mark.parametrize("damage", [b"{ not json", b"[1, 2]", b'{"modules": []}', b"\xff\xfe{\x00"])
def test_an_unreadable_manifest_is_one_finding_at_the_manifest(tmp_path: Path, damage: bytes) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    (bundle.root / bundle.manifest).write_bytes(damage)
    model, findings = check(bundle.root)
    assert model.spec is None
    spec_findings = _about_the_spec(findings)
    assert len(spec_findings) == 1 and spec_findings[0].loc.file == bundle.manifest


def test_invalid_json_in_spec_current_is_one_finding_there(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    (bundle.root / bundle.spec_current).write_text('{"schema": "handshake.spec_current@1", ', encoding="utf-8")
    model, findings = check(bundle.root)
    assert model.spec is None and model.spec_pointer is None
    spec_findings = _about_the_spec(findings)
    assert len(spec_findings) == 1 and spec_findings[0].loc.file == bundle.spec_current


def test_a_pointer_into_an_archived_bundle_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    pointer = bundle.data(bundle.spec_current)
    pointer["current_spec"]["entrypoint_path"] = ".GOV/spec/spec_archive/master-spec-v01.01/indexed-spec-manifest.json"
    bundle.write(bundle.spec_current, pointer)
    model, findings = check(bundle.root)
    # The manifest of the same name in the bundle that is there is not taken.
    assert model.spec is None
    (finding,) = _about_the_spec(findings)
    assert finding.loc.file == bundle.spec_current and "spec_archive" in finding.message and "does not exist" in finding.message


def test_a_pointer_outside_the_root_is_not_read(tmp_path: Path) -> None:
    outside = make_bundle(materialise(tmp_path / "other"))
    bundle = make_bundle(materialise(tmp_path / "repo"))
    pointer = bundle.data(bundle.spec_current)
    pointer["current_spec"]["entrypoint_path"] = f"../other/{outside.manifest}"
    bundle.write(bundle.spec_current, pointer)
    model, findings = check(bundle.root)
    assert model.spec is None
    (finding,) = _about_the_spec(findings)
    assert "outside the root" in finding.message and finding.loc.file == bundle.spec_current


def test_a_module_path_leading_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    (tmp_path / "secret.md").write_text("# 9. Not governance\n", encoding="utf-8")
    manifest = bundle.data(bundle.manifest)
    manifest["modules"][1]["path"] = "../../../../secret.md"
    manifest["reconstruction"]["module_order"][1] = "../../../../secret.md"
    bundle.write(bundle.manifest, manifest)
    model, findings = check(bundle.root)
    (finding,) = _parse_001(findings)
    assert "outside the root" in finding.message and finding.loc.file == bundle.manifest
    assert model.spec is not None and not any(section.number == "9" for section in model.spec.sections)


def test_an_unreadable_index_and_changelog_leave_the_spec_read(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    (bundle.root / bundle.index).write_text("{", encoding="utf-8")
    changelog = bundle.root / bundle.changelog
    changelog.write_text(changelog.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")
    model, findings = check(bundle.root)
    assert model.spec is not None and len(model.spec.sections) > 10
    files = sorted(finding.loc.file for finding in _parse_001(findings))
    assert files == sorted([bundle.index, bundle.changelog])


def test_a_pointer_of_an_unknown_entrypoint_type_reads_no_spec_and_says_why(tmp_path: Path) -> None:
    bundle = make_bundle(materialise(tmp_path / "repo"))
    pointer = bundle.data(bundle.spec_current)
    pointer["current_spec"]["entrypoint_type"] = "graph_database"
    bundle.write(bundle.spec_current, pointer)
    model, findings = check(bundle.root)
    assert model.spec is None
    assert any("graph_database" in finding.message and finding.loc.file == bundle.spec_current for finding in findings)


def test_a_pointer_of_an_unknown_entrypoint_type_naming_a_markdown_spec_reads_it(tmp_path: Path) -> None:
    """A later SPEC_CURRENT may name a single markdown spec under a type of
    its own; the file can only be read one way, so it is read."""
    bundle = make_bundle(materialise(tmp_path / "repo"))
    pointer = bundle.data(bundle.spec_current)
    pointer["current_spec"].update(entrypoint_type="markdown_monolith", entrypoint_path=pointer["current_spec"]["source_baseline_path"], version="v01.04")
    bundle.write(bundle.spec_current, pointer)
    whole, _ = check(materialise(tmp_path / "whole"))
    model, findings = check(bundle.root)
    assert model.spec is not None and whole.spec is not None
    assert model.spec.file == whole.spec.file and model.spec.bundle is None
    assert [section.number for section in model.spec.sections] == [section.number for section in whole.spec.sections]
    assert not [finding for finding in findings if finding.loc.file == bundle.spec_current and finding.rule.startswith("PARSE")]


def test_a_newer_bundle_beside_the_current_one_is_spec_002(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    make_bundle(root, version="v01.06", folder=".GOV/spec/master-spec-v01.06", spec_current="unused/SPEC_CURRENT.md")
    bundle = make_bundle(root)
    _, findings = check(bundle.root)
    (finding,) = rules(findings, "SPEC-002")
    assert "master-spec-v01.06" in finding.message and finding.loc.file == bundle.spec_current


def test_an_older_bundle_beside_the_current_one_is_no_finding(tmp_path: Path) -> None:
    root = materialise(tmp_path / "repo")
    make_bundle(root, version="v01.03", folder=".GOV/spec/master-spec-v01.03", spec_current="unused/SPEC_CURRENT.md")
    bundle = make_bundle(root)
    _, findings = check(bundle.root)
    assert not rules(findings, "SPEC-002")


def test_signatures_in_the_modules_are_read_as_in_a_single_spec(tmp_path: Path, bundled: Bundle) -> None:
    whole, _ = check(materialise(tmp_path / "whole"))
    model, _ = check(bundled.root)
    spec_uses = lambda m, prefix: sorted((use.signature, use.role) for use in m.signature_uses if use.loc.file.startswith(prefix))  # noqa: E731
    assert spec_uses(model, bundled.folder) == spec_uses(whole, "Tallyline_Master_Spec")
