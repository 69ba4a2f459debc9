"""Contracts against the repository's own JSON Schemas.

The contract-era repository keeps a JSON Schema per contract kind
(``<schemas>/*.schema.json``) whose ``$id`` is the ``schema_id`` the
contracts write (``hsk.work_packet_contract@1``). Its own Node checks do
not validate packets or micro-tasks against them; done naively that floods
(most contracts are imports from the markdown era). This module finds the
schemas, validates a contract's JSON with :mod:`jsonschema`, and turns
each failure into a :class:`~mkdocs_handshake.model.basics.ParseIssue` of rule PKT-024 at the
failing key's line; the rule decides what a maintainer sees (live
contracts one by one, history folded per schema and cause).

The issue's ``label`` carries the cause, ``<schema $id> <path> <keyword>``
with list indices dropped (``hsk.work_packet_contract@1 workflow.lane
enum``), so findings about the same drift fold into one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.basics import Loc, ParseIssue
from ..repository.source import SourceText

RULE = "PKT-024"
_REQUIRED = re.compile(r"^'([^']+)' is a required property")
#: Failures reported per contract, at most (a contract of another era
#: fails at every key; the first few say what is wrong).
MAX_PER_FILE = 10


@dataclass(frozen=True)
class SchemaSet:
    """``$id`` -> (schema file relative to the root, the schema)."""

    schemas: dict[str, tuple[str, dict[str, Any]]]
    problems: tuple[ParseIssue, ...] = ()
    #: One digest of every schema used: cached validations are keyed by it.
    digest: str = ""


def find_schemas(root: Path, patterns: tuple[str, ...]) -> SchemaSet:
    """The schemas the profile's ``contract.schemas`` patterns match, by
    their ``$id``. A schema file that is not JSON, or is not a valid
    schema, is one PARSE-001 issue and is left out."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    found: dict[str, tuple[str, dict[str, Any]]] = {}
    problems: list[ParseIssue] = []
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            try:
                schema = json.loads(path.read_bytes().decode("utf-8-sig"))
                if not isinstance(schema, dict):
                    raise ValueError("not a JSON object")
                Draft202012Validator.check_schema(schema)
            except (OSError, UnicodeDecodeError, ValueError, SchemaError) as error:
                reason = getattr(error, "message", None) or str(error)
                problems.append(ParseIssue("PARSE-001", Loc(relative, 1), f"the schema {relative} cannot be used ({reason[:160]}); contracts of its kind are not validated", "", relative))
                continue
            schema_id = schema.get("$id")
            if isinstance(schema_id, str) and schema_id not in found:
                found[schema_id] = (relative, schema)
    digest = hashlib.sha256(json.dumps({key: value[1] for key, value in sorted(found.items())}, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return SchemaSet(found, tuple(problems), digest)


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    """``node`` with a local ``$ref`` (``#/$defs/x``) followed, as often
    as it chains; anything else as it is."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and seen < 16:
        target: Any = schema
        for part in node["$ref"][2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        node, seen = target, seen + 1
    return node


def defined_properties(schemas: SchemaSet, ids: tuple[str, ...]) -> tuple[str, ...]:
    """``"<schema $id> <dotted path>"`` for every property a schema
    defines (under ``properties``, through local ``$ref`` and array
    ``items``): whether the repository records a field at all. A contract
    field no schema of its kind defines is one the repository's own tools
    do not read (MICRO_TASK_CONTRACT's lifecycle has depends_on, no
    blocks). Only the schemas ``ids`` names are read."""
    found: set[str] = set()
    for schema_id, (_file, schema) in sorted(schemas.schemas.items()):
        if schema_id not in ids:
            continue
        stack: list[tuple[str, Any]] = [("", schema)]
        while stack:
            prefix, node = stack.pop()
            node = _resolve(schema, node)
            if not isinstance(node, dict) or prefix.count(".") > 12:
                continue  # a recursive schema stops somewhere
            items = _resolve(schema, node.get("items"))
            if isinstance(items, dict):
                stack.append((prefix, items))
            properties = node.get("properties")
            if not isinstance(properties, dict):
                continue
            for name, child in properties.items():
                path = f"{prefix}.{name}" if prefix else name
                found.add(f"{schema_id} {path}")
                stack.append((path, child))
    return tuple(sorted(found))


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path if not isinstance(part, int)) or "(top)"


def validate(src: SourceText, data: Any, lines: dict[tuple[Any, ...], int], schemas: SchemaSet, subject: str) -> list[ParseIssue]:
    """PKT-024 issues for one contract's JSON ``data`` (with its key lines)
    against the schema its ``schema_id`` names; none when no schema has
    that id (the era's reader already reported an unknown schema id)."""
    from jsonschema import Draft202012Validator

    schema_id = data.get("schema_id") if isinstance(data, dict) else None
    entry = schemas.schemas.get(schema_id) if isinstance(schema_id, str) else None
    if entry is None:
        return []
    schema_file, schema = entry
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda error: (lines.get(tuple(error.absolute_path), 1), list(map(str, error.absolute_path)), error.validator))
    issues = []
    for error in errors[:MAX_PER_FILE]:
        path = tuple(error.absolute_path)
        line = lines.get(path, 1)
        text = src.line(line) if 1 <= line <= len(src.lines) else ""
        column = len(text) - len(text.lstrip()) + 1
        where = _dotted(path)
        missing = _REQUIRED.match(error.message) if error.validator == "required" else None
        cause = f"{schema_id} {where} {error.validator}" + (f" {missing.group(1)}" if missing else "")
        message = f"{src.path} does not match {schema_file} at {where}: {error.message[:200]}"
        issues.append(ParseIssue(RULE, Loc(src.path, line, column), message, text.strip(), subject, cause))
    return issues
