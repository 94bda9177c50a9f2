"""A link a class can share, in a real Chromium: three browsers, one lesson (issue 16, item 2).

The teacher's browser makes the lesson; a student opening its link sees it, and the
student's edit moves the student to a page of their own (its own link, kept across the
student's reload); another student opening the teacher's link still sees the lesson; the
teacher, recognised by the cookie the page set, keeps editing the original.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from .test_browser import CHROMIUM, browser, streamlit_server, wait_idle

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
__all__ = ["browser"]


def page_id(page) -> str:
    return parse_qs(urlparse(page.url).query)["id"][0]


def opened(context, url):
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    return page


def knowledge_base(page):
    return page.get_by_role("textbox", name="One text per line")


def shows(page, text: str) -> None:
    """The knowledge base holds ``text`` (waits for the restored page to be drawn)."""
    expect(knowledge_base(page)).to_have_value(text, timeout=60_000)


def type_lines(page, text: str) -> None:
    area = knowledge_base(page)
    area.fill(text)
    area.press("Control+Enter")
    page.wait_for_timeout(800)
    wait_idle(page)


def test_a_shared_link_never_carries_one_browsers_edits_to_another(browser, tmp_path):
    with streamlit_server(tmp_path) as url:
        teacher, student, other = (browser.new_context() for _ in range(3))
        try:
            page = opened(teacher, url)
            type_lines(page, "Oranges contain vitamin C.\nThe lesson's second line.")
            lesson = page.url
            lesson_id = page_id(page)
            page.reload()  # the teacher's own reload: still the lesson, same link
            wait_idle(page)
            shows(page, "Oranges contain vitamin C.\nThe lesson's second line.")
            assert page_id(page) == lesson_id

            mine = opened(student, lesson)
            shows(mine, "Oranges contain vitamin C.\nThe lesson's second line.")
            type_lines(mine, "A student's own notes.")
            own_id = page_id(mine)
            assert own_id != lesson_id  # the edit went to the student's own page
            mine.reload()
            wait_idle(mine)
            shows(mine, "A student's own notes.")
            assert page_id(mine) == own_id

            theirs = opened(other, lesson)
            shows(theirs, "Oranges contain vitamin C.\nThe lesson's second line.")

            type_lines(page, "Oranges contain vitamin C.\nPart two.")
            assert page_id(page) == lesson_id  # the teacher edits the original
            theirs.reload()
            wait_idle(theirs)
            shows(theirs, "Oranges contain vitamin C.\nPart two.")
        finally:
            for context in (teacher, student, other):
                context.close()
