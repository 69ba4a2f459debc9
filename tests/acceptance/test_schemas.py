"""The shipped JSON Schemas describe what the tool writes for the real
corpora (both snapshots) and for the template: model.json, findings.json
and a baseline file."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from mkdocs_handshake.findings import baseline
from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.report.export import dumps, findings_document, model_document
from mkdocs_handshake.repository.layout import Layout
from mkdocs_handshake.load.assemble import load_repo
from mkdocs_handshake.schemas import NAMES, schema
from tests.conftest import CORPUS, TEMPLATE

ROOTS = {
    "corpus-2025-12-27": CORPUS,
    "corpus-2026-02-03": CORPUS.parent / "handshake-2026-02-03",
    "template": TEMPLATE,
}


def validator(name: str) -> jsonschema.Draft202012Validator:
    # Only findings.json has a formatted value (as_of, a date).
    checker = jsonschema.FormatChecker() if name == "findings" else None
    return jsonschema.Draft202012Validator(schema(name), format_checker=checker)


@pytest.mark.parametrize("name", NAMES)
def test_the_schemas_are_valid_schemas(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.corpus
@pytest.mark.parametrize("label", sorted(ROOTS))
def test_outputs_validate(label: str) -> None:
    root = ROOTS[label]
    if not (root / "docs").is_dir():
        pytest.skip(f"{root} not found")
    model = load_repo(Layout(root))
    findings = run_rules(model, EngineConfig(as_of=dt.date(2025, 12, 27)))
    # Through the JSON text, exactly as the files are written.
    validator("model").validate(json.loads(dumps(model_document(model, "."), compact=True)))
    recorded = baseline.from_findings(findings)
    validator("baseline").validate(json.loads(baseline.dumps(recorded)))
    # A baseline in use, one finding paid off: the stale block validates too.
    marked = baseline.apply(findings, recorded)
    stale = baseline.stale_entries(marked[1:], recorded)
    document = json.loads(dumps(findings_document(model, marked[1:], dt.date(2025, 12, 27), baseline="debt.json", stale=stale)))
    validator("findings").validate(document)
    if findings:
        assert document["summary"]["baselined"] == len(findings) - 1 and len(document["baseline"]["stale"]) == 1


def test_a_finding_without_its_fields_does_not_validate() -> None:
    """The schema is not a formality: a finding missing its line fails."""
    document = {
        "version": 1, "as_of": "2026-11-20", "spec": {"file": None, "version": ""},
        "summary": {"error": 1, "warning": 0, "waived": 0, "baselined": 0, "by_rule": {"PKT-001": 1}},
        "findings": [{"rule": "PKT-001", "severity": "error", "message": "m", "file": "f.md", "column": 1, "excerpt": "", "subject": ""}],
    }
    with pytest.raises(jsonschema.ValidationError, match="'line' is a required property"):
        validator("findings").validate(document)
