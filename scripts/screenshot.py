"""Take the README's screenshots of a running page (``make run`` or ``streamlit run app.py``).

    python scripts/screenshot.py http://localhost:8501 docs/screenshot.png

Drives Debian's Chromium through Playwright: runs the sample search, opens the
"behind the scenes" panel and saves a full-page PNG. Install ``fonts-noto-cjk`` for the
Chinese labels to render.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(url: str, out: str) -> None:
    """Search the preloaded sample and save a screenshot of the whole page to ``out``."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.goto(url)
        page.wait_for_selector("text=Vector space ready", timeout=120_000)
        page.get_by_role("button", name="Search").click()
        page.wait_for_selector("[data-testid=stMarkdown] >> text=#1", timeout=120_000)
        page.get_by_text("Behind the scenes: the vectors").click()
        page.wait_for_selector("[data-testid=stVegaLiteChart]", timeout=60_000)
        page.wait_for_timeout(1500)  # let the charts finish drawing
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
