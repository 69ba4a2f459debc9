"""Running Graphviz's dot: every way it fails becomes one DotFailure with
a reason in words, and a dot that hangs is stopped with what it started.
Fake dot scripts stand first on PATH."""

from __future__ import annotations

import os
import time

import pytest

from mkdocs_handshake.render import dot_program


def fake_dot(monkeypatch: pytest.MonkeyPatch, tmp_path, script: str) -> None:  # type: ignore[no-untyped-def]
    """A ``dot`` that runs ``script`` (sh), first on PATH; the DAG page's
    tests use it too."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    (folder / "dot").write_text("#!/bin/sh\n" + script, encoding="utf-8")
    (folder / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("cat >/dev/null; echo '' >&2; echo 'Error: lost edge' >&2; exit 2\n", "exited with status 2: Error: lost edge"),
        ("cat >/dev/null; kill -9 $$\n", "was killed by signal 9"),
        ("cat >/dev/null; printf 'ok\\377'\n", "exited with status 0 but wrote output that is not UTF-8 (byte 0xFF at offset 2)"),
        ("cat >/dev/null\n", "exited with status 0 but wrote nothing"),
        ("cat >/dev/null; echo '<svg>'\n", "exited with status 0 but wrote no SVG drawing (output begins '<svg>')"),
    ],
    ids=["exit-2", "signal", "not-utf8", "empty", "half-svg"],
)
def test_render_svg_turns_every_failure_into_one_reason(monkeypatch: pytest.MonkeyPatch, tmp_path, script: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    fake_dot(monkeypatch, tmp_path, script)
    with pytest.raises(dot_program.DotFailure) as caught:
        dot_program.render_svg("digraph { a }")
    assert str(caught.value) == reason


def test_render_svg_stops_a_hanging_dot_and_what_it_started(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The pid is written first: on a busy machine the timeout may come before dot has read its input.
    fake_dot(monkeypatch, tmp_path, f"sleep 30 & echo $! > {tmp_path}/child; cat >/dev/null; wait\n")
    with pytest.raises(dot_program.DotFailure) as caught:
        dot_program.render_svg("digraph { a }", timeout=0.5)
    assert str(caught.value) == "timed out after 0.5 s and was stopped (option dot_timeout)"
    child = int((tmp_path / "child").read_text())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # the kill is asynchronous; give it a moment
            os.kill(child, 0)
            time.sleep(0.05)
