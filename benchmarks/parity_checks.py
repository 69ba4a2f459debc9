"""One line per check of the repository: whether it was compared with our
rules, and if not why; the repository's verdict, ours on the same subject,
and how far they agree.

A check is one of the repository's validators (see parity_node.discover).
Its class is

* ``compared``: it ran on the copy, and parity.yaml maps a failure it can
  print (its message is in the script's source) to rules of ours;
* ``no counterpart``: it ran, and no rule of ours decides its question
  (parity.yaml maps none of its messages, or explains all its failures as
  outside the governance state);
* ``not runnable here``: its verdict cannot be had on a copy of the
  repository (the script is missing, it needs files kept outside the
  repository, session runtime, the network, or it writes the state it
  would judge), so it is not counted;
* ``not a check``: a recording tool, a library, or a script that needs
  arguments nobody gives it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from parity_node import Outcome, Validator
from parity_probe import Probe, probe

COMPARED = "compared"
NO_COUNTERPART = "no counterpart"
NOT_RUNNABLE = "not runnable here"
NOT_A_CHECK = "not a check"


@dataclass(frozen=True)
class CheckLine:
    name: str
    recipe: str
    kind: str  # one of the four classes
    why: str
    verdict: str  # the repository's
    ours: str  # our rules on the same subject
    agreement: str


def probe_all(copy: Path, home: Path, node: str, validators: list[Validator], packet_ids: list[str], timeout_s: int) -> tuple[list[Validator], dict[str, Probe]]:
    """Each validator that would run, run once under the probe (per-packet
    ones on the first packet); those whose verdict cannot be had here are
    turned into skips that say why."""
    probed: dict[str, Probe] = {}
    result = []
    for validator in validators:
        if validator.mode == "skip":
            result.append(validator)
            continue
        args = [packet_ids[0]] if validator.mode == "packet" and packet_ids else []
        found = probe(copy, home, node, validator.script, args, timeout_s)
        probed[validator.name] = found
        why = found.not_runnable()
        result.append(replace(validator, mode="skip", not_runnable=why, reason=f"not runnable here: {why}") if why else validator)
    return result, probed


def classify(validator: Validator, compared: bool, explained_whole: str) -> tuple[str, str]:
    """(class, why) of one validator, ``compared`` when a mapped check of
    ours applies to what it prints; ``explained_whole``: the allow-list
    reasons that explain its failures ("" when none do)."""
    if validator.not_runnable:
        return NOT_RUNNABLE, validator.not_runnable
    if validator.mode == "skip":
        return NOT_A_CHECK, validator.reason
    if compared:
        return COMPARED, validator.reason
    return NO_COUNTERPART, explained_whole or "no rule of ours decides its question (parity.yaml maps none of its messages)"


_SAYS_FAILURE = re.compile(r"error|fail|violation|missing|drift|stale|mismatch", re.IGNORECASE)
_NOISE = re.compile(r"""^(?:file://|at\s|throw\s|[\^{}\[\],]+$|"\w+":\s*[\[{]?$)""")


def headline(output: str, root: str) -> str:
    """The line of a failing run that says what failed: the first that
    names a failure, else the first that is not a stack frame or JSON
    punctuation; the copy's temporary path is left out."""
    lines = [line.strip().replace(root.rstrip("/") + "/", "") for line in output.splitlines()]
    lines = [line for line in lines if line and not _NOISE.match(line)]
    return next((line for line in lines if _SAYS_FAILURE.search(line)), lines[0] if lines else "")


def verdict(validator: Validator, outcomes: list[Outcome], root: str = "") -> str:
    """What the repository's check said: pass/fail of a repository check
    with the line that says what failed, or how many packets failed."""
    runs = [outcome for outcome in outcomes if outcome.validator == validator.name]
    if not runs:
        return "-"
    failed = [outcome for outcome in runs if outcome.failed]
    if validator.mode == "packet":
        return f"{len(failed)} of {len(runs)} packets fail"
    if not failed:
        return "pass"
    return f"FAIL (exit {failed[0].code}): {headline(failed[0].output, root)[:100]}"


def check_lines(
    validators: list[Validator],
    outcomes: list[Outcome],
    mapped: dict[str, tuple[str, ...]],
    ours_count: dict[str, dict[str, int]],
    agreement: dict[str, str],
    whole: dict[str, str],
    root: str = "",
) -> list[CheckLine]:
    """``mapped``: validator -> the rule ids its mapped checks name (only
    checks this version of the script makes); ``ours_count``:
    validator -> rule id -> subjects the rule reports on those questions; ``agreement``: validator -> the summed
    matrix; ``whole``: validator -> the allow-list reasons that explain its
    failures; ``root``: the copy's path, left out of what is quoted."""
    lines = []
    for validator in validators:
        rules = mapped.get(validator.name, ())
        kind, why = classify(validator, bool(rules) and validator.name in agreement, whole.get(validator.name, ""))
        ours = ", ".join(f"{rule}: {ours_count.get(validator.name, {}).get(rule, 0)}" for rule in rules) or "-"
        lines.append(CheckLine(validator.name, validator.recipe, kind, why, verdict(validator, outcomes, root), ours, agreement.get(validator.name, "-") if kind == COMPARED else "-"))
    return lines


def print_checks(lines: list[CheckLine]) -> None:
    """The per-check table, grouped by class, with the counts per class."""
    by_kind: dict[str, list[CheckLine]] = defaultdict(list)
    for line in lines:
        by_kind[line.kind].append(line)
    print()
    print("checks: " + ", ".join(f"{len(by_kind[kind])} {kind}" for kind in (COMPARED, NO_COUNTERPART, NOT_RUNNABLE, NOT_A_CHECK)))
    for kind in (COMPARED, NO_COUNTERPART, NOT_RUNNABLE):
        if not by_kind[kind]:
            continue
        print()
        print(f"{kind}:")
        for line in by_kind[kind]:
            recipe = f" (just {line.recipe})" if line.recipe else ""
            print(f"  {line.name}{recipe}")
            if kind == NOT_RUNNABLE:
                print(f"      why: {line.why}")
            else:
                print(f"      repository: {line.verdict}")
            if line.ours != "-":
                print(f"      ours on the same subject: {line.ours}")
            if kind == COMPARED:
                print(f"      agreement: {line.agreement}")
            elif kind == NO_COUNTERPART:
                print(f"      why: {line.why}")
