"""Checks of option values that need no MkDocs: output folder, numbers, dates.

Both front ends (the MkDocs plugin and the command line) call these, so a
value is accepted or refused with the same words wherever it is written.
Each check raises :class:`OptionError` with one line that names the option,
the value and what would be accepted; the caller prefixes it and stops.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Iterable

#: Exactly ``YYYY-MM-DD``. ``date.fromisoformat`` alone also takes
#: ``20261120`` and ``2026-W47-5``, which nobody writes as a waiver date.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OptionError(ValueError):
    """An option value that cannot be used; ``str()`` is the one-line message."""


def strict_date(value: object) -> dt.date | None:
    """A real calendar date written as ``YYYY-MM-DD`` (or a YAML date), else None.

    ``2025-13-01``, ``2026-02-30``, ``whenever`` and ``2025-01-01 NOT APPROVED``
    are all None: a date that only starts like one is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(option: str, value: object) -> dt.date:
    """``value`` as a date, or :class:`OptionError` naming ``option``."""
    found = strict_date(value)
    if found is None:
        raise OptionError(f"option '{option}': {str(value)!r} is not a date (write YYYY-MM-DD, a day that exists)")
    return found


def check_int(option: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]``. ``true`` is refused although
    YAML's booleans are Python ints."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(f"option '{option}': {value!r} is not a whole number")
    if value < minimum or (maximum is not None and value > maximum):
        raise OptionError(f"option '{option}': {value} is out of range ({_range(minimum, maximum)})")
    return value


def check_number(option: str, value: object, minimum: float, maximum: float | None = None) -> float:
    """A finite number, strictly above ``minimum`` and at most ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OptionError(f"option '{option}': {value!r} is not a number")
    if value <= minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum:g}" if maximum is not None else ""
        raise OptionError(f"option '{option}': {value:g} is out of range (more than {minimum:g}{upper})")
    return float(value)


def _range(minimum: int, maximum: int | None) -> str:
    return f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"


def check_output_dir(value: object, reserved: Iterable[str] = ()) -> str:
    """The folder of the generated pages, normalised (``governance``, ``a/b``).

    It must be a relative path that stays inside the site: anything else
    either writes ``model.json`` outside ``site_dir`` (``..``, an absolute
    path) or puts the generated ``index.md`` over the site's own home page
    (empty, ``.``). ``reserved`` are the top-level names the theme and other
    plugins write (``assets``, ``search``): generated pages there would
    overwrite them or be overwritten."""
    if not isinstance(value, str):
        raise OptionError(f"option 'output_dir': {value!r} is not a folder name")
    text = value.strip()
    if not text:
        raise OptionError("option 'output_dir': is empty; generated pages would replace the site's own home page (use e.g. 'governance')")
    if text.startswith(("/", "\\")) or PureWindowsPath(text).drive or PurePosixPath(text).is_absolute():
        raise OptionError(f"option 'output_dir': {text!r} is an absolute path; give a folder relative to the site, e.g. 'governance'")
    parts = [part for part in re.split(r"[/\\]+", text) if part not in ("", ".")]
    if any(part == ".." for part in parts):
        raise OptionError(f"option 'output_dir': {text!r} leaves the site folder ('..'); give a folder inside it, e.g. 'governance'")
    if not parts:
        raise OptionError(f"option 'output_dir': {text!r} is the site's top folder; generated pages would replace the site's own home page")
    reserved_names = {name.casefold() for name in reserved}
    if parts[0].casefold() in reserved_names:
        raise OptionError(f"option 'output_dir': {text!r} is a folder the theme or a plugin writes ({parts[0]}); choose another name")
    return "/".join(parts)


def check_inside_root(option: str, value: str, root: Path) -> str:
    """A governance path option (``packets``, ``task_board``, ...) that stays
    inside ``root``: everything read is published, so a path that leads out
    of the repository (``../other``, ``/etc``) is refused."""
    resolved = (root / value).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise OptionError(f"option '{option}': {value!r} is outside the root folder {root}; give a path inside it")
    return value
