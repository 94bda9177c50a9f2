"""Records stay whole: a CSV/TSV row or a JSON Lines object is one document, read title
first, its id kept; an over-long record becomes windows that each carry its title and rank
as one document by their best window (MaxP). Every file is built here."""

import json
import math

import numpy as np
import pytest

from semsearch.documents.chunking import ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import DocumentError, default_columns, read_document
from semsearch.retrieval.grouping import (
    RULE,
    best_per_document,
    document_key,
    document_of,
    group_hits,
    group_key,
)

from .fakes import fake_embedder

PARAGRAPHS = ChunkSettings("paragraph")


def spans(text):
    return fake_embedder().token_spans(text)  # one token a word


def passages(name, data, cap=200, **options):
    return chunk_documents([read_document(name, data, **options)], PARAGRAPHS, spans, cap)


BEIR = (
    b'{"_id": "4983", "title": "Microstructural development", "text": "Alterations of the '
    b'white matter.", "metadata": {}}\n'
    b"\n"
    b'{"_id": "5836", "title": "", "text": "Only an abstract.", "metadata": {"year": 2010}}\n'
)


def test_a_beir_corpus_line_is_one_document_title_then_text_its_id_kept():
    found = passages("corpus.jsonl", BEIR)
    assert found == [
        Passage(
            "Microstructural development\nAlterations of the white matter.",
            "corpus.jsonl",
            "line 1",
            "Microstructural development",
            (("_id", "4983"),),
        ),
        Passage(
            "Only an abstract.",
            "corpus.jsonl",
            "line 3",
            "",
            (("_id", "5836"), ("metadata", '{"year": 2010}')),
        ),
    ]
    assert default_columns("corpus.jsonl", BEIR) == ["title", "text"]
    assert read_document("corpus.jsonl", BEIR).notes == (
        "empty cells (metadata in lines 1; title in lines 3) are left out of those lines' "
        "text and fields.",
    )


def test_jsonl_fields_can_be_chosen_and_labelled_on_request():
    data = b'{"q": "reset?", "a": "Hold the button.", "n": 3}\n'
    assert default_columns("faq.jsonl", data) == ["a"]  # no text field: the longest
    assert passages("faq.jsonl", data)[0].text == "Hold the button."
    assert passages("faq.jsonl", data, csv_column=["q", "a"])[0].text == "reset?\nHold the button."
    labelled = passages("faq.jsonl", data, csv_column=["q", "a"], labels=True)[0]
    assert (labelled.text, labelled.heading, labelled.metadata) == (
        "q: reset?\na: Hold the button.", "", (("n", "3"),),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"text": "fine"}\n{"text": broken}\n', r"faq\.jsonl, line 2: not JSON"),
        (b'{"text": "fine"}\n["a list"]\n', r"faq\.jsonl, line 2: a JSON list, not an object"),
        (b"\n\n", r"faq\.jsonl is empty"),
        (b'{"text": "fine"}\n', r"faq\.jsonl has no column 'body'; its columns are text"),
    ],
)
def test_a_broken_jsonl_file_is_a_message_naming_the_line(data, message):
    with pytest.raises(DocumentError, match=message):
        read_document("faq.jsonl", data, csv_column="body" if b"fine" in data else None)


def test_csv_title_and_text_read_as_a_person_reads_them_no_column_labels():
    data = b"id,title,text\nd1,Vitamin C,Oranges are rich in it.\nd2,,No title here.\n"
    found = passages("corpus.csv", data, csv_column=["title", "text"])
    assert [(p.text, p.heading, p.metadata) for p in found] == [
        ("Vitamin C\nOranges are rich in it.", "Vitamin C", (("id", "d1"),)),
        ("No title here.", "", (("id", "d2"),)),
    ]
    labelled = passages("corpus.csv", data, csv_column=["title", "text"], labels=True)
    assert labelled[0].text == "title: Vitamin C\ntext: Oranges are rich in it."


def test_a_record_over_the_cap_is_windows_that_each_carry_its_title_and_one_document():
    body = " ".join(f"Sentence {n} is here." for n in range(12))  # 48 words
    line = {"_id": "7", "title": "Long   record", "text": body}
    data = (json.dumps(line) + "\n" + json.dumps({"_id": "8", "text": "Short."}) + "\n").encode()
    found = passages("corpus.jsonl", data, cap=20)
    windows = found[:-1]
    assert len(windows) >= 3
    assert all(p.text.startswith("Long record\nSentence ") for p in windows)
    assert all(len(spans(p.text)) <= 20 for p in found)
    assert [p.place.split(" · ")[0] for p in windows] == ["line 1"] * len(windows)
    assert all(p.place.split(" · ")[1].startswith("tokens ") for p in windows)
    assert {document_key(p) for p in windows} == {("corpus.jsonl", "line 1")}
    # Every word of the record is in some window (nothing lost to truncation).
    seen = {word for p in windows for word in p.text.split("\n", 1)[1].split()}
    assert seen == set(body.split())
    assert document_of(found) == [0] * len(windows) + [len(windows)]


def test_only_windows_share_a_document_whatever_their_places_look_like():
    typed = [Passage("same", "", "line 1"), Passage("same", "", "line 1")]
    assert document_of(typed) == [0, 1]  # not windows: each its own document
    cut = [
        Passage("a", "f.md", "§ 2 · ¶ 1 · tokens 0–8"),
        Passage("b", "f.md", "§ 2 · ¶ 2"),
        Passage("c", "f.md", "§ 2 · ¶ 1 · tokens 6–14"),  # same paragraph, not next to it
        Passage("d", "g.md", "§ 2 · ¶ 1 · tokens 0–8"),  # another file
    ]
    assert document_of(cut) == [0, 1, 0, 3]


def test_best_per_document_is_maxp_in_first_appearance_order():
    documents = [0, 0, 0, 3, 4, 4]
    assert best_per_document([5, 1, 3, 0, 2, 4], documents) == [4, 0, 3]
    hits = ["h5", "h1", "h3", "h0"]
    keys = [group_key(Passage("x", "f", f"row {d} · tokens 0–1"), i) for i, d in
            zip([5, 1, 3, 0], [4, 0, 3, 0], strict=True)]  # fmt: skip
    grouped = group_hits(hits, keys)
    assert [(g.best, g.more) for g in grouped] == [("h5", ()), ("h1", ("h0",)), ("h3", ())]
    assert group_key(Passage("x", "f", "row 1"), 9) != group_key(Passage("x", "f", "row 1"), 8)


def test_evaluation_ranks_documents_by_their_best_passage_and_says_so():
    from semsearch.analysis.evaluation import Judgements, evaluate

    texts = ["alpha one", "alpha two", "beta"]
    matrix = np.array([[0.9, 0.19**0.5], [0.96, 0.28], [0.8, 0.6]], dtype=np.float32)
    judged = Judgements({"gamma": frozenset({2})})  # shares no word: BM25 finds nothing
    query = np.array([[1.0, 0.0]], dtype=np.float32)  # scores 0.9, 0.96, 0.8
    per_passage = evaluate(texts, matrix, judged, query, k=1)
    assert per_passage.method("model").per_query["gamma"] == pytest.approx((0, 1 / 3, 0.5))
    per_document = evaluate(texts, matrix, judged, query, k=1, documents=[0, 0, 2])
    # Passages 1 and 0 are one document: "beta" is second among documents, third among passages.
    assert per_document.method("model").per_query["gamma"] == pytest.approx(
        (0, 1 / 2, 1 / math.log2(3))
    )
    assert (per_document.documents, per_document.passages) == (2, 3)
    assert per_document.rule == RULE
    assert per_passage.documents is None


def beir_folder(root):
    folder = root / "tiny"
    (folder / "qrels").mkdir(parents=True)
    long_text = (
        " ".join(
            f"Finding {n}: the enzyme kinase number {n} was measured in {n * 3} mice."
            for n in range(40)
        )
        + " Finally, penguins in Antarctica huddle together to survive the winter wind."
    )
    corpus = [
        {"_id": "long", "title": "A long study of kinases", "text": long_text},
        {"_id": "c", "title": "Vitamin C", "text": "Oranges and lemons are rich in vitamin C."},
        {"_id": "r", "title": "Routers", "text": "Hold the reset button for ten seconds."},
        {"_id": "p", "title": "Passwords", "text": "Passwords need at least twelve characters."},
    ]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus))
    queries = [{"_id": "1", "text": "which fruit has vitamin c?"},
               {"_id": "2", "text": "how do penguins survive the antarctic winter?"}]  # fmt: skip
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\tc\t1\n2\tlong\t1\n")
    return folder


def test_eval_beir_indexes_once_scores_documents_and_search_shows_one_result_each(tmp_path, capsys):
    from semsearch.cli import main

    folder = beir_folder(tmp_path)
    argv = ["eval", "--beir", str(folder), "--model", "bundled", "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert "'beir-tiny-all-MiniLM-L6-v2-256' holds" in captured.err
    passages = result["passages"]
    assert (result["documents"], result["queries"]) == (4, 2)
    assert passages > 4  # the long study is cut into windows under the 256-token cap
    assert result["scored"] == RULE
    assert result["metrics"]["model"]["ndcg@10"] == 1.0
    assert main(argv) == 0  # a second run encodes nothing: the base is resumed
    assert f"(0 encoded now, {passages} already stored)" in capsys.readouterr().err
    assert main([*argv, "--passages"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] is None
    assert main(["eval", "--beir", str(folder), "--split", "dev"]) == 1
    assert "qrels it has: test; choose one with --split" in capsys.readouterr().err

    search = ["search", "--name", "beir-tiny-all-MiniLM-L6-v2-256", "--query",
              "kinase measured in mice", "--threshold", "-1", "--json"]  # fmt: skip
    assert main(search) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = [r["source"].rsplit(" · ", 1)[1] for r in rows]
    assert ids[0] == "_id: long"
    assert sorted(ids) == ["_id: c", "_id: long", "_id: p", "_id: r"]  # each document once
    assert len(rows[0]["more_passages"]) == passages - 4
    assert all(r["text"].startswith("A long study of kinases\n") for r in rows[:1])
    assert main([*search, "--passages"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 5
    assert "more_passages" not in listed[0]
    assert sum(r["source"].endswith("_id: long") for r in listed) >= 2
