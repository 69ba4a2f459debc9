"""DEP-001..005: dependencies, blockers and SLAs."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.rules.dep import SLA_LIMITS, work_days_between
from tests.rules.builders import make_model, make_packet, occurrence


def run(rule_id: str, model, as_of: dt.date = dt.date(2026, 11, 20)) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=as_of)))


def pfile(wp: str) -> str:
    return f"docs/task_packets/{wp}.md"


def compliant():
    base = make_packet("WP-1-Base", status=Status.VALIDATED, status_raw="VALIDATED", blocks=["WP-1-Next"], reports=[("PASS", "2026-11-10")])
    done = make_packet("WP-1-Done", status=Status.DONE, status_raw="Done", blocks=["WP-1-Next"], reports=[("PASS", "2026-11-12")])
    nxt = make_packet("WP-1-Next", depends_on=["WP-1-Base", "WP-1-Done"])
    return [base, done, nxt]


def test_compliant_dependencies_are_silent():
    model = make_model(compliant())
    for rule_id in ("DEP-001", "DEP-002", "DEP-003", "DEP-004", "DEP-005"):
        assert run(rule_id, model) == [], rule_id


def test_dep_001_missing_dependency_at_the_reference():
    packets = [make_packet("WP-1-Next", depends_on=["WP-1-Nowhere"]), make_packet("WP-1-Other", blocks=["WP-1-Gone"])]
    findings = run("DEP-001", make_model(packets))
    assert sorted((f.loc, f.excerpt, f.subject) for f in findings) == [
        (Loc(pfile("WP-1-Next"), 77, 17), "WP-1-Nowhere", "WP-1-Next"),
        (Loc(pfile("WP-1-Other"), 78, 12), "WP-1-Gone", "WP-1-Other"),
    ]


def test_dep_002_reports_each_cycle_once():
    packets = [
        make_packet("WP-1-A", depends_on=["WP-1-B"], blocks=["WP-1-B"]),
        make_packet("WP-1-B", depends_on=["WP-1-A"], blocks=["WP-1-A"]),
        make_packet("WP-1-Self", depends_on=["WP-1-Self"]),
        make_packet("WP-1-Free", depends_on=["WP-1-A"]),
    ]
    findings = run("DEP-002", make_model(packets))
    assert len(findings) == 2
    messages = sorted(f.message for f in findings)
    assert "WP-1-A -> WP-1-B -> WP-1-A" in messages[0]
    assert "WP-1-Self -> WP-1-Self" in messages[1]
    assert all(f.severity is Severity.ERROR for f in findings)


def test_dep_003_dependent_of_unvalidated_blocker_must_be_blocked():
    blocker = make_packet("WP-1-Base", status=Status.IN_PROGRESS, status_raw="In-Progress", blocks=["WP-1-Next", "WP-1-Wait"])
    claimed = make_packet("WP-1-Claimed", status=Status.DONE, status_raw="Done", blocks=["WP-1-Next2"])  # no PASS report
    packets = [
        blocker,
        claimed,
        make_packet("WP-1-Next", depends_on=["WP-1-Base"]),
        make_packet("WP-1-Wait", status=Status.BLOCKED, status_raw="Blocked", depends_on=["WP-1-Base"]),
        make_packet("WP-1-Next2", status=Status.IN_PROGRESS, status_raw="In-Progress", depends_on=["WP-1-Claimed"]),
    ]
    findings = run("DEP-003", make_model(packets))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc(pfile("WP-1-Next"), 10, 3), "ready-for-dev", "WP-1-Next"),
        (Loc(pfile("WP-1-Next2"), 10, 3), "In-Progress", "WP-1-Next2"),
    ]
    assert "WP-1-Base" in findings[0].message and "In-Progress" in findings[0].message
    assert "no verdict" in findings[1].message


def test_dep_004_one_sided_relation():
    packets = [make_packet("WP-1-Base"), make_packet("WP-1-Next", depends_on=["WP-1-Base"]), make_packet("WP-1-Up", blocks=["WP-1-Base"])]
    findings = run("DEP-004", make_model(packets))
    assert sorted((f.loc, f.excerpt, f.subject, f.severity) for f in findings) == [
        (Loc(pfile("WP-1-Next"), 77, 17), "WP-1-Base", "WP-1-Next", Severity.WARNING),
        (Loc(pfile("WP-1-Up"), 78, 12), "WP-1-Base", "WP-1-Up", Severity.WARNING),
    ]


def test_work_days_skip_weekends():
    friday = dt.date(2026, 11, 20)
    assert work_days_between(friday, dt.date(2026, 11, 23)) == 1  # Sat, Sun, Mon
    assert work_days_between(friday, dt.date(2026, 12, 4)) == 10
    assert work_days_between(friday, friday) == 0


def test_dep_005_sla_per_state_with_as_of_in_message():
    packets = [
        make_packet("WP-1-Stuck", status=Status.BLOCKED, status_raw="Blocked", date="2026-11-10"),  # 8 work days
        make_packet("WP-1-Idle", date="2026-11-09"),  # 9 work days: within 10
        make_packet("WP-1-Long", status=Status.IN_PROGRESS, status_raw="In-Progress", date="2026-09-01"),
    ]
    findings = run("DEP-005", make_model(packets))
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [
        (Loc(pfile("WP-1-Stuck"), 10, 3), "Blocked", "WP-1-Stuck"),
        (Loc(pfile("WP-1-Long"), 10, 3), "In-Progress", "WP-1-Long"),
    ]
    assert "8 work days since 2026-11-10" in findings[0].message and "as of 2026-11-20" in findings[0].message


def test_dep_005_uses_latest_date_and_skips_done_or_undated():
    updated = occurrence("WP-1-Stuck", "Last Updated", "2026-11-18", 80)
    packets = [
        make_packet("WP-1-Stuck", status=Status.BLOCKED, status_raw="Blocked", date="2026-10-01", fields={"Last Updated": (updated,)}),
        make_packet("WP-1-Old", status=Status.DONE, status_raw="Done", date="2025-01-01"),
        make_packet("WP-1-Nodate", date=""),
    ]
    no_date_field = {**packets[2].fields}
    no_date_field.pop("DATE")
    packets[2] = packets[2].__class__(**{**packets[2].__dict__, "fields": no_date_field})
    assert run("DEP-005", make_model(packets)) == []


def _work_days_before(end: dt.date, count: int) -> dt.date:
    """The day from which ``end`` is ``count`` work days on."""
    start = end
    while work_days_between(start, end) < count:
        start -= dt.timedelta(days=1)
    return start


@pytest.mark.parametrize("status", list(SLA_LIMITS))
@pytest.mark.parametrize("as_of", [dt.date(2026, 11, 20), dt.date(2026, 11, 23), dt.date(2027, 1, 4)], ids=["friday", "monday", "after-new-year"])
def test_dep_005_reports_a_packet_one_work_day_past_its_sla_and_not_on_its_last_day(status: Status, as_of: dt.date) -> None:
    limit = SLA_LIMITS[status][0]
    on_time = make_packet("WP-1-Last-Day", status=status, status_raw=status.value, date=_work_days_before(as_of, limit).isoformat())
    late = make_packet("WP-1-Day-After", status=status, status_raw=status.value, date=_work_days_before(as_of, limit + 1).isoformat())
    findings = run("DEP-005", make_model([on_time, late]), as_of=as_of)
    assert [f.subject for f in findings] == ["WP-1-Day-After"]
    assert f"for {limit + 1} work days" in findings[0].message and f"the SLA is {limit}" in findings[0].message


def _revisions(later_lifecycle, later_status: Status, later_raw: str, later_reports):
    from dataclasses import replace

    from mkdocs_handshake.model.basics import Lifecycle

    old = replace(make_packet("WP-1-Runtime-v2", status_raw="In Progress", status=Status.IN_PROGRESS, reports=[("FAIL", "2026-11-01")]), lifecycle=Lifecycle.SUPERSEDED)
    new = replace(make_packet("WP-1-Runtime-v3", status=later_status, status_raw=later_raw, reports=later_reports), lifecycle=later_lifecycle)
    waiting = make_packet("WP-1-Observability", depends_on=["WP-1-Runtime-v2"])
    return make_model([old, new, waiting])


def test_dep_003_a_superseded_blocker_whose_revision_the_board_validated_is_no_blocker():
    """The packet waits on -v2; -v3 replaced it and stands under Done
    [VALIDATED] with a PASS, though its STATUS line still says In Progress."""
    from mkdocs_handshake.model.basics import Lifecycle

    model = _revisions(Lifecycle.CLOSED, Status.IN_PROGRESS, "In Progress", [("PASS", "2026-11-15")])
    assert run("DEP-003", model) == []


def test_dep_003_an_open_live_revision_still_blocks_and_is_named():
    from mkdocs_handshake.model.basics import Lifecycle

    model = _revisions(Lifecycle.ACTIVE, Status.IN_PROGRESS, "In Progress", [])
    (finding,) = run("DEP-003", model)
    assert "blocker WP-1-Runtime-v2 (live revision WP-1-Runtime-v3) is not VALIDATED" in finding.message
    assert finding.message.endswith("until WP-1-Runtime-v3 validates")


def _family(*, dependent_names: str, live_blocks: tuple[str, ...] = ()):
    """WP-1-Runtime-v2 is superseded by -v3, which is worked on now;
    WP-1-Observability names the runtime as ``dependent_names``."""
    from dataclasses import replace

    from mkdocs_handshake.model.basics import Lifecycle

    old = replace(make_packet("WP-1-Runtime-v2", status=Status.IN_PROGRESS, status_raw="In Progress"), lifecycle=Lifecycle.SUPERSEDED)
    new = make_packet("WP-1-Runtime-v3", status=Status.IN_PROGRESS, status_raw="In Progress", depends_on=["WP-1-Runtime-v2"], blocks=live_blocks)
    waiting = make_packet("WP-1-Observability", status=Status.BLOCKED, status_raw="Blocked", depends_on=[dependent_names])
    return make_model([old, new, waiting])


def test_dep_001_a_bare_base_id_names_the_family_and_is_not_missing():
    model = _family(dependent_names="WP-1-Runtime")
    assert run("DEP-001", model) == []
    assert ("WP-1-Runtime-v3", "WP-1-Observability") in RuleContext(model, as_of=dt.date(2026, 11, 20)).graph.edges


def test_dep_004_a_dependent_naming_the_superseded_revision_agrees_with_the_live_one_that_blocks_it():
    assert run("DEP-004", _family(dependent_names="WP-1-Runtime-v2", live_blocks=("WP-1-Observability",))) == []


def test_dep_004_a_one_sided_relation_names_the_revision_it_was_read_as():
    (finding,) = run("DEP-004", _family(dependent_names="WP-1-Runtime-v2"))
    assert finding.message.startswith("WP-1-Observability depends on WP-1-Runtime-v2 (live revision WP-1-Runtime-v3), but WP-1-Runtime-v3 does not list")
    assert finding.excerpt == "WP-1-Runtime-v2"


def test_a_revision_naming_the_one_it_replaces_is_lineage_not_a_cycle_or_a_dependency():
    model = _family(dependent_names="WP-1-Runtime-v2", live_blocks=("WP-1-Observability",))
    for rule_id in ("DEP-001", "DEP-002", "DEP-003", "DEP-004"):
        assert [f for f in run(rule_id, model) if f.subject == "WP-1-Runtime-v3"] == [], rule_id
    graph = RuleContext(model, as_of=dt.date(2026, 11, 20)).graph
    assert not graph.has_edge("WP-1-Runtime-v3", "WP-1-Runtime-v3")
    assert not any("WP-1-Runtime-v2" in edge for edge in graph.edges)


def test_what_a_superseded_packet_says_stays_history_and_moves_no_live_work():
    """-v2 of the runtime, superseded, still says it blocks the base
    WP-1-Exporter; that is not read as a blocker of the Exporter's live -v2."""
    from dataclasses import replace

    from mkdocs_handshake.model.basics import Lifecycle

    old_runtime = replace(make_packet("WP-1-Runtime-v2", blocks=["WP-1-Exporter"]), lifecycle=Lifecycle.SUPERSEDED)
    live_runtime = make_packet("WP-1-Runtime-v3", status=Status.VALIDATED, status_raw="VALIDATED", reports=[("PASS", "2026-11-15")])
    old_exporter = replace(make_packet("WP-1-Exporter"), lifecycle=Lifecycle.SUPERSEDED)
    live_exporter = make_packet("WP-1-Exporter-v2", status=Status.IN_PROGRESS, status_raw="In Progress")
    graph = RuleContext(make_model([old_runtime, live_runtime, old_exporter, live_exporter]), as_of=dt.date(2026, 11, 20)).graph
    assert graph.has_edge("WP-1-Runtime-v2", "WP-1-Exporter")
    assert list(graph.predecessors("WP-1-Exporter-v2")) == []
