"""Script payloads planted in every input, every view opened in a real browser: nothing runs.

The knowledge base, the query, an uploaded file's name and a saved base's name carry
``<script>``, ``<img onerror>``, ``<svg onload>``, ``javascript:`` links and markdown
links and images pointing at a canary server on loopback. After every view has been opened
(each tab, each expander), the window flag the payloads set is unset, no dialog opened, and
neither the browser nor the canary saw a request for a planted URL.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from .test_browser import CHROMIUM, browser, streamlit_server, wait_idle, workbench

__all__ = ["browser"]  # the fixture, shared with test_browser.py
pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]


class Canary(BaseHTTPRequestHandler):
    """Records every path asked for: any request means a planted URL was fetched."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Canary.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:  # quiet
        pass


def payloads(url: str) -> list[str]:
    return [
        f'<script>window.__pwned = "script"; fetch("{url}/script")</script>',
        f'<img src="{url}/img" onerror="window.__pwned = \'img\'">',
        "<svg onload=\"window.__pwned = 'svg'\"></svg>",
        "[click me](javascript:window.__pwned='link')",
        f"![planted]({url}/markdown-image) [planted]({url}/markdown-link)",
        f'<a href="javascript:window.__pwned=\'a\'">a</a> <iframe src="{url}/iframe"></iframe>',
        ":red[**styled**] $$x^2$$",
    ]


def test_planted_scripts_never_run_in_any_view(browser, tmp_path):
    canary = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=canary.serve_forever, daemon=True).start()
    planted = f"http://127.0.0.1:{canary.server_port}"
    hostile = payloads(planted)
    Canary.seen.clear()
    try:
        with streamlit_server(tmp_path) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            dialogs: list[str] = []
            requests: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(workbench(url))  # every tool and view
            wait_idle(page)

            area = page.get_by_role("textbox", name="One text per line")
            area.fill("\n".join([*hostile, "bananas are yellow", "oranges have vitamin C"]))
            area.press("Control+Enter")
            wait_idle(page)
            page.locator(".st-key-uploads input[type=file]").set_input_files([
                {"name": "<img src=x onerror=window.__pwned=1>.txt", "mimeType": "text/plain",
                 "buffer": f"file: {hostile[0]}".encode()},
                {"name": "**bold** [x](javascript:alert(1)).md", "mimeType": "text/markdown",
                 "buffer": f"# file {hostile[1]}\n\nfile {hostile[4]}\n".encode()},
            ])  # fmt: skip
            page.get_by_text(".md (UTF-8)").first.wait_for(timeout=60_000)
            wait_idle(page)

            page.get_by_text("Saved knowledge bases").click()
            name = page.get_by_role("textbox", name="Name")
            name.fill(f"<img src=x onerror=window.__pwned=2> ![b]({planted}/base) **B**")
            name.press("Enter")
            wait_idle(page)
            page.locator(".st-key-save_base button").click()
            page.get_by_text("Saved '").first.wait_for(timeout=60_000)
            wait_idle(page)

            page.get_by_role("textbox", name="Your question").fill(hostile[1])
            page.locator(".st-key-search button").click()
            wait_idle(page)
            tabs = page.get_by_role("tab")
            tabs.first.wait_for(timeout=60_000)
            assert tabs.count() >= 7  # every "Why these results?" view
            for i in range(tabs.count()):
                tabs.nth(i).click()
                wait_idle(page)
            expanders = page.locator("[data-testid=stExpander] summary")
            for i in range(expanders.count()):
                expanders.nth(i).click()
                wait_idle(page)
            page.wait_for_timeout(500)  # let any late image or script have its go

            assert page.evaluate("window.__pwned") is None
            assert dialogs == []
            assert [r for r in requests if r.startswith(planted)] == []
            assert Canary.seen == []
            assert page.locator("script:text('__pwned')").count() == 0
            assert (
                page.locator("img[src^='x'], svg[onload], iframe[src^='http://127']").count() == 0
            )
            assert page.get_by_text(f"Results for: {hostile[1]}", exact=True).count() == 1

            # The control: the same flag, dialog and canary do see a script that really runs.
            page.evaluate(
                "document.body.insertAdjacentHTML('beforeend', "
                f'\'<img src="{planted}/control" onerror="window.__pwned = 1; alert(1)">\')'
            )
            page.wait_for_function("window.__pwned === 1")
            page.wait_for_timeout(300)
            assert (dialogs, Canary.seen) == (["1"], ["/control"])
            page.close()
    finally:
        canary.shutdown()
