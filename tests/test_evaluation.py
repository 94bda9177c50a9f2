"""``semsearch eval``: judgements read from CSV and BEIR files, metrics as trec_eval defines
them (checked by hand), and the model, BM25 and the hybrid side by side on real files."""

import json
import math

import numpy as np
import pytest

from semsearch.analysis.evaluation import (
    Judgements,
    Miss,
    evaluate,
    judgements_from_labels,
    read_judgements,
    score_rankings,
)
from semsearch.cli import main
from semsearch.errors import InvalidArgumentError

FAQ = [
    "Oranges and lemons are rich in vitamin C.",
    "To reset the router, hold the reset button for ten seconds.",
    "Refunds are paid back to your card within five working days.",
    "Our office is closed on public holidays.",
    "The battery lasts about twelve hours on a full charge.",
    "Dust in the charging port causes a poor connection.",
    "Students get a discount of twenty percent with a valid card.",
    "Passwords must have at least twelve characters.",
]
QA = """query,text
which fruit has vitamin c?,Oranges and lemons are rich in vitamin C.
my phone won't charge properly,Dust in the charging port causes a poor connection.
how long until I get my money back?,Refunds are paid back to your card
is there a reduced price for pupils?,Students get a discount
how do I restart the modem,hold the reset button
"""


def dcg(ranks):
    return sum(1 / math.log2(r + 1) for r in ranks)


def assert_near(per_query, expected):
    assert list(per_query) == list(expected)
    assert all(per_query[q] == pytest.approx(expected[q]) for q in expected), per_query


def test_metrics_are_trec_evals_worked_by_hand():
    judged = Judgements({"a": frozenset({1, 3}), "b": frozenset({10}), "c": frozenset({0})})
    found = {
        "model": {"a": [0, 1, 2, 3, 4], "b": [3, 10, 2], "c": [0]},
        "bm25": {"a": [], "b": [2, 10], "c": [5, 6]},  # nothing for a: it counts 0, not skipped
    }
    result = score_rankings(found, judged, k=2, passages=11)
    model, bm25 = result.method("model"), result.method("bm25")
    # a: relevant at ranks 2 and 4; b: at rank 2 (ids "10" < "3" as text: order is kept);
    # c: at rank 1.
    a = (0.5, 0.5, dcg([2, 4]) / dcg([1, 2]))
    b = (1.0, 0.5, dcg([2]))
    assert_near(model.per_query, {"a": a, "b": b, "c": (1.0, 1.0, 1.0)})
    assert (model.recall, model.mrr, model.ndcg) == pytest.approx(
        ((0.5 + 1 + 1) / 3, (0.5 + 0.5 + 1) / 3, (a[2] + b[2] + 1) / 3)
    )
    assert_near(
        bm25.per_query, {"a": (0.0, 0.0, 0.0), "b": (1.0, 0.5, dcg([2])), "c": (0.0, 0.0, 0.0)}
    )
    assert result.misses == (
        Miss("a", "model", 3, 4),
        Miss("a", "bm25", 1, None),
        Miss("a", "bm25", 3, None),
        Miss("c", "bm25", 0, None),
    )
    assert (result.k, result.queries, result.passages) == (2, 3, 11)


def test_mrr_looks_at_the_top_ten_only():
    judged = Judgements({"q": frozenset({11})})
    result = score_rankings({"model": {"q": list(range(20))}}, judged, k=20)
    assert result.method("model").per_query["q"] == pytest.approx((1.0, 0.0, 0.0))


def test_csv_judgements_by_text_by_id_and_with_a_relevant_column(tmp_path):
    by_text = tmp_path / "qa.csv"
    by_text.write_text(QA + "what is the weather,It will rain tomorrow.\n", encoding="utf-8")
    found = read_judgements(by_text, FAQ)
    assert found.relevant == {
        "which fruit has vitamin c?": {0},
        "my phone won't charge properly": {5},
        "how long until I get my money back?": {2},
        "is there a reduced price for pupils?": {6},
        "how do I restart the modem": {1},
    }
    assert found.unmatched == (
        "'what is the weather' → 'It will rain tomorrow.': no passage has this text",
    )
    by_id = tmp_path / "ids.csv"
    by_id.write_text(
        "query,passage_id,relevant\nreset?,1,yes\nreset?,7,0\nreset?,3,1\nbad,99,1\n",
        encoding="utf-8",
    )
    assert read_judgements(by_id, FAQ).relevant == {"reset?": {1, 3}}
    # The page's label files (query,text,relevant) are judgements as they are.
    labels = tmp_path / "labels.csv"
    labels.write_text("query,text,relevant\nq,twelve,1\nq,office,0\n", encoding="utf-8")
    assert read_judgements(labels, FAQ).relevant == {"q": {4, 7}}


def test_beir_queries_and_qrels_name_passages_by_id(tmp_path):
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"_id": "q1", "text": "reset?"}\n{"_id": "q2", "text": "refund?"}\n', encoding="utf-8"
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\tb\t1\nq2\tc\t2\nq2\ta\t0\n")
    found = read_judgements(queries, ["x", "y", "z"], qrels=qrels, ids=["a", "b", "c"])
    assert found.relevant == {"reset?": {1}, "refund?": {2}}
    with pytest.raises(InvalidArgumentError, match="give their judgements too"):
        read_judgements(queries, FAQ)
    qrels.write_text("q9\t1\t1\n")
    with pytest.raises(InvalidArgumentError, match="line 1: no query 'q9' in"):
        read_judgements(queries, FAQ, qrels=qrels)


def test_bad_judgement_files_say_what_to_write(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\na,b\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="columns query,text or query,passage_id"):
        read_judgements(bad, FAQ)
    bad.write_text("query,text\nq,nothing like it\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match=r"No query in .* has a relevant passage"):
        read_judgements(bad, FAQ)
    with pytest.raises(InvalidArgumentError, match="No such judgements file"):
        read_judgements(tmp_path / "none.csv", FAQ)


def test_page_labels_count_as_judgements():
    labels = {("reset?", FAQ[1]): True, ("reset?", FAQ[2]): False, ("refund?", FAQ[3]): False}
    assert judgements_from_labels(labels, FAQ).relevant == {"reset?": {1}}


def test_a_reranker_reorders_the_models_top_candidates():
    matrix = np.eye(4, dtype=np.float32)
    queries = np.array([[0.9, 0.5, 0.3, 0.1]], dtype=np.float32)
    judged = Judgements({"q": frozenset({2})})

    def prefer_two(query, texts):
        return [1.0 if text == "two" else 0.0 for text in texts]

    texts = ["zero", "one", "two", "three"]
    result = evaluate(texts, matrix, judged, queries, k=1, rerank=prefer_two)
    assert [m.method for m in result.methods] == ["model", "bm25", "hybrid", "reranker"]
    assert result.method("model").per_query["q"] == pytest.approx((0.0, 1 / 3, dcg([3])))
    assert result.method("reranker").per_query["q"] == pytest.approx((1.0, 1.0, 1.0))


def test_cli_eval_shows_the_model_bm25_and_hybrid_side_by_side(tmp_path, capsys):
    kb = tmp_path / "faq.txt"
    kb.write_text("\n".join(FAQ) + "\n", encoding="utf-8")
    qa = tmp_path / "qa.csv"
    qa.write_text(QA, encoding="utf-8")
    argv = ["eval", "--kb", str(kb), "--judgements", str(qa), "--model", "bundled", "--k", "1"]
    assert main([*argv, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result["metrics"]) == ["model", "bm25", "hybrid"]
    # BM25 finds the vitamin C and the charging lines first (charge and charging: one stem)
    # and the refunds line second ("my" and "back" are shared); the others share no term
    # with their query: the model finds all five first.
    assert result["metrics"]["bm25"] == pytest.approx(
        {"recall@1": 0.4, "mrr@10": 0.5, "ndcg@10": (2 + dcg([2])) / 5}
    )
    assert result["metrics"]["model"] == {"recall@1": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0}
    assert result["metrics"]["hybrid"]["recall@1"] == pytest.approx(1.0)
    assert {(m["method"], m["passage"], m["rank"]) for m in result["misses"]} == {
        ("bm25", 2, 2), ("bm25", 6, None), ("bm25", 1, None),
    }  # fmt: skip
    assert result["documents"] is None
    assert result["scored"] == "per passage: every window of a record or paragraph ranks on its own"
    assert result["bm25"].startswith("BM25 (bm25s, Lucene's formula, k1=1.5, b=0.75): English")
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:7] == [
        "5 queries, 8 passages; model: sentence-transformers/all-MiniLM-L6-v2",
        "scored per line: each line of the file is one document",
        "keywords: BM25 (bm25s, Lucene's formula, k1=1.5, b=0.75): English lower-cased, "
        "bm25s' English stop words dropped, Snowball-stemmed (PyStemmer); Chinese cut into "
        "words by jieba",
        "method       recall@1   MRR@10  nDCG@10",
        "model           1.000    1.000    1.000",
        "bm25            0.400    0.500    0.526",
        "hybrid          1.000    1.000    1.000",
    ]
    assert out[8] == "Relevant passages not in the top 1:"


def test_cli_eval_of_a_saved_csv_base_with_beir_ids_and_where(tmp_path, capsys):
    corpus = tmp_path / "faq.csv"
    corpus.write_text(
        "id;topic;answer\n"
        + "".join(f"d{n};{'home' if n < 4 else 'shop'};{text}\n" for n, text in enumerate(FAQ)),
        encoding="utf-8",
    )
    assert main(["index", str(corpus), "--name", "faq", "--model", "bundled",
                 "--column", "answer"]) == 0  # fmt: skip
    capsys.readouterr()
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "1", "text": "how do I restart the modem"}\n', encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n", encoding="utf-8")
    argv = ["eval", "--name", "faq", "--judgements", str(queries), "--qrels", str(qrels)]
    assert main([*argv, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["metrics"]["model"]["mrr@10"] == 1.0
    assert result["metrics"]["bm25"]["mrr@10"] == 0.0  # "restart the modem" vs "reset the router"
    search = ["search", "--name", "faq", "--query", "a discount for students", "--json",
              "--threshold", "-1", "--top-k", "8"]  # fmt: skip
    assert main([*search, "--where", "topic=home"]) == 0
    assert {r["index"] for r in json.loads(capsys.readouterr().out)} == {0, 1, 2, 3}
    assert main([*search, "--where", "topic=shop", "--where", "id=d6", "--where", "id=d7"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["index"] for r in rows] == [6, 7]
    assert rows[0]["source"] == "faq.csv · row 7 · id: d6 · topic: shop"
    plain = [arg for arg in search if arg != "--json"]
    assert main([*plain, "--where", "topic=garden", "--threshold", "0.9"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "No passage of 'faq' matches --where topic=garden."
    )
    assert main([*search, "--where", "topic"]) == 1
    assert "--where 'topic' is not field=value" in capsys.readouterr().err
