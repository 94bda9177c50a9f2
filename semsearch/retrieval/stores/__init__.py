"""Vector stores: where saved knowledge bases live (embedded SQLite + NumPy, Milvus).

``open_store()`` picks one from a URI-like setting, ``copy_base()`` moves a base between
two with its vectors (nothing is encoded again). The contract is in :mod:`.base`.
"""

from __future__ import annotations

from pathlib import Path

from semsearch.retrieval.stores.base import (
    BaseInfo,
    BaseSpec,
    SavedBase,
    StoreBase,
    StoredHit,
    StoredRows,
    StoreError,
    VectorStore,
)
from semsearch.settings import Settings, parse_store

__all__ = [
    "BaseInfo",
    "BaseSpec",
    "SavedBase",
    "StoreBase",
    "StoreError",
    "StoredHit",
    "StoredRows",
    "VectorStore",
    "copy_base",
    "open_store",
]


def open_store(
    uri: str | None = None,
    *,
    data_dir: str | Path | None = None,
    token: str | None = None,
    settings: Settings | None = None,
) -> VectorStore:
    """The store ``uri`` names, else ``SEMSEARCH_STORE``, else ``sqlite`` (the data folder).

    ``sqlite`` uses ``data_dir`` (else ``SEMSEARCH_DATA_DIR``, else the user data folder);
    ``sqlite:/folder`` that folder; ``milvus:PATH.db`` Milvus Lite in that file;
    ``milvus:http://HOST:19530`` a Milvus server, with ``token`` (else
    ``SEMSEARCH_STORE_TOKEN``). The variables come from ``settings``, else the environment
    (:meth:`Settings.from_env`).

    Raises:
        SettingsError: ``uri`` (or a variable) holds an unusable value.
        StoreError: the store cannot be opened (a Milvus Lite file another process holds).
    """

    # The environment is read only for what the arguments leave open: a store named in
    # full opens whatever the other variables hold (as before settings were one object).
    def chosen() -> Settings:
        return settings if settings is not None else Settings.from_env()

    source = "--store" if uri is not None else "SEMSEARCH_STORE"
    kind, target = parse_store(uri if uri is not None else chosen().store, source)
    if kind == "sqlite":
        from semsearch.data_folder import data_dir as default_folder
        from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore

        return KnowledgeBaseStore(target or data_dir or default_folder(chosen()))
    from semsearch.retrieval.stores.milvus import MilvusStore

    secret = token if token is not None else chosen().store_token
    return MilvusStore(target, token=secret or None)


def copy_base(
    source: VectorStore,
    name: str,
    target: VectorStore,
    *,
    new_name: str | None = None,
    replace: bool = False,
    batch: int = 10_000,
) -> BaseInfo:
    """Copy the base ``name`` from ``source`` into ``target`` (as ``new_name``), vectors and all.

    Rows move ``batch`` at a time (memory bounded by it) and keep their ids, texts, token
    counts, hashes and float32 vectors bit for bit, so the copy ranks exactly as the
    original where both stores search exactly. The copy is made with ``create`` then
    ``add``: an interrupted copy leaves a partial base under the new name (copy again
    with ``replace``); the source is never changed.

    Raises:
        StoreError: no such base, the target name is taken without ``replace``, or
            copying a base onto itself.
    """
    info = source.info(name)
    spec = info.spec
    target_name = new_name if new_name is not None else info.name
    if source.uri == target.uri and target_name == info.name:
        raise StoreError(f"Copying {name!r} onto itself in {source.uri}; give --as a new name.")
    target.create(
        type(spec)(target_name, spec.model, spec.model_spec, spec.native_dim, spec.dim,
                   spec.max_length, spec.dtype, spec.settings),
        replace=replace,
    )  # fmt: skip
    for rows in source.rows(name, batch=batch):
        target.add(target_name, rows.passages, rows.vectors, rows.token_counts, rows.hashes)
    return target.info(target_name)
