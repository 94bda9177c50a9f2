"""The page in a real browser: Debian's Chromium driven by Playwright, against a real server.

Skipped only where no Chromium is installed (``.ci/run`` installs it, so CI always runs
these). The server is ``streamlit run app.py`` on a free loopback port with the bundled
model and the hub switched off.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_server(work: Path, **extra_env: str) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port; yields its URL, fails on a traceback."""
    port = free_port()
    log = work / "server.log"
    env = {**os.environ, "SEMSEARCH_MODEL": "bundled", "HF_HUB_OFFLINE": "1",
           "SEMSEARCH_DATA_DIR": str(work / "data"), **extra_env}  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    except BaseException:
        # What the server said is the first thing to read when a browser test fails.
        print(f"--- the server's log, last 6,000 characters:\n{log.read_text()[-6000:]}",
              file=sys.stderr)  # fmt: skip
        raise
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "Traceback" not in log.read_text()


def shown(page, text: str, *, exact: bool = False, timeout: float = 60_000) -> None:
    """Wait until ``text`` is visible; on timeout fail with what the page shows instead."""
    appears(page, page.get_by_text(text, exact=exact), timeout)


def appears(page, locator, timeout: float = 60_000) -> None:
    """Wait until ``locator`` is visible; on timeout fail with what the page shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        body = page.inner_text("body")
        pytest.fail(
            f"{locator} not visible in {timeout / 1000:.0f} s; the page shows:\n{body[-4000:]}"
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server)
    wait_idle(page)
    yield page
    context.close()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the script has run and the page holds its final elements.

    "Vector space ready" is under the title on the lesson, in the sidebar on the workbench.
    It is waited for first: the app may read "notRunning" before its first run has started,
    and the text appears while the run is still drawing the rest. Then the script must be
    idle for :data:`IDLE_FOR` ms on end, not between one run and a rerun it asked for.
    """
    page.wait_for_selector("text=Vector space ready", timeout=timeout)
    page.evaluate("window.__idleSince = undefined")  # counted from now: a click's rerun may be due
    page.wait_for_function(IDLE, arg=IDLE_FOR, polling=100, timeout=timeout)


IDLE_FOR = 400
IDLE = """since => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') {
    window.__idleSince = undefined;
    return false;
  }
  window.__idleSince ??= performance.now();
  return performance.now() - window.__idleSince >= since;
}"""
"""Whether the script has been idle ``since`` ms on end (a page's JavaScript, for polling)."""


def settle(page) -> None:
    """Wait for the rerun a click started to finish (it may not have started yet)."""
    page.wait_for_timeout(800)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)


def workbench(url: str) -> str:
    """The address of the workbench page (the plain address opens the lesson)."""
    return f"{url}/?page=workbench"


def test_search_flow_shows_the_right_line(page):
    from playwright.sync_api import expect

    query = page.get_by_role("textbox", name="Your question")
    query.fill("Which fruit has a lot of vitamin C?")
    page.locator(".st-key-search button").click()
    first = page.locator("[data-testid=stMarkdown]").filter(has_text="#1").first
    first.wait_for(timeout=60_000)
    wait_idle(page)  # the layout settles once the script has finished
    assert "strong match" in first.inner_text()
    second = page.locator("[data-testid=stMarkdown]").filter(has_text="#2").first
    answer = page.locator("[data-testid=stText]").filter(
        has_text="Oranges contain plenty of vitamin C."
    )
    # In the rendered page the best line sits between the first and second result headers.
    top = [
        box["y"]
        for box in (first.bounding_box(), answer.last.bounding_box(), second.bounding_box())
    ]
    assert top == sorted(top)
    page.get_by_text("Behind the scenes: the vectors").click()
    panel = page.locator("[data-testid=stExpander]").filter(has_text="Behind the scenes")
    charts = panel.locator("[data-testid=stVegaLiteChart]")
    charts.locator("canvas, svg").first.wait_for()
    expect(charts).to_have_count(2)  # the second may be drawn a moment after the first


def test_html_in_the_knowledge_base_is_shown_as_text(page):
    tricky = "<b>bold</b> <img src=x onerror=alert(1)> **stars**"
    area = page.get_by_role("textbox", name="One text per line")
    area.fill(f"{tricky}\nbananas are yellow")
    area.press("Control+Enter")
    wait_idle(page)
    page.get_by_role("slider").first.focus()
    for _ in range(6):  # threshold 0.4 -> 0.1, so the tricky line is listed
        page.keyboard.press("ArrowLeft")
    wait_idle(page)
    page.get_by_role("textbox", name="Your question").fill("bold stars")
    page.locator(".st-key-search button").click()
    shown(page, tricky, exact=True)
    assert page.locator("b:text('bold')").count() == 0
    assert page.locator("img[src=x]").count() == 0


def chart_in_panel(page, timeout: float = 60_000) -> None:
    """Wait for a drawn chart (canvas or svg) in the open tab panel."""
    panel = page.locator("[role=tabpanel]:visible")
    panel.locator(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
    ).first.wait_for(timeout=timeout)


def test_every_view_draws_its_chart(page, server, tiny_qwen3):
    page.goto(workbench(server))  # Compare is a workbench's view
    wait_idle(page)
    page.get_by_role("textbox", name="Your question").fill("My phone won't charge")
    page.locator(".st-key-search button").click()
    page.get_by_role("tab", name="Keyword vs meaning").wait_for(timeout=60_000)
    chart_in_panel(page)
    for name in ("Embedding map", "Similarity heatmap", "Tokens"):
        page.get_by_role("tab", name=name).click()
        wait_idle(page)
        chart_in_panel(page)

    page.get_by_role("tab", name="Calibrate the threshold").click()
    wait_idle(page)
    panel = page.locator("[role=tabpanel]:visible")
    panel.get_by_role("radio", name="relevant", exact=True).first.click()
    wait_idle(page)
    panel.get_by_role("radio", name="not relevant", exact=True).nth(1).click()
    wait_idle(page)
    chart_in_panel(page)
    assert panel.get_by_role("button", name="Use ").count() == 1

    page.get_by_role("tab", name="Compare models").click()
    wait_idle(page)
    panel = page.locator("[role=tabpanel]:visible")
    # Offline with the bundled model in use, nothing else is cached: the folder field is the
    # one choice, open already.
    page.get_by_role("textbox", name="Model id or folder").last.fill(str(tiny_qwen3))
    page.get_by_role("textbox", name="Model id or folder").last.press("Enter")
    wait_idle(page)
    panel.get_by_role("button", name="Compare").click()
    wait_idle(page)
    chart_in_panel(page)


def test_map_tooltips_show_user_text_escaped(page):
    tricky = "<b>bold</b> <img src=x onerror=alert(1)> apples"
    area = page.get_by_role("textbox", name="One text per line")
    area.fill(f"{tricky}\nbananas are yellow\noranges have vitamin C\nthe stock market fell")
    area.press("Control+Enter")
    wait_idle(page)
    page.locator(".st-key-search button").click()
    wait_idle(page)
    page.get_by_role("tab", name="Embedding map").click()
    wait_idle(page)
    chart_in_panel(page)
    points = page.locator(
        "[role=tabpanel]:visible [data-testid=stVegaLiteChart] g.mark-symbol path"
    )
    tooltip = page.locator("#vg-tooltip-element")
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        if tricky in tooltip.inner_text():
            break
    assert tricky in tooltip.inner_text()  # shown as text...
    assert tooltip.locator("b, img").count() == 0  # ...never as markup


def test_documents_in_answers_out_and_tomorrow_without_encoding(browser, tmp_path):
    """The prototype path of the README: upload, save, ask, and reopen in a new session."""
    from .helpers import ChatServer, make_pdf

    manual = tmp_path / "manual.pdf"
    manual.write_bytes(
        make_pdf([["To reset the router, hold the reset button for ten seconds."],
                  ["The warranty lasts two years from the date of purchase."]])
    )  # fmt: skip
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Notes\n\nDust in the charging port causes a poor connection.\n", encoding="utf-8"
    )
    reply = "Hold the reset button for ten seconds [1]."
    with (
        ChatServer(reply=reply) as llm,
        streamlit_server(tmp_path, SEMSEARCH_LLM_BASE_URL=llm.url) as url,
    ):
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(workbench(url))
        wait_idle(page)
        area = page.get_by_role("textbox", name="One text per line")
        area.fill("")
        area.press("Control+Enter")
        wait_idle(page)
        page.locator(".st-key-uploads input[type=file]").set_input_files([manual, notes])
        shown(page, "manual.pdf: 2 passages")
        shown(page, "notes.md (UTF-8): 1 passage")

        page.get_by_text("Saved knowledge bases").click()
        page.get_by_role("textbox", name="Name").fill("manuals")
        page.get_by_role("textbox", name="Name").press("Enter")
        wait_idle(page)
        page.locator(".st-key-save_base button").click()
        shown(page, "Saved 'manuals': 3 passages")

        page.get_by_role("textbox", name="Your question").fill("How do I reset the router?")
        page.locator(".st-key-search button").click()
        wait_idle(page)
        page.locator(".st-key-answer button").click()
        shown(page, reply, exact=True)
        source = page.get_by_text("✓ [1]")
        assert "To reset the router" in source.inner_text()
        assert "manual.pdf · page 1" in source.inner_text()
        page.close()

        tomorrow = browser.new_page(viewport={"width": 1400, "height": 1400})
        tomorrow.goto(workbench(url))
        wait_idle(tomorrow)
        tomorrow.get_by_text("Saved knowledge bases").click()
        wait_idle(tomorrow)
        tomorrow.locator(".st-key-open_base button").click()
        shown(tomorrow, "Opened 'manuals': 3 passages")
        tomorrow.get_by_role("textbox", name="Your question").fill("How do I reset the router?")
        tomorrow.locator(".st-key-search button").click()
        shown(tomorrow, "0 lines encoded, 3 from the cache")
        tomorrow.close()
