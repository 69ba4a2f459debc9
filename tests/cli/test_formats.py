"""The machine formats are what CI systems read: SARIF must validate against
the SARIF 2.1.0 schema, JUnit must parse as JUnit XML, ``github`` must be
workflow commands, ``json`` must be findings.json."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from mkdocs_handshake.cli import FORMAT_NAMES
from mkdocs_handshake.report import FORMATS
from mkdocs_handshake.rules import REGISTRY
from tests.fixtures.breakages import BY_ID, MERGE
from tests.fixtures.repo import TEMPLATE, Edit, materialise, plugin_options

from .conftest import run_check

SARIF_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# SIG-006 waived, PKT-001 a new error, SPEC-003 recorded in the baseline.
# The packet PKT-001 breaks is signed, so the new error is the REMEDY-001
# finding that lists it (at the lock, line 95), not PKT-001 on its own.
WAIVER = (
    "      waivers:\n"
    "        - rule: SIG-006\n"
    "          target: docs/SIGNATURE_AUDIT.md\n"
    "          reason: the audit row is fixed in the next release\n"
    "          approved: 2026-11-01\n"
)
TEMPLATE_PACKETS = sorted(path.stem for path in (TEMPLATE / "docs" / "task_packets").glob("WP-*.md"))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("formats")
    root = materialise(base / "repo", [*BY_ID["SPEC-003"].edits, *BY_ID["SIG-006"].edits, plugin_options(WAIVER)])
    assert run_check("--write-baseline", "baseline.json", cwd=root).returncode == 0
    BY_ID["PKT-001"].edits[0].apply(root)
    return root


def output(repo: Path, fmt: str, *args: str) -> tuple[int, str]:
    result = run_check("--format", fmt, "--baseline", "baseline.json", *args, cwd=repo)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout


def test_sarif_validates_and_carries_rules_locations_and_fingerprints(repo: Path) -> None:
    code, text = output(repo, "sarif")
    assert code == 1
    document = json.loads(text)
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(REGISTRY)
    pkt = rules[[rule["id"] for rule in rules].index("PKT-001")]
    assert pkt["defaultConfiguration"]["level"] == "error"
    assert pkt["shortDescription"]["text"] == REGISTRY["PKT-001"].title
    assert "Part" in pkt["help"]["text"] or "protocol" in pkt["help"]["text"].lower()  # the clause it enforces
    results = {result["ruleId"]: result for result in run["results"]}
    assert set(results) == {"REMEDY-001", "SIG-006", "SPEC-003"}
    new = results["REMEDY-001"]
    location = new["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"], location["region"]["snippet"]["text"]) == (MERGE, 95, "maria201120260930")
    assert (new["level"], new["baselineState"]) == ("error", "new")
    assert results["SPEC-003"]["baselineState"] == "unchanged"
    assert results["SIG-006"]["suppressions"] == [{"kind": "external", "justification": "the audit row is fixed in the next release"}]
    assert rules[new["ruleIndex"]]["id"] == "REMEDY-001"
    # The fingerprint is the baseline's: stable when the line moves.
    fingerprint = new["partialFingerprints"]["handshakeFingerprint/v1"]
    entries = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["entries"]
    spec_entry = next(entry for entry in entries if entry["rule"] == "SPEC-003")
    assert results["SPEC-003"]["partialFingerprints"]["handshakeFingerprint/v1"] == spec_entry["fingerprint"] + ":1"
    assert re.fullmatch(r"[0-9a-f]{32}:1", fingerprint)


def test_sarif_is_byte_identical_across_runs(repo: Path) -> None:
    assert output(repo, "sarif")[1] == output(repo, "sarif")[1]


def test_junit_has_a_suite_per_rule_and_a_case_per_rule_and_packet(repo: Path) -> None:
    code, text = output(repo, "junit")
    assert code == 1
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name", "").split(" ", 1)[0] for suite in suites] == sorted(REGISTRY)
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == sum(1 for case in cases if case.find("failure") is not None)
        assert set(TEMPLATE_PACKETS) <= {case.get("name") for case in cases}
    failures = [(case.get("classname"), case.get("name")) for case in root.iter("testcase") if case.find("failure") is not None]
    assert failures == [("handshake.REMEDY-001", "WP-1-Merge-Policy")]
    failure = next(case for case in root.iter("testcase") if case.find("failure") is not None).find("failure")
    assert failure is not None and f"{MERGE}:95:28: error" in (failure.text or "")
    assert int(root.get("failures", "-1")) == 1
    # Waived and known-debt findings are reported, but do not fail a case.
    outs = " ".join(out.text or "" for out in root.iter("system-out"))
    assert "(waived)" in outs and "(known debt)" in outs


WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice) ((?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*)::(.*)$")


def test_github_writes_workflow_commands_for_findings_that_count(repo: Path) -> None:
    code, text = output(repo, "github")
    assert code == 1
    lines = text.splitlines()
    commands = [WORKFLOW_COMMAND.match(line) for line in lines[:-1]]
    assert all(commands), lines
    assert lines[-1].startswith("governance: 1 error(s), 0 warning(s), 1 waived, 1 known debt")
    (command,) = commands
    assert command is not None and command[1] == "error"
    properties = dict(item.split("=", 1) for item in command[2].split(","))
    assert properties == {"file": MERGE, "line": "95", "col": "28", "title": "REMEDY-001 WP-1-Merge-Policy"}
    assert "%0Amaria201120260930" in command[3] and "\n" not in command[3]


def test_json_is_findings_json_with_the_baseline_block(repo: Path) -> None:
    code, text = output(repo, "json")
    assert code == 1
    document = json.loads(text)
    assert document["summary"] == {"error": 1, "warning": 0, "waived": 1, "baselined": 1, "by_rule": {"REMEDY-001": 1}}
    assert document["baseline"] == {"file": "baseline.json", "stale": []}
    marks = {f["rule"]: (f.get("waived", False), f.get("baselined", False)) for f in document["findings"]}
    assert marks == {"REMEDY-001": (False, False), "SIG-006": (True, False), "SPEC-003": (False, True)}
    (remedy,) = [f for f in document["findings"] if f["rule"] == "REMEDY-001"]
    assert [(part["rule"], part["line"], part["excerpt"]) for part in remedy["parts"]] == [("PKT-001", 4, "WP-1-Merge-Policies")]


def test_the_command_line_offers_every_report_format() -> None:
    """The parser names the formats without importing them (see cli.FORMAT_NAMES)."""
    assert sorted(FORMAT_NAMES) == sorted(FORMATS)
