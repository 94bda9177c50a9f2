"""The page on a projector, in a real Chromium: 1024x768, 1280x720 and a wide screen.

What only a browser shows: whether the buttons keep their whole labels, whether top-k and
its +/- buttons are there, whether anything overflows sideways, whether a language switch
keeps the chosen sample and model (Streamlit knows a choice by its shown label), and a click
on the map. Few and quick: one server for the module, one page per size.
"""

from __future__ import annotations

import pytest

from .test_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    settle,
    shown,
    streamlit_server,
    wait_idle,
    workbench,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
# Whether an element's text is cut (ellipsis or overflow) or lies outside the window.
CUT = "e => e.scrollWidth > e.clientWidth + 1"
OUTSIDE = "e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("layout")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server)  # the lesson, or the workbench's address
    wait_idle(page)
    return page


def assert_whole(locator, text: str) -> None:
    assert locator.inner_text().strip() == text
    assert not locator.evaluate(CUT), f"{text!r} is cut"
    assert not locator.evaluate(OUTSIDE), f"{text!r} is outside the window"


@pytest.mark.parametrize(
    ("width", "height", "where"),
    [(*size, "lesson") for size in SIZES] + [(1024, 768, "workbench")],
    ids=lambda v: str(v),
)
def test_the_controls_fit_without_cuts_or_sideways_scrolling(browser, server, width, height, where):
    address = workbench(server) if where == "workbench" else server
    page = open_page(browser, address, width, height)
    try:
        assert_whole(page.locator(".st-key-load_sample button p"), "Load sample")
        assert_whole(page.locator(".st-key-search button p"), "Search")
        top_k = page.locator(".st-key-top_k input")
        assert top_k.is_visible()
        assert not top_k.evaluate(OUTSIDE)
        for step in ("stNumberInputStepUp", "stNumberInputStepDown"):
            button = page.locator(f".st-key-top_k [data-testid={step}]")
            assert button.is_visible(), f"top-k lost its {step} button at {width}x{height}"
        page.locator(".st-key-search button").click()
        page.locator("[data-testid=stMarkdown]").filter(has_text="#1").first.wait_for(
            timeout=60_000
        )
        settle(page)
        main = page.locator("[data-testid=stMain]")
        assert main.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        page.close()


def test_a_language_switch_keeps_the_sample_and_model_and_leaves_no_english(browser, server):
    page = open_page(browser, workbench(server), 1024, 768)  # the model picker and uploader
    try:
        page.get_by_role("combobox", name="Sample").click()
        page.get_by_role("option", name="Customer support (English)").click()
        settle(page)
        page.get_by_text("中文").click()
        settle(page)
        shown(page, "向量空间已就绪")
        # The picker still holds the chosen sample, in Chinese; the model still loads.
        assert page.get_by_role("combobox", name="示例").input_value() == "客服问答(英文)"
        assert page.get_by_role("combobox", name="嵌入模型").input_value().startswith("bundled")
        assert (
            page.locator("[data-testid=stSidebar] [data-testid=stAlertContentError]").count() == 0
        )
        assert_whole(page.locator(".st-key-load_sample button p"), "载入示例")
        # The uploader's own words are replaced by the page's.
        button = page.locator(".st-key-uploads button p")
        assert button.evaluate("e => getComputedStyle(e, '::after').content") == '"上传"'
        assert button.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    finally:
        page.close()


def test_clicking_a_point_on_the_map_lists_its_neighbours(browser, server):
    page = open_page(browser, server, 1280, 1400)
    try:
        page.locator(".st-key-search button").click()
        page.get_by_role("tab", name="Embedding map").wait_for(timeout=60_000)
        page.get_by_role("tab", name="Embedding map").click()
        settle(page)
        panel = page.locator("[role=tabpanel]:visible")
        points = panel.locator("[data-testid=stVegaLiteChart] g.mark-symbol path")
        points.first.wait_for(timeout=60_000)
        assert points.count() >= 12  # every line, the query, the results' rings
        panel.get_by_text("Click a point to list its nearest neighbours").wait_for()
        for i in range(points.count()):  # the first point that is a line (not the query)
            points.nth(i).click(force=True)
            settle(page)
            heading = panel.get_by_text("Nearest neighbours of line")
            if heading.count():
                break
        heading.wait_for(timeout=30_000)
        table = panel.locator("[data-testid=stDataFrame]")
        assert table.count() == 1
    finally:
        page.close()
