"""Saved knowledge bases in Milvus: Milvus Lite in one file, or a Milvus server or cluster.

The same pymilvus ``MilvusClient`` calls reach both: ``milvus:PATH.db`` opens Milvus Lite
(embedded: a real Milvus engine in a thread of this process, for laptops and tests) and
``milvus:http://HOST:19530`` a server (token from ``SEMSEARCH_STORE_TOKEN``).

How a base is kept:

* one collection per saved version of a base, reached through an **alias** named after the
  base (``semsearch_<slug>_<hash>``: Milvus names allow ASCII letters, digits and ``_``
  only, so the real name, which may be any text, is kept with the rest of the base's
  binding as JSON in the collection's properties). The binding travels with the vectors:
  no catalogue collection that a crash could leave out of step.
* ``save`` fills a new collection, then moves the alias onto it in one call
  (``alter_alias``) and drops the old one: a crash before the move keeps the old version;
  the unfinished collection (no alias) is removed later by :meth:`MilvusStore.remove_orphans`.
* fields: ``id`` (the position, as in every store), ``vector`` (float32, the model's full
  size, returned bit-exact), ``text``, ``source``, ``place``, ``heading``, ``metadata`` (a
  JSON field, field -> value, that Milvus filters can name), ``tokens``, ``hash``; and when
  the base was saved at a smaller Matryoshka size, ``vector_dim`` (cut, re-normalised), so
  that queries at that size rank exactly as the embedded store does. Milvus cannot cut
  stored vectors at query time, so any other query size is refused with a message.
* metric COSINE; the index is exact (FLAT) below :data:`EXACT_BELOW` passages and HNSW
  above (see :func:`index_for`); the threshold is a range search run by Milvus.

Milvus Lite opens a file from one process only (a second gets a clear StoreError), and one
client per file is shared by every store object and thread of this process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.retrieval import filters
from semsearch.retrieval.filters import Filter, Where
from semsearch.retrieval.stores.base import (
    BaseInfo,
    BaseSpec,
    StoreBase,
    StoredHit,
    StoredRows,
    StoreError,
    check_query,
    check_rows,
    check_top_k,
    check_where,
    check_width,
    unique_rows,
)
from semsearch.retrieval.stores.locks import LOCK_FOLDER

PREFIX = "semsearch_"
INFO_KEY = "semsearch.base"
EXACT_BELOW = 100_000
"""Passages below which a base gets an exact FLAT index; at or above it, HNSW.

Measured with Milvus Lite on this project's 2-core machine (``bench/milvus_index.py``,
random 384-d unit vectors, top-10): FLAT p50 12 ms at 2k, 21 ms at 10k, 71 ms at 30k,
228 ms at 100k, recall 1.0. HNSW did not beat it there (p50 30, 49, 217, 545 ms; recall@10
0.63 at 10k). On clustered vectors at 200k (``bench/scale.py``, closer to real embeddings)
HNSW answered top-10 in 71 ms against FLAT's 516 ms, with recall@10 1.0 and the threshold's
recall 0.954. Exact up to where a scan costs a few hundred ms, then approximate; the
crossover between 30k and 200k is not measured more finely.
"""
HNSW_PARAMS = {"M": 16, "efConstruction": 200}
MAX_LIMIT = 16_384
"""Milvus' largest top-k (and query window)."""
TIE_MARGIN = 16
"""Extra results asked for, so that rows tied with the k-th keep the lower id first."""
INSERT_ROWS = 2_000
"""Rows per insert call: well under a server's 64 MB message cap at 4,096 dimensions."""
TEXT_BYTES, SOURCE_BYTES, PLACE_BYTES, HEADING_BYTES = 65_535, 4_096, 1_024, 4_096
PASSAGE_FIELDS = ["text", "source", "place", "heading", "metadata"]
"""What a Passage is made of; collections made before headings hold the first three."""
ORPHAN_AGE_S = 3600.0

_CLIENTS: dict[tuple[str, str], tuple[Any, threading.RLock]] = {}
_CLIENTS_LOCK = threading.Lock()


def index_for(rows: int) -> str:
    """The index a base of ``rows`` passages gets: ``FLAT`` (exact) or ``HNSW``."""
    return "FLAT" if rows < EXACT_BELOW else "HNSW"


def alias_for(name: str) -> str:
    """The Milvus name (alias) of the base ``name``: ASCII, stable, distinct per name."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")[:40]
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return f"{PREFIX}{slug}_{digest}" if slug else f"{PREFIX}{digest}"


def _client(target: str, token: str) -> tuple[Any, threading.RLock]:
    """The process's one client for ``target`` (Lite refuses a second one, even here)."""
    key = (target, token)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            from pymilvus import MilvusClient

            local = not target.startswith(("http://", "https://", "tcp://", "grpc://"))
            with _LiteLog() as log:
                try:
                    if local:
                        Path(target).parent.mkdir(parents=True, exist_ok=True)
                    client = MilvusClient(uri=target, token=token)
                except Exception as error:  # noqa: BLE001 - many kinds; all mean "cannot open"
                    raise StoreError(_open_failure(target, local, error, log.causes)) from None
            _CLIENTS[key] = (client, threading.RLock())
        return _CLIENTS[key]


class _LiteLog(logging.Handler):
    """Holds Milvus Lite's start-up log while a client opens: its traceback is no message.

    Milvus Lite logs why it could not start (``DataDirLockedError``: another process has
    the file) and pymilvus raises a bare "Open local milvus failed"; the cause is kept
    here to say the right thing.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.causes: list[str] = []
        self._logger = logging.getLogger("milvus_lite")

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.causes.append(f"{type(error).__name__}: {error}" if error else record.getMessage())

    def __enter__(self) -> _LiteLog:
        self._propagate = self._logger.propagate
        self._logger.addHandler(self)
        self._logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate


def _open_failure(target: str, local: bool, error: Exception, causes: list[str]) -> str:
    cause = " ".join([repr(error.__cause__ or error.__context__ or error), *causes])
    if local and "DataDirLocked" in cause:
        return (
            f"Another process holds the Milvus Lite file {target}: Milvus Lite opens a file "
            "from one process only. Close the other semsearch (page or command) using it, "
            "or copy the base to another store, or use a Milvus server for several processes."
        )
    if local:
        return f"Cannot open the Milvus Lite file {target}: {error}. Check the path."
    return (
        f"Cannot reach the Milvus server at {target}: {error}. Check that it runs and, if it "
        "needs one, set SEMSEARCH_STORE_TOKEN."
    )


def _release_lite(path: str) -> None:
    """Stop this process's Milvus Lite engine for ``path``, which unlocks the file.

    Closing the client is not enough: pymilvus 3 leaves Lite's engine (a gRPC server in a
    thread, holding the file's lock) running until the process exits, so another process
    (a CLI run after the page or a server) would find the file held.
    """
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:  # a milvus-lite without pymilvus 3's server manager: nothing to stop
        return
    server_manager_instance.release_server(path)


class MilvusStore(StoreBase):
    """Saved knowledge bases in Milvus (Lite file or server). Safe to use from several threads."""

    def __init__(self, target: str, *, token: str | None = None) -> None:
        local = not target.startswith(("http://", "https://", "tcp://", "grpc://"))
        self.target = str(Path(target).expanduser().resolve()) if local else target
        self.uri = f"milvus:{self.target}"
        from semsearch.data_folder import data_dir

        # In the data folder, keyed by the URI: a server has no folder of ours to lock in.
        self.lock_folder = data_dir() / LOCK_FOLDER
        self._local = local
        self._client, self._lock = _client(self.target, token or "")
        self._loaded: set[str] = set()
        self._fields: dict[str, list[str]] = {}

    def close(self) -> None:
        """Let go of this file or server in this process (Lite then unlocks the file)."""
        with _CLIENTS_LOCK:
            for key, (client, _) in list(_CLIENTS.items()):
                if client is self._client:
                    del _CLIENTS[key]
                    client.close()
                    if self._local:
                        _release_lite(self.target)

    # -- names and bindings --------------------------------------------------------------

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """One client call under the client's lock, its failures as StoreError."""
        with self._lock:
            try:
                return getattr(self._client, method)(*args, **kwargs)
            except StoreError:
                raise
            except Exception as error:  # noqa: BLE001 - pymilvus' errors name the cause
                raise StoreError(f"Milvus at {self.target} failed to {method}: {error}") from None

    def _aliases(self) -> dict[str, str]:
        """Alias -> collection for every base of this store (a saved base is its alias)."""
        with self._lock:
            aliases = self._call("list_aliases").get("aliases", [])
            return {
                alias: str(self._call("describe_alias", alias)["collection_name"])
                for alias in aliases
                if alias.startswith(PREFIX)
            }

    def _existing(self, alias: str) -> str | None:
        # Ask for the list first: a describe_alias of a missing alias logs an RPC error.
        with self._lock:
            if alias not in self._call("list_aliases").get("aliases", []):
                return None
            return str(self._call("describe_alias", alias)["collection_name"])

    def _collection(self, name: str) -> str:
        """The collection the alias of ``name`` points at; StoreError when there is none."""
        collection = self._existing(alias_for(name))
        if collection is None:
            raise StoreError(self._missing(name))
        self._load(collection)
        return collection

    def _load(self, collection: str) -> None:
        if collection not in self._loaded:
            self._call("load_collection", collection)
            self._loaded.add(collection)

    def _passage_fields(self, collection: str) -> list[str]:
        """The passage fields ``collection`` holds (older ones lack heading and metadata)."""
        if collection not in self._fields:
            described = self._call("describe_collection", collection)
            names = {field["name"] for field in described.get("fields", [])}
            self._fields[collection] = [f for f in PASSAGE_FIELDS if f in names]
        return self._fields[collection]

    def _binding(self, collection: str) -> dict[str, Any]:
        described = self._call("describe_collection", collection)
        return dict(json.loads(described.get("properties", {}).get(INFO_KEY, "{}")))

    def _info(self, collection: str, binding: dict[str, Any] | None = None) -> BaseInfo:
        b = binding if binding is not None else self._binding(collection)
        return BaseInfo(
            name=b["name"], model=b["model"], model_spec=b["model_spec"],
            native_dim=b["native_dim"], dim=b["dim"], max_length=b["max_length"],
            dtype=b["dtype"], passages=self._count(collection), created=b["created"],
            updated=b["updated"], settings=b["settings"],
        )  # fmt: skip

    def _count(self, collection: str) -> int:
        found = self._call("query", collection, filter="", output_fields=["count(*)"])
        return int(found[0]["count(*)"])

    def _missing(self, name: str) -> str:
        names = [info.name for info in self.list()]
        known = f"saved: {', '.join(names)}" if names else "none is saved yet"
        return f"No knowledge base named {name!r} in {self.uri} ({known})."

    # -- writing -------------------------------------------------------------------------

    def create(self, spec: BaseSpec, *, replace: bool = False) -> BaseInfo:
        """Start an empty base bound to ``spec`` (see ``VectorStore.create``)."""
        self.check_spec(spec)
        empty = np.zeros((0, spec.native_dim), np.float32)
        return self._write_base(spec, [], empty, [], [], replace=replace, allow_empty=True)

    def save(
        self,
        spec: BaseSpec,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
        *,
        replace: bool = False,
    ) -> BaseInfo:
        """A whole base in a new collection, then the alias moved onto it in one call."""
        rows = check_rows(passages, vectors, token_counts, hashes)
        kept = unique_rows(hashes)
        if len(kept) < len(passages):  # a passage given twice is kept once
            passages = [passages[i] for i in kept]
            token_counts = [token_counts[i] for i in kept]
            hashes = [hashes[i] for i in kept]
            rows = rows[kept]
        return self._write_base(spec, passages, rows, token_counts, hashes, replace=replace)

    def _write_base(
        self,
        spec: BaseSpec,
        passages: Sequence[Passage],
        rows: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
        *,
        replace: bool,
        allow_empty: bool = False,
    ) -> BaseInfo:
        name = self.check_spec(spec)
        if not allow_empty and not len(passages):
            raise StoreError(f"Nothing to save in {name!r}: the knowledge base is empty.")
        check_width(name, spec, rows)
        _check_texts(passages)
        alias = alias_for(name)
        with self.writing(name), self._lock:
            old = self._existing(alias)
            if old is not None:
                if not replace:
                    info = self._info(old)
                    raise StoreError(
                        f"A knowledge base named {name!r} already exists ({info.passages} "
                        f"passages, {info.model}); replace it or choose another name."
                    )
                created = self._binding(old)["created"]
            else:
                created = _now()
            collection = f"{alias}_g{time.time_ns():x}"
            binding = {**_binding(spec, name), "created": created, "updated": _now()}
            self._create_collection(collection, spec, binding, index_for(len(passages)))
            try:
                self._insert(collection, spec, 0, passages, rows, token_counts, hashes)
                self._call("flush", collection)
                if old is None:
                    self._call("create_alias", collection, alias)
                else:
                    self._call("alter_alias", collection, alias)  # the one step that swaps
            except BaseException:
                self._call("drop_collection", collection)
                raise
            if old is not None:
                self._call("drop_collection", old)
                self._loaded.discard(old)
        self.remove_orphans()
        return self.info(name)

    def _create_collection(
        self, collection: str, spec: BaseSpec, binding: dict[str, Any], index: str
    ) -> None:
        from pymilvus import DataType

        schema = self._client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=spec.native_dim)
        if spec.dim < spec.native_dim:
            schema.add_field("vector_dim", DataType.FLOAT_VECTOR, dim=spec.dim)
        schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
        schema.add_field("source", DataType.VARCHAR, max_length=SOURCE_BYTES)
        schema.add_field("place", DataType.VARCHAR, max_length=PLACE_BYTES)
        schema.add_field("heading", DataType.VARCHAR, max_length=HEADING_BYTES)
        schema.add_field("metadata", DataType.JSON)
        schema.add_field("tokens", DataType.INT64)
        schema.add_field("hash", DataType.VARCHAR, max_length=128)
        properties = {INFO_KEY: json.dumps(binding, ensure_ascii=False),
                      "semsearch.created_ns": str(time.time_ns())}  # fmt: skip
        self._call("create_collection", collection, schema=schema,
                   index_params=self._index_params(spec, index), properties=properties)  # fmt: skip
        self._loaded.add(collection)

    def _index_params(self, spec: BaseSpec, index: str) -> Any:
        params = self._client.prepare_index_params()
        fields = ["vector"] + (["vector_dim"] if spec.dim < spec.native_dim else [])
        for field in fields:
            extra = {"params": HNSW_PARAMS} if index == "HNSW" else {}
            params.add_index(field, index_type=index, metric_type="COSINE", **extra)
        return params

    def _insert(
        self,
        collection: str,
        spec: BaseSpec,
        first: int,
        passages: Sequence[Passage],
        rows: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
    ) -> None:
        cut = spec.dim < spec.native_dim
        full = "metadata" in self._passage_fields(collection)
        for start in range(0, len(passages), INSERT_ROWS):
            stop = min(start + INSERT_ROWS, len(passages))
            small = _unit(rows[start:stop, : spec.dim]) if cut else None
            data = []
            for i in range(start, stop):
                p = passages[i]
                row: dict[str, Any] = {
                    "id": first + i, "vector": rows[i], "text": p.text, "source": p.source,
                    "place": p.place, "tokens": int(token_counts[i]), "hash": hashes[i],
                }  # fmt: skip
                if full:
                    row.update(heading=p.heading, metadata=dict(p.metadata))
                if small is not None:
                    row["vector_dim"] = small[i - start]
                data.append(row)
            self._call("insert", collection, data)

    def add(
        self,
        name: str,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
    ) -> list[int]:
        """Append the passages ``name`` lacks (ids continue the base's); see the contract.

        Acknowledged rows survive a crash. One writer per base at a time (its lock): ids
        come from the count, so two writers adding to one base at once would collide.
        """
        rows = check_rows(passages, vectors, token_counts, hashes)
        _check_texts(passages)
        with self.writing(name), self._lock:
            collection = self._collection(name)
            binding = self._binding(collection)
            spec = _spec(binding)
            check_rows(passages, rows, token_counts, hashes, spec.native_dim)
            kept = unique_rows(hashes, self._held(collection, hashes))
            if len(kept) < len(passages):
                passages = [passages[i] for i in kept]
                token_counts = [token_counts[i] for i in kept]
                hashes = [hashes[i] for i in kept]
                rows = rows[kept]
            if not passages:
                return []
            count = self._count(collection)
            self._insert(collection, spec, count, passages, rows, token_counts, hashes)
            binding["updated"] = _now()
            self._call("alter_collection_properties", collection,
                       properties={INFO_KEY: json.dumps(binding, ensure_ascii=False)})  # fmt: skip
            if index_for(count) != index_for(count + len(passages)):
                self._reindex(collection, spec, index_for(count + len(passages)))
        return list(range(count, count + len(passages)))

    def _held(self, collection: str, hashes: Sequence[str]) -> set[str]:
        """Which of ``hashes`` ``collection`` already holds."""
        wanted = sorted({h for h in hashes if h})
        held: set[str] = set()
        for start in range(0, len(wanted), 1_000):
            chunk = wanted[start : start + 1_000]
            listed = ", ".join(f'"{_escape(h)}"' for h in chunk)
            found = self._call("query", collection, filter=f"hash in [{listed}]",
                               output_fields=["hash"], limit=MAX_LIMIT)  # fmt: skip
            held.update(row["hash"] for row in found)
        return held

    def _reindex(self, collection: str, spec: BaseSpec, index: str) -> None:
        self._call("flush", collection)
        self._call("release_collection", collection)
        for field in ["vector"] + (["vector_dim"] if spec.dim < spec.native_dim else []):
            self._call("drop_index", collection, field)
        self._call("create_index", collection, self._index_params(spec, index))
        self._call("load_collection", collection)

    def index_type(self, name: str) -> str:
        """The index of ``name``'s vectors: ``FLAT`` (exact) or ``HNSW`` (approximate)."""
        described = self._call("describe_index", self._collection(name), "vector")
        return str(described["index_type"])

    def delete(self, name: str) -> None:
        """Delete the base ``name``. Raises StoreError when there is none."""
        with self.writing(name), self._lock:
            collection = self._collection(name)
            self._call("drop_alias", alias_for(name))
            self._call("drop_collection", collection)
            self._loaded.discard(collection)

    def remove_orphans(self, min_age_s: float = ORPHAN_AGE_S) -> list[str]:
        """Drop collections no alias points at (unfinished saves) older than ``min_age_s``."""
        removed = []
        cutoff = time.time_ns() - int(min_age_s * 1e9)
        with self._lock:
            live = set(self._aliases().values())
            for collection in self._call("list_collections"):
                if not collection.startswith(PREFIX) or collection in live:
                    continue
                described = self._call("describe_collection", collection)
                made = int(described.get("properties", {}).get("semsearch.created_ns", "0"))
                if made <= cutoff:
                    self._call("drop_collection", collection)
                    removed.append(collection)
        return removed

    # -- reading -------------------------------------------------------------------------

    def info(self, name: str) -> BaseInfo:
        """What the base ``name`` holds. Raises StoreError when there is none."""
        return self._info(self._collection(name))

    def count(self, name: str) -> int:
        """Passages in ``name``."""
        return self._count(self._collection(name))

    def hashes(self, name: str) -> set[str]:
        """The content hashes of every passage in ``name``."""
        collection = self._collection(name)
        found: set[str] = set()
        for rows in self._window(collection, self._count(collection), ["hash"]):
            found.update(row["hash"] for row in rows if row["hash"])
        return found

    def search(
        self,
        name: str,
        query: np.ndarray,
        *,
        top_k: int,
        threshold: float | None = None,
        where: Where | None = None,
    ) -> list[StoredHit]:
        """Top-k by cosine in Milvus (exact below :data:`EXACT_BELOW` passages).

        A filter becomes a Milvus expression (``source == "a.pdf"``, ``metadata["price"] ==
        "12"``, ``or`` between one field's values), applied by Milvus while ranking.

        Raises:
            StoreError: the query's size is neither the base's native size nor the size
                it was saved at (Milvus cannot cut stored vectors at query time).
        """
        check_top_k(top_k)
        fields = check_where(where)
        collection = self._collection(name)
        spec = _spec(self._binding(collection))
        vector = check_query(query, spec.native_dim)
        field = _field_for(spec, vector.shape[0])
        held = self._passage_fields(collection)
        if any(_column(key) not in held for key in fields):
            return []  # a base saved before headings and metadata: none of its passages match
        limit = min(top_k + TIE_MARGIN, MAX_LIMIT)
        params: dict[str, Any] = {"metric_type": "COSINE", "params": {"ef": max(128, limit)}}
        if threshold is not None:
            # Milvus keeps radius < score <= range_filter: open the radius one float32 step
            # below the threshold (and the top a hair above 1, where a self-match may land),
            # then keep score >= threshold here, as the embedded store does.
            radius = float(np.nextafter(np.float32(threshold), np.float32(-2)))
            params["params"].update(radius=radius, range_filter=1.0 + 1e-4)
        found = self._call(
            "search", collection, [vector.tolist()], anns_field=field, limit=limit,
            filter=_filter(fields), output_fields=held,
            search_params=params,
        )[0]  # fmt: skip
        hits = [
            StoredHit(int(h["id"]), float(h["distance"]), _passage(h["entity"]))
            for h in found
            if threshold is None or float(h["distance"]) >= threshold
        ]  # fmt: skip
        return sorted(hits, key=lambda hit: (-hit.score, hit.id))[:top_k]

    def passages(self, name: str, ids: Sequence[int]) -> list[Passage]:
        """The passages with these ids, in that order."""
        found = self._by_id(name, ids, self._passage_fields(self._collection(name)))
        return [_passage(row) for row in found]

    def vectors(self, name: str, ids: Sequence[int]) -> np.ndarray:
        """float32 [len(ids), native_dim]: the stored vectors with these ids, in that order."""
        found = self._by_id(name, ids, ["vector"])
        native = self.info(name).native_dim if not found else len(found[0]["vector"])
        return np.array([row["vector"] for row in found], dtype=np.float32).reshape(-1, native)

    def _by_id(self, name: str, ids: Sequence[int], fields: list[str]) -> list[dict[str, Any]]:
        collection = self._collection(name)
        wanted = [int(i) for i in ids]
        unique = sorted(set(wanted))
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(unique), 1_000):
            chunk = unique[start : start + 1_000]
            for row in self._call("query", collection, ids=chunk, output_fields=fields):
                found[int(row["id"])] = row
        missing = [i for i in unique if i not in found]
        if missing:
            raise StoreError(f"{name!r} has no passages with ids {missing[:5]}.")
        return [found[i] for i in wanted]

    def rows(self, name: str, *, batch: int = 10_000) -> Iterator[StoredRows]:
        """Every row of ``name`` in id order, ``batch`` at a time."""
        collection = self._collection(name)
        count = self._count(collection)
        spec = _spec(self._binding(collection))
        fields = [*self._passage_fields(collection), "tokens", "hash", "vector"]
        step = max(1, batch)
        for start in range(0, count, step):
            found = [row for window in self._window(collection, min(start + step, count),
                                                     fields, start) for row in window]  # fmt: skip
            yield StoredRows(
                ids=[int(row["id"]) for row in found],
                passages=[_passage(row) for row in found],
                vectors=np.array([row["vector"] for row in found], dtype=np.float32).reshape(
                    -1, spec.native_dim
                ),
                token_counts=[int(row["tokens"]) for row in found],
                hashes=[row["hash"] for row in found],
            )

    def _window(
        self, collection: str, stop: int, fields: list[str], start: int = 0
    ) -> Iterator[list[dict[str, Any]]]:
        """Rows with ids in [start, stop), in id order, at most 10,000 a call."""
        for low in range(start, stop, 10_000):
            high = min(low + 10_000, stop)
            found = self._call("query", collection, filter=f"id >= {low} and id < {high}",
                               output_fields=fields, limit=high - low)  # fmt: skip
            yield sorted(found, key=lambda row: int(row["id"]))

    # Last in the class: a method named ``list`` would shadow the builtin in the
    # annotations of the methods after it.
    def list(self) -> list[BaseInfo]:
        """Every saved base, by name."""
        found = []
        with self._lock:
            for collection in self._aliases().values():
                self._load(collection)
                found.append(self._info(collection))
        return sorted(found, key=lambda info: info.name)


def _field_for(spec: BaseSpec, size: int) -> str:
    if size == spec.native_dim:
        return "vector"
    if size == spec.dim:
        return "vector_dim"
    raise StoreError(
        f"{spec.name!r} in Milvus can be searched with {spec.native_dim}-value queries (the "
        f"model's size) or {spec.dim}-value ones (its saved size), not {size}: Milvus cannot "
        "cut stored vectors at query time. Search at one of those sizes, or copy the base "
        "to the sqlite store, which can."
    )


def _column(key: str) -> str:
    """The Milvus field a filter key reads: a passage column, else the metadata JSON."""
    return key if key in filters.PASSAGE_FIELDS else "metadata"


def _filter(fields: Filter) -> str:
    """A Milvus boolean expression: each field in its values, names and values escaped."""
    terms = []
    for key, values in fields.items():
        target = key if key in filters.PASSAGE_FIELDS else f'metadata["{_escape(key)}"]'
        # ``or`` of equalities rather than ``in``: Milvus takes ``in`` on plain fields only.
        either = " or ".join(f'{target} == "{_escape(value)}"' for value in values)
        terms.append(f"({either})" if len(values) > 1 else either)
    return " and ".join(terms)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _check_texts(passages: Sequence[Passage]) -> None:
    limits = (
        ("text", TEXT_BYTES), ("source", SOURCE_BYTES), ("place", PLACE_BYTES),
        ("heading", HEADING_BYTES),
    )  # fmt: skip
    for n, p in enumerate(passages):
        for field, limit in limits:
            size = len(getattr(p, field).encode("utf-8"))
            if size > limit:
                raise StoreError(
                    f"Passage {n}'s {field} is {size:,} bytes; Milvus keeps at most {limit:,}. "
                    "Cut it into smaller passages (a window chunking) before saving."
                )


def _passage(row: Mapping[str, Any]) -> Passage:
    """A Passage from a row or hit entity (``heading``/``metadata`` absent in old bases)."""
    fields = row.get("metadata") or {}
    return Passage(row["text"], row["source"], row["place"], row.get("heading") or "",
                   tuple((str(k), str(v)) for k, v in fields.items()))  # fmt: skip


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, np.maximum(norms, 1e-12), dtype=np.float32)


def _binding(spec: BaseSpec, name: str) -> dict[str, Any]:
    return {"name": name, "model": spec.model, "model_spec": spec.model_spec,
            "native_dim": spec.native_dim, "dim": spec.dim, "max_length": spec.max_length,
            "dtype": spec.dtype, "settings": spec.settings}  # fmt: skip


def _spec(binding: dict[str, Any]) -> BaseSpec:
    return BaseSpec(binding["name"], binding["model"], binding["model_spec"],
                    binding["native_dim"], binding["dim"], binding["max_length"],
                    binding["dtype"], binding["settings"])  # fmt: skip


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
