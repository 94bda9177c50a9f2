"""Saved knowledge bases on the page: save, open without re-encoding, delete, export."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from semsearch.data_folder import data_dir
from semsearch.documents.chunking import Passage
from semsearch.documents.knowledge_base import parse_lines
from semsearch.encoding.embedder import Embedder, mrl_dims
from semsearch.encoding.vector_cache import VectorCache
from semsearch.errors import SemsearchError
from semsearch.page.bases import open_on_page
from semsearch.page.state import Keys
from semsearch.page.times import local_time
from semsearch.page.words import language, t, t_in
from semsearch.retrieval.export import vectors_npz, vectors_parquet
from semsearch.retrieval.library import save_base
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.stores import VectorStore, open_store
from semsearch.retrieval.trash import DeletedBase, delete_base, deleted_bases, restore_base
from semsearch.settings import Settings

from .context import page_state, plain
from .files import chunk_settings

"""The checkbox that must be ticked before Delete is enabled (unticked again after)."""


@st.cache_resource(max_entries=4, show_spinner=False)
def _shared_store(store: str, folder: str, token: str | None) -> VectorStore:
    return open_store(store, data_dir=folder, token=token)


def page_store() -> VectorStore:
    """The store of saved bases (``SEMSEARCH_STORE``), one per process for every session.

    One per process: the embedded store maps each base's vectors once for all sessions, and
    Milvus Lite allows one client per file. Keyed by the settings that choose it.

    Raises:
        SemsearchError: the setting names no usable store.
    """
    settings = Settings.from_env()
    folder = str(data_dir(settings))  # the folder, not the variable: what ``sqlite`` opens
    return _shared_store(settings.store, folder, settings.store_token)


def _flash(kind: str, message: str) -> None:
    page_state().flash(kind, message)


def _open(store: VectorStore, name: str, embedder: Embedder, cache: VectorCache, lang: str) -> None:
    """Callback: open a base into the page, or (when large) for searching in its store."""
    state = page_state()
    try:
        opened, info, typed = open_on_page(store, name, embedder, cache)
    except SemsearchError as error:
        _flash("error", t_in(lang, "open_failed", name=plain(name), cause=plain(error)))
        return
    message = t_in(lang, "opened_in_store" if opened.in_store else "opened", name=plain(name),
                count=info.passages)  # fmt: skip
    if not opened.in_store:
        earlier = state.kb_text
        if earlier.strip() and earlier not in (typed, state.opened_text):
            # The base's lines take the box; what was typed is put aside, never dropped
            # (a base's own lines, unedited, are in the base: they need no putting aside).
            state.put_aside = earlier
            count = len(parse_lines(earlier))
            message += " " + t_in(lang, "put_aside", count=count)
        state.kb_text = state.opened_text = typed
    state.opened_base = opened
    if info.dim in mrl_dims(embedder.native_dim):
        state.dim = info.dim
    _flash("success", message)


def _put_back() -> None:
    """Callback: the lines typed before the base was opened go back into the text box."""
    state = page_state()
    state.kb_text, state.put_aside = state.put_aside, ""


def _delete(store: VectorStore, name: str, lang: str) -> None:
    """Callback: delete ``name``, keeping it in the trash ``SEMSEARCH_TRASH_DAYS`` days."""
    settings = Settings.from_env()
    try:
        kept = delete_base(store, name, data_dir(settings), settings.trash_days)
    except SemsearchError as error:
        _flash("error", plain(error))
        return
    state = page_state()
    state.delete_confirm = False
    if state.opened_base is not None and state.opened_base.name == name:
        state.opened_base = None
    if kept is None:
        _flash("success", t_in(lang, "deleted", name=plain(name)))
    else:
        until = local_time(kept.kept_until, st.context.timezone)
        _flash("success", t_in(lang, "deleted_kept", name=plain(name), until=until))


def _restore(store: VectorStore, name: str, lang: str) -> None:
    """Callback: bring the deleted base ``name`` back (the newest of that name)."""
    settings = Settings.from_env()
    try:
        info = restore_base(store, name, data_dir(settings), settings.trash_days)
    except SemsearchError as error:
        _flash("error", t_in(lang, "restore_failed", name=plain(name), cause=plain(error)))
        return
    _flash("success", t_in(lang, "restored", name=plain(name), count=info.passages))


def _trash_ui(store: VectorStore) -> None:
    """The deleted bases still kept, newest first, and a Restore button (none: nothing shown)."""
    settings = Settings.from_env()
    try:
        kept = deleted_bases(data_dir(settings), settings.trash_days, store)
    except SemsearchError as error:
        st.error(plain(error))
        return
    newest: dict[str, DeletedBase] = {}
    for entry in kept:  # newest first: restoring a name brings back its newest
        newest.setdefault(entry.name, entry)
    if not newest:
        return
    zone = st.context.timezone
    items = {name: t("restore_item", name=name, deleted=local_time(entry.deleted, zone))
             for name, entry in newest.items()}  # fmt: skip
    pick = st.selectbox(
        t("restore_pick", days=settings.trash_days),
        list(newest),
        key=Keys.DELETED_PICK,
        format_func=items.__getitem__,
    )
    st.button(t("restore_button"), key=Keys.RESTORE_BASE, on_click=_restore,
              args=(store, str(pick), language()))  # fmt: skip


def _close() -> None:
    page_state().opened_base = None


def opened_passages(closable: bool = True) -> list[Passage]:
    """The file passages of the base opened last (its typed lines are in the text box).

    Says which base is open; ``closable``: with its Close button (the workbench's). Offers
    to put back the lines typed before a base was opened in their place, until they are.
    """
    state = page_state()
    if state.put_aside:  # after Close too: the lines stay until put back
        count = len(parse_lines(state.put_aside))
        st.button(t("put_back", count=count), key=Keys.PUT_BACK, on_click=_put_back)
    opened = state.opened_base
    if opened is None:
        return []
    box = st.container(border=True)
    if opened.in_store:
        box.caption(t("searching_store", name=plain(opened.name), count=opened.total))
    else:
        box.caption(t("opened_from", name=plain(opened.name)))
        box.text(t("passages_count", count=len(opened.passages)))
    if closable:
        box.button(t("close_base"), key=Keys.CLOSE_BASE, on_click=_close)
    return list(opened.passages)


def saved_ui(
    embedder: Embedder | None,
    passages: Sequence[Passage],
    cache: VectorCache,
    instruction: str | None,
) -> None:
    """Save the current knowledge base, or open or delete a saved one."""
    flash = page_state().take_flash()
    if flash:  # above the panel, which may have closed on the rerun
        (st.success if flash.kind == "success" else st.error)(flash.message)
    with st.expander(t("saved_header"), expanded=False):
        if embedder is None:
            return
        try:
            store = page_store()
        except SemsearchError as error:
            st.error(plain(error))
            return
        classroom = Settings.from_env().classroom
        if classroom:  # bases are the class's: made and deleted with the CLI, not here
            st.caption(t("classroom_bases"))
        else:
            name = st.text_input(t("save_name"), key=Keys.SAVE_NAME).strip()
            replace = st.checkbox(t("save_replace"), key=Keys.SAVE_REPLACE)
            if st.button(t("save_button"), key=Keys.SAVE_BASE, disabled=not name):
                _save(store, name, embedder, passages, cache, instruction, replace)
        try:
            bases = store.list()
        except SemsearchError as error:
            st.error(plain(error))
            return
        if not classroom:  # a class's bases are not deleted here, so none are restored here
            _trash_ui(store)
        if not bases:
            st.caption(t("saved_none", folder=plain(store.uri)))
            return
        by_name = {base.name: base for base in bases}
        pick = st.selectbox(t("saved_pick"), list(by_name), key=Keys.SAVED_PICK)
        info = by_name[str(pick)]
        st.caption(
            t("saved_info", count=info.passages, model=plain(info.model), dim=info.dim,
              updated=local_time(info.updated, st.context.timezone))
        )  # fmt: skip
        open_column, delete_column = st.columns(2)
        open_column.button(
            t("open_button"),
            key=Keys.OPEN_BASE,
            on_click=_open,
            args=(store, info.name, embedder, cache, language()),
        )
        if classroom:
            return
        # One click must not delete a base: the button waits for its own confirmation.
        sure = st.checkbox(t("delete_confirm", name=plain(info.name)), key=Keys.DELETE_CONFIRM)
        delete_column.button(
            t("delete_button"),
            key=Keys.DELETE_BASE,
            on_click=_delete,
            args=(store, info.name, language()),
            disabled=not sure,
        )


def _save(
    store: VectorStore,
    name: str,
    embedder: Embedder,
    passages: Sequence[Passage],
    cache: VectorCache,
    instruction: str | None,
    replace: bool,
) -> None:
    if not passages:
        st.warning(t("save_empty"))
        return
    bar = st.progress(0.0)

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("encoding", done=done, total=total))

    settings = chunk_settings()
    try:
        info = save_base(
            store,
            name,
            embedder,
            passages,
            cache,
            settings={**settings.__dict__, "instruction": instruction},
            replace=replace,
            progress=progress,
        )  # fmt: skip
    except (SemsearchError, RuntimeError) as error:
        st.error(t("save_failed", cause=plain(error)))
        return
    finally:
        bar.empty()
    st.success(
        t(
            "saved_ok",
            name=plain(info.name),
            count=info.passages,
            model=plain(info.model),
            dim=info.dim,
        )
    )


def export_vectors_ui(run: SearchRun, passages: Sequence[Passage]) -> None:
    """Download the searched knowledge base's vectors (at the current dimension) with its texts."""
    if run.scope is not None:  # only candidates are here; the base itself is in its store
        st.caption(t("export_in_store", name=plain(run.scope.base)))
        return
    if len(passages) != len(run.texts):
        return
    vectors: np.ndarray = run.kb_embeddings
    left, right = st.columns(2)
    left.download_button(
        t("export_npy"),
        lambda: vectors_npz(passages, vectors),
        "knowledge-base.zip",
        "application/zip",
        key=Keys.EXPORT_NPY,
        on_click="ignore",
    )
    right.download_button(
        t("export_parquet"),
        lambda: vectors_parquet(passages, vectors),
        "knowledge-base.parquet",
        "application/vnd.apache.parquet",
        key=Keys.EXPORT_PARQUET,
        on_click="ignore",
    )
