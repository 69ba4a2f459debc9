"""Reading SPEC_CURRENT in either of the forms the protocol has used.

Until early 2026 SPEC_CURRENT.md is markdown naming the current Master Spec
file (:mod:`.spec_current` reads it). Later the same file holds JSON
(``"schema": "handshake.spec_current@1"``) whose ``current_spec`` object
names the entry point and says what it is::

    "current_spec": {
      "entrypoint_type": "indexed_manifest",
      "entrypoint_path": ".GOV/spec/master-spec-v02.195/indexed-spec-manifest.json",
      "resolver_index_path": ".../INDEX.json",
      "version": "v02.195",
      "source_baseline_path": ".GOV/spec/Handshake_Master_Spec_v02.182.md", ...
    },
    "governance_reference": {"path": ".GOV/codex/Handshake_Codex_v1.4.md"}

What is read from the JSON form: the entry point (the one spec name, so
SPEC-001 judges it as it judges a markdown pointer), its type, the version,
every other string field of ``current_spec`` and ``previous_current_spec``
(as ``fields``, with the line of its key) and the governance reference. The
source baseline is provenance: kept as a field, never taken for the spec.
The schema key may be written ``schema`` or ``schema_id``. A file whose text
opens a JSON object but does not parse is one PARSE-001 issue and no
pointer; any other text is the markdown form.
"""

from __future__ import annotations

from typing import Any

from ..model.basics import Loc, ParseIssue
from ..model.spec import SpecPointer
from ..repository.source import SourceText
from .json_text import JsonProblem, key_loc, load_json, looks_like_json, value_loc
from .spec_current import parse_spec_current

#: Objects of a JSON SPEC_CURRENT whose string fields are kept, in order.
_POINTER_OBJECTS = ("current_spec", "previous_current_spec")


def plain_version(value: object) -> str:
    """``"v02.195"`` -> ``"02.195"``; "" for anything but a string."""
    return value.strip().lstrip("vV") if isinstance(value, str) else ""


def _fields(src: SourceText, data: dict[str, Any]) -> list[tuple[str, str, Loc]]:
    found: list[tuple[str, str, Loc]] = []
    for name in _POINTER_OBJECTS:
        block = data.get(name)
        if not isinstance(block, dict):
            continue
        for key, value in block.items():
            if isinstance(value, str) and value.strip():
                found.append((f"{name}.{key}", value.strip(), value_loc(src, key_loc(src, name, key).line, value.strip())))
    return found


def parse_spec_pointer(src: SourceText) -> tuple[SpecPointer | None, list[ParseIssue]]:
    """Read SPEC_CURRENT in whichever form it is written."""
    if not looks_like_json(src):
        return parse_spec_current(src)
    try:
        data = load_json(src)
        if not isinstance(data, dict):
            raise JsonProblem("JSON, but not an object")
    except JsonProblem as problem:
        return None, [ParseIssue("PARSE-001", Loc(src.path, problem.line), f"SPEC_CURRENT {src.path} is {problem}; no current spec is read", src.path, src.path)]
    fields = _fields(src, data)
    current = data.get("current_spec") if isinstance(data.get("current_spec"), dict) else {}
    entry = current.get("entrypoint_path") if isinstance(current.get("entrypoint_path"), str) else ""
    issues: list[ParseIssue] = []
    names: tuple[tuple[str, Loc], ...] = ()
    if entry.strip():
        names = ((entry.strip().replace("\\", "/"), value_loc(src, key_loc(src, "current_spec", "entrypoint_path").line, entry.strip())),)
    else:
        issues.append(ParseIssue(
            "PARSE-004", key_loc(src, "current_spec"),
            "SPEC_CURRENT (JSON) names no current spec: current_spec.entrypoint_path is missing or empty",
            excerpt=src.lines[0][:120] if src.lines else "", subject=src.path,
        ))
    governance: tuple[tuple[str, Loc], ...] = ()
    reference = data.get("governance_reference")
    if isinstance(reference, dict) and isinstance(reference.get("path"), str) and reference["path"].strip():
        governance = ((reference["path"].strip(), value_loc(src, key_loc(src, "governance_reference", "path").line, reference["path"].strip())),)
    entry_type = current.get("entrypoint_type") if isinstance(current.get("entrypoint_type"), str) else ""
    pointer = SpecPointer(
        file=src.path,
        spec_names=names,
        governance_names=governance,
        version=plain_version(current.get("version")),
        format="json",
        entrypoint_type=entry_type.strip(),
        fields=tuple(fields),
    )
    return pointer, issues
