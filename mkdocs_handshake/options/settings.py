"""Every plugin option, declared once, and the one way to turn them into a
:class:`~mkdocs_handshake.repository.layout.Layout` and an :class:`~mkdocs_handshake.findings.config.EngineConfig`.

Both front ends go through :func:`resolve`: the MkDocs plugin with its
validated ``handshake:`` block, the ``mkdocs-handshake`` command with the
block it read from ``mkdocs.yml`` (or ``properdocs.yml``) and its flags. So
a CI check and a site build of the same repo use the same options and mean
the same thing by them. Nothing here imports MkDocs: the checker must keep
working on hosts that are not MkDocs.

Adding an option means adding one :class:`Option` to :data:`OPTIONS` (the
command grows a flag for it, the drift test then asks for the same line in
:mod:`.config`, the MkDocs schema). Its resolved value is in
:attr:`Settings.values`; an option whose ``engine`` flag is set also reaches
every rule as ``ctx.options[name]``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from ..repository.as_of import default_as_of
from ..findings.baseline import Baseline, BaselineError, load_baseline
from ..repository.discover import discover_layout
from ..findings.config import ConfigError, EngineConfig
from ..repository.layout import Layout, governance_paths
from ..model.governance import Waiver
from ..protocol.option_checks import OptionError as CheckError
from ..protocol.option_checks import check_date, check_inside_root, check_int, check_number, check_output_dir
from ..protocol.profiles import ProfileError, load_profile


class OptionError(ValueError):
    """An option that cannot be honoured; the text is one line naming it."""


def _severity(value: object) -> object:
    """YAML reads an unquoted ``off`` as False; ``PKT-001: off`` means "off"."""
    return "off" if value is False else value


@dataclass(frozen=True)
class Option:
    """One option: its name, the Python types it accepts, its default and
    what it means (the README's table says the same)."""

    name: str
    types: tuple[type, ...]
    default: Any
    meaning: str
    #: Allowed values, for an option that is a choice.
    choices: tuple[str, ...] = ()
    #: A path relative to ``root`` that must exist once it is set to
    #: something other than its default.
    path: bool = False
    #: A path that must stay inside ``root``: what it names is read and
    #: published. A file only read for the check itself (the baseline) may
    #: be anywhere the user names.
    inside_root: bool = True
    #: Passed to the rules as ``ctx.options[name]``.
    engine: bool = False
    #: ``None`` is a valid value (the option is optional).
    optional: bool = False
    #: The command offers it as a ``--flag`` (not for structured values).
    flag: bool = True


# YAML reads an unquoted 2026-11-20 as a date; accept both spellings.
DATE_OR_TEXT = (str, dt.date)

OPTIONS: tuple[Option, ...] = (
    Option("enabled", (bool,), True, "switch the plugin off without removing it (the command checks regardless)", flag=False),
    Option("root", (str,), ".", "the governance repo's top folder, relative to the folder of mkdocs.yml", flag=False),
    Option("spec_current", (str,), "docs/SPEC_CURRENT.md", "names the current Master Spec", path=True),
    Option("packets", (str,), "docs/task_packets", "folder of WP-*.md task packets", path=True),
    Option("task_board", (str,), "docs/TASK_BOARD.md", "the task board", path=True),
    Option("signature_audit", (str,), "docs/SIGNATURE_AUDIT.md", "consumed-signatures table", path=True),
    Option("gate_log", (str,), "docs/ORCHESTRATOR_GATES.json", "refinement/signature events (optional)", path=True),
    Option("output_dir", (str,), "governance", "where generated pages go in the site"),
    Option("rules", (dict,), {}, "severity per rule id: {ANCHOR-003: warning, DEP-005: off}", flag=False),
    Option("waivers", (list,), [], "list of {rule, target, reason, approved, expires}", flag=False),
    Option("fail_on", (str,), "error", "error, warning or never", choices=("error", "warning", "never")),
    Option("as_of", DATE_OR_TEXT, None, "date used by date-based rules (default: the last commit touching the governance files, else today)", optional=True),
    Option("profile", (str,), "auto", "protocol profile: auto, a shipped id, or a YAML file relative to root"),
    Option("history", (bool,), False, "also judge closed, superseded and legacy packets by the rules that ask for edits"),
    Option("dag_max_nodes", (int,), 60, "past this size the DAG is drawn one sub-graph per component", engine=True),
    Option("dot_timeout", (int, float), 60, "seconds one Graphviz dot run may take"),
    Option("max_file_mb", (int, float), 10, "governance files larger than this are reported and not read"),
    Option("nav_packets", (bool,), True, "list every packet page and spec chapter in the nav"),
    Option("cache", (bool,), True, "keep parsed files and converted pages on disk between builds"),
    Option("cache_dir", (str,), ".cache/plugin/handshake", "where that cache lives, relative to mkdocs.yml"),
    Option("baseline", (str,), "", "file of recorded findings, reported as known debt instead of failing", path=True, inside_root=False),
)

BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}
WAIVER_KEYS = ("rule", "target", "reason", "approved", "expires")


def defaults() -> dict[str, Any]:
    return {option.name: _copy(option.default) for option in OPTIONS}


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Settings:
    """Resolved options: the values, and what the stages are built from."""

    values: Mapping[str, Any]
    #: The folder relative paths in the configuration start from (the
    #: folder of mkdocs.yml, or the folder the command was given).
    base: Path
    layout: Layout
    engine: EngineConfig
    cache_dir: Path | None
    baseline_path: Path | None = None
    #: Why ``engine.as_of`` is the date it is (for the log).
    as_of_reason: str = ""

    @property
    def root(self) -> Path:
        return self.layout.root

    @property
    def fail_on(self) -> str:
        return str(self.values["fail_on"])


def check_types(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every option given, type-checked, over the defaults; an unknown name
    is an error (a misspelt ``packet:`` would otherwise check nothing)."""
    values = defaults()
    for name, value in raw.items():
        option = BY_NAME.get(name)
        if option is None:
            raise OptionError(f"unknown option {name!r} (known: {', '.join(sorted(BY_NAME))})")
        if value is None and option.optional:
            values[name] = None
            continue
        if not isinstance(value, option.types):
            wanted = " or ".join(kind.__name__ for kind in option.types)
            raise OptionError(f"option {name!r}: expected {wanted}, not {type(value).__name__} {value!r}")
        if option.choices and value not in option.choices:
            raise OptionError(f"option {name!r}: {value!r} is not one of {', '.join(option.choices)}")
        values[name] = value
    values["waivers"] = [_waiver_fields(index, item) for index, item in enumerate(values["waivers"])]
    return values


def _waiver_fields(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise OptionError(f"option 'waivers': item {index + 1} is not a mapping of {', '.join(WAIVER_KEYS)}")
    unknown = sorted(set(map(str, item)) - set(WAIVER_KEYS))
    if unknown:
        raise OptionError(f"option 'waivers': item {index + 1}: unknown key {unknown[0]!r}")
    fields: dict[str, Any] = {}
    for key in WAIVER_KEYS:
        value = item.get(key)
        if value is None and key in ("approved", "expires"):
            value = ""
        if not isinstance(value, str if key in ("rule", "target", "reason") else DATE_OR_TEXT):
            raise OptionError(f"option 'waivers': item {index + 1}: {key!r} is required and must be text")
        fields[key] = value
    return fields


def resolve(
    raw: Mapping[str, Any],
    *,
    base: Path,
    config_file: Path | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    baseline_may_be_missing: bool = False,
    reserved_folders: tuple[str, ...] = (),
    search_excludes: tuple[str, ...] = (),
    check_rules: bool = True,
) -> Settings:
    """Options -> :class:`Settings`, or :class:`OptionError` with one line.

    ``raw`` holds the options as written (or as MkDocs validated them);
    missing ones take their defaults. ``baseline_may_be_missing`` is for
    the run that writes the baseline file for the first time.
    ``reserved_folders`` are site folders generated pages may not take (the
    theme's), ``search_excludes`` folders a file search never enters (the
    built site). ``check_rules=False`` leaves the rule ids the options and
    the profile name to :func:`check_rule_ids`, for a caller that imports
    the rules later (the command line, while the files are parsed)."""
    values = check_types(raw)
    root = (base / values["root"]).resolve()
    if not root.is_dir():
        raise OptionError(f"option 'root': folder {root} does not exist")
    try:
        for option in OPTIONS:
            value = values[option.name]
            if option.path and option.inside_root and value:
                check_inside_root(option.name, value, root)
            if option.name == "baseline" and baseline_may_be_missing:
                continue
            if option.path and value and value != option.default and not (root / value).exists():
                raise OptionError(f"option '{option.name}': {root / value} does not exist")
        check_output_dir(values["output_dir"], reserved_folders)
        check_int("dag_max_nodes", values["dag_max_nodes"], 1)
        check_number("dot_timeout", values["dot_timeout"], 0, 3600)
        check_number("max_file_mb", values["max_file_mb"], 0, 4096)
        as_of = check_date("as_of", values["as_of"]) if values["as_of"] else None
    except CheckError as error:
        raise OptionError(str(error)) from None
    if values["profile"] != "auto":
        try:
            load_profile(values["profile"], root.as_posix())
        except ProfileError as error:
            raise OptionError(f"option 'profile': {error}") from None
    cache_dir = (base / values["cache_dir"]).resolve() if values["cache"] else None
    layout_fields = {name: values[name] for name in ("spec_current", "packets", "task_board", "signature_audit", "gate_log")}
    layout = Layout(
        root=root,
        **layout_fields,
        profile=values["profile"],
        max_file_bytes=int(values["max_file_mb"] * 1024 * 1024),
        search_excludes=tuple(search_excludes) + ((str(cache_dir),) if cache_dir else ()),
    )
    as_of_reason = "the 'as_of' option"
    if as_of is None:
        as_of, as_of_reason = default_as_of(root, governance_paths(discover_layout(layout)[0]), today())
    baseline_path = (root / values["baseline"]) if values["baseline"] else None
    baseline: Baseline | None = None
    if baseline_path is not None and not (baseline_may_be_missing and not baseline_path.exists()):
        try:
            baseline = load_baseline(baseline_path)
        except BaselineError as error:
            raise OptionError(f"option 'baseline': {error}") from None
    engine_options: dict[str, object] = {option.name: values[option.name] for option in OPTIONS if option.engine}
    engine_options["config_file"] = _relative(config_file, root)
    engine = EngineConfig(
        severities={str(rule_id): _severity(value) for rule_id, value in values["rules"].items()},
        waivers=tuple(
            Waiver(w["rule"], w["target"], w["reason"], _date_text(w["approved"]), _date_text(w["expires"])) for w in values["waivers"]
        ),
        as_of=as_of,
        options=engine_options,
        history=values["history"],
        baseline=baseline,
    )
    settings = Settings(values, base, layout, engine, cache_dir, baseline_path, as_of_reason)
    if check_rules:
        check_rule_ids(settings)
    return settings


def check_rule_ids(settings: Settings) -> None:
    """:class:`OptionError` when the ``rules`` or ``waivers`` options, or the
    profile the ``profile`` option names, name a rule that does not exist: a
    typo would silently switch a rule off. It needs every rule imported."""
    from ..rules import REGISTRY
    from ..rules.engine import check_profile

    if settings.values["profile"] != "auto":
        try:
            check_profile(load_profile(settings.values["profile"], settings.root.as_posix()))
        except (ProfileError, ConfigError) as error:
            raise OptionError(f"option 'profile': {error}") from None
    try:
        settings.engine.validate(REGISTRY)
    except ConfigError as error:
        raise OptionError(str(error)) from None


def _date_text(value: object) -> str:
    """A waiver date as the rules read it: YAML dates as ``YYYY-MM-DD``,
    anything else as written (the PHASE-002 rule judges it)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value or "")


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "mkdocs.yml"
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).name
