"""Deleted bases kept for a while: deleting moves a base to the trash, restoring brings it back.

A base deleted from the page or with ``semsearch delete`` is first copied, vectors and all
(:func:`~semsearch.retrieval.stores.copy_base`'s way: nothing is encoded again), into the
trash: an embedded store in ``<data folder>/trash`` that every store of that data folder
shares. It stays there ``SEMSEARCH_TRASH_DAYS`` days (7 by default; ``0``: deleting is for
good), then goes at the next delete, restore or listing. ``semsearch restore NAME`` and the
page's Restore copy the newest deleted base of that name back into the store it came from,
under its name, with its ids, texts, vectors and binding as they were.

Each trashed copy carries where it came from in its settings (:data:`TRASH_KEY`: the base's
name, its store's URI, when it was deleted), so the trash needs no catalogue of its own.

What it does not do: keep what was deleted before it existed, or free disk at once: a
deleted base takes its room in the trash until its days are over (``--forever`` on the CLI
deletes at once). Copying costs time and disk in proportion to the base.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from semsearch.errors import StoreError
from semsearch.retrieval.stores.base import BaseInfo, VectorStore

TRASH_FOLDER = "trash"
TRASH_KEY = "semsearch.deleted"
"""The key, in a trashed copy's settings, of where it came from (name, store, when)."""


@dataclass(frozen=True)
class DeletedBase:
    """A base in the trash: what it was, where it came from, until when it is kept."""

    name: str
    """Its name before it was deleted (restored under it)."""
    store: str
    """The URI of the store it was deleted from (restored there)."""
    deleted: str
    """When, ISO 8601 UTC."""
    kept_until: str
    passages: int
    model: str
    trash_name: str
    """Its name in the trash store."""


def trash_store(data_folder: Path) -> VectorStore:
    """The embedded store that holds deleted bases (made on the first delete)."""
    from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore

    return KnowledgeBaseStore(data_folder / TRASH_FOLDER)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _entry(info: BaseInfo, days: int) -> DeletedBase | None:
    mark = info.settings.get(TRASH_KEY)
    if not isinstance(mark, dict):
        return None
    try:
        deleted = datetime.fromisoformat(str(mark["deleted"]))
        until = (deleted + timedelta(days=days)).isoformat()
        return DeletedBase(str(mark["name"]), str(mark["store"]), deleted.isoformat(), until,
                           info.passages, info.model, info.name)  # fmt: skip
    except (KeyError, ValueError):
        return None


def deleted_bases(
    data_folder: Path, days: int, store: VectorStore | None = None
) -> list[DeletedBase]:
    """The bases in the trash (of ``store`` only, when given), newest first.

    Those kept longer than ``days`` are removed first, for good.
    """
    trash = trash_store(data_folder)
    now = _now()
    found: list[DeletedBase] = []
    for info in trash.list():
        entry = _entry(info, days)
        if entry is None:
            continue
        if datetime.fromisoformat(entry.kept_until) <= now:
            trash.delete(info.name)
            continue
        if store is None or entry.store == store.uri:
            found.append(entry)
    return sorted(found, key=lambda e: (e.deleted, e.trash_name), reverse=True)


def _copy(source: VectorStore, name: str, target: VectorStore, new_name: str,
          settings: dict[str, Any]) -> None:  # fmt: skip
    """``name`` of ``source`` as ``new_name`` in ``target`` with ``settings``; none if it fails."""
    spec = replace(source.info(name).spec, name=new_name, settings=settings)
    target.create(spec)
    try:
        for rows in source.rows(name):
            target.add(new_name, rows.passages, rows.vectors, rows.token_counts, rows.hashes)
    except BaseException:
        target.delete(new_name)  # a half copy is no copy
        raise


def delete_base(store: VectorStore, name: str, data_folder: Path, days: int) -> DeletedBase | None:
    """Delete ``name`` from ``store``, keeping it ``days`` days in the trash (0: for good).

    Returns the trash entry (``None`` when deleted for good). Holds the base's writer lock
    throughout: a writer of it meanwhile waits, then is refused.

    Raises:
        StoreError: no such base, or the trash cannot be written (the base is then kept).
        BaseBusyError: another writer holds the base.
    """
    name = name.strip()
    with store.writing(name):
        info = store.info(name)
        entry = None
        if days > 0:
            trash = trash_store(data_folder)
            trash_name = uuid.uuid4().hex
            mark = {"name": info.name, "store": store.uri, "deleted": _now().isoformat()}
            _copy(store, name, trash, trash_name, {**info.settings, TRASH_KEY: mark})
            entry = _entry(trash.info(trash_name), days)
        store.delete(name)
    deleted_bases(data_folder, days)  # and what has been kept long enough goes now
    return entry


def restore_base(store: VectorStore, name: str, data_folder: Path, days: int) -> BaseInfo:
    """Bring back the newest deleted ``name`` of ``store`` under its name; its info.

    Raises:
        StoreError: nothing of that name is in the trash (the message lists what is), or a
            base of that name exists now (delete or rename it first).
    """
    name = name.strip()
    found = [e for e in deleted_bases(data_folder, days, store) if e.name == name]
    if not found:
        kept = sorted({e.name for e in deleted_bases(data_folder, days, store)})
        listed = f"deleted and kept: {', '.join(kept)}" if kept else "the trash is empty"
        raise StoreError(
            f"No deleted base named {name!r} is kept for {store.uri} ({listed}); bases are "
            f"kept {days} days after they are deleted (SEMSEARCH_TRASH_DAYS)."
        )
    entry = found[0]
    trash = trash_store(data_folder)
    with store.writing(name):
        if name in {info.name for info in store.list()}:
            raise StoreError(
                f"A knowledge base named {name!r} exists in {store.uri} now; delete it (it "
                "goes to the trash too) or copy it to another name, then restore again."
            )
        settings = {k: v for k, v in trash.info(entry.trash_name).settings.items()
                    if k != TRASH_KEY}  # fmt: skip
        _copy(trash, entry.trash_name, store, name, settings)
    trash.delete(entry.trash_name)
    return store.info(name)
