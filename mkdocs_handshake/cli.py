"""``mkdocs-handshake check``: the governance checks without building a site.

A second thin front end over the same stages as the plugin (load -> rules),
with no MkDocs import, so the checks keep running when the site is built by
another host, or not at all (a pre-commit hook, a CI step before the site
build). Options come from the ``handshake`` block of the ``mkdocs.yml`` or
``properdocs.yml`` found in ROOT, then from the flags, and mean what they
mean to the plugin (:mod:`.options`).

Exit codes: 0 clean, 1 findings at or above ``--fail-on`` (or, with
``--ratchet``, findings the baseline does not hold), 2 a usage or
configuration error, said in one line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Sequence

from .findings import baseline as baseline_file
from .runtime.collector import fewer_collections
from .findings.finding import Finding
from .load.parse_cache import ParseCache
from .load.assemble import load_repo
from .options.settings import OPTIONS, OptionError, Settings, check_rule_ids, resolve
from .options.site_config import SiteConfigError, find_config, read_site_options

PROG = "mkdocs-handshake"


#: The names of the report formats (:data:`.report.FORMATS`, which a test
#: holds equal): the command line is parsed without importing the reports
#: and the rules they name, which :func:`_import_checks` imports while the
#: files are parsed.
FORMAT_NAMES = ("github", "json", "junit", "sarif", "text")


def _import_checks() -> None:
    """Import what runs after the load (every rule, the report formats).
    Passed to the load as work for the wait on the process that parses the
    spec: about 0.03 s that a cold check no longer spends before forking it."""
    importlib.import_module(f"{__package__}.rules.engine")
    importlib.import_module(f"{__package__}.report")


class UsageError(Exception):
    """A command line that cannot be carried out; the text is one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Check a Handshake-style governance repo without building its site.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="load the governance files, run the rules, report the findings",
        description=(
            "Run the governance rules on ROOT. Options are read from the handshake block of ROOT's mkdocs.yml "
            "(or properdocs.yml) and may be overridden by the flags below. Paths in option flags are relative to "
            "the governance root, as in mkdocs.yml; --config, --baseline, --write-baseline and --output are "
            "relative to the current folder. Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or "
            "configuration error."
        ),
    )
    check.add_argument("root", nargs="?", default=".", metavar="ROOT", help="the repo folder (default: the current folder)")
    check.add_argument("--config", "-f", metavar="FILE", help="the mkdocs.yml/properdocs.yml to read options from (default: the one in ROOT)")
    check.add_argument("--no-config", action="store_true", help="ignore any mkdocs.yml/properdocs.yml: ROOT is the governance root")
    check.add_argument("--format", choices=FORMAT_NAMES, default="text", help="output format (default: text)")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument("--changed-only", metavar="REF", help="report only findings in files changed since the git ref REF")
    check.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE as known debt")
    check.add_argument("--ratchet", action="store_true", help="fail when the baseline would grow (a finding it does not hold); with --write-baseline, refuse to write a larger file")
    check.add_argument("--rule", action="append", default=[], metavar="ID=SEVERITY", help="override a rule's severity (error, warning, off); repeatable")
    options = check.add_argument_group("plugin options (see the README's table)")
    for option in OPTIONS:
        if not option.flag:
            continue
        flag = "--" + option.name.replace("_", "-")
        common: dict[str, Any] = {"dest": f"option_{option.name}", "default": argparse.SUPPRESS, "help": option.meaning}
        if option.types == (bool,):
            options.add_argument(flag, action=argparse.BooleanOptionalAction, **common)
        elif option.choices:
            options.add_argument(flag, choices=option.choices, **common)
        elif option.types == (int,):
            options.add_argument(flag, type=int, metavar="N", **common)
        else:
            options.add_argument(flag, metavar="VALUE", **common)
    rules = commands.add_parser(
        "rules",
        help="list the rules and readers of each protocol era",
        description="Print, as markdown, which rules each protocol profile applies and how each era's files are read.",
    )
    rules.add_argument("--profile", action="append", default=[], metavar="ID_OR_FILE",
                       help="a shipped profile id or a profile file; repeatable (default: every shipped profile, oldest first)")
    return parser


def _store_cache(cache: ParseCache, folder: Path | None) -> Callable[[], object]:
    """Start storing the cache (in a second process where one may be
    forked, so the rules run meanwhile); returns what finishes it. A cache
    that cannot be written only costs speed."""
    if folder is None:
        return lambda: None
    # Keep the pages and drawings a site build stored next to the files parsed now.
    cache.used.update(cache.stored)
    return cache.persist_in_child(folder)


def run() -> NoReturn:
    """The console script and ``python -m mkdocs_handshake``: :func:`main`,
    then leave without tearing the interpreter down. The process holds the
    whole model by then (a large spec is millions of objects), and freeing
    them one by one at exit took about 30 ms of a 0.9 s check, for nothing:
    what it writes is written and closed, and the cache writer has been
    waited for. Tests call :func:`main`."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a reader that left (`check | head`) or a closed stream: nothing more to say
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "rules":
            return list_rules(args)
        with fewer_collections():
            return check(args)
    except (UsageError, OptionError, SiteConfigError, baseline_file.BaselineError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def list_rules(args: argparse.Namespace) -> int:
    from .protocol.profiles import ProfileError, load_profile, shipped
    from .report.catalogue import catalogue

    try:
        profiles = [load_profile(reference, base=".") for reference in (args.profile or shipped())]
    except ProfileError as error:
        raise UsageError(str(error)) from None
    _print(catalogue(profiles))
    return 0


def settings_for(args: argparse.Namespace) -> tuple[Settings, dict[str, Any]]:
    """The options of the site config in ROOT (or ``--config``), overridden by the flags."""
    folder = Path(args.root)
    if not folder.is_dir():
        raise UsageError(f"ROOT {folder} is not a folder")
    config_path: Path | None = None
    if args.config:
        config_path = Path(args.config)
        if not config_path.is_file():
            raise UsageError(f"--config {config_path}: no such file")
    elif not args.no_config:
        config_path = find_config(folder)
    raw: dict[str, Any] = {}
    base = folder
    if config_path is not None:
        raw = dict(read_site_options(config_path).options or {})
        base = config_path.parent
    else:
        # The cache belongs to a site build; a repo without one gets no
        # .cache folder unless asked for it.
        raw["cache"] = False
    for name, value in vars(args).items():
        if name.startswith("option_"):
            raw[name[len("option_"):]] = value
    if "baseline" in raw and hasattr(args, "option_baseline"):
        raw["baseline"] = str(Path(args.option_baseline).resolve())
    if args.rule:
        rules = dict(raw.get("rules") or {})
        for item in args.rule:
            rule_id, sep, severity = item.partition("=")
            if not sep or not rule_id.strip():
                raise UsageError(f"--rule {item!r}: write it as ID=SEVERITY, e.g. --rule PKT-010=off")
            rules[rule_id.strip()] = severity.strip()
        raw["rules"] = rules
    config_file = config_path.resolve() if config_path else None
    return resolve(raw, base=base, config_file=config_file, baseline_may_be_missing=bool(args.write_baseline), check_rules=False), raw


def check(args: argparse.Namespace) -> int:
    if args.write_baseline and args.changed_only:
        raise UsageError("--write-baseline records every finding; it cannot be combined with --changed-only")
    settings, raw = settings_for(args)
    cache = ParseCache()
    if settings.cache_dir is not None:
        # The plugin's cache: what a site build parsed is reused here, and
        # what this run parses is reused by the next build or check.
        cache.restore(settings.cache_dir)
    model = load_repo(settings.layout, cache, warm=(_import_checks,))
    check_rule_ids(settings)
    from .report import FORMATS, Report
    from .rules.engine import rule_plan, run_rules

    writing = _store_cache(cache, settings.cache_dir)
    try:
        findings = run_rules(model, settings.engine)
    finally:
        writing()
    in_use = settings.engine.baseline
    label = getattr(args, "option_baseline", None) or (str(raw["baseline"]) if raw.get("baseline") else None)
    grew: list[Finding] = []

    if args.write_baseline:
        target = Path(args.write_baseline)
        previous = in_use
        if target.is_file():
            try:
                previous = baseline_file.load_baseline(target)
            except baseline_file.BaselineError:
                if args.ratchet:
                    raise
                previous = None  # a damaged file is simply replaced
        plain = [_unmarked(finding) for finding in findings]
        written = baseline_file.from_findings(plain)
        if args.ratchet:
            grew = baseline_file.new_findings(plain, previous)
        if not grew:
            _write(target, baseline_file.dumps(written))
            dropped = len(baseline_file.stale_entries(plain, previous)) if previous is not None else 0
            print(f"{PROG}: wrote {written.count} finding(s) in {len(written.entries)} entr{'y' if len(written.entries) == 1 else 'ies'} to {target}"
                  + (f"; {dropped} stale entr{'y' if dropped == 1 else 'ies'} dropped" if dropped else ""), file=sys.stderr)
            findings = baseline_file.apply(plain, written)
            in_use, label = written, str(target)
        else:
            print(f"{PROG}: --ratchet: {target} not written: {len(grew)} finding(s) are not in the baseline", file=sys.stderr)
    elif args.ratchet:
        grew = baseline_file.new_findings(findings, in_use)

    stale = baseline_file.stale_entries(findings, in_use) if in_use is not None else ()
    shown = findings
    if args.changed_only:
        changed = changed_files(settings.root, args.changed_only)
        shown = [finding for finding in findings if finding.loc.file in changed]
    report = Report(
        model=model,
        findings=tuple(shown),
        as_of=settings.engine.as_of,
        fail_on=settings.fail_on,
        path_prefix=_prefix(settings.root),
        baseline=label,
        stale=stale,
        plan=rule_plan(model, settings.engine),
    )
    output = FORMATS[args.format](report)
    if args.output:
        _write(Path(args.output), output)
        print(report.summary_line(), file=sys.stderr)
    else:
        _print(output)
    if grew and not args.write_baseline:
        print(f"{PROG}: --ratchet: {len(grew)} finding(s) are not in the baseline", file=sys.stderr)
    return 1 if report.failing or grew else 0


def _unmarked(finding: Finding) -> Finding:
    from dataclasses import replace

    return replace(finding, baselined=False) if finding.baselined else finding


def changed_files(root: Path, ref: str) -> frozenset[str]:
    """Files (relative to ``root``) that differ from ``ref`` in the working
    tree, staged or not, plus untracked files that git does not ignore."""
    if shutil.which("git") is None:
        raise UsageError("--changed-only needs git, which is not on PATH")

    def git(*arguments: str) -> str:
        try:
            done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise UsageError(f"--changed-only {ref}: git failed: {error}") from None
        if done.returncode != 0:
            message = (done.stderr.strip().splitlines() or ["git failed"])[0]
            raise UsageError(f"--changed-only {ref}: {message}")
        return done.stdout

    changed = git("diff", "--name-only", "--relative", "-z", ref, "--").split("\0")
    untracked = git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    return frozenset(name for name in (*changed, *untracked) if name)


def _prefix(root: Path) -> str:
    """Path from the current folder to ``root``, for the paths CI systems
    and editors open ("" when ``root`` is the current folder)."""
    here = Path.cwd().resolve()
    try:
        relative = root.resolve().relative_to(here).as_posix()
    except ValueError:
        return root.resolve().as_posix()
    return "" if relative == "." else relative


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _print(text: str) -> None:
    try:
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `check | head`: the reader left; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
