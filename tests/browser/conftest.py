"""Fixtures for the browser tests: build a site with MkDocs' Python API,
serve it from a background thread, and drive it with headless Chromium.

Everything skips (with the reason) when Chromium or Playwright is missing, so
the rest of the suite still runs on machines without a browser."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build_site(config_file: Path, site_dir: Path) -> Path:
    """Build like ``mkdocs build -f config_file -d site_dir``, in-process
    (one Python start less per site keeps the browser tests fast)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not print a line per request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return


@dataclass
class Served:
    """A built site served on 127.0.0.1 at a free port."""

    root: Path
    server: http.server.ThreadingHTTPServer
    thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(root: Path) -> Served:
    """Serve ``root`` with http.server in a daemon thread (port 0 = any free port)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root.name}", daemon=True)
    thread.start()
    return Served(root, server, thread)


# Material for MkDocs links Roboto from Google Fonts by default. The tests run
# offline, so those requests get an empty stylesheet instead of failing with
# a console error that has nothing to do with the plugin. Any other request
# that leaves 127.0.0.1 is NOT stubbed: it fails and shows up as an error.
WEB_FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com")


def stub_web_fonts(context: Any) -> None:
    def answer(route: Any) -> None:
        is_css = "googleapis" in route.request.url
        route.fulfill(status=200, body="", content_type="text/css" if is_css else "font/woff2")

    for host in WEB_FONT_HOSTS:
        context.route(f"https://{host}/**", answer)


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (install the Debian 'chromium' package)"
    if importlib.util.find_spec("playwright") is None:
        return "the Python 'playwright' package is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright gives each launch
    a fresh temporary profile, deleted on close). Not per session: Playwright
    runs threads while it is open, and later tests fork (mkdocs_handshake.runtime.parallel
    refuses to fork a threaded process)."""
    reason = _missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserErrors:
    """Console messages of type error and uncaught page errors, with the
    page URL they happened on, so a failure names the broken page."""

    entries: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.entries.append(f"{page.url}: uncaught {error}"))

    def _console(self, page: Any, message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            self.entries.append(f"{page.url}: console error {message.text!r} at {location.get('url', '?')}:{location.get('lineNumber', '?')}")


@pytest.fixture()
def page(chromium: Any) -> Iterator[tuple[Any, BrowserErrors]]:
    """A fresh 1400 px wide browser tab whose console errors are collected."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    stub_web_fonts(context)
    tab = context.new_page()
    errors = BrowserErrors()
    errors.attach(tab)
    try:
        yield tab, errors
    finally:
        context.close()
