"""The baseline: findings recorded as known debt, so a repo that starts with
hundreds of findings can turn the checks on and fail only on new ones.

An entry is keyed by a fingerprint of the rule, the subject (the WP id or
section; the file when there is none) and the excerpt with its whitespace
normalised - never a line number, so inserting or moving lines elsewhere
does not turn old debt into new findings. One fingerprint can stand for
several findings (a packet whose eleven uncovered requirements all point at
its DONE_MEANS heading), so an entry counts its occurrences and keeps their
messages, with line references taken out: when a packet gains a twelfth,
the message says which one is new, and when one is fixed, which entry is
stale. The messages only guide that choice; a reworded message after an
upgrade still matches by fingerprint and count.

Waived findings are never recorded: a waiver is an approved, dated
exception; the baseline is debt to pay off.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from .finding import Finding

BASELINE_VERSION = 1
#: Used by SARIF's partialFingerprints too, with this version suffix.
FINGERPRINT_NAME = "handshakeFingerprint/v1"

_SPACE = re.compile(r"\s+")
# "Handshake_Master_Spec_v02.93.md:2619" -> "Handshake_Master_Spec_v02.93.md":
# a message may cite a line of another file, which moves with unrelated edits.
_FILE_LINE = re.compile(r"(\.[A-Za-z0-9]+):\d+(?::\d+)?")


class BaselineError(ValueError):
    """A baseline file that cannot be used; the text is one line."""


def normalise(text: str) -> str:
    """NFC and single spaces: re-wrapping or re-indenting a line does not
    make its finding new."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def message_key(message: str) -> str:
    return normalise(_FILE_LINE.sub(r"\1", message))


def fingerprint(finding: Finding) -> str:
    """The identity of a finding across edits: rule, subject (or file when it
    has none) and normalised excerpt; no line, column or message."""
    key = "\0".join((finding.rule, finding.subject or finding.loc.file, normalise(finding.excerpt)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    subject: str
    #: Informative: where the first occurrence was when the entry was written.
    file: str
    excerpt: str
    #: One message key per occurrence (so ``count == len(messages)``).
    messages: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.messages)

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "subject": self.subject,
            "file": self.file,
            "excerpt": self.excerpt,
            "count": self.count,
            "messages": list(self.messages),
        }


@dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...] = ()

    @property
    def count(self) -> int:
        return sum(entry.count for entry in self.entries)

    def by_fingerprint(self) -> dict[str, Entry]:
        return {entry.fingerprint: entry for entry in self.entries}


@dataclass(frozen=True)
class Stale:
    """A baseline entry (or some of its occurrences) no finding matches any
    more: the debt was paid, and the entry should leave the file."""

    entry: Entry
    #: Message keys of the occurrences that were not found.
    messages: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.messages)

    def describe(self) -> str:
        what = f"{self.entry.rule} {self.entry.subject or self.entry.file}"
        excerpt = f" {self.entry.excerpt!r}" if self.entry.excerpt else ""
        times = f" ({self.count} of {self.entry.count} occurrences)" if self.entry.count > 1 else ""
        return f"{what}{excerpt}{times}: {self.messages[0] or 'no longer found'}"

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.entry.fingerprint,
            "rule": self.entry.rule,
            "subject": self.entry.subject,
            "file": self.entry.file,
            "excerpt": self.entry.excerpt,
            "count": self.count,
            "messages": list(self.messages),
        }


def units(findings: Iterable[Finding]) -> list[tuple[int, Finding]]:
    """``(index of the finding, unit)``: what a baseline records. A finding
    that folds others (REMEDY-001: a locked packet's defects) is recorded
    as those defects, each by its own rule's fingerprint, so that folding
    does not change what a baseline holds, and a new defect in a locked
    packet is new debt, not hidden behind the packet's one finding."""
    found: list[tuple[int, Finding]] = []
    for index, finding in enumerate(findings):
        if finding.parts:
            found.extend((index, replace(part, waived=part.waived or finding.waived)) for part in finding.parts)
        else:
            found.append((index, finding))
    return found


def from_findings(findings: Iterable[Finding]) -> Baseline:
    """The baseline that records every finding that is not waived."""
    groups: dict[str, list[Finding]] = {}
    for finding in sorted((unit for _, unit in units(findings)), key=Finding.sort_key):
        if not finding.waived:
            groups.setdefault(fingerprint(finding), []).append(finding)
    entries = [
        Entry(key, group[0].rule, group[0].subject, group[0].loc.file, normalise(group[0].excerpt), tuple(sorted(message_key(f.message) for f in group)))
        for key, group in groups.items()
    ]
    entries.sort(key=lambda entry: (entry.file, entry.rule, entry.subject, entry.excerpt, entry.fingerprint))
    return Baseline(tuple(entries))


def match(findings: Sequence[Finding], baseline: Baseline) -> tuple[frozenset[int], tuple[Stale, ...]]:
    """Which findings (by index) the baseline covers, and what it holds that
    nothing matched. A finding that folds others is covered when all of
    them are (see :func:`units`)."""
    flat = units(findings)
    covered_units, stale = _match_units([unit for _, unit in flat], baseline)
    owners: dict[int, bool] = {}
    for position, (owner, _) in enumerate(flat):
        owners[owner] = owners.get(owner, True) and position in covered_units
    return frozenset(owner for owner, covered in owners.items() if covered), stale


def _match_units(findings: Sequence[Finding], baseline: Baseline) -> tuple[frozenset[int], tuple[Stale, ...]]:
    """Which units (by index) the baseline covers, and what it holds that
    nothing matched. Occurrences whose message is recorded are matched
    first; the rest of an entry's count goes to the remaining findings of
    the fingerprint in file order."""
    groups: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        if not finding.waived:
            groups.setdefault(fingerprint(finding), []).append(index)
    covered: set[int] = set()
    stale: list[Stale] = []
    for entry in baseline.entries:
        candidates = groups.get(entry.fingerprint, [])
        remaining = Counter(entry.messages)
        chosen: list[int] = []
        for index in candidates:
            key = message_key(findings[index].message)
            if remaining[key] > 0:
                remaining[key] -= 1
                chosen.append(index)
        left = sorted(remaining.elements())
        for index in candidates:
            if not left:
                break
            if index not in chosen:
                chosen.append(index)
                left.pop(0)
        covered.update(chosen)
        if left:
            stale.append(Stale(entry, tuple(left)))
    return frozenset(covered), tuple(stale)


def apply(findings: Sequence[Finding], baseline: Baseline) -> list[Finding]:
    """The findings with those the baseline covers marked ``baselined``."""
    flat = units(findings)
    covered_units, _stale = _match_units([unit for _, unit in flat], baseline)
    parts: dict[int, list[Finding]] = {}
    whole: dict[int, bool] = {}
    for position, (owner, unit) in enumerate(flat):
        hit = position in covered_units
        whole[owner] = whole.get(owner, True) and hit
        parts.setdefault(owner, []).append(replace(unit, baselined=True) if hit else unit)
    marked = []
    for index, finding in enumerate(findings):
        if finding.parts:
            finding = replace(finding, parts=tuple(replace(part, waived=original.waived) for part, original in zip(parts[index], finding.parts)))
        marked.append(replace(finding, baselined=True) if whole.get(index) else finding)
    return marked


def stale_entries(findings: Sequence[Finding], baseline: Baseline) -> tuple[Stale, ...]:
    return match(findings, baseline)[1]


def new_findings(findings: Sequence[Finding], baseline: Baseline | None) -> list[Finding]:
    """Findings that writing a baseline now would add to ``baseline``."""
    if baseline is None:
        return [finding for finding in findings if not finding.waived]
    covered, _stale = match(findings, baseline)
    return [finding for index, finding in enumerate(findings) if index not in covered and not finding.waived]


def dumps(baseline: Baseline) -> str:
    document = {
        "version": BASELINE_VERSION,
        "generator": "mkdocs-handshake",
        "entries": [entry.to_json() for entry in baseline.entries],
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path} cannot be read: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path} is not JSON: {error}") from None
    return parse_baseline(document, str(path))


def parse_baseline(document: object, label: str) -> Baseline:
    """A baseline document -> :class:`Baseline`; a hand-edited file may
    leave out ``messages`` (then ``count`` says how many)."""
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION or not isinstance(document.get("entries"), list):
        raise BaselineError(f"{label} is not a version {BASELINE_VERSION} baseline (an object with 'version': 1 and a list of 'entries')")
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, item in enumerate(document["entries"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str) or not isinstance(item.get("rule"), str):
            raise BaselineError(f"{label}: entry {number} needs a 'fingerprint' and a 'rule'")
        messages = item.get("messages", [])
        count = item.get("count", len(messages) or 1)
        if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages) or not isinstance(count, int) or count < 1:
            raise BaselineError(f"{label}: entry {number}: 'messages' must be a list of text and 'count' a positive number")
        messages = [message_key(m) for m in messages[:count]] + [""] * max(0, count - len(messages))
        if item["fingerprint"] in seen:
            raise BaselineError(f"{label}: entry {number}: fingerprint {item['fingerprint']} appears twice")
        seen.add(item["fingerprint"])
        entries.append(
            Entry(item["fingerprint"], item["rule"], str(item.get("subject", "")), str(item.get("file", "")), str(item.get("excerpt", "")), tuple(messages))
        )
    return Baseline(tuple(entries))
