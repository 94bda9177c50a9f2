"""Does search work on my data? Recall@k, MRR@10 and nDCG@10 of each method, side by side.

Given queries with the passages that answer them (*judgements*), each method ranks the
whole knowledge base for each query: the embedding model (cosine), BM25 (keywords), their
hybrid (reciprocal rank fusion) and, when one is given, a reranker over the model's top
candidates. The metrics are computed by ``pytrec_eval`` (the bindings of TREC's own
``trec_eval``, which BEIR uses), so the numbers mean what they mean in the literature:

* recall@k: the share of a query's relevant passages found in the top k;
* MRR@10: 1 / the rank of the first relevant passage in the top 10 (0 when none is);
* nDCG@10: the top 10's gain discounted by rank (log2), over the best possible order.

Each is the mean over the judged queries; a query a method returns nothing for counts 0.
Given which document each passage belongs to (``documents``, from
:func:`semsearch.retrieval.grouping.document_of`), every method ranks documents by their
best passage (MaxP, as BEIR scores split documents) and the metrics count documents, as
the literature's do; without it, passages.
Judgements come from a CSV (``query,text`` or ``query,passage_id``, an optional
``relevant`` column as the page's label files have), from BEIR's ``queries.jsonl`` +
``qrels.tsv``, or from the page's labels. What it does not do: encode. The caller passes
the passages' vectors and the queries' (so the page reuses its cache and the command line
a saved base's vectors), and a reranker as a scoring function.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from semsearch.analysis.judged_csv import read_judged_csv
from semsearch.documents.chunking import Passage
from semsearch.errors import InvalidArgumentError

METHODS = ("model", "bm25", "hybrid", "reranker")
"""The methods compared, in the order they are shown."""
DEPTH = 100
"""How many passages each method ranks per query (the metrics look at the top 10 or k)."""
RERANK_DEPTH = 20
"""The model's top candidates a reranker reorders (as the page's second stage does)."""

Rerank = Callable[[str, list[str]], "Sequence[float] | np.ndarray"]
"""A reranker: (query, texts) -> one relevance score per text, higher is better."""
_ID_FIELDS = ("id", "_id", "passage_id", "corpus-id")
"""Metadata fields that name a passage (a CSV corpus's id column) for ``passage_id``."""


@dataclass(frozen=True)
class Judgements:
    """Which passages (by position) answer each query, in the order the queries came."""

    relevant: dict[str, frozenset[int]]
    """Query -> positions of its relevant passages (queries with none are left out)."""
    unmatched: tuple[str, ...] = ()
    """Judgements that named no passage of the knowledge base, said in words."""

    @property
    def queries(self) -> list[str]:
        """The judged queries."""
        return list(self.relevant)


@dataclass(frozen=True)
class Miss:
    """A relevant passage a method did not place in the top k for a query."""

    query: str
    method: str
    passage: int
    """Its position in the knowledge base."""
    rank: int | None
    """Where the method ranked it (from 1), or None: not in its top :data:`DEPTH`."""


@dataclass(frozen=True)
class MethodScores:
    """One method's mean metrics, and each query's."""

    method: str
    recall: float
    """Mean recall@k."""
    mrr: float
    """Mean MRR@10."""
    ndcg: float
    """Mean nDCG@10."""
    per_query: dict[str, tuple[float, float, float]]
    """Query -> (recall@k, MRR@10, nDCG@10)."""


@dataclass(frozen=True)
class Evaluation:
    """Every method's scores on the same judgements, and the misses behind them."""

    k: int
    queries: int
    passages: int
    methods: tuple[MethodScores, ...]
    misses: tuple[Miss, ...]
    unmatched: tuple[str, ...] = ()
    documents: int | None = None
    """Documents the passages make when scored per document (MaxP); None: per passage."""

    @property
    def rule(self) -> str:
        """What was ranked and counted, in words (:mod:`semsearch.retrieval.grouping`)."""
        from semsearch.retrieval.grouping import PASSAGE_RULE, RULE

        return RULE if self.documents is not None else PASSAGE_RULE

    def method(self, name: str) -> MethodScores:
        """The scores of ``name`` (``model``, ``bm25``, ``hybrid``, ``reranker``)."""
        for scores in self.methods:
            if scores.method == name:
                return scores
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the metrics by method, per query, and the misses."""
        return {
            "k": self.k,
            "queries": self.queries,
            "passages": self.passages,
            "documents": self.documents,
            "scored": self.rule,
            "metrics": {
                m.method: {f"recall@{self.k}": m.recall, "mrr@10": m.mrr, "ndcg@10": m.ndcg}
                for m in self.methods
            },
            "per_query": {
                m.method: {
                    query: {f"recall@{self.k}": r, "mrr@10": rr, "ndcg@10": n}
                    for query, (r, rr, n) in m.per_query.items()
                }
                for m in self.methods
            },
            "misses": [
                {
                    "query": miss.query,
                    "method": miss.method,
                    "passage": miss.passage,
                    "rank": miss.rank,
                }
                for miss in self.misses
            ],
            "unmatched": list(self.unmatched),
        }


# -- judgements -----------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


class _Passages:
    """Finds passages by text (equal, else containing it) or by id, for judgements."""

    def __init__(self, texts: Sequence[str], ids: Sequence[str] | None) -> None:
        self.texts = [_squash(text) for text in texts]
        self.by_text: dict[str, list[int]] = {}
        for i, text in enumerate(self.texts):
            self.by_text.setdefault(text, []).append(i)
        self.ids = list(ids) if ids is not None else None

    def with_text(self, text: str) -> list[int]:
        wanted = _squash(text)
        if not wanted:
            return []
        return self.by_text.get(wanted) or [i for i, t in enumerate(self.texts) if wanted in t]

    def with_id(self, given: str) -> list[int]:
        given = given.strip()
        if self.ids is not None:
            return [i for i, name in enumerate(self.ids) if name == given]
        if given.isdigit() and int(given) < len(self.texts):
            return [int(given)]
        return []


def passage_ids(passages: Sequence[Passage]) -> list[str] | None:
    """Each passage's id field (a CSV corpus's ``id`` column kept as metadata), else None.

    The first of :data:`_ID_FIELDS` that every passage has; None when none has one (ids
    are then positions).
    """
    for field in _ID_FIELDS:
        values = [p.fields.get(field) for p in passages]
        if passages and all(v is not None for v in values):
            return [str(v) for v in values]
    return None


def judgements_from_pairs(
    pairs: Sequence[tuple[str, str, bool]],
    texts: Sequence[str],
    *,
    by: str = "text",
    ids: Sequence[str] | None = None,
) -> Judgements:
    """Judgements from (query, text or passage id, relevant) triples.

    By ``text``, a passage is relevant when its text equals the given one or contains it
    (blanks and case aside: a label may quote one sentence of a longer passage). By ``id``,
    when its id is the one given: ``ids`` (e.g. a CSV corpus's id column) when given, else
    its position, as ``semsearch search`` prints it in brackets. Pairs marked not relevant
    are left out (the rest of the knowledge base counts as not relevant anyway).
    """
    finder = _Passages(texts, ids)
    relevant: dict[str, set[int]] = {}
    unmatched: list[str] = []
    for query, target, is_relevant in pairs:
        query = query.strip()
        if not is_relevant or not query:
            continue
        found = finder.with_text(target) if by == "text" else finder.with_id(target)
        if not found:
            unmatched.append(f"{query!r} → {target!r}: no passage has this {by}")
            continue
        relevant.setdefault(query, set()).update(found)
    return Judgements({q: frozenset(found) for q, found in relevant.items()}, tuple(unmatched))


def judgements_from_labels(
    labels: Mapping[tuple[str, str], bool], texts: Sequence[str]
) -> Judgements:
    """The page's calibration labels ((query, text) -> relevant) as judgements on ``texts``."""
    pairs = [(query, text, verdict) for (query, text), verdict in labels.items()]
    return judgements_from_pairs(pairs, texts)


def read_judgements(
    path: str | Path,
    texts: Sequence[str],
    *,
    qrels: str | Path | None = None,
    ids: Sequence[str] | None = None,
) -> Judgements:
    """Judgements from a CSV (``query,text`` or ``query,passage_id``) or BEIR files.

    A ``.jsonl`` file is BEIR's ``queries.jsonl`` (``{"_id", "text"}`` a line) and needs
    ``qrels``, BEIR's ``qrels.tsv`` (``query-id``, ``corpus-id``, ``score``; a score above
    0 is relevant); corpus ids are passage ids as :func:`judgements_from_pairs` reads them.

    Raises:
        InvalidArgumentError: a missing file or column, no ``qrels`` for BEIR queries,
            or no query with a relevant passage, naming the file and the fix.
    """
    source = Path(path)
    if source.suffix.lower() == ".jsonl":
        if qrels is None:
            raise InvalidArgumentError(
                f"{source} holds BEIR queries; give their judgements too (--qrels qrels.tsv)."
            )
        pairs, by = _beir(source, Path(qrels)), "id"
    else:
        pairs, by = _csv_pairs(source)
    found = judgements_from_pairs(pairs, texts, by=by, ids=ids)
    if not found.relevant:
        why = "; ".join(found.unmatched[:3]) or "it holds no relevant pair"
        raise InvalidArgumentError(
            f"No query in {source} has a relevant passage in this knowledge base ({why}). "
            "Check that the judgements belong to these passages."
        )
    return found


MAX_JUDGEMENTS_BYTES = 200 * 1024 * 1024
"""Largest judgements file read (a bounded read: a pipe or a device would never end)."""


def _read(path: Path) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_JUDGEMENTS_BYTES + 1)
        if len(data) > MAX_JUDGEMENTS_BYTES:
            raise InvalidArgumentError(
                f"{path} is over {MAX_JUDGEMENTS_BYTES // 2**20} MB; judgements are a few "
                "thousand lines at most: give a smaller file."
            )
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidArgumentError(f"No such judgements file: {path}.") from None
    except OSError as error:
        raise InvalidArgumentError(
            f"Cannot read the judgements file {path}: {error.strerror or error}."
        ) from None
    except UnicodeDecodeError:
        raise InvalidArgumentError(f"{path} is not UTF-8 text; save it as UTF-8.") from None


def _csv_pairs(path: Path) -> tuple[list[tuple[str, str, bool]], str]:
    tabs = path.suffix.lower() == ".tsv"
    read = read_judged_csv(_read(path), str(path), tabs=tabs)
    return [(row.query, row.target, row.relevant) for row in read.rows], read.by


def _beir(queries: Path, qrels: Path) -> list[tuple[str, str, bool]]:
    asked: dict[str, str] = {}
    for number, line in enumerate(_read(queries).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            asked[str(item["_id"])] = str(item["text"])
        except (ValueError, KeyError, TypeError):
            raise InvalidArgumentError(
                f'{queries}, line {number}: not a BEIR query ({{"_id": ..., "text": ...}}).'
            ) from None
    pairs = []
    for number, line in enumerate(_read(qrels).splitlines(), start=1):
        cells = line.rstrip("\n").split("\t")
        if not line.strip() or (number == 1 and cells[0].strip().lower() == "query-id"):
            continue
        try:
            query_id, corpus_id, score = cells[0], cells[1], float(cells[-1])
        except (IndexError, ValueError):
            raise InvalidArgumentError(
                f"{qrels}, line {number}: not query-id<TAB>corpus-id<TAB>score."
            ) from None
        if query_id not in asked:
            raise InvalidArgumentError(
                f"{qrels}, line {number}: no query {query_id!r} in {queries}."
            )
        pairs.append((asked[query_id], corpus_id, score > 0))
    return pairs


# -- rankings and metrics -------------------------------------------------------------------


def rankings(
    texts: Sequence[str],
    matrix: np.ndarray,
    queries: Sequence[str],
    query_vectors: np.ndarray,
    *,
    depth: int = DEPTH,
    rerank: Rerank | None = None,
    rerank_depth: int = RERANK_DEPTH,
    documents: Sequence[int] | None = None,
) -> dict[str, dict[str, list[int]]]:
    """Each method's ranking (positions, best first, at most ``depth``) for each query.

    ``matrix`` and ``query_vectors`` are unit rows of the same model and size. BM25 lists
    only passages sharing a term with the query; the hybrid fuses the model's and BM25's
    lists by reciprocal rank (k = 60); the reranker reorders the model's top
    ``rerank_depth`` passages, the rest following in the model's order. ``documents``
    (each passage's document, as its first passage's position): every list ranks
    documents by their best passage (MaxP), named by that first position, and the hybrid
    fuses those document lists.
    """
    from semsearch.analysis.keywords import KeywordIndex
    from semsearch.retrieval.grouping import best_per_document
    from semsearch.retrieval.ranking import reciprocal_rank_fusion, top_hits

    def cut(ranking: list[int]) -> list[int]:
        if documents is None:
            return ranking[:depth]
        return best_per_document(ranking, documents)[:depth]

    # Per document, a passage list must run deep enough to hold ``depth`` documents.
    deep = depth if documents is None else None
    keywords = KeywordIndex(texts)
    found: dict[str, dict[str, list[int]]] = {m: {} for m in METHODS[: 4 if rerank else 3]}
    scores = np.asarray(query_vectors, dtype=np.float32) @ np.asarray(matrix, dtype=np.float32).T
    for n, query in enumerate(queries):
        passages = [hit.index for hit in top_hits(scores[n], top_k=deep)]
        model = cut(passages)
        bm25 = cut([hit.index for hit in keywords.search(query, top_k=deep) if hit.score > 0])
        found["model"][query] = model
        found["bm25"][query] = bm25
        fused = reciprocal_rank_fusion([model, bm25], top_k=depth)
        found["hybrid"][query] = [hit.index for hit in fused]
        if rerank is not None:
            head = passages[:rerank_depth]
            judged = list(rerank(query, [texts[i] for i in head]))
            order = sorted(range(len(head)), key=lambda i: (-float(judged[i]), i))
            found["reranker"][query] = cut([head[i] for i in order] + passages[rerank_depth:])
    return found


def score_rankings(
    found: Mapping[str, Mapping[str, Sequence[int]]],
    judgements: Judgements,
    *,
    k: int = 10,
    passages: int = 0,
    documents: int | None = None,
) -> Evaluation:
    """Recall@k, MRR@10 and nDCG@10 of each method's rankings, with the misses at k.

    ``documents``: how many documents the rankings rank (scored per document), or None.

    Raises:
        InvalidArgumentError: ``k`` below 1 or no judged query.
    """
    import pytrec_eval

    if k < 1:
        raise InvalidArgumentError(f"k must be at least 1, got {k}.")
    queries = judgements.queries
    if not queries:
        raise InvalidArgumentError("No query has a relevant passage: label some results first.")
    # trec_eval ids are strings; queries are numbered so that any text is safe in them.
    qrels = {f"q{n}": {str(i): 1 for i in judgements.relevant[q]} for n, q in enumerate(queries)}
    measures = {f"recall.{k}", "ndcg_cut.10"}
    methods = []
    misses = []
    for method, ranked in found.items():
        run = {f"q{n}": _scored(ranked.get(q, [])) for n, q in enumerate(queries)}
        cut = {f"q{n}": _scored(list(ranked.get(q, []))[:10]) for n, q in enumerate(queries)}
        # trec_eval skips a query with an empty run: such a query scores 0 here instead.
        main = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(
            {q: r for q, r in run.items() if r}
        )
        first = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(
            {q: r for q, r in cut.items() if r}
        )
        per_query = {}
        for n, query in enumerate(queries):
            got = main.get(f"q{n}", {})
            per_query[query] = (
                float(got.get(f"recall_{k}", 0.0)),
                float(first.get(f"q{n}", {}).get("recip_rank", 0.0)),
                float(got.get("ndcg_cut_10", 0.0)),
            )
            order = list(ranked.get(query, []))
            for passage in sorted(judgements.relevant[query]):
                position = order.index(passage) + 1 if passage in order else None
                if position is None or position > k:
                    misses.append(Miss(query, method, passage, position))
        means = np.mean(np.array(list(per_query.values()), dtype=np.float64), axis=0)
        recall, mrr, ndcg = (float(v) for v in means)
        methods.append(MethodScores(method, recall, mrr, ndcg, per_query))
    return Evaluation(k, len(queries), passages, tuple(methods), tuple(misses),
                      judgements.unmatched, documents)  # fmt: skip


def _scored(ranked: Sequence[int]) -> dict[str, float]:
    """A ranking as trec_eval scores: strictly falling, so its order is kept exactly.

    trec_eval orders by score and breaks ties by document id, never by the order given.
    """
    return {str(index): float(len(ranked) - rank) for rank, index in enumerate(ranked)}


def evaluate(
    texts: Sequence[str],
    matrix: np.ndarray,
    judgements: Judgements,
    query_vectors: np.ndarray,
    *,
    k: int = 10,
    rerank: Rerank | None = None,
    documents: Sequence[int] | None = None,
) -> Evaluation:
    """Rank ``texts`` for every judged query by each method and score the rankings.

    ``query_vectors``: one unit row per ``judgements.queries``, in that order.
    ``documents``: each passage's document as its first passage's position
    (:func:`semsearch.retrieval.grouping.document_of`): documents are then ranked by
    their best passage and counted (MaxP), a document relevant when any of its passages
    is; None: every passage on its own.
    """
    queries = judgements.queries
    if len(query_vectors) != len(queries):
        raise InvalidArgumentError(
            f"{len(query_vectors)} query vectors for {len(queries)} judged queries."
        )
    if documents is not None and len(documents) != len(texts):
        raise InvalidArgumentError(f"{len(documents)} document numbers for {len(texts)} texts.")
    found = rankings(texts, matrix, queries, query_vectors, rerank=rerank, documents=documents)
    if documents is None:
        return score_rankings(found, judgements, k=k, passages=len(texts))
    return score_documents(found, judgements, documents, k=k)


def score_documents(
    found: Mapping[str, Mapping[str, Sequence[int]]],
    judgements: Judgements,
    documents: Sequence[int],
    *,
    k: int = 10,
) -> Evaluation:
    """:func:`score_rankings` per document: a document is relevant when one of its passages is.

    ``found`` ranks documents already (each named by its first passage's position, as
    :func:`semsearch.retrieval.grouping.best_per_document` gives them); a ranking of
    passages is turned into one here, so a document counts once, at its best passage.
    """
    from semsearch.retrieval.grouping import best_per_document

    ranked = {method: {query: best_per_document(ranking, documents)[:DEPTH]
                       for query, ranking in by_query.items()}
              for method, by_query in found.items()}  # fmt: skip
    relevant = {q: frozenset(documents[i] for i in found_) for q, found_ in
                judgements.relevant.items()}  # fmt: skip
    per_document = Judgements(relevant, judgements.unmatched)
    return score_rankings(ranked, per_document, k=k, passages=len(documents),
                          documents=len(set(documents)))  # fmt: skip
