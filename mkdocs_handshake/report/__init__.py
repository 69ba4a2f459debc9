"""What ``mkdocs-handshake check`` prints: one module per output format,
each a function from a :class:`~.base.Report` to text; and the files a
build writes for other tools, ``findings.json`` and ``model.json``
(:mod:`.export`).

May import: ``rules`` and everything below it.
Must not import: ``render``, ``options`` or the front ends.
"""

from __future__ import annotations

from typing import Callable

from .base import Report
from .github import render_github
from .findings_json import render_json
from .junit import render_junit
from .sarif import render_sarif
from .text import render_text

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
}

__all__ = ["FORMATS", "Report"]
