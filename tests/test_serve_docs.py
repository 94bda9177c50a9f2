"""``semsearch serve``'s ``/docs`` and ``/redoc`` work without internet: every file they load
comes from the server itself, and Swagger UI, in a real Chromium with every other host
refused, lists the API's routes.

The server is the real app with uvicorn on a loopback port (tests/serving.py) and the
bundled model.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import urljoin, urlsplit

import httpx2
import pytest

from semsearch.retrieval.stores import open_store
from semsearch.service import ServiceConfig, create_app

from .serving import running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# What each page loads, and the content type each file must come back with.
ASSETS = {
    "/docs": {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
              "favicon.png": "image/png", "/openapi.json": "application/json"},
    "/redoc": {"redoc.standalone.js": "text/javascript", "favicon.png": "image/png",
               "/openapi.json": "application/json"},
}  # fmt: skip


@pytest.fixture(scope="module")
def server(bundled, tmp_path_factory):
    store = open_store(f"sqlite:{tmp_path_factory.mktemp('docs') / 'bases'}")
    # A key is set: the pages and their files are public (no data), the API is not.
    app = create_app(ServiceConfig(api_key="s3cret"), loader=lambda: bundled, store=store)
    with running(app) as started:
        yield started.url


def loaded_urls(html: str) -> list[str]:
    """Every URL the page's HTML loads: ``src``/``href``/``spec-url`` and Swagger's ``url:``."""
    found = re.findall(r"""(?:src|href|spec-url)=["']([^"']+)["']""", html)
    return found + re.findall(r"""\burl:\s*["']([^"']+)["']""", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_pages_load_only_files_this_server_serves(server, page):
    answer = httpx2.get(server + page)
    assert answer.status_code == 200
    urls = loaded_urls(answer.text)
    assert sorted(u.rsplit("/", 1)[-1] for u in urls) == sorted(
        name.lstrip("/") for name in ASSETS[page]
    )
    # Paths on this server only: no scheme, no host, nothing from a CDN or Google Fonts.
    assert all(urlsplit(u).scheme == "" and urlsplit(u).netloc == "" for u in urls), urls
    assert "fonts.googleapis" not in answer.text
    for url in urls:
        served = httpx2.get(urljoin(server + page, url))  # without the key
        kind = ASSETS[page][url if url.startswith("/openapi") else url.rsplit("/", 1)[-1]]
        assert (served.status_code, served.headers["content-type"].split(";")[0]) == (200, kind)
        assert len(served.content) > (100_000 if url.endswith(".js") else 100)
    assert httpx2.get(server + "/v1/models").status_code == 401  # the API still asks the key


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_swagger_ui_lists_the_routes_with_no_network(server):
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM_FLAGS

    asked: list[str] = []
    refused: list[str] = []
    local = urlsplit(server).netloc

    def only_this_server(route):
        asked.append(route.request.url)
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:  # the machine may be offline; make sure the page would be
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.route("**/*", only_this_server)
            page.goto(server + "/docs")
            page.locator(".opblock").first.wait_for(timeout=60_000)
            title = page.locator(".info .title").inner_text()
            routes = {
                (
                    block.locator(".opblock-summary-method").inner_text(),
                    block.locator(".opblock-summary-path").inner_text().replace("\u200b", ""),
                )
                for block in page.locator(".opblock").all()
            }
        finally:
            browser.close()
    assert refused == []
    assert title.startswith("semsearch")
    assert routes == {
        ("GET", "/health"),
        ("GET", "/v1/models"),
        ("POST", "/v1/embeddings"),
        ("GET", "/v1/bases"),
        ("POST", "/v1/bases/{name}/search"),
        ("POST", "/v1/bases/{name}/passages"),
        ("GET", "/v1/bases/{name}/passages"),
        ("DELETE", "/v1/bases/{name}"),
        ("POST", "/v1/bases/{name}/answer"),
    }
    assert any(url.endswith("/docs-assets/swagger-ui-bundle.js") for url in asked)
