"""What the browser tests share: Debian's Chromium, launched headless through Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

from playwright.sync_api import Browser, sync_playwright


def chromium_path() -> str:
    """The installed Chromium (never a downloaded one: .ci/run installs Debian's)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium is not installed: apt-get install chromium (.ci/run does it)")


def launched_chromium() -> Iterator[Browser]:
    """One headless Chromium for a module's tests (a fixture's body: yields it, then closes it)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        yield launched
        launched.close()
