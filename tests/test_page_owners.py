"""Links a class can share: a page is changed only by the browser that made it.

Plain mappings stand for three browsers' sessions and URLs, a real page memory in a
temporary folder for the server's data folder. The same in a real Chromium with three
browser contexts: test_browser_share.py.
"""

from __future__ import annotations

from semsearch.page.memory import PageMemory
from semsearch.page.reload import keep, restore
from semsearch.page.state import PageState

AUTHOR, STUDENT, OTHER = "author-hash", "student-hash", "other-hash"


def visit(memory: PageMemory, params: dict[str, object], owner: str) -> PageState:
    """A browser opening ``params`` (its first run: restored, shown, kept)."""
    state = PageState({"lang": "en"})
    restore(state, memory, params, owner)
    keep(state, memory, params)
    return state


def edit(state: PageState, memory: PageMemory, params: dict[str, object], text: str) -> None:
    state.mapping["kb_text"] = text
    keep(state, memory, params)


def test_a_visitors_edit_goes_to_a_page_of_their_own(tmp_path) -> None:
    memory = PageMemory(tmp_path)
    authors: dict[str, object] = {}
    author = visit(memory, authors, AUTHOR)
    edit(author, memory, authors, "the lesson")
    lesson = authors["id"]

    students = dict(authors)
    student = visit(memory, students, STUDENT)
    assert student.kb_text == "the lesson"  # the lesson as its author left it
    assert students["id"] == lesson  # nothing changed: the same link
    edit(student, memory, students, "my notes")
    assert students["id"] != lesson  # the first change: a page of the student's own
    assert memory.load(str(lesson)).kb_text == "the lesson"
    assert memory.load(str(students["id"])).kb_text == "my notes"

    # The student's reload (same browser) keeps editing the student's page in place.
    again = dict(students)
    mine = visit(memory, again, STUDENT)
    edit(mine, memory, again, "my notes, more")
    assert again["id"] == students["id"]
    assert memory.load(str(students["id"])).kb_text == "my notes, more"

    # Another student opening the teacher's link sees the lesson, not the first student's.
    assert visit(memory, dict(authors), OTHER).kb_text == "the lesson"

    # The author, back on the same link, edits the original.
    back = dict(authors)
    teacher = visit(memory, back, AUTHOR)
    edit(teacher, memory, back, "the lesson, part 2")
    assert back["id"] == lesson
    assert memory.load(str(lesson)).kb_text == "the lesson, part 2"


def test_a_visitors_threshold_or_label_is_an_edit_too(tmp_path) -> None:
    memory = PageMemory(tmp_path)
    authors: dict[str, object] = {}
    edit(visit(memory, authors, AUTHOR), memory, authors, "the lesson")
    students = dict(authors)
    student = visit(memory, students, STUDENT)
    student.mapping["threshold"] = 0.2
    keep(student, memory, students)
    assert students["id"] != authors["id"]
    assert memory.load(str(authors["id"])).settings.get("threshold") != 0.2
    assert memory.load(str(students["id"])).settings["threshold"] == 0.2
