"""Files as each era writes them: stubs in markdown or as the contract
era's ``.contract.json`` (issue 20), and every packet tagged with the era
that read it (issue 21)."""

from __future__ import annotations

from dataclasses import replace

from mkdocs_handshake.repository.layout import Layout


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


def test_every_packet_carries_the_era_that_read_and_judges_it(tmp_path) -> None:
    """model.json says each packet's era (issue 21): a flat markdown packet
    of the docs era as much as a June contract."""
    from mkdocs_handshake.load.assemble import load_repo
    from tests.fixtures.repo import materialise

    model = load_repo(Layout(materialise(tmp_path / "repo")))
    assert model.packets and {packet.era for packet in model.packets} == {model.protocol.profile}
