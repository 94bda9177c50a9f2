"""Property-based attacks on every text path: what goes in comes out, or a SemsearchError.

Hypothesis draws any Unicode (bidi controls, zero-width characters, NUL, lone surrogates)
mixed with markdown, Streamlit directives and HTML, and pushes it through the knowledge-base
parser, the embedder and ranking, both stores (base names and passages), the CSV reader
(file names and cells) and the results exports. Each path must give the text back exactly
or refuse it with a :class:`SemsearchError`; any other exception is a bug. Examples are few
(a fast suite on 2 cores): the hostile snippets below are drawn often on purpose.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semsearch.documents.chunking import Passage
from semsearch.documents.knowledge_base import is_blank, parse_lines
from semsearch.documents.readers import read_document
from semsearch.errors import SemsearchError
from semsearch.retrieval.export import ResultRow, result_rows, results_csv, results_json
from semsearch.retrieval.ranking import rank
from semsearch.retrieval.stores import BaseSpec, open_store
from tests.fakes import fake_embedder

HOSTILE = [
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # isolates
    "\u200b",  # zero-width space
    "\u200d",
    "\ufeff",
    "\x00",
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "**B**",
    "$$x^2$$",
    ":red[alert]",
    ":material/home:",
    "[link](http://127.0.0.1:9/x)",
    "![img](http://127.0.0.1:9/i.png)",
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    "javascript:alert(1)",
    "my\\-base\\.v1",
    "\\u200b",
    "=1+1",
    "@SUM(A1)",
    '"quoted", comma',
    "名字 ünïcode",
    "\t",
    " ",
]
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character str.splitlines breaks on."""

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # surrogates included
PIECE = st.one_of(st.sampled_from(HOSTILE), st.text(ANY_CHAR, max_size=6))
TEXT = st.lists(PIECE, max_size=6).map("".join)
LINE = TEXT.map(lambda text: "".join(c for c in text if c not in LINE_BREAKS))
SURROGATES = range(0xD800, 0xE000)
WELL_FORMED_TEXT = TEXT.map(lambda text: "".join(c for c in text if ord(c) not in SURROGATES))
WELL_FORMED = LINE.map(lambda text: "".join(c for c in text if ord(c) not in SURROGATES))
"""Text without lone surrogates: those are attacked on their own (below)."""

FEW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def refused_clearly(error: SemsearchError) -> None:
    assert str(error).strip(), "a SemsearchError must say what went wrong"


@FEW
@given(st.lists(LINE, max_size=8), st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
def test_the_knowledge_base_keeps_every_visible_line_as_typed(lines, ending):
    assert parse_lines(ending.join(lines)) == [line.strip() for line in lines if not is_blank(line)]


@FEW
@given(st.lists(WELL_FORMED, min_size=1, max_size=6), WELL_FORMED, st.integers(1, 8))
def test_query_and_passages_go_through_the_embedder_and_ranking(lines, query, top_k):
    texts = parse_lines("\n".join(lines))
    embedder = fake_embedder()
    try:
        documents = embedder.encode_documents(texts)
        query_vector = embedder.encode_queries([query])[0]
    except SemsearchError as error:
        refused_clearly(error)
        return
    assert documents.shape == (len(texts), embedder.dim)
    assert np.isfinite(documents).all()
    assert np.isfinite(query_vector).all()
    hits = rank(query_vector, documents, top_k=top_k) if texts else []
    assert len(hits) == min(top_k, len(texts))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    rows = result_rows(hits, texts, [Passage(t) for t in texts])
    assert [row.text for row in rows] == [texts[h.index] for h in hits]


@pytest.mark.parametrize("kind", ["document", "query"])
def test_a_lone_surrogate_is_refused_clearly(kind):
    with pytest.raises(SemsearchError, match="surrogate"):
        fake_embedder().embed(["fine", "broken \ud800 text"], kind=kind)


@pytest.fixture(scope="module", params=["sqlite", "milvus"])
def store(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    uri = f"sqlite:{folder}" if request.param == "sqlite" else f"milvus:{folder}/bases.db"
    opened = open_store(uri)
    yield opened
    close = getattr(opened, "close", None)
    if close is not None:
        close()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=WELL_FORMED_TEXT, text=WELL_FORMED_TEXT, source=WELL_FORMED_TEXT,
       heading=WELL_FORMED_TEXT, key=WELL_FORMED_TEXT, value=WELL_FORMED_TEXT)  # fmt: skip
def test_names_and_passages_come_back_from_both_stores(store, name, text, source, heading, key,
                                                       value):  # fmt: skip
    passage = Passage(text, source, "line 1", heading, ((key, value),))
    vector = np.ones((1, 4), dtype=np.float32) / 2
    spec = BaseSpec(name, "m", "bundled", 4, 4, 256, "fp32", {"chunk": "line"})
    try:
        info = store.save(spec, [passage], vector, [3], ["h"], replace=True)
    except SemsearchError as error:
        refused_clearly(error)
        return
    assert info.name == name.strip()
    assert name.strip() in [b.name for b in store.list()]
    assert store.info(name.strip()).name == name.strip()
    [rows] = store.rows(name.strip())
    assert rows.passages == [passage]
    assert store.passages(name.strip(), rows.ids) == [passage]
    store.delete(name.strip())


@pytest.mark.parametrize("where", ["name", "text", "metadata"])
def test_a_lone_surrogate_in_a_saved_base_is_refused_clearly(store, where):
    bad = "base \ud800"
    name = bad if where == "name" else "surrogates"
    passage = Passage(bad if where == "text" else "ok", "", "line 1", "",
                      (("k", bad),) if where == "metadata" else ())  # fmt: skip
    spec = BaseSpec(name, "m", "bundled", 4, 4, 256, "fp32", {"chunk": "line"})
    with pytest.raises(SemsearchError, match="surrogate"):
        store.save(spec, [passage], np.ones((1, 4), np.float32) / 2, [3], ["h"], replace=True)


def csv_bytes(rows: list[list[str]]) -> bytes | None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    try:
        return out.getvalue().encode("utf-8")
    except UnicodeEncodeError:
        return None  # a lone surrogate cannot be in a file's bytes at all


@FEW
@given(file_name=TEXT, cells=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=4))
def test_file_names_and_csv_cells_are_read_as_they_are(file_name, cells):
    data = csv_bytes([["text", "note"], *map(list, cells)])
    if data is None:
        return
    try:
        document = read_document(file_name + ".csv", data, csv_column="text")
    except SemsearchError as error:
        refused_clearly(error)
        return
    assert document.name == file_name + ".csv"
    kept = [(t.strip(), n.strip()) for t, n in cells if t.strip()]
    assert [s.text for s in document.sections] == [t for t, _ in kept]
    assert [s.metadata for s in document.sections] == [
        ((("note", n),) if n else ()) for _, n in kept
    ]


def test_a_lone_surrogate_in_an_export_is_refused_clearly():
    with pytest.raises(SemsearchError, match="surrogate"):
        results_csv([ResultRow(1, 0, "bad \ud800", 0.5)])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)"])
def test_formula_like_cells_are_neutralised_in_the_csv(text):
    [cells] = csv.DictReader(io.StringIO(results_csv([ResultRow(1, 0, text, 0.5, text)])
                                         .decode("utf-8-sig"), newline=""))  # fmt: skip
    assert (cells["text"], cells["source"]) == ("'" + text, "'" + text)


def formula_safe(cell: str, text: str) -> bool:
    """The cell holds the text, or the text behind the usual ``'`` that defuses a formula."""
    return cell == text or (text[:1] in ("=", "+", "-", "@", "\t", "\r") and cell == "'" + text)


@FEW
@given(texts=st.lists(WELL_FORMED_TEXT, min_size=1, max_size=4), query=WELL_FORMED_TEXT,
       source=WELL_FORMED_TEXT, key=WELL_FORMED_TEXT, value=WELL_FORMED_TEXT)  # fmt: skip
def test_results_export_to_csv_and_json_as_they_are(texts, query, source, key, value):
    rows = [ResultRow(r + 1, r, t, 0.5, source, "line 1", "", ((key, value),))
            for r, t in enumerate(texts)]  # fmt: skip
    try:
        as_csv = results_csv(rows)
        as_json = results_json(rows, query=query, model="m")
    except SemsearchError as error:
        refused_clearly(error)
        return
    read = list(csv.DictReader(io.StringIO(as_csv.decode("utf-8-sig"), newline="")))
    assert len(read) == len(rows)
    for row, cells in zip(rows, read, strict=True):
        assert formula_safe(cells["text"], row.text)
        assert formula_safe(cells["source"], row.source)
    payload = json.loads(as_json)
    assert payload["query"] == query
    assert [r["text"] for r in payload["results"]] == texts
    assert [r["metadata"] for r in payload["results"]] == [{key: value}] * len(texts)
