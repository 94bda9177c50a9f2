"""``semsearch serve`` against real clients on loopback: the ``openai`` client, semsearch's
remote engine and command line, and plain HTTP for every error status.

The server runs the real app with uvicorn in a thread; its model is the session's bundled
all-MiniLM-L6-v2 (real semantics) or the tiny Qwen3 twin (the query instruction).
"""

from __future__ import annotations

import base64
import json
import threading

import httpx2
import numpy as np
import pytest

from semsearch.documents.chunking import Passage
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.library import save_base
from semsearch.retrieval.stores import open_store
from semsearch.service import ServiceConfig, create_app

from .serving import running

TEXTS = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
FAQ = [
    Passage("To reset the router, hold the reset button for ten seconds.", "manual.pdf", "page 1"),
    Passage("The warranty lasts two years from the date of purchase.", "manual.pdf", "page 2"),
    Passage("Dust in the charging port causes a poor connection.", "notes.md", "§ 1"),
    Passage("Refunds take five working days.", "notes.md", "§ 2", metadata=(("lang", "en"),)),
    Passage(
        "Le remboursement prend cinq jours ouvrés.", "notes.md", "§ 3", metadata=(("lang", "fr"),)
    ),
]


def cosines(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:{tmp_path / 'bases'}")


@pytest.fixture
def serve(bundled, store):
    """Start a server on ``store`` with the bundled model: ``serve(**config)``."""
    servers = []

    def start(loader=lambda: bundled, ready=True, **options):
        config = ServiceConfig(**{"batch_window": 0.02, **options})
        context = running(create_app(config, loader=loader, store=store), ready=ready)
        server = context.__enter__()
        servers.append(context)
        return server.url

    yield start
    for context in servers:
        context.__exit__(None, None, None)


def saved(store, embedder, name="faq", passages=FAQ):
    return save_base(store, name, embedder, passages, VectorCache())


# -- /v1/embeddings -----------------------------------------------------------------------------


def test_openai_client_gets_the_local_vectors(serve, bundled):
    import openai

    client = openai.OpenAI(base_url=serve() + "/v1", api_key="unused")
    local = bundled.encode_documents(TEXTS)
    answer = client.embeddings.create(model=bundled.name, input=TEXTS)  # base64 by default
    vectors = [item.embedding for item in answer.data]
    assert [item.index for item in answer.data] == [0, 1, 2]
    assert all(len(v) == 384 for v in vectors)
    assert all(cosines(vectors, local) >= 0.99999)
    assert answer.model == bundled.name
    tokens = sum(bundled.count_tokens(TEXTS))
    assert (answer.usage.prompt_tokens, answer.usage.total_tokens) == (tokens, tokens)
    short = client.embeddings.create(model=bundled.name, input=TEXTS, dimensions=64,
                                     encoding_format="float")  # fmt: skip
    assert all(len(item.embedding) == 64 for item in short.data)
    assert all(cosines([i.embedding for i in short.data],
                       bundled.with_options(dim=64).encode_documents(TEXTS)) >= 0.99999)  # fmt: skip
    one = client.embeddings.create(model="bundled", input=TEXTS[0])  # the name it was loaded as
    assert cosines([one.data[0].embedding], local[:1])[0] >= 0.99999


def test_base64_is_little_endian_float32(serve, bundled):
    url = serve()
    body = {"input": TEXTS[:1], "encoding_format": "base64"}
    answer = httpx2.post(f"{url}/v1/embeddings", json=body).json()
    vector = np.frombuffer(base64.b64decode(answer["data"][0]["embedding"]), dtype="<f4")
    plain = httpx2.post(f"{url}/v1/embeddings", json={"input": TEXTS[:1]}).json()
    assert vector.tolist() == plain["data"][0]["embedding"]


def test_queries_get_the_instruction_only_when_asked(tiny_qwen3, store):
    from semsearch import load_embedder

    twin = load_embedder(str(tiny_qwen3), device="cpu")
    with running(create_app(ServiceConfig(), loader=lambda: twin, store=store)) as server:
        post = lambda **body: httpx2.post(f"{server.url}/v1/embeddings", json=body).json()  # noqa: E731
        plain = post(input=["how do I reset it?"])["data"][0]["embedding"]
        query = post(input=["how do I reset it?"], input_type="query")["data"][0]["embedding"]
        bare = post(input=["how do I reset it?"], input_type="query", instruction="")
        models = httpx2.get(f"{server.url}/v1/models").json()["data"][0]
    assert cosines([plain], twin.encode_documents(["how do I reset it?"]))[0] >= 0.99999
    assert cosines([query], twin.encode_queries(["how do I reset it?"]))[0] >= 0.99999
    assert cosines([bare["data"][0]["embedding"]],
                   twin.encode_queries(["how do I reset it?"], instruction=""))[0] >= 0.99999  # fmt: skip
    assert cosines([plain], [query])[0] < 0.999  # the instruction changes the vector
    assert models["query_instruction"] == twin.default_task


def test_semsearch_remote_engine_equals_the_local_engine(serve, bundled):
    from semsearch.encoding.loading import load_remote_embedder

    remote = load_remote_embedder(serve() + "/v1", "auto")
    assert (remote.name, remote.native_dim, remote.max_length) == (bundled.name, 384, 256)
    assert all(cosines(remote.encode_documents(TEXTS), bundled.encode_documents(TEXTS)) >= 0.99999)
    assert all(cosines(remote.encode_queries(TEXTS), bundled.encode_queries(TEXTS)) >= 0.99999)
    short = remote.with_options(dim=128)
    assert all(cosines(short.encode_documents(TEXTS),
                       bundled.with_options(dim=128).encode_documents(TEXTS)) >= 0.99999)  # fmt: skip
    remote.engine.close()


# -- bases --------------------------------------------------------------------------------------


def search(url, name="faq", **body):
    return httpx2.post(f"{url}/v1/bases/{name}/search", json=body)


def test_bases_are_listed_with_their_model(serve, bundled, store):
    saved(store, bundled)
    url = serve()
    (entry,) = httpx2.get(f"{url}/v1/bases").json()["data"]
    assert {k: v for k, v in entry.items() if k != "updated"} == {
        "name": "faq", "passages": 5, "model": bundled.name, "dimension": 384,
        "native_dimension": 384, "max_length": 256, "store": store.uri, "servable": True,
    }  # fmt: skip


def test_search_methods_are_eval_s_rankings(serve, bundled, store):
    from semsearch.analysis.evaluation import rankings
    from semsearch.analysis.keywords import KeywordIndex

    saved(store, bundled)
    url = serve()
    texts = [p.text for p in FAQ]
    query = "reset the router button"
    found = rankings(texts, bundled.encode_documents(texts), [query],
                     bundled.encode_queries([query]))  # fmt: skip
    got = {m: [h["id"] for h in search(url, query=query, method=m, top_k=5).json()["hits"]]
           for m in ("bm25", "hybrid")}  # fmt: skip
    assert got["bm25"] == found["bm25"][query]
    assert got["hybrid"] == found["hybrid"][query]
    bm25 = search(url, query=query, method="bm25").json()["hits"]
    scores = KeywordIndex(texts).scores(query)
    assert [h["score"] for h in bm25] == [float(scores[h["id"]]) for h in bm25]
    model = search(url, query=query, threshold=-1).json()
    assert [h["id"] for h in model["hits"]] == found["model"][query]
    assert model["model"] == bundled.name
    assert model["method"] == "model"
    french = search(url, query="refund", where={"lang": "fr"}, method="bm25").json()["hits"]
    assert french == []  # BM25 finds "refunds" only in the English passage, which lang=fr drops


def test_rerank_is_the_reranker_over_the_model_s_top(serve, bundled, store, tmp_path, monkeypatch):
    from semsearch.answers.reranker import Reranker
    from semsearch.encoding.twins import build_chat_twin

    judge = build_chat_twin(tmp_path / "judge")
    monkeypatch.setenv("SEMSEARCH_RERANKER", str(judge))
    saved(store, bundled)
    answer = search(serve(), query="warranty", method="rerank", top_k=3).json()
    texts = [p.text for p in FAQ]
    scores = Reranker.load(str(judge), device="cpu", dtype="fp32").score("warranty", texts)
    order = sorted(range(5), key=lambda i: (-float(scores[i]), i))[:3]
    assert [h["id"] for h in answer["hits"]] == order
    assert [h["score"] for h in answer["hits"]] == pytest.approx(
        [float(scores[i]) for i in order], abs=1e-6
    )
    assert answer["reranker"] == Reranker.load(str(judge), device="cpu", dtype="fp32").name


def test_passages_are_added_once_filtered_and_deleted(serve, bundled):
    url = serve()
    records = [{"text": p.text, "source": p.source, "place": p.place, "metadata": dict(p.metadata)}
               for p in FAQ]  # fmt: skip
    first = httpx2.post(f"{url}/v1/bases/new/passages", json={"passages": records}).json()
    assert (first["added"], first["skipped"], first["passages"], first["ids"]) == (
        5,
        0,
        5,
        [0, 1, 2, 3, 4],
    )
    again = httpx2.post(f"{url}/v1/bases/new/passages",
                        json={"passages": records[:2], "texts": ["A new line."]}).json()  # fmt: skip
    assert (again["added"], again["skipped"], again["passages"], again["ids"]) == (1, 2, 6, [5])
    hits = search(url, "new", query="how long do refunds take?", where={"lang": ["fr", "en"]},
                  threshold=-1).json()["hits"]  # fmt: skip
    assert [h["id"] for h in hits] == [3, 4]
    assert hits[0] | {"score": 0} == {"rank": 1, "id": 3, "score": 0, "text": FAQ[3].text,
                                      "source": "notes.md", "place": "§ 2", "heading": "",
                                      "metadata": {"lang": "en"}, "more_passages": []}  # fmt: skip
    local = (
        bundled.encode_queries(["how long do refunds take?"])[0]
        @ bundled.encode_documents([FAQ[3].text])[0]
    )
    assert hits[0]["score"] == pytest.approx(float(local), abs=1e-5)
    page = httpx2.get(f"{url}/v1/bases/new/passages", params={"offset": 4, "limit": 5}).json()
    assert (page["total"], [p["id"] for p in page["data"]]) == (6, [4, 5])
    assert httpx2.delete(f"{url}/v1/bases/new").json() == {"deleted": "new"}
    assert search(url, "new", query="refunds").status_code == 404


# -- answers ------------------------------------------------------------------------------------


def test_answer_streams_server_sent_events(serve, bundled, store, monkeypatch):
    from .helpers import ChatServer

    saved(store, bundled)
    with ChatServer(reply="Hold the reset button for ten seconds [1].") as chat:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", chat.url)
        url = serve()
        body = {"query": "how do I reset the router?", "top_k": 2}
        with httpx2.stream("POST", f"{url}/v1/bases/faq/answer", json=body) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = list(response.iter_lines())
        whole = httpx2.post(f"{url}/v1/bases/faq/answer", json={**body, "stream": False}).json()
    events = [json.loads(line[5:]) for line in lines if line.startswith("data:")]
    kinds = [line[6:].strip() for line in lines if line.startswith("event:")]
    assert kinds == ["citations", "done"]
    assert [c["id"] for c in events[0]["citations"]][:1] == [0]
    assert events[0]["generator"] == "test-llm"
    assert "".join(e["delta"] for e in events[1:-1]) == "Hold the reset button for ten seconds [1]."
    assert events[-1] == {"answer": "Hold the reset button for ten seconds [1].", "cited": [1]}
    assert whole["answer"] == "Hold the reset button for ten seconds [1]."
    assert (whole["cited"], whole["model"], whole["generator"]) == ([1], bundled.name, "test-llm")


# -- errors -------------------------------------------------------------------------------------


def error(response, status, param=None):
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    if param is not None:
        assert body["param"] == param
    return body["message"]


def test_bad_input_is_400_naming_the_field(serve, bundled, store):
    saved(store, bundled)
    url = serve()
    post = lambda path, body: httpx2.post(url + path, json=body)  # noqa: E731
    assert "greater than or equal to 1" in error(search(url, query="x", top_k=0), 400, "top_k")
    assert "Cannot filter on 'text'" in error(
        search(url, query="x", where={"text": "a"}), 400, "where"
    )
    assert "method 'model' only" in error(
        search(url, query="x", method="bm25", threshold=0.2), 400, "threshold"
    )
    assert "Extra inputs" in error(search(url, query="x", topk=3), 400, "topk")
    assert error(search(url, query="x", method="magic"), 400, "method")
    assert "token ids" in error(post("/v1/embeddings", {"input": [[1, 2, 3]]}), 400, "input")
    assert "empty" in error(post("/v1/embeddings", {"input": []}), 400, "input")
    assert "choose 32..384" in error(
        post("/v1/embeddings", {"input": "a", "dimensions": 9999}), 400, "dimensions"
    )
    assert "lone surrogate" in error(httpx2.post(url + "/v1/embeddings", content=b'{"input": "\\udc80"}',
                                                 headers={"content-type": "application/json"}), 400, "input")  # fmt: skip
    assert error(httpx2.post(url + "/v1/embeddings", content=b"{not json",
                             headers={"content-type": "application/json"}), 400, "body") == "The body is not valid JSON."  # fmt: skip


def test_unknown_base_model_and_route_are_404(serve):
    url = serve()
    assert "No knowledge base named 'nope'" in error(search(url, "nope", query="x"), 404)
    missing = httpx2.post(
        f"{url}/v1/embeddings", json={"input": "a", "model": "text-embedding-3-small"}
    )
    assert "is not served here" in error(missing, 404, "model")
    assert "No such route: GET /v2/things" in error(httpx2.get(f"{url}/v2/things"), 404)
    assert error(httpx2.delete(f"{url}/v1/bases/nope"), 404)


def test_a_base_of_another_model_is_409(serve, store, tiny_qwen3):
    from semsearch import load_embedder

    saved(store, load_embedder(str(tiny_qwen3), device="cpu"), name="qwen")
    url = serve()
    message = error(search(url, "qwen", query="x"), 409)
    assert "was encoded by" in message
    assert "start one with --model" in message
    assert error(httpx2.post(f"{url}/v1/bases/qwen/passages", json={"texts": ["a"]}), 409)
    assert httpx2.get(f"{url}/v1/bases").json()["data"][0]["servable"] is False


def test_too_large_is_413(serve):
    url = serve(max_body_bytes=4096, max_inputs=3)
    big = httpx2.post(f"{url}/v1/embeddings", json={"input": "word " * 2000})
    assert "larger than this server takes (4,096 bytes)" in error(big, 413, "body")

    def chunks():
        yield b'{"input": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    streamed = httpx2.post(f"{url}/v1/embeddings", content=chunks(),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert error(streamed, 413, "body")  # no Content-Length: counted as it arrives
    many = httpx2.post(f"{url}/v1/embeddings", json={"input": ["a", "b", "c", "d"]})
    assert "at most 3 per request" in error(many, 413, "input")


def test_a_key_is_asked_when_set(serve):
    url = serve(api_key="s3cret")
    assert "no key was sent" in error(httpx2.get(f"{url}/v1/models"), 401)
    wrong = httpx2.get(f"{url}/v1/models", headers={"Authorization": "Bearer nope"})
    assert "a wrong key was sent" in error(wrong, 401)
    assert wrong.headers["www-authenticate"] == "Bearer"
    good = httpx2.get(f"{url}/v1/models", headers={"Authorization": "Bearer s3cret"})
    assert good.status_code == 200
    assert httpx2.get(f"{url}/health").status_code == 200  # liveness needs no key


def test_cors_is_off_unless_configured(serve):
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    closed = httpx2.options(f"{serve()}/v1/embeddings", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    opened = httpx2.options(f"{serve(cors_origins=('https://app.example',))}/v1/embeddings",
                            headers=preflight)  # fmt: skip
    assert opened.headers["access-control-allow-origin"] == "https://app.example"


def test_loading_is_503_then_ready(serve, bundled):
    gate = threading.Event()

    def slow():
        gate.wait(30)
        return bundled

    url = serve(loader=slow, ready=False)
    health = httpx2.get(f"{url}/health")
    assert (health.status_code, health.json()) == (503, {"status": "loading"})
    waiting = httpx2.post(f"{url}/v1/embeddings", json={"input": "a"})
    assert "still loading" in error(waiting, 503)
    assert waiting.headers["retry-after"] == "2"
    gate.set()
    for _ in range(200):
        if httpx2.get(f"{url}/health").status_code == 200:
            break
        threading.Event().wait(0.05)
    assert httpx2.post(f"{url}/v1/embeddings", json={"input": "a"}).status_code == 200


def test_a_failed_load_is_503_with_the_reason(serve):
    from semsearch import load_embedder

    url = serve(loader=lambda: load_embedder("/no/such/model", device="cpu"), ready=False)
    for _ in range(200):
        health = httpx2.get(f"{url}/health")
        if health.json()["status"] != "loading":
            break
        threading.Event().wait(0.05)
    assert health.status_code == 503
    assert health.json()["status"] == "failed"
    assert "Could not load the model '/no/such/model'" in error(httpx2.get(f"{url}/v1/models"), 503)


def test_slow_is_504(serve):
    url = serve(request_timeout=0.2)
    long = ["a long text about routers and warranties " * 20] * 30  # seconds on 2 cores
    slow = httpx2.post(f"{url}/v1/embeddings", json={"input": long}, timeout=120)
    assert "No answer within 0.2 s" in error(slow, 504)


def wait_for(url, condition):
    for _ in range(1200):
        if condition(httpx2.get(f"{url}/health", timeout=60).json()["batching"]):
            return
        threading.Event().wait(0.05)
    raise AssertionError("the server never got there")


def test_a_full_queue_is_429(serve):
    url = serve(max_queue=1, batch_window=0, request_timeout=600)
    long = ["a long text about routers and warranties " * 20] * 30
    results: dict[str, httpx2.Response] = {}

    def post(key):
        results[key] = httpx2.post(f"{url}/v1/embeddings", json={"input": long}, timeout=120)

    threads = [threading.Thread(target=post, args=(key,)) for key in ("first", "second")]
    threads[0].start()
    wait_for(url, lambda stats: stats["busy"])  # the first is being encoded
    threads[1].start()
    wait_for(url, lambda stats: stats["waiting"] == 1)  # the second waits
    third = httpx2.post(f"{url}/v1/embeddings", json={"input": "a"}, timeout=60)
    for thread in threads:
        thread.join()
    assert "Too many requests are waiting" in error(third, 429)
    assert third.headers["retry-after"] == "1"
    assert [results[k].status_code for k in ("first", "second")] == [200, 200]


# -- concurrency --------------------------------------------------------------------------------


def test_concurrent_clients_get_their_own_vectors_batched_together(serve, bundled):
    url = serve(batch_window=0.05)
    texts = [f"Question number {n}: how do I fix problem {n * 7}?" for n in range(16)]
    got: dict[int, list[float]] = {}
    start = threading.Barrier(16)

    def client(n):
        start.wait()
        answer = httpx2.post(f"{url}/v1/embeddings", json={"input": texts[n]}, timeout=120)
        got[n] = answer.json()["data"][0]["embedding"]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(cosines([got[n] for n in range(16)], bundled.encode_documents(texts)) >= 0.99999)
    stats = httpx2.get(f"{url}/health").json()["batching"]
    assert stats["requests"] == 16
    assert stats["largest"] > 1
    assert stats["calls"] < 16


def test_graceful_shutdown_finishes_the_request_in_flight(bundled, store):
    app = create_app(ServiceConfig(), loader=lambda: bundled, store=store)
    texts = [f"passage {n} " * 30 for n in range(40)]
    answer: dict[str, httpx2.Response] = {}
    with running(app, graceful=120) as server:
        worker = threading.Thread(target=lambda: answer.setdefault(
            "r", httpx2.post(f"{server.url}/v1/embeddings", json={"input": texts}, timeout=120)))  # fmt: skip
        worker.start()
        threading.Event().wait(0.3)
        server.should_exit = True  # what SIGTERM does
        worker.join()
    assert answer["r"].status_code == 200
    assert len(answer["r"].json()["data"]) == 40


def test_answer_without_evidence_and_a_failing_answer_model(serve, bundled, store, monkeypatch):
    from semsearch.answers.generation import NO_EVIDENCE

    from .helpers import ChatServer

    saved(store, bundled)
    with ChatServer() as chat:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", chat.url)
        url = serve()
        none = httpx2.post(f"{url}/v1/bases/faq/answer",
                           json={"query": "reset", "threshold": 0.99, "stream": False}).json()  # fmt: skip
        chat.status = 400
        with httpx2.stream("POST", f"{url}/v1/bases/faq/answer",
                           json={"query": "how do I reset the router?"}) as response:  # fmt: skip
            lines = list(response.iter_lines())
    assert (none["answer"], none["citations"], none["generator"]) == (NO_EVIDENCE, [], None)
    kinds = [line[6:].strip() for line in lines if line.startswith("event:")]
    assert kinds == ["citations", "error"]
    failure = json.loads([line for line in lines if line.startswith("data:")][-1][5:])
    assert "the model is overloaded" in failure["error"]["message"]
    assert "Traceback" not in "\n".join(lines)
