"""The June 2026 snapshot: the spec SPEC_CURRENT names is its module bundle.

Everything expected is computed from the snapshot's own files (its JSON
SPEC_CURRENT, manifest, index and modules), never written down here, so
the same test holds for another snapshot of the same era.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.parse.markdown import tokenize
from mkdocs_handshake.parse.spec_headings import split_heading_number
from mkdocs_handshake.parse.spec_bundle import without_front_matter
from mkdocs_handshake.repository.source import decode
from tests.conftest import CORPUS

JUNE = CORPUS.parent / "handshake-2026-06-22"
AS_OF = dt.date(2026, 6, 22)

pytestmark = pytest.mark.corpus


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def june() -> tuple[GovernanceModel, list[Finding]]:
    if not (JUNE / ".GOV").is_dir():
        pytest.skip(f"{JUNE} not found")
    model = load_repo(Layout(JUNE))  # nothing configured but the root
    return model, run_rules(model, EngineConfig(as_of=AS_OF))


def _pointer_and_manifest(model: GovernanceModel) -> tuple[dict, dict]:
    assert model.spec_pointer is not None
    pointer = _json(JUNE / model.spec_pointer.file)
    manifest = _json(JUNE / pointer["current_spec"]["entrypoint_path"])
    return pointer, manifest


def test_the_spec_is_the_bundle_spec_current_names(june: tuple[GovernanceModel, list[Finding]]) -> None:
    model, _ = june
    pointer, manifest = _pointer_and_manifest(model)
    spec = model.spec
    assert spec is not None and spec.bundle is not None
    assert spec.file == pointer["current_spec"]["entrypoint_path"]
    assert "v" + spec.version == pointer["current_spec"]["version"] == manifest["spec_version"]
    assert [module.bundle_path for module in spec.bundle.modules] == manifest["reconstruction"]["module_order"]
    assert all(module.present and "v" + module.declared_version == manifest["spec_version"] for module in spec.bundle.modules)


def test_every_numbered_heading_of_every_module_is_a_section_at_its_line(june: tuple[GovernanceModel, list[Finding]]) -> None:
    """What the spec reader takes, measured against what markdown sees as
    headings in each module (code blocks excluded). The manifest's
    ``heading_count`` is printed beside it for the record: it counts every
    line that starts with ``#``, code included."""
    model, _ = june
    assert model.spec is not None and model.spec.bundle is not None
    sections = {(section.loc.file, section.loc.line) for section in model.spec.sections if section.kind == "heading"}
    numbered = 0
    manifest_headings = 0
    for module in model.spec.bundle.modules:
        src = without_front_matter(decode((JUNE / module.path).read_bytes(), module.path))
        tokens = tokenize(src.text)
        headings = [(token.map[0] + 1, tokens[index + 1].content) for index, token in enumerate(tokens) if token.type == "heading_open" and token.map]
        wanted = {(module.path, line) for line, text in headings if split_heading_number(text)}
        assert wanted <= sections, f"{module.path}: numbered headings not read: {sorted(wanted - sections)[:5]}"
        numbered += len(wanted)
        manifest_headings += module.heading_count
    heading_sections = len(sections)
    print(f"sections from headings: {heading_sections}; numbered markdown headings: {numbered}; "
          f"manifest heading_count: {manifest_headings} ({heading_sections / manifest_headings:.1%}); "
          f"all sections incl. list items: {len(model.spec.sections)} ({len(model.spec.sections) / manifest_headings:.1%})")
    assert heading_sections >= numbered


def test_the_manifest_checks_report_what_the_files_say(june: tuple[GovernanceModel, list[Finding]]) -> None:
    model, findings = june
    assert model.spec is not None and model.spec.bundle is not None
    bundle = model.spec.bundle
    index = _json(JUNE / bundle.resolver_index)
    manifest = _json(JUNE / bundle.manifest)
    version_findings = [finding for finding in findings if finding.rule == "SPEC-008" and finding.excerpt.startswith("v")]
    assert len(version_findings) == (index["spec_version"] != manifest["spec_version"])
    mismatched = {module.bundle_path for module in bundle.modules if module.integrity() == "mismatch"}
    assert {finding.excerpt for finding in findings if finding.rule == "SPEC-006"} == mismatched
    changelog_versions = {json.loads(line).get("spec_version") for line in (JUNE / bundle.changelog).read_text(encoding="utf-8").splitlines() if line.strip()}
    assert any(finding.rule == "SPEC-004" for finding in findings) == (manifest["spec_version"] not in changelog_versions)
