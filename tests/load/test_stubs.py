"""Stub files as each era writes them (issue 20: a reader for markdown
stubs and for the contract era's ``.contract.json``)."""

from __future__ import annotations

from dataclasses import replace


def test_a_stub_is_its_markdown_beside_its_contract_or_the_contract_alone(tmp_path) -> None:
    """June writes a stub as WP-*.md with WP-*.contract.json, or the
    contract alone (profile ``layout.stub_files``); the docs era knows only
    the markdown. One file per stub."""
    from mkdocs_handshake.load.governance_files import load_stub_files
    from mkdocs_handshake.load.parse_cache import ParseCache
    from mkdocs_handshake.protocol.profiles import load_profile
    from mkdocs_handshake.repository.layout import Layout

    june = load_profile("handshake-2026-06")
    folder = tmp_path / june.stubs
    folder.mkdir(parents=True)
    for name in ("WP-1-Both-v2.md", "WP-1-Both-v2.contract.json", "WP-KERNEL-006-Alone-v1.contract.json", "README.md"):
        (folder / name).write_text("{}\n", encoding="utf-8")
    assert load_stub_files(Layout(tmp_path), ParseCache(), june) == (f"{june.stubs}/WP-1-Both-v2.md", f"{june.stubs}/WP-KERNEL-006-Alone-v1.contract.json")
    february = replace(load_profile("handshake-2026-02"), stubs=june.stubs)
    assert load_stub_files(Layout(tmp_path), ParseCache(), february) == (f"{june.stubs}/WP-1-Both-v2.md",)
