"""Protocol profiles: shipped data that loads, extends, and is chosen from
what a repository says about itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.rules.engine import ConfigError, check_profile
from mkdocs_handshake.protocol.profiles import Evidence, ProfileError, choose_profile, load_profile, shipped
from mkdocs_handshake.rules import REGISTRY


@pytest.mark.parametrize("name", shipped())
def test_every_shipped_profile_loads_and_names_only_real_rules(name: str) -> None:
    profile = load_profile(name)
    check_profile(profile)
    assert profile.rules and profile.board_sections and profile.required_fields
    assert all(use.clause for use in profile.rules.values())


def test_every_rule_is_placed_by_a_shipped_profile() -> None:
    # A rule no shipped profile lists would never run anywhere.
    placed = {rule_id for name in shipped() for rule_id in load_profile(name).rules}
    assert set(REGISTRY) == placed


def test_a_rule_only_the_later_protocol_has_is_only_in_its_profile() -> None:
    # The 2025-12 protocol had no SKELETON section in packets, no ASCII
    # rule, manifest, lineage audit, refinement files, claim fields, fixed
    # board sections or registry.
    old, new = load_profile("handshake-2025-12"), load_profile("handshake-2026-02")
    later_only = {"PKT-015", "PKT-016", "PKT-017", "PKT-018", "PKT-019", "PKT-020", "PKT-021", "BOARD-007", "BOARD-008", "BOARD-009"}
    assert later_only <= set(new.rules)
    assert not later_only & set(old.rules)
    assert "SIG-007" in old.rules
    assert old.gate_order == ("REFINEMENT", "SIGNATURE") and new.gate_order == ("REFINEMENT", "SIGNATURE", "PREPARE")


def test_a_later_profile_extends_and_replaces() -> None:
    old, new = load_profile("handshake-2025-12"), load_profile("handshake-2026-02")
    assert old.review_command == "just ai-review" and new.review_command == ""
    assert "Notes" in [name for name, _ in old.required_sections]
    assert "Notes" not in [name for name, _ in new.required_sections]
    assert new.counts == old.counts  # not restated: inherited
    assert new.rules["PKT-001"] == old.rules["PKT-001"]


def test_choice_follows_the_template_format_version() -> None:
    stamped = Evidence("docs/templates/T.md", frozenset(), "2026-03-15", "")
    profile, why, certain = choose_profile(stamped)
    assert profile.id == "handshake-2026-02" and certain and "2026-03-15" in why


def test_choice_follows_marker_words_in_protocol_text() -> None:
    profile, why, _ = choose_profile(Evidence("", frozenset(), "", "see docs/wp_traceability_registry.md"))
    assert profile.id == "handshake-2026-02" and "WP_TRACEABILITY_REGISTRY" in why


def test_without_template_or_protocol_the_choice_is_flagged_uncertain() -> None:
    profile, why, certain = choose_profile(Evidence())
    assert profile.id == shipped()[0] and not certain and "no packet template" in why


def test_user_profile_file_extends_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "id: acme\nextends: handshake-2026-02\npacket:\n  counts:\n    - {field: DONE_MEANS, min: 1, max: 3, severity: warning}\n",
        encoding="utf-8",
    )
    profile = load_profile("mine.yaml", tmp_path.as_posix())
    assert profile.id == "acme" and profile.ascii_only
    assert [(limit.field, limit.low, limit.high) for limit in profile.counts] == [("DONE_MEANS", 1, 3)]


def test_refinements_are_read_where_each_era_keeps_them() -> None:
    """February: the refinements folder alone; June: the typed contract in
    the packet folder, then its projection, then the flat file."""
    assert load_profile("handshake-2026-02").refinement_files == (("{refinements}/{wp}.md", "markdown"),)
    june = load_profile("handshake-2026-06")
    assert [form for _path, form in june.refinement_files] == ["json", "markdown", "markdown"]
    assert dict(june.refinement_fields)["USER_SIGNATURE"] == ("refinement.user_signature",)


@pytest.mark.parametrize(
    "text, message",
    [
        ("id: x\nrules:\n  PKT-001: {scope: everywhere, clause: c}\n", "scope"),
        ("id: x\nrules:\n  PKT-001: {scope: all}\n", "clause"),
        ("id: x\nlifecycle:\n  board_sections:\n    - {match: '(', lifecycle: active}\n", "bad pattern"),
        ("id: x\nextends: x.yaml\n", "loops"),
        ("- a list\n", "mapping"),
        ("id: [unclosed\n", "not valid YAML"),
        ("id: x\nlayout:\n  refinement_files:\n    - {path: 'r/{id}.md', format: markdown}\n", "must name \\{wp\\}"),
        ("id: x\nlayout:\n  refinement_files:\n    - {path: 'r/{wp}.yaml', format: yaml}\n", "'format' \\(markdown, json\\)"),
    ],
)
def test_a_broken_profile_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile("x.yaml", tmp_path.as_posix())


def test_unknown_rule_id_in_a_profile_is_refused(tmp_path: Path) -> None:
    (tmp_path / "typo.yaml").write_text("id: t\nextends: handshake-2025-12\nrules:\n  PKT-999: {clause: nowhere}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="PKT-999"):
        check_profile(load_profile("typo.yaml", tmp_path.as_posix()))


def test_missing_profile_names_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match="handshake-2025-12"):
        load_profile("no-such-profile")


@pytest.mark.parametrize("name", shipped())
def test_shipped_profiles_follow_the_published_profile_schema(name: str) -> None:
    import jsonschema
    import yaml

    from mkdocs_handshake.protocol.profiles import PROFILE_DIR
    from mkdocs_handshake.schemas import schema

    validator = jsonschema.Draft202012Validator(schema("profile"))
    validator.check_schema(schema("profile"))
    data = yaml.safe_load((PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    assert sorted(error.message for error in validator.iter_errors(data)) == []
    broken = {**data, "rules": {"PKT-001": {"scope": "sometimes", "clause": "x"}}}
    assert list(validator.iter_errors(broken)), "the schema must refuse an unknown scope"
