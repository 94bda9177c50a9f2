"""One upload's cost grows with its size, not its square: heading paths held once per
section, long paragraphs split in one pass over bounded stretches.

Memory per MB of input is measured by bench/upload_memory.py, not here; these tests pin
the structure that keeps it linear.
"""

import pytest

from semsearch.documents import chunking
from semsearch.documents.chunking import (
    HEADING_ELLIPSIS,
    ChunkSettings,
    Passage,
    chunk_documents,
    chunk_text,
    sentence_windows,
    stretches,
)
from semsearch.documents.readers import read_document

from .fakes import fake_embedder


def words(text: str) -> list[tuple[int, int]]:
    """Whitespace-separated words as tokens (the fake engine's tokenizer)."""
    return fake_embedder().token_spans(text)


def test_the_passages_of_a_section_share_one_heading_string_and_compose_their_text():
    heading = " ".join(f"h{i}" for i in range(40))  # 40 tokens: under half the cap
    data = ("# " + heading + "\n\n" + "".join(f"para {i}.\n\n" for i in range(50))).encode()
    passages = chunk_documents(
        [read_document("notes.md", data)], ChunkSettings("paragraph"), words, 128
    )
    assert len(passages) == 50
    assert all(p.heading is passages[0].heading for p in passages)  # one object, not 50 copies
    assert passages[0].heading == heading
    assert [p.body for p in passages[:2]] == ["para 0.", "para 1."]
    assert passages[1].text == f"{heading}\npara 1."
    assert all(p.characters == len(p.text) for p in passages)
    # Built from the composed text, as a store keeps it, a passage is the same passage.
    assert Passage(passages[1].text, "notes.md", passages[1].place, heading) == passages[1]


@pytest.mark.parametrize(
    ("text", "heading", "body", "headed"),
    [
        ("H\nbody", "H", "body", True),
        ("body", "H", "body", False),  # a stored text without its heading line
        ("Hbody", "H", "Hbody", False),
        ("H\n", "H", "", True),
        ("", "", "", False),
        ("中文\n正文 🙂", "中文", "正文 🙂", True),
    ],
)
def test_a_passage_keeps_its_text_exactly_however_it_is_built(text, heading, body, headed):
    passage = Passage(text, "f.md", "§ 1", heading)
    assert (passage.body, passage.headed, passage.text) == (body, headed, text)
    assert passage.characters == len(text)
    if headed:
        assert Passage.under(heading, body, "f.md", "§ 1") == passage


def test_a_heading_over_half_the_cap_keeps_its_innermost_part_and_leaves_room_for_the_text():
    heading = " › ".join(f"level{i}" for i in range(2_000))  # 3,999 words, 24 KB
    text = "\n\n".join(f"paragraph {i} says something" for i in range(30))
    passages = chunk_text(text, ChunkSettings("paragraph"), words, 64, heading=heading)
    assert len(passages) == 30
    kept = passages[0].heading
    # Half the cap (32 tokens): a token's room for the ellipsis, then the last 31 tokens.
    assert kept == HEADING_ELLIPSIS + " ".join(heading.split()[-31:])
    assert kept.endswith("level1998 › level1999")
    assert all(p.heading is kept for p in passages)
    assert all(len(words(p.text)) <= 64 for p in passages)
    assert passages[7].text.endswith("\nparagraph 7 says something")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "x" * 100,  # no cut point: cut mid-word at the limit
        "one line\n" * 40,
        "A sentence. " * 40,
        "一句话。" * 60,
        "words and more words " * 30,
        "🙂 " * 90,
    ],
)
def test_stretches_lose_nothing_and_stay_within_the_limit(text):
    found = list(stretches(text, 64))
    assert "".join(found) == text
    assert all(len(s) <= 64 for s in found)
    assert all(found) or text == ""
    if "\n" in text:
        assert all(s.endswith("\n") for s in found[:-1])  # a line break is the first choice


def test_a_long_paragraph_is_split_in_one_pass_over_bounded_stretches(monkeypatch):
    monkeypatch.setattr(chunking, "STRETCH", 2_000)
    longest = []

    def spans(text: str) -> list[tuple[int, int]]:
        longest.append(len(text))
        return words(text)

    log = " ".join(f"2026-01-01 event {i} ok." for i in range(1_500))  # 42 KB, one paragraph
    found = sentence_windows(log, spans, 64, 8)
    assert max(longest) <= 2_000  # never the whole paragraph at once
    assert all(first < end for _, first, end in found)
    assert [end for _, _, end in found] == sorted(end for _, _, end in found)
    assert found[-1][2] == len(words(log))  # token numbers run over the whole paragraph
    # Nothing lost: every event is in some piece.
    joined = " ".join(piece for piece, _, _ in found)
    assert all(f"event {i} ok." in joined for i in range(1_500))


def test_the_page_memory_writes_a_heading_once_and_reads_old_pages(tmp_path):
    import json
    import sqlite3

    from semsearch.page.memory import FILE_NAME, PageMemory, new_id

    heading = "Long heading " * 500  # 6.5 KB
    passages = [Passage.under(heading, f"para {i}", "notes.md", f"¶ {i}") for i in range(200)]
    passages.append(Passage("no heading here", "notes.md", "¶ 201"))
    memory, page = PageMemory(tmp_path), new_id()
    assert memory.keep_files(page, {"notes.md": passages})
    again = PageMemory(tmp_path).load(page).files["notes.md"]
    assert again == passages
    assert all(p.heading is again[0].heading for p in again[:200])
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        stored = "".join(str(cell) for row in db.execute("SELECT * FROM files") for cell in row)
    assert stored.count(heading) == 1  # 200 passages under it, written once
    # A page kept before headings were: rows of [text, source, place].
    old = json.dumps([["Title\nbody", "a.md", "¶ 1"]])
    assert memory_passages(old) == [Passage("Title\nbody", "a.md", "¶ 1")]


def memory_passages(text: str) -> list[Passage]:
    from semsearch.page import memory

    return memory._passages(text)


def test_a_file_over_the_character_limit_is_refused_before_it_is_split_and_stays(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .helpers import workbench

    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    monkeypatch.setenv("SEMSEARCH_MAX_CHARACTERS", "100")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input("Oranges contain plenty of vitamin C.")
    uploader = at.file_uploader(key="uploads")
    uploader.upload("small.txt", b"Lemons are sour.", "text/plain")
    uploader.upload("log.txt", ("x" * 120).encode(), "text/plain")  # 120 characters
    uploader.upload("big.txt", ("y " * 300).encode(), "text/plain")  # 600 bytes: not read
    at = uploader.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(
        "log.txt holds 120 characters; this server searches at most 100 per page, so it was "
        "not split into passages" in e
        for e in errors
    ), errors
    assert any("big.txt holds at least 150 characters" in e for e in errors), errors
    shown = [x.value for x in at.text]
    assert any(line.startswith("small.txt") for line in shown), shown
    assert [f.name for f in at.file_uploader(key="uploads").value] == [
        "small.txt",
        "log.txt",
        "big.txt",
    ]
    assert at.text_area(key="kb_text").value == "Oranges contain plenty of vitamin C."


class Stopped(BaseException):
    """What Streamlit raises inside its own call once a closed tab asked the run to stop."""


def test_a_long_split_touches_the_page_so_a_closed_tab_can_stop_it():
    from semsearch.checkpoints import stoppable

    log = " ".join(f"event {i} handled." for i in range(400))
    settings = ChunkSettings("window", 16, 2)  # sentence windows: the splitter measures often
    calls = []
    with stoppable(lambda: calls.append(1), every=0.0):
        found = chunk_text(log, settings, words, 64)
    assert found == chunk_text(log, settings, words, 64)  # unchanged
    assert len(calls) > 10

    def stop() -> None:
        raise Stopped

    with pytest.raises(Stopped), stoppable(stop, every=0.0):
        chunk_text(log, settings, words, 64)
    # Within the half second no tick: the page is not flooded with updates.
    with stoppable(stop, every=3600):
        quiet = chunk_text(log, settings, words, 64)
    assert quiet == chunk_text(log, settings, words, 64)
