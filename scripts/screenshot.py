"""Take the README's screenshots of a running page (``make run`` or ``streamlit run app.py``).

    python scripts/screenshot.py http://localhost:8501 docs

Drives Debian's Chromium through Playwright: the page after a search (docs/screenshot.png),
then each "Why these results?" view on the support sample (docs/view-*.png), and the page
on a projector's 1024x768 in English and Chinese (docs/projector-en.png, projector-zh.png).
The Compare view is shown against a random-weight Qwen3 twin built on the spot, the only
second model available offline. Install ``fonts-noto-cjk`` for the Chinese labels to render
(and ``fonts-noto-color-emoji`` for the icons).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWS = [
    ("Keyword vs meaning", "keywords"),
    ("Embedding map", "map"),
    ("Similarity heatmap", "heatmap"),
    ("Tokens", "tokens"),
    ("Calibrate the threshold", "calibrate"),
    ("Compare models", "compare"),
]


def idle(page: Page) -> None:
    """Wait for the script run to finish and the charts to draw."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000
    )
    page.wait_for_timeout(1500)


def choose(page: Page, box: str, option: str) -> None:
    """Pick ``option`` in the select box named ``box``; a click during a rerun may not open it."""
    for _ in range(3):
        idle(page)
        page.get_by_role("combobox", name=box).click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise RuntimeError(f"The select box {box!r} never offered {option!r}.")


def open_view(page: Page, name: str, twin: Path) -> None:
    """Open one view and give it what it needs to show a chart."""
    page.get_by_role("tab", name=name).click()
    idle(page)
    panel = page.locator("[role=tabpanel]:visible")
    if name == "Calibrate the threshold":
        for row, verdict in ((0, "relevant"), (1, "not relevant"), (2, "not relevant")):
            panel.get_by_role("radio", name=verdict, exact=True).nth(row).click()
            idle(page)
    if name == "Compare models":
        panel.get_by_role("combobox").click()
        page.get_by_role("option", name="other: a Hugging Face id or a local folder").click()
        idle(page)
        box = page.get_by_role("textbox", name="Model id or folder").last
        box.fill(str(twin))
        box.press("Enter")
        idle(page)
        panel.get_by_role("button", name="Compare").click()
        idle(page)


def projector(browser: Browser, url: str, out: Path) -> None:
    """The page after a search at 1024x768, in English and then in Chinese."""
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(url)
    page.wait_for_selector("text=Vector space ready", timeout=120_000)
    page.locator(".st-key-search button").click()
    page.wait_for_selector("[data-testid=stMarkdown] >> text=#1", timeout=120_000)
    idle(page)
    page.screenshot(path=str(out / "projector-en.png"))
    page.get_by_text("中文").click()
    page.wait_for_selector("text=向量空间已就绪", timeout=120_000)
    idle(page)
    page.screenshot(path=str(out / "projector-zh.png"))
    page.close()


def main(url: str, out: Path) -> None:
    """Save the page and every view as PNG files under ``out``."""
    from semsearch.encoding.twins import build_qwen3_twin

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        twin = build_qwen3_twin(Path(work) / "twin", "tiny")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.goto(url)
        page.wait_for_selector("text=Vector space ready", timeout=120_000)
        page.locator(".st-key-search button").click()
        page.wait_for_selector("[data-testid=stMarkdown] >> text=#1", timeout=120_000)
        page.get_by_text("Behind the scenes: the vectors").click()
        idle(page)
        page.screenshot(path=str(out / "screenshot.png"))

        choose(page, "Sample", "Customer support (English)")
        page.get_by_role("button", name="Load sample").click()
        idle(page)
        page.locator(".st-key-search button").click()
        idle(page)
        for name, slug in VIEWS:
            open_view(page, name, twin)
            page.locator("[role=tabpanel]:visible").screenshot(path=str(out / f"view-{slug}.png"))
        projector(browser, url, out)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
