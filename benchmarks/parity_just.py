"""What a repository's ``justfile`` says about its Node scripts: which
recipe runs which script, with which parameters and arguments.

Read, not executed: ``just`` need not be installed. What is understood is
what both layouts of the governed repository use:

* variables ``NAME := "value"`` or ``NAME := env_var_or_default('VAR',
  'value')`` (the repository's own default, never the environment of the
  machine running the benchmark), substituted where a recipe line writes
  ``{{NAME}}``;
* recipes ``name param param="default" *rest:`` with indented bodies;
* ``node SCRIPT ARGS`` anywhere on a body line, the script quoted or not,
  also inside the quoted command line another program is asked to run (a
  wrapper such as ``cargo run ... --command-line "node ..."``);
* ``node -e "..."`` (an inline script) and ``node --test`` (the
  repository's tests of its own scripts) are told apart from script calls.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_RECIPE = re.compile(r"""^@?(?P<name>[A-Za-z0-9_-]+)(?P<params>(?:\s+[*+$]?[\w-]+(?:=(?:"[^"]*"|'[^']*'|[^\s:]+))?)*)\s*:(?!=)""")
_VARIABLE = re.compile(r"""^(?:export\s+)?(?P<name>[A-Za-z_][\w-]*)\s*:=\s*(?P<expr>.+?)\s*$""")
_LITERAL = re.compile(r"""^(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')$""")
_ENV_DEFAULT = re.compile(r"""^env_var_or_default\(\s*(?:"[^"]*"|'[^']*')\s*,\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')\s*\)$""")
_PLACEHOLDER = re.compile(r"\{\{\s*([\w-]+)\s*\}\}")
# `node` as a command word (line start, after a shell separator, a quote or
# `@`), then its first argument
_NODE = re.compile(r"""(?:^|[\s;&|(@"'])node\s+(?P<rest>.*)$""")


@dataclass(frozen=True)
class Param:
    name: str
    has_default: bool
    variadic: bool


@dataclass(frozen=True)
class NodeCall:
    """One ``node`` command of one recipe."""

    recipe: str
    params: tuple[Param, ...]
    kind: str  # "script" | "inline" (node -e) | "test" (node --test)
    script: str  # repository-relative path with the justfile's variables substituted ("" unless kind is "script")
    args: tuple[str, ...]  # as written, quotes removed; {{param}} placeholders kept
    wrapper: str  # the program whose command line holds the call ("" when the recipe runs node itself)


def _params(text: str) -> tuple[Param, ...]:
    params = []
    for token in re.findall(r"[*+$]?[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|\S+))?", text):
        variadic = token[0] in "*+"
        name = token.lstrip("*+$").split("=", 1)[0]
        params.append(Param(name, "=" in token or token.startswith("*"), variadic))
    return tuple(params)


def variables(text: str) -> dict[str, str]:
    """The justfile's variables whose value is a literal or an environment
    variable's default; other expressions are left out (a line using them
    keeps its ``{{NAME}}`` and names no script of the repository)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line[0].isspace():
            continue
        match = _VARIABLE.match(line)
        if not match:
            continue
        expr = match.group("expr")
        literal = _LITERAL.match(expr) or _ENV_DEFAULT.match(expr)
        if literal:
            found[match.group("name")] = literal.group("double") if literal.group("double") is not None else literal.group("single") or ""
    return found


def _substitute(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _command_words(rest: str) -> list[str]:
    """The words of one command: up to the end of the quoted string it sits
    in, or a shell separator."""
    try:
        lexer = shlex.shlex(rest, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words = []
        for word in lexer:
            if word and set(word) <= set(";&|"):
                break
            words.append(word)
        return words
    except ValueError:  # an unbalanced quote: the call sits inside a quoted command line
        return []


def _inner_command(rest: str) -> list[str]:
    """The words of a call that sits inside another program's quoted
    command line: up to the closing quote."""
    end = re.search(r"""["']""", rest)
    return _command_words(rest[: end.start()] if end else rest)


def node_calls(justfile: Path) -> list[NodeCall]:
    """Every ``node`` command of every recipe, in the justfile's order."""
    if not justfile.is_file():
        return []
    text = justfile.read_text(encoding="utf-8", errors="replace")
    values = variables(text)
    calls: list[NodeCall] = []
    recipe: tuple[str, tuple[Param, ...]] | None = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            match = None if line.startswith(("#", "set ", "export ", "alias ", "import ", "mod ")) or _VARIABLE.match(line) else _RECIPE.match(line)
            recipe = (match.group("name"), _params(match.group("params"))) if match else None
            continue
        if recipe is None or not line.strip() or line.strip().startswith("#"):
            continue
        body = _substitute(line.strip().lstrip("@-"), values)
        for found in _NODE.finditer(body):
            start = found.start("rest")
            before = body[:start]
            wrapped = before.count('"') % 2 == 1 or before.count("'") % 2 == 1
            words = _inner_command(body[start:]) if wrapped else _command_words(body[start:])
            wrapper = body.split()[0] if wrapped else ""
            if not words:
                continue
            if words[0] in ("-e", "--eval", "-p", "--print"):
                calls.append(NodeCall(recipe[0], recipe[1], "inline", "", tuple(words[1:2]), wrapper))
            elif words[0] == "--test":
                calls.append(NodeCall(recipe[0], recipe[1], "test", "", tuple(words[1:]), wrapper))
            elif re.search(r"\.[cm]?js$", words[0]):
                script = words[0].replace("\\", "/")
                script = script[2:] if script.startswith("./") else script
                calls.append(NodeCall(recipe[0], recipe[1], "script", script, tuple(words[1:]), wrapper))
    return calls
