"""Running Graphviz's ``dot`` and making its SVG fit to inline.

``dot`` is an outside program that may be missing, fail, hang, or write
something that is not SVG; every one of those ends in one
:class:`DotFailure` whose text says why, for the build log and the page.
The DAG page (:mod:`.dag`) decides what to show instead.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess

from .common import shorten


def dot_missing_message() -> str:
    """One line for the build log when the ``dot`` program is absent."""
    return (
        "Graphviz 'dot' was not found on PATH: the dependency DAG page shows the packets as a list of layers "
        "instead of a drawing. Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)."
    )


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_ID_ATTR = re.compile(r'\bid="([^"]*)"')


def clean_svg(svg: str, prefix: str) -> str:
    """Inline-ready SVG: no XML prolog, doctype or comments, no blank lines
    (they would end the raw HTML block), ids made unique per graph."""
    svg = _PROLOG.sub("", svg)
    svg = _ID_ATTR.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    return "\n".join(line for line in svg.splitlines() if line.strip())


class DotFailure(Exception):
    """One ``dot`` run that gave no usable SVG. ``str()`` says how, in words
    for the build log; ``layout`` is True when ``dot`` itself reported an
    error (worth a retry with a simpler graph), ``missing`` when there is
    no ``dot`` to run."""

    def __init__(self, reason: str, *, layout: bool = False, missing: bool = False) -> None:
        super().__init__(reason)
        self.layout = layout
        self.missing = missing


DEFAULT_TIMEOUT = 60.0


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return shorten(" ".join(line.split()), 200)
    return ""


def render_svg(dot_source: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``dot -Tsvg`` with a time limit; :class:`DotFailure` unless it
    exits 0 with UTF-8 SVG. ``dot`` runs in its own process group so a
    timeout stops whatever it started as well."""
    executable = shutil.which("dot")
    if executable is None:
        raise DotFailure("was not found on PATH", missing=True)
    try:
        process = subprocess.Popen(
            [executable, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except OSError as error:
        raise DotFailure(f"could not be started ({error.strerror or error})", missing=True) from None
    try:
        out, err = process.communicate(dot_source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise DotFailure(f"timed out after {timeout:g} s and was stopped (option dot_timeout)") from None
    stderr = _first_line(err)
    said = f": {stderr}" if stderr else ""
    if process.returncode != 0:
        status = f"was killed by signal {-process.returncode}" if process.returncode < 0 else f"exited with status {process.returncode}"
        raise DotFailure(status + said, layout=True)
    try:
        svg = out.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DotFailure(f"exited with status 0 but wrote output that is not UTF-8 (byte 0x{out[error.start]:02X} at offset {error.start}){said}") from None
    if not svg.strip():
        raise DotFailure(f"exited with status 0 but wrote nothing{said}")
    if not re.search(r"<svg\b", svg) or "</svg>" not in svg:
        raise DotFailure(f"exited with status 0 but wrote no SVG drawing (output begins {shorten(' '.join(svg.split()), 60)!r}){said}")
    return svg


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups here
            process.kill()
    except OSError:
        pass
    process.communicate()
