"""The page as a prototyping tool: files in, saved bases, export, answers, reranking (AppTest)."""

import pytest
from streamlit.testing.v1 import AppTest

from semsearch.answers.generation import NO_EVIDENCE
from semsearch.encoding.twins import build_chat_twin

from .helpers import ChatServer, make_pdf, workbench

TIMEOUT = 120
MANUAL = make_pdf(
    [["To reset the router, hold the reset button for ten seconds.", "The light turns green."],
     ["The warranty lasts two years from the date of purchase."]]
)  # fmt: skip
NOTES = b"# Notes\n\nDust in the charging port causes a poor connection.\n\nRefunds take five working days.\n"
QUESTION = "How do I reset the router?"


def new_page(monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return workbench(AppTest.from_file("../app.py", default_timeout=TIMEOUT)).run()


@pytest.fixture
def uploaded(monkeypatch):
    """The page with a PDF, a Markdown file and a PDF that is not one, and one typed line."""
    at = new_page(monkeypatch)
    at.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.")
    uploader = at.file_uploader(key="uploads")
    uploader.upload("manual.pdf", MANUAL, "application/pdf").upload(
        "notes.md", NOTES, "text/markdown"
    )
    uploader.upload("broken.pdf", b"\x89PNG\r\n\x1a\n\x00\x00 not a pdf", "application/pdf")
    return uploader.run()


def search(at, query=QUESTION):
    at.text_input(key="query").set_value(query)
    return at.button(key="search").click().run()


def texts(at):
    return [t.value for t in at.main.text]


def test_files_become_passages_and_a_bad_one_is_a_message(uploaded):
    at = uploaded
    assert not at.exception
    shown = texts(at)
    assert "manual.pdf: 2 passages" in shown
    assert "notes.md (UTF-8): 2 passages" in shown
    error = at.main.error[0].value
    assert error.startswith("`broken")
    assert "is not a readable PDF" in error
    assert error.endswith("` The other files were added.")
    assert "5 passages: 1 typed, 4 from files" in [c.value for c in at.caption]


def test_results_show_where_a_passage_comes_from(uploaded):
    at = search(uploaded)
    shown = texts(at)
    best = shown.index(
        "To reset the router, hold the reset button for ten seconds. The light turns green."
    )
    assert shown[best + 1] == "from manual.pdf · page 1 · ¶ 1"
    assert at.session_state["run"].origins[1] == "manual.pdf · page 1 · ¶ 1"


def test_chunking_by_line_or_window(uploaded):
    at = uploaded
    at.get("button_group")[0].set_value("line").run()
    assert "manual.pdf: 2 passages" in texts(at)  # a PDF's lines are joined into paragraphs
    at.get("button_group")[0].set_value("window").run()
    at.number_input(key="chunk_window").set_value(16).run()
    at.number_input(key="chunk_overlap").set_value(4).run()
    assert "manual.pdf: 3 passages" in texts(at)  # page 1 (21 tokens): a window per sentence


def test_save_then_open_tomorrow_without_encoding(uploaded, monkeypatch):
    at = search(uploaded)
    at.text_input(key="save_name").input("docs").run()
    at = at.button(key="save_base").click().run()
    assert at.main.success[0].value.startswith("Saved '`docs`': 5 passages, `sentence")

    tomorrow = new_page(monkeypatch)  # a new session: nothing cached, nothing uploaded
    assert tomorrow.selectbox(key="saved_pick").value == "docs"
    tomorrow = tomorrow.button(key="open_base").click().run()
    assert not tomorrow.exception
    assert tomorrow.main.success[0].value.startswith("Opened ")
    assert tomorrow.text_area(key="kb_text").value == "Oranges contain plenty of vitamin C."
    tomorrow = search(tomorrow)
    run = tomorrow.session_state["run"]
    assert (run.encoded, run.reused) == (0, 5)
    assert run.origins[1] == "manual.pdf · page 1 · ¶ 1"


def test_delete_a_saved_base(uploaded):
    at = uploaded
    at.text_input(key="save_name").input("docs").run()
    at = at.button(key="save_base").click().run()
    assert at.button(key="delete_base").disabled  # one click deletes nothing
    at = at.checkbox(key="delete_confirm").check().run()
    at = at.button(key="delete_base").click().run()
    deleted = at.main.success[0].value
    assert deleted.startswith("Deleted '`docs`'. It is kept until ")
    assert deleted.endswith(": Restore below brings it back.")
    assert any(c.value.startswith("No knowledge base is saved yet.") for c in at.main.caption)
    # Kept for a while: the panel lists it, and Restore brings it back whole.
    kept = at.selectbox(key="deleted_pick")
    assert (kept.label, kept.value, kept.options[0].startswith("docs · deleted ")) == (
        "Deleted bases (kept 7 days)", "docs", True,
    )  # fmt: skip
    at = at.button(key="restore_base").click().run()
    assert not at.exception
    assert at.main.success[0].value == "Restored '`docs`': 5 passages."
    assert at.selectbox(key="saved_pick").value == "docs"
    assert not [box for box in at.selectbox if box.key == "deleted_pick"]


def test_deleting_for_good_offers_no_restore(uploaded, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_TRASH_DAYS", "0")
    at = uploaded
    at.text_input(key="save_name").input("docs").run()
    at = at.button(key="save_base").click().run()
    at = at.checkbox(key="delete_confirm").check().run()
    at = at.button(key="delete_base").click().run()
    assert at.main.success[0].value == "Deleted '`docs`'."
    assert not [box for box in at.selectbox if box.key == "deleted_pick"]


def test_saving_over_a_name_needs_replace(uploaded):
    at = uploaded
    at.text_input(key="save_name").input("docs").run()
    at = at.button(key="save_base").click().run()
    at = at.button(key="save_base").click().run()
    assert any("already exists" in e.value for e in at.main.error)
    at.checkbox(key="save_replace").check().run()
    at = at.button(key="save_base").click().run()
    assert at.main.success[0].value.startswith("Saved")


def test_export_buttons(uploaded):
    at = search(uploaded)
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Results as CSV",
        "Results as JSON",
        "Vectors .npy + texts (zip)",
        "Vectors + texts (.parquet)",
    ]


def test_answer_cites_the_passages_shown(uploaded, monkeypatch):
    with ChatServer(reply="Hold the reset button for ten seconds [1].") as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        at = search(uploaded, "How do I reset the router, and how long is the warranty?")
        at = at.slider(key="threshold").set_value(0.1).run()  # several sources, one cited
        at = at.button(key="answer").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Hold the reset button for ten seconds [1]." in shown
    first_source = next(t for t in shown if t.startswith("✓ [1]"))
    assert "To reset the router" in first_source
    assert "(manual.pdf · page 1 · ¶ 1)" in first_source
    # Only [1] is cited: every other source is listed unticked.
    others = [t for t in shown if t.startswith(("✓ [", "· [")) and not t.startswith("✓ [1]")]
    assert others
    assert all(t.startswith("· [") for t in others)
    prompt = server.requests[0]["messages"][1]["content"]
    assert prompt.startswith("Passages:\n[1] To reset the router")


def test_no_passage_above_the_threshold_means_no_generator(uploaded, monkeypatch):
    with ChatServer() as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        at = search(uploaded, "quantum chromodynamics lecture")
        at = at.button(key="answer").click().run()
    assert NO_EVIDENCE in texts(at)
    assert server.requests == []


def test_an_unreachable_endpoint_is_a_message(uploaded, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    at = search(uploaded)
    at = at.button(key="answer").click().run()
    assert not at.exception
    assert any(e.value.startswith("No answer: `Cannot reach http") for e in at.main.error)


def test_reranker_orders_the_candidates_and_shows_its_score(uploaded, monkeypatch, tmp_path):
    monkeypatch.setenv("SEMSEARCH_RERANKER", str(build_chat_twin(tmp_path / "reranker")))
    at = search(uploaded)
    at.toggle(key="rerank").set_value(True).run()
    at.slider(key="threshold").set_value(0.1).run()
    assert not at.exception
    headers = [m.value for m in at.main.markdown if m.value.startswith("#")]
    assert headers
    assert all(" · reranker 0." in h for h in headers)
    judged = [float(h.rsplit("reranker ", 1)[1]) for h in headers]
    assert judged == sorted(judged, reverse=True)
