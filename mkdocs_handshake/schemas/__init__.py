"""JSON Schemas of the files the tool writes, shipped so CI jobs and other
tools can validate them: ``findings.json`` (also ``check --format json``),
``model.json``, the baseline file, and the protocol profile format
(``profile``: what a user's own profile YAML may say). Each is a draft 2020-12 schema named
``<name>.schema.json`` in this folder.

May import: nothing of the package (data only).
Must not import: any other folder.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

NAMES = ("findings", "model", "baseline", "profile")


def schema(name: str) -> dict[str, Any]:
    if name not in NAMES:
        raise ValueError(f"no schema named {name!r} (known: {', '.join(NAMES)})")
    return json.loads(files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
