"""The ``handshake`` block of a site's ``mkdocs.yml`` or ``properdocs.yml``,
read without MkDocs, so ``mkdocs-handshake check`` uses the options the site
build uses.

Real configuration files carry YAML tags only MkDocs understands
(``!ENV [CI, false]``, ``!!python/name:material.extensions.emoji.twemoji``);
a plain ``yaml.safe_load`` refuses them. The loader here reads ``!ENV`` the
way MkDocs does (the first variable that is set, else the default) and any
other tag as the plain value under it: only the handshake block matters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

#: File names a host reads, in the order they are looked for.
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
PLUGIN_NAME = "handshake"


class SiteConfigError(ValueError):
    """A configuration file that cannot be read; the text is one line."""


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that accepts tags it does not know."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node, deep=True)
        names, default = items[:-1] if len(items) > 1 else items, items[-1] if len(items) > 1 else None
    else:
        return None
    for name in names:
        if isinstance(name, str) and name in os.environ:
            return yaml.load(os.environ[name], Loader=yaml.SafeLoader) if os.environ[name] else os.environ[name]
    return default


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


_TolerantLoader.add_constructor("!ENV", _env)
_TolerantLoader.add_multi_constructor("!", _any_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:", _any_tag)


def load_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SiteConfigError(f"{path}: cannot be read: {error}") from None
    try:
        return yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SiteConfigError(f"{path}{line}: not valid YAML: {problem}") from None


def find_config(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class SiteOptions:
    """The handshake block of one configuration file."""

    path: Path
    #: The options as written; None when the site does not use the plugin.
    options: Mapping[str, Any] | None


def read_site_options(path: Path, *, _seen: tuple[Path, ...] = ()) -> SiteOptions:
    """The ``handshake`` options of ``path``, following ``INHERIT`` the way
    MkDocs merges it for a plugin block: the child's keys over the parent's."""
    document = load_yaml(path)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise SiteConfigError(f"{path}: the top level is not a mapping")
    options = _plugin_block(path, document.get("plugins"))
    parent = document.get("INHERIT")
    if isinstance(parent, str):
        parent_path = (path.parent / parent).resolve()
        if parent_path in _seen:
            raise SiteConfigError(f"{path}: INHERIT loops back to {parent_path}")
        if not parent_path.is_file():
            raise SiteConfigError(f"{path}: INHERIT names {parent_path}, which does not exist")
        inherited = read_site_options(parent_path, _seen=(*_seen, path.resolve())).options
        if inherited is not None:
            options = {**inherited, **(options or {})}
    return SiteOptions(path, options)


def _plugin_block(path: Path, plugins: object) -> dict[str, Any] | None:
    """``plugins`` as a list (``- handshake`` or ``- handshake: {...}``) or a
    mapping (``handshake: {...}``)."""
    if plugins is None:
        return None
    if isinstance(plugins, dict):
        items: list[object] = [{name: value} for name, value in plugins.items()]
    elif isinstance(plugins, list):
        items = plugins
    else:
        raise SiteConfigError(f"{path}: 'plugins' is neither a list nor a mapping")
    for item in items:
        if item == PLUGIN_NAME:
            return {}
        if isinstance(item, dict) and PLUGIN_NAME in item:
            block = item[PLUGIN_NAME]
            if block is None:
                return {}
            if not isinstance(block, dict):
                raise SiteConfigError(f"{path}: the options of the {PLUGIN_NAME} plugin are not a mapping")
            return dict(block)
    return None
