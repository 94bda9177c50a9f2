"""The endpoints: OpenAI-compatible embeddings and models, and the saved bases.

Each route checks what HTTP alone can check (sizes, the model asked for, the field that is
wrong), then calls the :class:`~semsearch.service.service.Service`. Large answers are
written as plain JSON (not validated again through pydantic: 2,048 vectors would take
longer to check than to compute).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from semsearch.documents.chunking import Passage
from semsearch.encoding.embedder import Embedder
from semsearch.errors import InvalidArgumentError, SemsearchError
from semsearch.retrieval.grouping import DocumentHit
from semsearch.service.errors import ApiError, error_body, from_semsearch
from semsearch.service.schemas import (
    AnswerRequest,
    AnswerResponse,
    BaseEntry,
    BaseList,
    EmbeddingsRequest,
    EmbeddingsResponse,
    ModelCard,
    ModelList,
    MorePassage,
    PassageOut,
    PassagePage,
    PassagesRequest,
    PassagesResponse,
    SearchHit,
    SearchRequest,
    SearchResponse,
)
from semsearch.service.service import Ranked, Service, checked_where

router = APIRouter(prefix="/v1")
_STARTED = int(time.time())


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def served_names(embedder: Embedder) -> set[str]:
    """The names a request's ``model`` may give: the model's id and what it was loaded as."""
    names = {embedder.name}
    if embedder.report is not None:
        names.add(embedder.report.requested)
    return names


@router.get("/models", response_model=ModelList, tags=["OpenAI-compatible"])
async def models(request: Request) -> ModelList:
    """The model this server serves (vLLM's shape, with ``max_model_len``)."""
    embedder, _ = _service(request).ready()
    card = ModelCard(id=embedder.name, created=_STARTED, max_model_len=embedder.max_length,
                     dimensions=embedder.dim, query_instruction=embedder.default_task)  # fmt: skip
    return ModelList(data=[card])


@router.post("/embeddings", response_model=EmbeddingsResponse, tags=["OpenAI-compatible"])
async def embeddings(body: EmbeddingsRequest, request: Request) -> JSONResponse:
    """Vectors for ``input``: unit length, the model's own size unless ``dimensions``.

    Texts are embedded exactly as sent (no ``input_type``: what vLLM returns for the same
    text); ``input_type: query`` adds the model's query instruction (Qwen3).
    """
    service = _service(request)
    embedder, _ = service.ready()
    if body.model and body.model not in served_names(embedder):
        raise ApiError(404, f"The model {body.model!r} is not served here; this server serves "
                       f"{embedder.name!r} (GET /v1/models).", param="model",
                       code="model_not_found")  # fmt: skip
    texts = _texts(body.input, service.config.max_inputs)
    try:
        chosen = embedder.with_options(
            dim=body.dimensions,
            max_length=min(body.truncate_prompt_tokens or embedder.max_length, embedder.max_length),
        )
    except InvalidArgumentError as error:
        raise ApiError(400, str(error), param="dimensions") from None
    encoded = await service.encode(chosen, texts, kind=body.input_type,
                                   instruction=body.instruction)  # fmt: skip
    counts = encoded.token_counts
    used = int(np.minimum(counts[counts >= 0], chosen.max_length).sum())
    data: list[dict[str, Any]] = []
    for n, row in enumerate(encoded.vectors):
        value: Any = (base64.b64encode(row.astype("<f4").tobytes()).decode("ascii")
                      if body.encoding_format == "base64" else row.tolist())  # fmt: skip
        data.append({"object": "embedding", "index": n, "embedding": value})
    return JSONResponse({"object": "list", "data": data, "model": embedder.name,
                         "usage": {"prompt_tokens": used, "total_tokens": used}})  # fmt: skip


def _texts(given: Any, most: int) -> list[str]:
    texts = [given] if isinstance(given, str) else list(given)
    if not texts:
        raise ApiError(400, "input is empty: send a text or a list of texts.", param="input")
    if not all(isinstance(text, str) for text in texts):
        raise ApiError(400, "input holds token ids; send texts (LangChain's OpenAIEmbeddings: "
                       "pass check_embedding_ctx_length=False).", param="input")  # fmt: skip
    if len(texts) > most:
        raise ApiError(413, f"input holds {len(texts)} texts; at most {most} per request.",
                       param="input")  # fmt: skip
    return texts


@router.get("/bases", response_model=BaseList, tags=["Knowledge bases"])
async def bases(request: Request) -> BaseList:
    """Every saved base: its size, the model that made it, and whether it can be searched here."""
    service = _service(request)
    store = service.store
    infos = await asyncio.to_thread(store.list)
    embedder = service.embedder
    entries = []
    for info in infos:
        servable = False
        if embedder is not None:
            bound = embedder.with_options(dim=info.dim, max_length=info.max_length)
            from semsearch.retrieval.library import mismatch

            servable = mismatch(info, bound) is None
        entries.append(BaseEntry(name=info.name, passages=info.passages, model=info.model,
                                 dimension=info.dim, native_dimension=info.native_dim,
                                 max_length=info.max_length, store=store.uri,
                                 updated=info.updated, servable=servable))  # fmt: skip
    return BaseList(data=entries)


def _hit(rank: int, document: DocumentHit[Ranked]) -> SearchHit:
    hit, p = document.best, document.best.passage
    more = [MorePassage(id=h.id, score=h.score, place=h.passage.place) for h in document.more]
    return SearchHit(rank=rank, id=hit.id, score=hit.score, text=p.text, source=p.source,
                     place=p.place, heading=p.heading, metadata=dict(p.metadata),
                     more_passages=more)  # fmt: skip


@router.post("/bases/{name}/search", response_model=SearchResponse, tags=["Knowledge bases"])
async def search(name: str, body: SearchRequest, request: Request) -> SearchResponse:
    """The best documents (or ``passages``) of ``name``, as ``semsearch search --name``."""
    if body.threshold is not None and body.method != "model":
        raise ApiError(400, f"threshold is a cosine score: it applies to method 'model' only, "
                       f"not {body.method!r}; leave it out.", param="threshold")  # fmt: skip
    hits, embedder, reranker = await _service(request).search(
        name, body.query, top_k=body.top_k, threshold=body.threshold,
        where=checked_where(body.where), method=body.method, instruction=body.instruction,
        passages=body.passages,
    )  # fmt: skip
    return SearchResponse(base=name, method=body.method, model=embedder.name, reranker=reranker,
                          hits=[_hit(n, h) for n, h in enumerate(hits, start=1)])  # fmt: skip


@router.post("/bases/{name}/passages", response_model=PassagesResponse,
             tags=["Knowledge bases"])  # fmt: skip
async def add_passages(name: str, body: PassagesRequest, request: Request) -> PassagesResponse:
    """Add texts or records to ``name`` (created for the loaded model when new).

    Passages already in the base (same text, source and place) are skipped, as ``semsearch
    index`` skips them when it resumes.
    """
    service = _service(request)
    given = [Passage(text) for text in body.texts or []] + [
        Passage(p.text, p.source, p.place, p.heading, tuple(p.metadata.items()))
        for p in body.passages or []
    ]
    if not given:
        raise ApiError(400, "Send texts or passages to add.", param="texts")
    if len(given) > service.config.max_inputs:
        raise ApiError(413, f"{len(given)} passages in one request; at most "
                       f"{service.config.max_inputs}.", param="passages")  # fmt: skip
    if not name.strip() or name != name.strip():
        raise ApiError(400, f"The base name {name!r} is blank or has blanks around it.",
                       param="name")  # fmt: skip
    ids, skipped, info = await service.add(name, given)
    return PassagesResponse(base=name, added=len(ids), skipped=skipped, passages=info.passages,
                            ids=ids, model=info.model)  # fmt: skip


@router.get("/bases/{name}/passages", response_model=PassagePage, tags=["Knowledge bases"])
async def read_passages(name: str, request: Request, offset: int = 0,
                        limit: int = 1000) -> PassagePage:  # fmt: skip
    """The passages of ``name`` with ids ``offset`` to ``offset + limit - 1`` (at most 10,000)."""
    service = _service(request)
    info = await service.info(name)
    if offset < 0 or not 1 <= limit <= 10_000:
        raise ApiError(400, f"offset must be 0 or more and limit 1..10000, got {offset} and "
                       f"{limit}.", param="limit" if offset >= 0 else "offset")  # fmt: skip
    ids = list(range(offset, min(info.passages, offset + limit)))
    passages = await asyncio.to_thread(service.store.passages, name, ids) if ids else []
    rows = [
        PassageOut(
            id=i,
            text=p.text,
            source=p.source,
            place=p.place,
            heading=p.heading,
            metadata=dict(p.metadata),
        )
        for i, p in zip(ids, passages, strict=True)
    ]
    return PassagePage(base=name, total=info.passages, offset=offset, data=rows)


@router.delete("/bases/{name}", tags=["Knowledge bases"])
async def delete_base(name: str, request: Request) -> dict[str, str]:
    """Delete the base ``name`` and its vectors."""
    await _service(request).delete(name)
    return {"deleted": name}


@router.post("/bases/{name}/answer", response_model=AnswerResponse, tags=["Knowledge bases"],
             responses={200: {"content": {"text/event-stream": {}}}})  # fmt: skip
async def answer(name: str, body: AnswerRequest, request: Request) -> Any:
    """An answer from ``name``'s best passages, citing them by number, as ``semsearch ask``.

    With ``stream`` (the default) Server-Sent Events: ``citations`` (the numbered passages),
    then one ``data: {"delta": ...}`` per piece, then ``done`` (the whole answer and the
    numbers it cites); a failure after the start is an ``error`` event.
    """
    from semsearch.answers.generation import Citation, answer_stream, cited_numbers

    service = _service(request)
    # Passages, as `semsearch ask` cites them (each window its own citation).
    found, embedder, _ = await service.search(
        name, body.query, top_k=body.top_k, threshold=body.threshold,
        where=checked_where(body.where), method="model", instruction=None, passages=True,
    )  # fmt: skip
    citations = [Citation(n, d.best.id, d.best.passage.text, d.best.score, d.best.passage.origin)
                 for n, d in enumerate(found, start=1)]  # fmt: skip
    # Made before the first byte, so that a missing answer model is a status, not an event.
    generator: Any = await asyncio.to_thread(service.generator, embedder) if citations else None
    cited_out = [{"number": c.number, "id": c.index, "score": c.score, "text": c.text,
                  "source": c.source} for c in citations]  # fmt: skip
    pieces = answer_stream(body.query, citations, lambda: generator, body.max_new_tokens)
    named = generator.name if generator is not None else None
    if not body.stream:
        text = await asyncio.to_thread(lambda: "".join(pieces))
        return AnswerResponse(answer=text, citations=cited_out,  # type: ignore[arg-type]
                              cited=cited_numbers(text, len(citations)), model=embedder.name,
                              generator=named)  # fmt: skip

    def events() -> Iterator[str]:
        yield _event("citations", {"citations": cited_out, "model": embedder.name,
                                   "generator": named})  # fmt: skip
        text = ""
        with contextlib.closing(pieces):
            try:
                for piece in pieces:
                    text += piece
                    yield f"data: {json.dumps({'delta': piece}, ensure_ascii=False)}\n\n"
            except SemsearchError as error:
                failed = from_semsearch(error)
                yield _event("error", error_body(failed.status, failed.message))
                return
        yield _event("done", {"answer": text, "cited": cited_numbers(text, len(citations))})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})  # fmt: skip


def _event(kind: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
