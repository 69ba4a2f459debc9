"""The date that date-based rules judge by, when the user does not set one.

Judging by today makes the same commit pass on Monday and fail on Friday
(an SLA runs out while nobody touched the repo). Inside a git checkout the
default is therefore the date of the last commit that touched the
governance files: the same commit then gives the same findings on any day.
Outside git, or when git is missing or fails, it is today. The caller logs
which date was used and why.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Sequence

GIT_TIMEOUT_SECONDS = 10


def default_as_of(root: Path, paths: Sequence[str], today: dt.date | None = None) -> tuple[dt.date, str]:
    """``(date, why)``; ``paths`` are relative to ``root`` (missing ones are
    skipped, since git refuses a pathspec outside its tree only when asked
    about a path it cannot place)."""
    today = today or dt.date.today()
    existing = [path for path in paths if (root / path).exists()]
    if not existing:
        return today, "today (no governance files to date)"
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%cs", "--", *existing],
            capture_output=True, text=True, timeout=GIT_TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return today, f"today (git could not be asked: {error.__class__.__name__})"
    if result.returncode != 0:
        return today, "today (not a git checkout)"
    stamp = result.stdout.strip()
    if not stamp:
        return today, "today (no commit touches the governance files yet)"
    try:
        return dt.date.fromisoformat(stamp), "the last commit that touched the governance files"
    except ValueError:
        return today, f"today (git printed {stamp!r}, not a date)"
