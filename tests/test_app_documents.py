"""The page ranks documents by their best passage, or every passage on request (issue 17).

A file cut into windows is one document: by default it is one result, at the place of its
best window, with "n more passages" under it (MaxP, as ``semsearch search`` ranks); the
workbench's switch lists every window on its own (as ``--passages``). The switch is kept
on reload like the other working settings.
"""

import numpy as np
from streamlit.testing.v1 import AppTest

TIMEOUT = 120
TYPED = "Oranges contain plenty of vitamin C.\nBananas are yellow."
NOTES = (
    b"To reset the router, hold the reset button for ten seconds. The light turns green. "
    b"Restart the router after every update of its software. A blinking red light on the "
    b"router means it has no signal from the cable. The router keeps you online at home."
)
QUERY = "How do I reset my router?"


def page(monkeypatch, params):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.query_params.update(params)
    return at.run()


def searched(monkeypatch):
    at = page(monkeypatch, {"page": "workbench"})
    at.text_area(key="kb_text").input(TYPED)
    at.file_uploader(key="uploads").upload("notes.md", NOTES, "text/markdown").run()
    at.segmented_control(key="chunk_mode").set_value("window").run()
    at.number_input(key="chunk_window").set_value(16)
    at.number_input(key="chunk_overlap").set_value(4)
    at.slider(key="threshold").set_value(0.1)
    at.text_input(key="query").set_value(QUERY)
    return at.button(key="search").click().run()


def shown(at):
    """The result texts, in order (each shown with ``st.text``)."""
    texts = at.session_state["run"].texts
    return [t.value for t in at.main.text if t.value in texts]


def test_a_windowed_file_is_one_result_with_its_other_passages_counted(monkeypatch):
    at = searched(monkeypatch)
    assert not at.exception
    assert at.toggle(key="per_document").value is True
    run, passages = at.session_state["run"], at.session_state["kb_passages"]
    scores = run.kb_embeddings @ run.query_vector
    windows = sorted(
        (i for i, p in enumerate(passages) if p.source == "notes.md"), key=lambda i: -scores[i]
    )
    assert len(windows) >= 3
    found = [i for i in windows if scores[i] >= 0.1]
    documents = [found[0]] + [i for i, p in enumerate(passages) if not p.source]
    expected = [run.texts[i] for i in sorted(documents, key=lambda i: -scores[i])
                if scores[i] >= 0.1][:5]  # fmt: skip
    assert shown(at) == expected
    assert expected[0] == run.texts[windows[0]]  # the router file, by its best window
    more = [c.value for c in at.main.caption if c.value.startswith("+ ")]
    assert more == [
        f"+ {len(found) - 1} more passages of this document found (best "
        f"{scores[found[1]]:.4f}); switch off “One result per document” to list them."
    ]

    at = at.toggle(key="per_document").set_value(False).run()
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] >= 0.1][:5]
    assert shown(at) == [run.texts[i] for i in order]
    assert not [c for c in at.main.caption if c.value.startswith("+ ")]


def test_the_switch_is_kept_on_reload_and_through_a_visit_to_the_lesson(monkeypatch):
    at = searched(monkeypatch)
    at = at.toggle(key="per_document").set_value(False).run()
    at = at.radio(key="page").set_value("lesson").run()  # the lesson draws no switch
    at = at.radio(key="page").set_value("workbench").run()
    assert at.toggle(key="per_document").value is False
    again = page(monkeypatch, dict(at.query_params))
    assert not again.exception
    assert again.toggle(key="per_document").value is False
