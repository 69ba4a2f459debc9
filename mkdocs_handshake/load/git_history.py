"""When things were written: packet creation dates and clause dates, from git.

A packet is judged by the protocol in force when it was written: a clause
that entered the protocol after the packet was created does not apply to it
(unless the profile marks the clause retroactive). Two dates answer that:

* a packet's creation date, the first commit that added its file;
* a clause's date, the first commit whose protocol text added a line with
  the rule's evidence phrase (the phrases the profile already carries).

Both come from ``git`` itself, two ``git log`` runs per repository and HEAD,
kept in memory by HEAD (one build reads history once; ``mkdocs serve``
rebuilds at the same HEAD reuse it). Outside git, or when git fails, there
is no history: :func:`read_history` returns None and the caller judges as
before and says why.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:
    from ..model.governance import GovernanceModel
    from ..protocol.profiles import Profile

GIT_TIMEOUT_SECONDS = 30
_MARK = "@@hs@@"


@dataclass(frozen=True)
class History:
    """What the repository's history says: ``created`` maps a file (relative
    to the governance root) to the date of the commit that first added it;
    ``first_said`` maps an evidence phrase to the date of the first commit
    whose protocol text added a line containing it (case-folded)."""

    head: str
    created: Mapping[str, dt.date] = field(default_factory=dict)
    first_said: Mapping[str, dt.date] = field(default_factory=dict)


_CACHE: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], History] = {}


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def read_history(root: Path, protocol_files: Sequence[str], phrases: Sequence[str]) -> tuple[History | None, str]:
    """``(history, why)``: the dates git knows, or None and the reason there
    are none (not a git checkout, git missing or failing)."""
    head = _git(root, "rev-parse", "HEAD")
    if head is None:
        return None, "not a git checkout (or git is not available): creation and clause dates are unknown"
    key = (str(root.resolve()), head.strip(), tuple(protocol_files), tuple(sorted(set(phrases))))
    if key in _CACHE:
        return _CACHE[key], "git history at HEAD " + head.strip()[:12]
    added = _git(root, "log", "--reverse", "--diff-filter=A", "--relative", "--name-only", f"--format={_MARK}%cs", "--", ".")
    if added is None:
        return None, "git log failed: creation and clause dates are unknown"
    created: dict[str, dt.date] = {}
    when: dt.date | None = None
    for line in added.splitlines():
        if line.startswith(_MARK):
            when = _date(line[len(_MARK):])
        elif line.strip() and when is not None:
            created.setdefault(line.strip(), when)
    first_said: dict[str, dt.date] = {}
    existing = [path for path in protocol_files if (root / path).exists()]
    wanted = {phrase: phrase.casefold() for phrase in set(phrases)}
    if existing and wanted:
        diff = _git(root, "log", "--reverse", "--relative", "-p", "--unified=0", "--no-color", f"--format={_MARK}%cs", "--", *existing)
        when = None
        for line in (diff or "").splitlines():
            if line.startswith(_MARK):
                when = _date(line[len(_MARK):])
            elif when is not None and line.startswith("+") and not line.startswith("+++"):
                folded = line[1:].casefold()
                for phrase, needle in wanted.items():
                    if phrase not in first_said and needle in folded:
                        first_said[phrase] = when
    history = History(head.strip(), created, first_said)
    _CACHE[key] = history
    return history, "git history at HEAD " + head.strip()[:12]


def profile_history(model: GovernanceModel, profile: Profile) -> tuple[History | None, str]:
    """The repository's git history as far as the profile's clauses need
    it; None, with the reason, outside git or when no clause is dated."""
    phrases = sorted({phrase for use in profile.rules.values() for phrase in use.evidence})
    files = model.protocol.protocol_files if model.protocol else ()
    if not phrases:
        return None, "no rule of the profile rests on a dated clause"
    return read_history(Path(model.root), files, phrases)


_CHANGED: dict[tuple[str, str, tuple[str, ...]], Mapping[str, dt.date]] = {}


def last_changed(root: Path, files: Sequence[str]) -> Mapping[str, dt.date] | None:
    """File -> date of the last commit that touched it, for ``files``
    (relative to ``root``); None outside git. One ``git log`` per HEAD and
    set of files: a rule asks it for the few schema files it judges by."""
    head = _git(root, "rev-parse", "HEAD")
    if head is None:
        return None
    key = (str(root.resolve()), head.strip(), tuple(sorted(set(files))))
    if key in _CHANGED:
        return _CHANGED[key]
    changed: dict[str, dt.date] = {}
    if key[2]:
        out = _git(root, "log", "--relative", "--name-only", f"--format={_MARK}%cs", "--", *key[2])
        when: dt.date | None = None
        for line in (out or "").splitlines():
            if line.startswith(_MARK):
                when = _date(line[len(_MARK):])
            elif line.strip() and when is not None:
                changed.setdefault(line.strip(), when)  # newest first
    _CHANGED[key] = changed
    return changed


@dataclass(frozen=True)
class ClauseCheck:
    """Whether a rule's clause was in force when a packet was written."""

    applies: bool
    why: str


def clause_in_force(history: History | None, packet_file: str, phrases: Sequence[str], retroactive: bool = False) -> ClauseCheck:
    """A clause is in force for a packet unless git shows the packet was
    created before the first commit that wrote any of the clause's
    evidence phrases into the protocol. Unknown dates keep it in force
    (judged as before), and say so."""
    if history is None or not phrases:
        return ClauseCheck(True, "")
    created = history.created.get(packet_file)
    said = [history.first_said[phrase] for phrase in phrases if phrase in history.first_said]
    if created is None or not said:
        return ClauseCheck(True, "creation or clause date unknown")
    entered = min(said)
    if created >= entered:
        return ClauseCheck(True, f"created {created.isoformat()}, clause since {entered.isoformat()}")
    if retroactive:
        return ClauseCheck(True, f"created {created.isoformat()} before the clause ({entered.isoformat()}), which the profile marks retroactive")
    return ClauseCheck(False, f"created {created.isoformat()}, before the clause entered the protocol on {entered.isoformat()}")


_BOARD_CACHE: dict[tuple[str, str, str], Mapping[str, tuple[dt.date, str]]] = {}


def _board_versions(root: Path, board_file: str) -> list[tuple[dt.date, list[str]]] | None:
    """Each committed version of the board, newest first, as its lines: one
    ``git log -p`` with whole-file context, the post-image of each diff."""
    out = _git(root, "log", "--relative", "-p", "--unified=1000000", "--no-color", f"--format={_MARK}%cs", "--", board_file)
    if out is None:
        return None
    versions: list[tuple[dt.date, list[str]]] = []
    when: dt.date | None = None
    lines: list[str] = []
    in_hunk = False

    def close() -> None:
        if when is not None and in_hunk:
            versions.append((when, list(lines)))

    for line in out.splitlines():
        if line.startswith(_MARK):
            close()
            when, lines, in_hunk = _date(line[len(_MARK):]), [], False
        elif line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line[:1] in (" ", "+") and not line.startswith("+++"):
            lines.append(line[1:])
    close()
    return versions


def _sections(lines: Sequence[str]) -> dict[str, str]:
    """WP id -> the board column (its value) it is listed under, first listing wins."""
    from ..parse.board import classify_column, first_wp

    column = ""
    found: dict[str, str] = {}
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            column = classify_column(stripped.lstrip("#").strip()).value
            continue
        if column and stripped[:1] in ("-", "*", "+") or (column and stripped[:1].isdigit()):
            hit = first_wp(stripped)
            if hit is not None:
                found.setdefault(hit[0], column)
    return found


def board_entered(root: Path, board_file: str) -> tuple[Mapping[str, tuple[dt.date, str]], str]:
    """``(wp -> (date, column), why)``: for each WP on the board, the date of
    the commit since which it has stood in its current column without a
    break, read from the board's git history (one ``git log`` per HEAD).
    Empty, with the reason, outside git or for a board git does not track."""
    head = _git(root, "rev-parse", "HEAD")
    if head is None or not board_file:
        return {}, "not a git checkout: the board's history is unknown"
    key = (str(root.resolve()), head.strip(), board_file)
    if key in _BOARD_CACHE:
        return _BOARD_CACHE[key], "the board's git history"
    versions = _board_versions(root, board_file) or []
    entered: dict[str, tuple[dt.date, str]] = {}
    if versions:
        columns = [_sections(lines) for _, lines in versions]
        for wp, column in columns[0].items():
            since = versions[0][0]
            for (day, _), listed in zip(versions[1:], columns[1:]):
                if listed.get(wp) != column:
                    break
                since = day
            entered[wp] = (since, column)
    _BOARD_CACHE[key] = entered
    return entered, "the board's git history"
