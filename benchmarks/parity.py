"""Do our rules make every check the repository's own validators make?

Runs each Node validator of the corpus (see parity_node.py for how they
are found and called from its justfile, in either layout) on every packet
of a throw-away copy of the corpus, runs our rules on the same copy, and
prints, per validator and per check, an agreement matrix over packets:

    both fail   Node fails the packet on this check and a mapped rule of
                ours reports it
    Node only   Node fails it, ours do not (by default); split into
                covered (our rules report it when judging history too),
                explained (an entry of the allow-list in parity.yaml says
                why: the script's mistake, our policy, or a fact no
                governance snapshot holds) and unexplained
    ours only   a mapped rule of ours reports the packet, Node passes it
    both pass

Before that, each validator is run once under a probe (parity_probe.py):
one whose verdict cannot be had on a copy (it needs files the repository
keeps outside itself, session runtime, the network, or writes the state it
judges) is reported as not runnable here and not counted. After the
matrices, one line per check gives its class (compared, no counterpart,
not runnable here, not a check; parity_checks.py), the repository's
verdict and what our mapped rules say on the same subject.

Checks and the allow-list are data (parity.yaml). The run exits 1 when a
Node-only case is neither covered nor explained, or when a validator
prints a failure that no check recognises: a new snapshot whose validators
learned something new fails until a person maps or explains it.

Usage: python benchmarks/parity.py CORPUS [--map parity.yaml] [--details] [--as-of DATE] [--timeout S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parity_checks import CheckLine, check_lines, print_checks, probe_all  # noqa: E402
from parity_node import NodeUnavailable, Outcome, Validator, discover, node_binary, run_all, throwaway_copy  # noqa: E402

from mkdocs_handshake.rules.engine import EngineConfig, run_rules  # noqa: E402
from mkdocs_handshake.findings.finding import Finding  # noqa: E402
from mkdocs_handshake.repository.layout import Layout  # noqa: E402
from mkdocs_handshake.load.assemble import load_repo  # noqa: E402
from mkdocs_handshake.model.governance import GovernanceModel  # noqa: E402
from mkdocs_handshake.rules import REGISTRY  # noqa: E402

DEFAULT_MAP = Path(__file__).with_name("parity.yaml")
REPOSITORY = "(repository)"
UNRECOGNISED = "(unrecognised)"
_WP = re.compile(r"WP-[A-Za-z0-9][\w.-]*[A-Za-z0-9]")
_LOCATION = re.compile(r"^\s*(?:-\s*)?\S+\.md(?::\d+)?:\s*")  # "docs/TASK_BOARD.md:57: " before a message


@dataclass(frozen=True)
class Check:
    validator: str
    id: str
    pattern: re.Pattern[str]
    rules: tuple[str, ...]
    # rule id -> a pattern its finding's message must match to be about
    # this check (a rule such as PKT-004 judges many fields; Node's
    # "RISK_TIER missing" is only its findings that name RISK_TIER)
    about: tuple[tuple[str, re.Pattern[str] | None], ...] = ()


def _rule_entry(text: str) -> tuple[str, re.Pattern[str] | None]:
    """``"PKT-004"`` or ``"PKT-004 ~ RISK_TIER"`` (rule, message pattern)."""
    rule_id, _, pattern = (part.strip() for part in text.partition("~"))
    return rule_id, re.compile(pattern) if pattern else None


@dataclass(frozen=True)
class Allow:
    validator: str
    check: str
    reason: str
    lifecycle: tuple[str, ...] = ()
    text: re.Pattern[str] | None = None
    text_absent: re.Pattern[str] | None = None
    # only for a packet whose id is part of another packet's file name that
    # Node lists first (scripts that take "the first file whose name
    # contains the id" read that other packet)
    shadowed: bool = False


@dataclass
class Cell:
    both_fail: int = 0
    node_only: int = 0
    ours_only: int = 0
    both_pass: int = 0
    covered: int = 0
    explained: int = 0
    unexplained: list[str] = field(default_factory=list)
    ours_only_active: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)


def load_map(path: Path) -> tuple[list[Check], list[Allow]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    checks = []
    for entry in data.get("checks") or ():
        about = tuple(_rule_entry(str(item)) for item in entry.get("rules") or ())
        checks.append(Check(entry["validator"], entry["id"], re.compile(entry["match"]), tuple(rule for rule, _ in about), about))
    unknown = sorted({rule for check in checks for rule in check.rules} - set(REGISTRY))
    if unknown:
        raise SystemExit(f"{path}: unknown rule id(s) {', '.join(unknown)}")
    allows = [
        Allow(
            entry["validator"],
            entry["check"],
            entry["reason"],
            tuple(entry.get("lifecycle") or ()),
            re.compile(entry["text"], re.MULTILINE) if entry.get("text") else None,
            re.compile(entry["text_absent"], re.MULTILINE) if entry.get("text_absent") else None,
            bool(entry.get("shadowed", False)),
        )
        for entry in data.get("allow") or ()
    ]
    return checks, allows


def error_lines(output: str) -> list[str]:
    """The lines of a failing run that state failures: the "Errors:" block
    when the script prints one (its warnings are not failures), else every
    line but those marked as warnings."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == "Errors:":
            block = []
            for later in lines[index + 1 :]:
                if later.strip() in ("Warnings:",) or later.startswith("Fix these"):
                    break
                block.append(later)
            return [line for line in block if line.strip()]
    return [line for line in lines if line.strip() and not re.match(r"\s*(WARN|warning)", line, re.IGNORECASE)]


def node_failures(outcomes: list[Outcome], checks: list[Check]) -> dict[tuple[str, str], set[str]]:
    """(validator, check id) -> the subjects (WP ids, or REPOSITORY) Node fails."""
    by_validator: dict[str, list[Check]] = defaultdict(list)
    for check in checks:
        by_validator[check.validator].append(check)
    failed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for outcome in outcomes:
        if not outcome.failed:
            continue
        matched = False
        for line in error_lines(outcome.output):
            for check in by_validator.get(outcome.validator, ()):
                if check.pattern.search(line):
                    matched = True
                    if outcome.subject:
                        subject = outcome.subject
                    else:
                        found = _WP.search(_LOCATION.sub("", line))
                        subject = found.group(0) if found else REPOSITORY
                    failed[(outcome.validator, check.id)].add(subject)
        if not matched:
            failed[(outcome.validator, UNRECOGNISED)].add(outcome.subject or REPOSITORY)
    return failed


Ours = dict[str, list[tuple[str, str]]]  # rule id -> [(subject, message)]


def ours_by_rule(findings: list[Finding], model: GovernanceModel) -> Ours:
    """rule id -> (subject, message) of each finding: the subject is the
    WP a finding names, or the packet whose file it points into; a finding
    about neither is about the repository. The defects a REMEDY-001
    finding lists for a locked packet count as reported, each under its own
    rule: the tool states them, under the remedy the protocol prescribes;
    and so does a second rule's finding folded into a first's details."""
    by_file = {packet.file: packet.id for packet in model.packets}
    ids = {packet.id for packet in model.packets}
    found: Ours = defaultdict(list)
    for finding in (part for whole in findings for part in (whole.parts or (whole,))):
        for detail in finding.details:
            folded = re.match(r"also ([A-Z]+-\d{3}) \(", detail)
            if folded:
                found[folded.group(1)].append((finding.subject or REPOSITORY, detail))
        subject = finding.subject if finding.subject in ids or _WP.fullmatch(finding.subject or "") else by_file.get(finding.loc.file, "")
        found[finding.rule].append((subject or REPOSITORY, finding.message))
    return found


def subjects_for(check_about: tuple[tuple[str, re.Pattern[str] | None], ...], ours: Ours, per_packet: bool) -> set[str]:
    """The subjects our mapped rules report on this check's question; for
    a repository validator, any such finding also fails the repository."""
    subjects: set[str] = set()
    for rule_id, pattern in check_about:
        for subject, message in ours.get(rule_id, ()):
            if pattern is None or pattern.search(message):
                subjects.add(subject)
                if not per_packet:
                    subjects.add(REPOSITORY)
    return subjects


def explain(allows: list[Allow], validator: str, check: str, lifecycle: str, text: str, shadowed: bool = False) -> Allow | None:
    for allow in allows:
        if allow.validator not in ("*", validator) or allow.check not in ("*", check):
            continue
        if allow.shadowed and not shadowed:
            continue
        if allow.lifecycle and lifecycle not in allow.lifecycle:
            continue
        if allow.text is not None and not allow.text.search(text):
            continue
        if allow.text_absent is not None and allow.text_absent.search(text):
            continue
        return allow
    return None


def compare(
    validators: list[Validator],
    outcomes: list[Outcome],
    checks: list[Check],
    allows: list[Allow],
    model: GovernanceModel,
    default: Ours,
    history: Ours,
    root: Path,
) -> dict[tuple[str, str], Cell]:
    failures = node_failures(outcomes, checks)
    lifecycles = {packet.id: packet.lifecycle.value for packet in model.packets}
    files = {packet.id: packet.file for packet in model.packets}
    texts: dict[str, str] = {}

    def text_of(subject: str) -> str:
        if subject not in texts:
            path = root / files[subject] if subject in files else None
            texts[subject] = path.read_text(encoding="utf-8", errors="replace") if path and path.is_file() else ""
        return texts[subject]

    ran = {outcome.validator for outcome in outcomes}
    packet_ids = sorted(lifecycles)
    # Node lists a folder in byte order (libuv sorts it): a script taking
    # the first name that contains the id reads WP-1-X-v2.md for WP-1-X
    names = sorted(Path(path).name.encode("utf-8") for path in files.values())
    # (a folder packet's file names do not hold its id: never shadowed)
    shadowed = {wp for wp in packet_ids if next((name for name in names if wp.encode("utf-8") in name), f"{wp}.md".encode("utf-8")) != f"{wp}.md".encode("utf-8")}
    cells: dict[tuple[str, str], Cell] = {}
    per_packet = {validator.name for validator in validators if validator.mode == "packet"}
    known = [(check.validator, check.id, check.about) for check in checks if check.validator in ran]
    known += [(validator, check, ()) for validator, check in failures if check == UNRECOGNISED]
    for validator, check_id, about in known:
        node = failures.get((validator, check_id), set())
        universe = set(packet_ids) | ({REPOSITORY} if validator not in per_packet else set())
        universe |= node
        ours = subjects_for(about, default, validator in per_packet)
        ours_history = subjects_for(about, history, validator in per_packet)
        cell = Cell()
        for subject in sorted(universe):
            node_fails, ours_fails = subject in node, subject in ours
            if node_fails and ours_fails:
                cell.both_fail += 1
            elif node_fails:
                cell.node_only += 1
                if subject in ours_history:
                    cell.covered += 1
                    continue
                allow = explain(allows, validator, check_id, lifecycles.get(subject, "repository"), text_of(subject), subject in shadowed)
                if allow is None:
                    cell.unexplained.append(subject)
                else:
                    cell.explained += 1
                    cell.reasons[allow.reason] = cell.reasons.get(allow.reason, 0) + 1
            elif ours_fails and (subject in packet_ids or subject == REPOSITORY):
                cell.ours_only += 1
                if lifecycles.get(subject) == "active":
                    cell.ours_only_active.append(subject)
            elif subject in packet_ids or subject == REPOSITORY:
                cell.both_pass += 1
        cells[(validator, check_id)] = cell
    return cells


_IMPORT = re.compile(r"""from\s+['"](\./[\w./-]+\.mjs)['"]""")


def source_text(corpus: Path, validator: Validator) -> str:
    """A validator's source with the sibling modules it imports: where its
    failure messages are written."""
    script = corpus / validator.script
    text = script.read_text(encoding="utf-8", errors="replace")
    for module in _IMPORT.findall(text):
        imported = (script.parent / module).resolve()
        if imported.is_file():
            text += "\n" + imported.read_text(encoding="utf-8", errors="replace")
    return text


def makes(check: Check, source: str) -> bool:
    """Whether this snapshot's validator makes the check at all: its
    message pattern is found in the script's source (the parity map also
    holds checks of other versions of the script)."""
    return bool(check.pattern.search(source))


def print_report(corpus: Path, validators: list[Validator], outcomes: list[Outcome], checks: list[Check], cells: dict[tuple[str, str], Cell], details: bool) -> None:
    rules_of = {(check.validator, check.id): check.rules for check in checks}
    by_key = {(check.validator, check.id): check for check in checks}
    sources = {validator.name: source_text(corpus, validator) for validator in validators if validator.mode != "skip"}
    runs: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        runs[outcome.validator].append(outcome)
    print(f"parity with the repository's own validators: {corpus.name}")
    header = f"  {'check':<24} {'our rules':<26} {'both fail':>9} {'Node only':>9} {'ours only':>9} {'both pass':>9} | {'covered':>7} {'explained':>9} {'unexplained':>11}"
    for validator in validators:
        if validator.mode == "skip":
            continue
        done = runs.get(validator.name, [])
        failed = sum(1 for outcome in done if outcome.failed)
        print()
        print(f"{validator.name} ({'per packet' if validator.mode == 'packet' else 'repository'}, {len(done)} run{'s' if len(done) != 1 else ''}, {failed} failed)")
        print(header)
        for (name, check_id), cell in cells.items():
            if name != validator.name:
                continue
            check = by_key.get((name, check_id))
            if check is not None and not (cell.both_fail or cell.node_only) and not makes(check, sources[name]):
                continue  # this version of the script does not make the check
            rules = ", ".join(rules_of.get((name, check_id), ())) or "-"
            print(
                f"  {check_id:<24} {rules:<26} {cell.both_fail:>9} {cell.node_only:>9} {cell.ours_only:>9} {cell.both_pass:>9} | "
                f"{cell.covered:>7} {cell.explained:>9} {len(cell.unexplained):>11}"
            )
            if details:
                for reason, count in sorted(cell.reasons.items(), key=lambda item: -item[1]):
                    print(f"      explained {count:>3}: {reason[:150]}")
            for subject in cell.unexplained:
                print(f"      UNEXPLAINED Node only: {subject}")
            for subject in cell.ours_only_active:
                print(f"      ours only, active packet: {subject}")
    skipped = [validator for validator in validators if validator.mode == "skip"]
    if skipped:
        print()
        print("not run:")
        for validator in skipped:
            print(f"  {validator.name}: {validator.reason}")


def summarise(
    corpus: Path, validators: list[Validator], outcomes: list[Outcome], checks: list[Check], allows: list[Allow], cells: dict[tuple[str, str], Cell], default: Ours, root: Path | None = None
) -> list[CheckLine]:
    """The per-check lines: which of our rules each validator's mapped
    checks name (only checks this version of the script makes), how many
    subjects each rule reports, and the matrix summed over its checks."""
    mapped: dict[str, tuple[str, ...]] = {}
    ours_count: dict[str, dict[str, int]] = {}
    for validator in validators:
        path = corpus / validator.script
        source = source_text(corpus, validator) if path.is_file() else ""
        # a script the repository lacks: every check parity.yaml knows it by
        made = [check for check in checks if check.validator == validator.name and (makes(check, source) or not path.is_file())]
        mapped[validator.name] = tuple(dict.fromkeys(rule for check in made for rule in check.rules))
        # the subjects each rule reports on these checks' questions (a rule
        # such as PKT-003 also reports other sections: those are not counted)
        subjects: dict[str, set[str]] = defaultdict(set)
        for check in made:
            for rule, pattern in check.about:
                subjects[rule] |= {subject for subject, message in default.get(rule, ()) if pattern is None or pattern.search(message)}
        ours_count[validator.name] = {rule: len(found) for rule, found in subjects.items()}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (name, _), cell in cells.items():
        for index, value in enumerate((cell.both_fail, cell.node_only, cell.ours_only, cell.both_pass, len(cell.unexplained))):
            sums[name][index] += value
    agreement = {name: "{} both fail, {} Node only, {} ours only, {} both pass ({} unexplained)".format(*total) for name, total in sums.items()}
    # why a check with no counterpart is not compared: the allow-list entry
    # for all of it, else the reasons that explained its failures
    whole = {allow.validator: allow.reason for allow in allows if allow.check == "*" and allow.validator != "*" and not (allow.lifecycle or allow.text or allow.text_absent or allow.shadowed)}
    for (name, _), cell in cells.items():
        if name not in whole and cell.reasons:
            whole[name] = "; ".join(sorted(cell.reasons))
    return check_lines(validators, outcomes, mapped, ours_count, agreement, whole, str(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP)
    parser.add_argument("--details", action="store_true", help="print the allow-list reasons used, with counts")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="the date our rules judge the snapshot by (default: today)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds one run of one validator may take")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / "justfile").is_file():
        print(f"parity: {args.corpus} has no justfile: nothing says how its checks are run", file=sys.stderr)
        return 2
    try:
        node_binary()
    except NodeUnavailable as error:
        print(f"parity: {error}", file=sys.stderr)
        return 2
    checks, allows = load_map(args.map)
    validators = discover(corpus)
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        # the copy sits in a folder of its own, beside an empty HOME: what a
        # script reaches for beyond the repository is a path outside the copy
        (Path(tmp) / "outside").mkdir()
        home = Path(tmp) / "home"
        home.mkdir()
        copy = throwaway_copy(corpus, Path(tmp) / "outside")
        model = load_repo(Layout(copy))
        as_of = args.as_of or dt.date.today()
        default = ours_by_rule(run_rules(model, EngineConfig(as_of=as_of)), model)
        history = ours_by_rule(run_rules(model, EngineConfig(as_of=as_of, history=True)), model)
        packet_ids = sorted(packet.id for packet in model.packets)
        validators, _ = probe_all(copy, home, node_binary(), validators, packet_ids, args.timeout)
        outcomes = run_all(copy, validators, [packet.id for packet in model.packets], timeout_s=args.timeout, home=home)
        cells = compare(validators, outcomes, checks, allows, model, default, history, copy)
    print_report(corpus, validators, outcomes, checks, cells, args.details)
    print_checks(summarise(corpus, validators, outcomes, checks, allows, cells, default, copy))
    unexplained = sum(len(cell.unexplained) for cell in cells.values())
    print()
    print(f"Node-only cases neither covered nor explained: {unexplained}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
