"""Take the README's screenshots of a running page (``make run`` or ``streamlit run app.py``).

    python scripts/screenshot.py http://localhost:8501 docs

Drives Debian's Chromium through Playwright: the workbench after a search
(docs/screenshot.png), then each "Why these results?" view on the support sample
(docs/view-*.png), and the lesson at 1024x768 and 1280x800, in English and Chinese, on the
first visit and after a search (docs/lesson-*.png; docs/projector-en.png and projector-zh.png
are the 1024x768 ones after a search). ``--lesson`` takes only the lesson's.
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


SETTLED = """() => !document.querySelector(
  '[data-testid=stSpinner], [data-testid=stSkeleton], [data-stale=true]')"""
"""No spinner, no placeholder of an element still coming, nothing left over from the last run."""


def idle(page: Page) -> None:
    """Wait for the script run to finish, every element to be drawn, and the charts."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=180_000
    )
    page.wait_for_function(SETTLED, timeout=180_000)
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
    page.wait_for_timeout(1000)  # the rerun the click starts may not have begun yet
    idle(page)
    panel = page.locator("[role=tabpanel]:visible")
    if name == "Embedding map":  # drawn once its projection is done
        panel.locator("[data-testid=stVegaLiteChart]").first.wait_for(timeout=180_000)
        idle(page)
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


def lesson(browser: Browser, url: str, out: Path) -> None:
    """The lesson as a class sees it: first visit and after Search, both languages.

    At 1024x768 and 1280x800: docs/lesson-{size}-{lang}-{first,search}.png; the 1024x768
    ones after a search are also docs/projector-en.png and projector-zh.png.
    """
    for width, height in ((1024, 768), (1280, 800)):
        for lang, ready, means in (("en", "Vector space ready", "What the number means"),
                                   ("zh", "向量空间已就绪", "这个数字的含义")):  # fmt: skip
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{url}/?lang={lang}")
            page.wait_for_selector(f"text={ready}", timeout=180_000)
            idle(page)
            name = f"lesson-{width}x{height}-{lang}"
            page.screenshot(path=str(out / f"{name}-first.png"))
            page.locator(".st-key-search button").click()
            page.wait_for_selector(f"text={means}", timeout=180_000)
            idle(page)
            page.screenshot(path=str(out / f"{name}-search.png"))
            if width == 1024:
                page.screenshot(path=str(out / f"projector-{lang}.png"))
            context.close()


def main(url: str, out: Path) -> None:
    """Save the page and every view as PNG files under ``out``."""
    from semsearch.encoding.twins import build_qwen3_twin

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        twin = build_qwen3_twin(Path(work) / "twin", "tiny")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.goto(f"{url}/?page=workbench")  # every view, Compare included
        page.wait_for_selector("text=Vector space ready", timeout=180_000)
        idle(page)
        page.get_by_text("Behind the scenes: the vectors").click()
        idle(page)
        # Search last: the page then says what this search encoded, not "ranked again".
        page.locator(".st-key-search button").click()
        page.wait_for_selector("[data-testid=stMarkdown] >> text=#1", timeout=180_000)
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
        lesson(browser, url, out)
        browser.close()


if __name__ == "__main__":
    if "--lesson" in sys.argv:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            lesson(chromium, sys.argv[1], Path(sys.argv[2]))
            chromium.close()
    else:
        main(sys.argv[1], Path(sys.argv[2]))
