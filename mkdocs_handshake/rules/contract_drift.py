"""Which side of a contract-schema disagreement is behind (issue 20).

A contract that fails the repository's own JSON Schema (PKT-024) is either
a contract that drifted from the schema or a schema that fell behind what
the repository now writes. The repository says which in two places the
profile names:

* its contract templates (``contract.templates``): the shape new contracts
  are made from. A template that satisfies the schema at a path sides with
  the schema; one that fails it there sides with the contracts. A template
  placeholder (``{{WP_ID}}``) is filled at creation and says nothing;
* its own checks (``contract.checks``): a check that names the rejected
  value as a literal accepts it, so the schema is behind the tooling.

ORCH "Do not mutate a locked historical packet merely to make modern gates
green": drift only in closed contracts, where schema and template agree and
no live contract fails, is no one's to act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from ..model.basics import Loc
from ..protocol.contract_schemas import find_schemas, validate
from ..parse.contract import read_json
from ..repository.source import decode

_PLACEHOLDER = re.compile(r"\{\{[^{}]+\}\}")
_REJECTED = re.compile(r": '([^']+)' (?:is not one of|was expected|is not valid under)")


@dataclass(frozen=True)
class Drift:
    """What the repository's templates and checks say about schema causes."""

    #: Causes (``<schema id> <path> <keyword>``) a template fails on a
    #: value that is not a placeholder: there the template and schema disagree.
    template_fails: frozenset[str]
    #: Causes a template fails only on a placeholder: it has no opinion.
    template_silent: frozenset[str]
    #: Schema ids a template exists for.
    templated: frozenset[str]
    #: Every quoted literal of the repository's check files (the text
    #: between two consecutive ``"`` or ``'`` on a line) -> ``file:line``
    #: of its first occurrence: one lookup per rejected value, where a
    #: scan of every check line per schema failure cost seconds on June.
    literals: Mapping[str, str]

    def side(self, cause: str, message: str) -> tuple[str, str]:
        """Which side of a failure is behind, and the evidence:
        ``("schema", check)`` when a check accepts the rejected value,
        ``("template", "")`` when the template fails the schema there too,
        ``("contract", "")`` when the template satisfies the schema there,
        ``("", "")`` when the repository does not say."""
        value = rejected_value(message)
        where = self.accepted_by_check(value) if value else ""
        if where:
            return "schema", f"the repository's own check accepts {value!r} ({where})"
        if cause in self.template_fails:
            return "template", ""
        if cause.split(" ", 1)[0] in self.templated and cause not in self.template_silent:
            return "contract", ""
        return "", ""

    def accepted_by_check(self, value: str) -> str:
        """``file:line`` of the first check that names ``value`` as a
        quoted literal, or ""."""
        return self.literals.get(value, "")


def quoted_literals(checks: list[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """See :attr:`Drift.literals`. A value without quotes of its own is
    written ``"value"`` on a line exactly when it is the text between two
    consecutive quotes there, so every such text is indexed."""
    literals: dict[str, str] = {}
    for path, lines in checks:
        for number, line in enumerate(lines, 1):
            for quote in ('"', "'"):
                for part in line.split(quote)[1:-1]:
                    literals.setdefault(part, f"{path}:{number}")
    return literals


def rejected_value(message: str) -> str:
    """The value a schema failure rejected, when the message quotes one."""
    found = _REJECTED.search(message)
    return found.group(1) if found else ""


def stamp(root: str, patterns: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The files the patterns match with their modification times: the
    cache key of :func:`drift_of`, so an edited template or check (under
    ``mkdocs serve``) is read again."""
    base = Path(root)
    found = []
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            try:
                found.append((path.as_posix(), path.stat().st_mtime_ns))
            except OSError:
                continue
    return tuple(found)


@lru_cache(maxsize=8)
def drift_of(root: str, templates: tuple[str, ...], schemas: tuple[str, ...], checks: tuple[str, ...], files: tuple[tuple[str, int], ...] = ()) -> Drift:
    """Read the templates and checks the profile names under ``root``
    (``files``: their :func:`stamp`, only a cache key)."""
    base = Path(root)
    schema_set = find_schemas(base, schemas)
    fails: set[str] = set()
    silent: set[str] = set()
    templated: set[str] = set()
    for pattern in templates:
        for path in sorted(base.glob(pattern)):
            relative = path.relative_to(base).as_posix()
            try:
                src = decode(path.read_bytes(), relative)
                data, lines, _problems = read_json(src)
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("schema_id"), str):
                templated.add(data["schema_id"])
            for issue in validate(src, data, lines, schema_set, relative):
                (silent if _PLACEHOLDER.search(issue.message) else fails).add(issue.label)
    read: list[tuple[str, tuple[str, ...]]] = []
    for pattern in checks:
        for path in sorted(base.glob(pattern)):
            try:
                read.append((path.relative_to(base).as_posix(), tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())))
            except OSError:
                continue
    return Drift(frozenset(fails), frozenset(silent - fails), frozenset(templated), quoted_literals(read))


#: A contract line's value after its key (``"profile": "NATIVE_GUI_V1",``).
_LINE_VALUE = re.compile(r'^\s*"[^"]*"\s*:\s*(.+?)\s*,?\s*$')


def written_value(excerpt: str) -> str | None:
    """The scalar a contract writes on the line of a failing key, as
    text, or None when the line holds no single JSON scalar."""
    found = _LINE_VALUE.match(excerpt)
    if found is None:
        return None
    try:
        value = json.loads(found.group(1))
    except ValueError:
        return None
    return value if isinstance(value, str) else None if isinstance(value, (dict, list)) else json.dumps(value)


@dataclass(frozen=True)
class SchemaRule:
    """Where a schema keyword stands: its file, line and text."""

    loc: Loc
    excerpt: str
    value: object


def schema_rule_at(root: str, schemas: tuple[str, ...], schema_id: str, dotted: str, keyword: str) -> SchemaRule | None:
    """The ``keyword`` (``const``, ``enum``) a schema sets at a contract's
    dotted path, following ``properties``, local ``$ref`` and ``items``
    through the file as written; None when it cannot be found."""
    base = Path(root)
    entry = find_schemas(base, schemas).schemas.get(schema_id)
    if entry is None:
        return None
    relative, schema = entry
    try:
        src = decode((base / relative).read_bytes(), relative)
    except OSError:
        return None
    _data, lines, _problems = read_json(src)
    node: object = schema
    where: tuple[str, ...] = ()

    def follow(node: object, where: tuple[str, ...]) -> tuple[object, tuple[str, ...]]:
        for _ in range(16):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                break
            where = tuple(ref[2:].split("/"))
            target: object = schema
            for part in where:
                target = target.get(part) if isinstance(target, dict) else None
            node = target
        return node, where

    for name in dotted.split(".") if dotted != "(top)" else ():
        node, where = follow(node, where)
        while isinstance(node, dict) and "properties" not in node and isinstance(node.get("items"), dict):
            node, where = follow(node["items"], where + ("items",))
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or name not in properties:
            return None
        node, where = properties[name], where + ("properties", name)
    node, where = follow(node, where)
    if not isinstance(node, dict) or keyword not in node:
        return None
    line = lines.get(where + (keyword,)) or lines.get(where) or 1
    text = src.line(line) if 1 <= line <= len(src.lines) else ""
    written = f'"{keyword}": {json.dumps(node[keyword])}'
    column = text.find(written)
    if column < 0:
        return SchemaRule(Loc(relative, line, len(text) - len(text.lstrip()) + 1), text.strip(), node[keyword])
    return SchemaRule(Loc(relative, line, column + 1), written, node[keyword])
