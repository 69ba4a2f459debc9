"""Every rule, end to end: a repo broken on purpose makes exactly that rule fire.

Each breakage (tests/fixtures/breakages.py) copies the clean template, applies
its edits, loads the repo with ``load_repo`` and runs every rule, as the
plugin does. Checked per breakage:

* the expected finding is there, at the exact file and line, with the excerpt,
  and the rule fires as often as expected (one problem, one finding);
* no other rule fires except the declared knock-ons (catches false positives);
* the excerpt is text of the cited line, starting at the cited column (the
  findings page and editor jumps rely on it; GOVERNANCE_RULES.md: "every
  finding cites the file, the line, and the exact substring (with its offset
  in the line)").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.repository.source import decode
from tests.fixtures.breakages import BREAKAGES, KNOWN_ISSUES, Breakage
from tests.fixtures.repo import TEMPLATE, check, materialise, unfold

_RESULTS: dict[str, tuple[Path, list[Finding]]] = {}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory):
    """Materialise and check each breakage once for all tests of this module."""

    def run(breakage: Breakage) -> tuple[Path, list[Finding]]:
        if breakage.id not in _RESULTS:
            root = materialise(tmp_path_factory.mktemp(breakage.id) / "repo", breakage.edits)
            findings = check(root, breakage.config)[1]
            # A defect in a signed packet is one part of its REMEDY-001
            # finding; each other rule is judged by the part it reported.
            _RESULTS[breakage.id] = (root, findings if breakage.rule == "REMEDY-001" else unfold(findings))
        return _RESULTS[breakage.id]

    return run


def _cases(check_name: str) -> list:
    params = []
    for breakage in BREAKAGES:
        issue = KNOWN_ISSUES.get((check_name, breakage.id))
        marks = [pytest.mark.xfail(strict=True, reason=issue)] if issue else []
        params.append(pytest.param(breakage, id=breakage.id, marks=marks))
    return params


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.rule} {f.loc.file}:{f.loc.line}:{f.loc.column} excerpt={f.excerpt!r}" for f in findings) or "  (none)"


def _expected_finding(breakage: Breakage, findings: list[Finding]) -> Finding | None:
    want = breakage.expect
    for finding in findings:
        if (finding.rule, finding.loc.file, finding.loc.line) == (want.rule, want.file, want.line) and want.excerpt in finding.excerpt:
            return finding
    return None


def test_clean_template_has_no_findings() -> None:
    _, findings = check(TEMPLATE)
    assert findings == [], "the clean template must be rule-clean:\n" + _show(findings)


def test_every_rule_has_a_breakage() -> None:
    covered = {breakage.rule for breakage in BREAKAGES}
    assert sorted(set(REGISTRY) - covered) == []
    assert sorted(covered - set(REGISTRY)) == []


def test_breakage_ids_are_unique_and_named_after_their_rule() -> None:
    ids = [breakage.id for breakage in BREAKAGES]
    assert len(ids) == len(set(ids))
    for breakage in BREAKAGES:
        assert breakage.id == breakage.rule or breakage.id.startswith(breakage.rule + "-"), breakage.id
    for _check, breakage_id in KNOWN_ISSUES:
        assert breakage_id in ids, f"KNOWN_ISSUES names unknown breakage {breakage_id}"


@pytest.mark.parametrize("breakage", _cases("finding"))
def test_breakage_fires_its_rule_at_the_exact_place(breakage: Breakage, broken) -> None:
    _, findings = broken(breakage)
    want = breakage.expect
    assert _expected_finding(breakage, findings) is not None, (
        f"{breakage.what}: expected {want.rule} at {want.file}:{want.line} with excerpt containing {want.excerpt!r}; got:\n"
        + _show(findings)
    )


@pytest.mark.parametrize("breakage", _cases("count"))
def test_breakage_reports_its_problem_once(breakage: Breakage, broken) -> None:
    _, findings = broken(breakage)
    own = [finding for finding in findings if finding.rule == breakage.rule]
    assert len(own) == breakage.expect.count, f"{breakage.what}: {breakage.rule} fired {len(own)} times:\n" + _show(own)


@pytest.mark.parametrize("breakage", _cases("only"))
def test_breakage_fires_no_other_rule(breakage: Breakage, broken) -> None:
    _, findings = broken(breakage)
    allowed = {breakage.rule} | {knock_on.rule for knock_on in breakage.knock_ons}
    unexpected = [finding for finding in findings if finding.rule not in allowed]
    assert unexpected == [], f"{breakage.what}: rules beyond {sorted(allowed)} fired:\n" + _show(unexpected)
    fired = {finding.rule for finding in findings}
    stale = sorted(knock_on.rule for knock_on in breakage.knock_ons if knock_on.rule not in fired)
    assert stale == [], f"declared knock-ons that no longer fire (remove them from the data): {stale}"


def _cited_lines(root: Path, finding: Finding) -> tuple[str, ...]:
    """The cited line as read (repaired, NFC) and as stored (damage kept).

    PARSE-002 quotes the damaged text as it is in the file; every other rule
    quotes the repaired reading. Columns count characters of the repaired
    line, which for the damage itself is the column in the stored line too."""
    data = (root / finding.loc.file).read_bytes()
    repaired = decode(data, finding.loc.file).line(finding.loc.line)
    stored = data.decode("utf-8", errors="replace").splitlines()
    return (repaired, stored[finding.loc.line - 1] if finding.loc.line <= len(stored) else "")


def _placed_finding(breakage: Breakage, broken) -> tuple[Finding, tuple[str, ...]]:
    root, findings = broken(breakage)
    finding = _expected_finding(breakage, findings)
    if finding is None:
        pytest.skip("expected finding missing (reported by test_breakage_fires_its_rule_at_the_exact_place)")
    assert finding.excerpt, f"{finding.rule} at {finding.loc} has an empty excerpt"
    return finding, _cited_lines(root, finding)


def _located(check_name: str) -> list:
    return [case for case in _cases(check_name) if not case.values[0].excerpt_elsewhere]


@pytest.mark.parametrize("breakage", _located("line"))
def test_expected_excerpt_is_on_the_cited_line(breakage: Breakage, broken) -> None:
    finding, lines = _placed_finding(breakage, broken)
    assert any(finding.excerpt in line for line in lines), (
        f"{finding.loc.file}:{finding.loc.line}: excerpt {finding.excerpt!r} is not on that line: {lines[0]!r}"
    )


@pytest.mark.parametrize("breakage", _located("column"))
def test_expected_excerpt_starts_at_the_cited_column(breakage: Breakage, broken) -> None:
    finding, lines = _placed_finding(breakage, broken)
    column = finding.loc.column - 1
    assert any(line[column:].startswith(finding.excerpt) for line in lines), (
        f"{finding.loc.file}:{finding.loc.line}:{finding.loc.column}: excerpt {finding.excerpt!r} "
        f"does not start there; the line from that column reads {lines[0][column:]!r}"
    )
