"""The options, declared twice (the MkDocs schema in config.py, the plain
declaration in options.py), must not drift apart; and the handshake block of
a real mkdocs.yml must be readable without MkDocs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_handshake.options.config import HandshakeConfig
from mkdocs_handshake.options.settings import BY_NAME, OPTIONS, OptionError, check_types, defaults, resolve
from mkdocs_handshake.options.site_config import SiteConfigError, read_site_options
from tests.fixtures.repo import TEMPLATE


def _mkdocs_defaults() -> dict[str, object]:
    config = HandshakeConfig()
    config.load_dict({})
    errors, warnings = config.validate()
    assert (errors, warnings) == ([], [])
    return dict(config)


def test_config_py_and_options_py_declare_the_same_options_and_defaults() -> None:
    assert _mkdocs_defaults() == defaults()
    assert sorted(option.name for option in OPTIONS) == sorted(name for name, _ in HandshakeConfig._schema)


# Values of the wrong type for most options; each front end must refuse
# exactly the ones the other refuses.
PROBES: list[object] = ["text", 7, True, 2.5, {"a": 1}, ["x"], dt.date(2026, 1, 2), "warning"]


@pytest.mark.parametrize("name", [option.name for option in OPTIONS if option.name != "waivers"])
def test_both_declarations_accept_and_refuse_the_same_values(name: str) -> None:
    for value in PROBES:
        config = HandshakeConfig()
        config.load_dict({name: value})
        mkdocs_accepts = config.validate()[0] == []
        try:
            check_types({name: value})
            plain_accepts = True
        except OptionError:
            plain_accepts = False
        assert plain_accepts == mkdocs_accepts, f"{name}={value!r}: options.py {plain_accepts}, config.py {mkdocs_accepts}"


def test_every_option_says_what_it_means() -> None:
    for option in OPTIONS:
        assert option.meaning.strip(), option.name


def test_resolve_builds_the_layout_and_engine_from_the_block(tmp_path: Path) -> None:
    settings = resolve(
        {"root": "site_template", "rules": {"PKT-010": False, "DEP-005": "warning"}, "as_of": dt.date(2026, 11, 20), "fail_on": "warning"},
        base=TEMPLATE.parent,
        config_file=TEMPLATE.parent / "mkdocs.yml",
    )
    assert settings.root == TEMPLATE.resolve()
    assert settings.layout.packets == "docs/task_packets"
    assert dict(settings.engine.severities) == {"PKT-010": "off", "DEP-005": "warning"}
    assert settings.engine.as_of == dt.date(2026, 11, 20)
    assert settings.fail_on == "warning"
    assert settings.engine.options["dag_max_nodes"] == 60
    assert settings.cache_dir == (TEMPLATE.parent / ".cache/plugin/handshake").resolve()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"packet": "docs"}, ["unknown option", "'packet'"]),
        ({"fail_on": "sometimes"}, ["fail_on", "'sometimes'", "error, warning, never"]),
        ({"dag_max_nodes": "many"}, ["dag_max_nodes", "expected int"]),
        ({"root": "nowhere"}, ["root", "does not exist"]),
        ({"task_board": "docs/BOARD.md"}, ["task_board", "BOARD.md", "does not exist"]),
        ({"as_of": "yesterday"}, ["as_of", "not a date"]),
        ({"rules": {"PKT-999": "off"}}, ["unknown rule id", "PKT-999"]),
        ({"rules": {"PKT-001": "loud"}}, ["PKT-001", "error, warning or off"]),
        ({"waivers": [{"rule": "PKT-001"}]}, ["waivers", "item 1", "'target'"]),
        ({"waivers": [{"rule": "PKT-001", "target": "x", "reason": "r", "until": "2027"}]}, ["waivers", "unknown key", "'until'"]),
        ({"baseline": "debt.json"}, ["baseline", "debt.json", "does not exist"]),
    ],
)
def test_a_bad_option_is_one_line_naming_it(raw: dict[str, object], words: list[str]) -> None:
    with pytest.raises(OptionError) as caught:
        resolve(raw, base=TEMPLATE)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_a_baseline_that_is_not_a_baseline_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "debt.json").write_text('{"version": 1, "entries": [{"rule": "PKT-001"}]}', encoding="utf-8")
    with pytest.raises(OptionError, match=r"option 'baseline': .*entry 1 needs a 'fingerprint'"):
        resolve({"baseline": "debt.json"}, base=tmp_path)
    (tmp_path / "debt.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(OptionError, match=r"option 'baseline': .*is not JSON"):
        resolve({"baseline": "debt.json"}, base=tmp_path)


# --------------------------------------------------------------------------
# mkdocs.yml / properdocs.yml read without MkDocs
# --------------------------------------------------------------------------

REAL_WORLD = """\
site_name: Governance
INHERIT_PLACEHOLDER
theme:
  name: material
  palette: !ENV [PALETTE_UNSET_FOR_TEST, slate]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
plugins:
  - search
  - handshake:
      root: !relative $config_dir
      fail_on: !ENV [HANDSHAKE_FAIL_ON_FOR_TEST, warning]
      rules:
        PKT-010: off
"""


def test_tags_only_mkdocs_knows_do_not_stop_the_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(REAL_WORLD.replace("INHERIT_PLACEHOLDER\n", ""), encoding="utf-8")
    monkeypatch.delenv("HANDSHAKE_FAIL_ON_FOR_TEST", raising=False)
    options = read_site_options(path).options
    assert options == {"root": "$config_dir", "fail_on": "warning", "rules": {"PKT-010": False}}
    monkeypatch.setenv("HANDSHAKE_FAIL_ON_FOR_TEST", "never")
    assert read_site_options(path).options["fail_on"] == "never"  # type: ignore[index]


def test_plugins_as_a_mapping_and_inherited_options(tmp_path: Path) -> None:
    (tmp_path / "base.yml").write_text("plugins:\n  handshake:\n    root: .\n    fail_on: never\n", encoding="utf-8")
    (tmp_path / "properdocs.yml").write_text("INHERIT: base.yml\nplugins:\n  - handshake:\n      fail_on: warning\n", encoding="utf-8")
    assert read_site_options(tmp_path / "properdocs.yml").options == {"root": ".", "fail_on": "warning"}
    (tmp_path / "plain.yml").write_text("plugins:\n  - search\n", encoding="utf-8")
    assert read_site_options(tmp_path / "plain.yml").options is None
    (tmp_path / "bare.yml").write_text("plugins:\n  - handshake\n", encoding="utf-8")
    assert read_site_options(tmp_path / "bare.yml").options == {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("plugins: [handshake\n", ["not valid YAML"]),
        ("plugins: 3\n", ["'plugins'"]),
        ("plugins:\n  - handshake: [1, 2]\n", ["not a mapping"]),
        ("INHERIT: missing.yml\n", ["INHERIT", "does not exist"]),
    ],
)
def test_an_unreadable_site_config_is_one_line(tmp_path: Path, text: str, words: list[str]) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SiteConfigError) as caught:
        read_site_options(path)
    assert "\n" not in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_the_declared_option_names_are_the_readme_table() -> None:
    """The README's configuration table lists every option (a new option is
    documented where people look for it)."""
    readme = (TEMPLATE.parent / "README.md").read_text(encoding="utf-8")
    for name in BY_NAME:
        assert f"| `{name}` |" in readme, name
