"""The June 2026 snapshot: the spec SPEC_CURRENT names is its module bundle.

Everything expected is computed from the snapshot's own files (its JSON
SPEC_CURRENT, manifest, index and modules), never written down here, so
the same test holds for another snapshot of the same era.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.parse.markdown import inline_plain, tokenize
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


def test_every_heading_of_every_module_is_a_section_at_its_line(june: tuple[GovernanceModel, list[Finding]]) -> None:
    """What the spec reader takes, measured against what markdown sees as
    headings in each module (code blocks excluded) and against the
    manifest's ``heading_count``, which counts every line that starts with
    ``#``: the spec's own headings, those of the markdown documents it
    writes out in fences, and comment lines of other code. Issue #20 asks
    for at least 90% of the manifest's headings as sections."""
    model, _ = june
    assert model.spec is not None and model.spec.bundle is not None
    kinds = {(section.loc.file, section.loc.line): section.kind for section in model.spec.sections}
    manifest_headings = 0
    read = 0
    for module in model.spec.bundle.modules:
        src = without_front_matter(decode((JUNE / module.path).read_bytes(), module.path))
        tokens = tokenize(src.text)
        top = [(token.map[0] + 1, inline_plain(tokens[index + 1])) for index, token in enumerate(tokens) if token.type == "heading_open" and token.map and token.level == 0]
        numbered = {(module.path, line) for line, text in top if split_heading_number(text)}
        assert all(kinds.get(place) == "heading" for place in numbered), f"{module.path}: numbered headings not read"
        unnumbered = {(module.path, line) for line, text in top if not split_heading_number(text)}
        assert all(kinds.get(place) == "unnumbered" for place in unnumbered), f"{module.path}: unnumbered headings not read"
        # The reader sees the fences as the spec means them (PARSE-006 repairs
        # a misplaced one), so an embedded heading is checked by its line:
        # a ``#`` line (or a setext heading's text, underlined on the next
        # line) that is not one of the module's own headings.
        lines = (JUNE / module.path).read_text(encoding="utf-8").split("\n")
        embedded = {place for place, kind in kinds.items() if kind == "embedded" and place[0] == module.path}
        assert all(lines[line - 1].lstrip(" ").startswith("#") or re.match(r" {0,3}(-+|=+)\s*$", lines[line]) for _, line in embedded)
        assert not embedded & (numbered | unnumbered)
        assert module.headings_read == len(numbered) + len(unnumbered) + len(embedded)
        manifest_headings += module.heading_count
        read += module.headings_read
    print(f"headings read as sections: {read} of the manifest's {manifest_headings} ({read / manifest_headings:.1%})")
    assert read >= 0.9 * manifest_headings


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
