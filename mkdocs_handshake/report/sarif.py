"""SARIF 2.1.0 for code-scanning UIs: every rule with its title, the
protocol clause it enforces as help text and its default level; every
finding with its physical location, the excerpt as snippet and the
baseline fingerprint as ``partialFingerprints``, so a scanning service
tracks a finding across edits the way the baseline does.

Waived findings carry an external suppression with the waiver's
reason. With a baseline in use, ``baselineState`` says which findings are
known debt (``unchanged``) and which are ``new``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from ..findings.baseline import FINGERPRINT_NAME, fingerprint
from ..findings.finding import Finding, Severity
from ..rules import REGISTRY
from .base import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mkdocs-handshake")
    except Exception:  # noqa: BLE001 - a source checkout without metadata
        return "0"


def _rule(rule_id: str) -> dict[str, object]:
    rule = REGISTRY[rule_id]
    doc = rule.doc.strip()
    first = doc.split("\n\n", 1)[0].replace("\n", " ")
    return {
        "id": rule.id,
        "name": rule.id.replace("-", ""),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": first or rule.title},
        "help": {"text": doc or rule.title},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["governance", rule.family]},
    }


def _result(report: Report, finding: Finding, index: dict[str, int], occurrence: int) -> dict[str, object]:
    region: dict[str, object] = {"startLine": max(1, finding.loc.line), "startColumn": max(1, finding.loc.column)}
    if finding.excerpt:
        region["snippet"] = {"text": finding.excerpt}
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": quote(report.path(finding))}, "region": region}}],
        # The occurrence number tells apart findings that share a fingerprint
        # (the same excerpt twice in one packet), as GitHub's own line hashes do.
        "partialFingerprints": {FINGERPRINT_NAME: f"{fingerprint(finding)}:{occurrence}"},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.subject:
        result["properties"] = {"subject": finding.subject}
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver_reason or "waived"}]
    if report.baseline is not None and not finding.waived:
        result["baselineState"] = "unchanged" if finding.baselined else "new"
    return result


def render_sarif(report: Report) -> str:
    rule_ids = sorted(REGISTRY)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    seen: dict[str, int] = {}
    results = []
    for finding in report.findings:
        key = fingerprint(finding)
        seen[key] = seen.get(key, 0) + 1
        results.append(_result(report, finding, index, seen[key]))
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mkdocs-handshake",
                        "version": _version(),
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
