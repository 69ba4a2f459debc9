"""The findings.json document the plugin writes into the site, byte for byte."""

from __future__ import annotations

from .export import dumps, findings_document
from .base import Report


def render_json(report: Report) -> str:
    return dumps(findings_document(report.model, report.findings, report.as_of, report.plan, baseline=report.baseline, stale=report.stale))
