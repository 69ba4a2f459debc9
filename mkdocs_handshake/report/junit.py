"""JUnit XML for CI test reports: one test suite per rule, one test case per
rule and packet (and per other subject a finding names, such as a spec
section or the board). A case fails when it has a finding at or above
``fail_on``; findings below it, waived ones and known debt are written to
the case's ``system-out`` and leave it passing, as they leave the build.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..findings.finding import Finding
from ..rules import REGISTRY
from .base import Report


# Characters XML 1.0 cannot hold at all (a damaged file may contain them).
_NOT_XML = re.compile("[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(report: Report, finding: Finding) -> str:
    state = " (waived)" if finding.waived else " (known debt)" if finding.baselined else ""
    text = f"{report.path(finding)}:{finding.loc.line}:{finding.loc.column}: {finding.severity.value}{state} {finding.message}"
    return _xml(text + (f"\n    {finding.excerpt}" if finding.excerpt else ""))


def render_junit(report: Report) -> str:
    packets = sorted(packet.id for packet in report.model.packets)
    by_case: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        by_case.setdefault((finding.rule, finding.subject or finding.loc.file), []).append(finding)
    root = ET.Element("testsuites", name="mkdocs-handshake")
    total = failed = 0
    for rule_id in sorted(REGISTRY):
        rule = REGISTRY[rule_id]
        subjects = sorted(set(packets) | {subject for (rule, subject) in by_case if rule == rule_id})
        suite = ET.SubElement(root, "testsuite", name=f"{rule_id} {rule.title}")
        suite_failed = 0
        for subject in subjects:
            case = ET.SubElement(suite, "testcase", classname=f"handshake.{rule_id}", name=_xml(subject))
            findings = by_case.get((rule_id, subject), [])
            failing = [finding for finding in findings if report.fails(finding)]
            if failing:
                suite_failed += 1
                failure = ET.SubElement(case, "failure", type=rule_id, message=_xml(f"{len(failing)} finding(s): {failing[0].message}"))
                failure.text = "\n".join(_line(report, finding) for finding in failing)
                case.set("file", _xml(report.path(failing[0])))
                case.set("line", str(failing[0].loc.line))
            others = [finding for finding in findings if finding not in failing]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_line(report, finding) for finding in others)
        suite.set("tests", str(len(subjects)))
        suite.set("failures", str(suite_failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(subjects)
        failed += suite_failed
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
