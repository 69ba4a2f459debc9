"""A site build with ``baseline:``: recorded findings are known debt (logged
at info, counted, listed greyed on the findings page, not failing the
build); a new finding fails it as usual; entries nothing matches any more
are logged and listed so the file can shrink."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_check
from tests.e2e.test_build import LOG_LINE, build, findings_json, repo
from tests.fixtures.breakages import BY_ID, MERGE


def _recorded(tmp_path: Path) -> Path:
    root = repo(tmp_path / "repo", *BY_ID["PKT-001"].edits, *BY_ID["SPEC-003"].edits, extra=["      baseline: debt.json"])
    # The configured baseline does not exist yet: writing it is how it starts.
    assert run_check("--write-baseline", "debt.json", cwd=root).returncode == 0
    return root


def test_known_debt_does_not_fail_the_build_and_is_listed(tmp_path: Path) -> None:
    root = _recorded(tmp_path)
    result = build(root, tmp_path / "site", "--strict", quiet=False)
    assert result.returncode == 0, result.stderr
    assert [m for m in map(LOG_LINE.match, result.stderr.splitlines()) if m] == []
    assert "governance: 0 error(s), 0 warning(s), 0 waived, 2 known debt (baseline debt.json)" in result.stderr
    document = findings_json(tmp_path / "site")
    assert document["summary"]["baselined"] == 2 and document["baseline"] == {"file": "debt.json", "stale": []}
    page = (tmp_path / "site" / "governance" / "findings" / "index.html").read_text(encoding="utf-8")
    assert page.count(">known debt</span>") == 2
    assert "<th>Known debt</th>" in page


def test_a_new_finding_fails_and_a_fixed_one_is_reported_stale(tmp_path: Path) -> None:
    root = _recorded(tmp_path)
    packet = root / MERGE
    packet.write_text(packet.read_text(encoding="utf-8").replace("- TASK_ID: WP-1-Merge-Policies", "- TASK_ID: WP-1-Merge-Policy"), encoding="utf-8")
    for edit in BY_ID["SIG-006"].edits:
        edit.apply(root)
    result = build(root, tmp_path / "site", quiet=False)
    assert result.returncode == 0, result.stderr  # SIG-006 is a warning
    found = [(m["level"], m["rule"]) for m in map(LOG_LINE.match, result.stderr.splitlines()) if m]
    assert found == [("WARNING", "SIG-006")]
    assert "baseline entry no longer found: PKT-001 WP-1-Merge-Policy 'WP-1-Merge-Policies'" in result.stderr
    stale = findings_json(tmp_path / "site")["baseline"]["stale"]
    assert [(entry["rule"], entry["excerpt"]) for entry in stale] == [("PKT-001", "WP-1-Merge-Policies")]
    page = (tmp_path / "site" / "governance" / "findings" / "index.html").read_text(encoding="utf-8")
    assert 'id="stale-baseline"' in page and "WP-1-Merge-Policies" in page
    assert build(root, tmp_path / "site-strict", "--strict").returncode != 0


def test_a_baseline_outside_the_root_is_read_by_the_check_and_the_build(tmp_path: Path) -> None:
    # Reading a baseline is safe from anywhere: only what is published must stay inside root.
    root = repo(tmp_path / "repo", *BY_ID["PKT-001"].edits, extra=["      baseline: ../debt/known.json"])
    outside = tmp_path / "debt" / "known.json"
    outside.parent.mkdir()
    written = run_check("--write-baseline", str(outside), cwd=root)
    assert written.returncode == 0, written.stderr
    checked = run_check(str(root), "--baseline", str(outside), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "1 known debt" in checked.stdout
    result = build(root, tmp_path / "site", quiet=False)
    assert result.returncode == 0, result.stderr
    assert findings_json(tmp_path / "site")["summary"]["baselined"] == 1
