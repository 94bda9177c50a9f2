"""Request and response bodies of the HTTP API: FastAPI checks them, ``/docs`` shows them.

Field names follow OpenAI's embeddings API where there is one (``input``, ``model``,
``dimensions``, ``encoding_format``, ``usage``) and the CLI's flags elsewhere (``query``,
``top_k``, ``threshold``, ``where``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Method = Literal["model", "bm25", "hybrid", "rerank"]


class EmbeddingsRequest(BaseModel):
    """``POST /v1/embeddings``: OpenAI's body, plus ``input_type`` and ``instruction``."""

    model_config = ConfigDict(extra="allow")  # other clients' extra fields are ignored

    input: str | list[str] | list[int] | list[list[int]] = Field(
        description="A text or a list of texts (token-id arrays are refused: send text)."
    )
    model: str | None = Field(None, description="The served model's id (GET /v1/models).")
    dimensions: int | None = Field(
        None, description="Keep the first N values and normalise again (Matryoshka)."
    )
    encoding_format: Literal["float", "base64"] = Field(
        "float", description="base64: little-endian float32 bytes, as OpenAI sends them."
    )
    input_type: Literal["document", "query"] | None = Field(
        None,
        description="Unset (default): the text exactly as sent, as vLLM embeds it; query: with "
        "the model's query instruction (Qwen3: 'Instruct: {task}\\nQuery:{text}'); document: "
        "with the model's document prompt, if it has one (Qwen3 and MiniLM have none).",
    )
    instruction: str | None = Field(
        None, description="The task for query instructions (input_type query); '' for none."
    )
    truncate_prompt_tokens: int | None = Field(
        None, ge=1, description="Cut each text to this many tokens (vLLM's field)."
    )
    user: str | None = None


class EmbeddingItem(BaseModel):
    """One vector of an embeddings answer."""

    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class Usage(BaseModel):
    """Tokens read (each text after the cap; 0 where the engine cannot count them)."""

    prompt_tokens: int
    total_tokens: int


class EmbeddingsResponse(BaseModel):
    """OpenAI's embeddings answer."""

    object: Literal["list"] = "list"
    data: list[EmbeddingItem]
    model: str
    usage: Usage


class ModelCard(BaseModel):
    """One entry of ``GET /v1/models``."""

    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "semsearch"
    max_model_len: int
    """The token cap per text (vLLM's name, read by semsearch's remote engine)."""
    dimensions: int
    query_instruction: str | None
    """The default task queries get with ``input_type: query``; null: none."""


class ModelList(BaseModel):
    """``GET /v1/models``."""

    object: Literal["list"] = "list"
    data: list[ModelCard]


class BaseEntry(BaseModel):
    """One saved base in ``GET /v1/bases``."""

    name: str
    passages: int
    model: str
    dimension: int
    native_dimension: int
    max_length: int
    store: str
    updated: str
    servable: bool
    """Whether the loaded model made it (so it can be searched here)."""


class BaseList(BaseModel):
    """``GET /v1/bases``."""

    data: list[BaseEntry]


Where = dict[str, str | list[str]]


class SearchRequest(BaseModel):
    """``POST /v1/bases/{name}/search``: the CLI's ``search --name`` as JSON."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, description="The question, in your own words.")
    top_k: int = Field(5, ge=1, le=1000, description="Most hits.")
    threshold: float | None = Field(
        None,
        description="Lowest cosine score kept (method model only; default 0.4, as the CLI; "
        "-1 keeps all).",
    )
    where: Where | None = Field(
        None,
        description="Field -> value or values: a field's values are alternatives, every "
        "field must hold (source, place, heading or a metadata key), as --where.",
    )
    method: Method = Field(
        "model",
        description="model (cosine in the store, as the CLI), bm25, hybrid (reciprocal rank "
        "fusion of both) or rerank (the reranker over the model's top 20).",
    )
    instruction: str | None = Field(
        None, description="Task for the query instruction (Qwen3); '' for none."
    )
    passages: bool = Field(
        False,
        description="Every passage on its own. Default: one hit per record or paragraph, "
        "ranked by its best passage (MaxP), its other passages found listed in "
        "more_passages, as semsearch search --name (a record over the model's cap is cut "
        "into several passages).",
    )


class MorePassage(BaseModel):
    """Another passage of a hit's document among the ranked candidates."""

    id: int
    score: float
    place: str


class SearchHit(BaseModel):
    """One ranked passage: a document's best, unless the request asked for ``passages``."""

    rank: int
    id: int
    score: float
    text: str
    source: str
    place: str
    heading: str
    metadata: dict[str, str]
    more_passages: list[MorePassage] = []
    """The document's other passages among the candidates, best first (none with ``passages``)."""


class SearchResponse(BaseModel):
    """The hits, best first, and which models answered."""

    base: str
    method: Method
    model: str
    """The embedding model that encoded the query (and the base)."""
    reranker: str | None = None
    hits: list[SearchHit]


class PassageIn(BaseModel):
    """A passage to add, with where it came from and its metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    source: str = ""
    place: str = ""
    heading: str = ""
    metadata: dict[str, str] = Field(default_factory=dict)


class PassagesRequest(BaseModel):
    """``POST /v1/bases/{name}/passages``: texts or records; the base is created if new."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] | None = Field(None, description="Plain texts (place: 'line N').")
    passages: list[PassageIn] | None = Field(None, description="Records with metadata.")


class PassageOut(BaseModel):
    """A stored passage and its id."""

    id: int
    text: str
    source: str
    place: str
    heading: str
    metadata: dict[str, str]


class PassagePage(BaseModel):
    """``GET /v1/bases/{name}/passages``: a run of passages by id."""

    base: str
    total: int
    offset: int
    data: list[PassageOut]


class PassagesResponse(BaseModel):
    """What adding did."""

    base: str
    added: int
    skipped: int
    """Passages already in the base (same text, source and place): not stored twice."""
    passages: int
    """Passages in the base now."""
    ids: list[int]
    """Ids of the passages added, in the order sent (skipped ones left out)."""
    model: str


class AnswerRequest(BaseModel):
    """``POST /v1/bases/{name}/answer``: the CLI's ``ask`` as JSON."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1)
    top_k: int = Field(5, ge=1, le=50)
    threshold: float | None = None
    where: Where | None = None
    max_new_tokens: int = Field(512, ge=1, le=8192)
    stream: bool = Field(True, description="Server-sent events (true) or one JSON answer.")


class CitationOut(BaseModel):
    """A passage the answer may cite as [number]."""

    number: int
    id: int
    score: float
    text: str
    source: str


class AnswerResponse(BaseModel):
    """The whole answer (``stream: false``)."""

    answer: str
    citations: list[CitationOut]
    cited: list[int]
    model: str
    generator: str | None
