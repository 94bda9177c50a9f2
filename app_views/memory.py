"""What is kept between visits: the disk cache's size and its Clear button, files kept."""

from __future__ import annotations

import hashlib

import streamlit as st

from semsearch.documents.chunking import Passage
from semsearch.encoding.disk_cache import shared_disk_cache
from semsearch.encoding.vector_cache import VectorCache
from semsearch.errors import CacheError
from semsearch.page import memory as page_memory_module
from semsearch.page.memory import PageMemory, new_id, page_bytes, shared_page_memory, valid_id
from semsearch.page.reload import forget_kept_files, keep_files
from semsearch.page.state import Keys
from semsearch.page.words import t
from semsearch.settings import Settings

from .context import page_state, plain

OWNER_COOKIE = "semsearch_browser"
"""The cookie that names this browser (a random token): its pages are its own to change."""


def browser_owner() -> str:
    """The browser's owner key: the hash of its cookie's token (a new token if it has none).

    A new token lasts for the session and is set as a cookie at the end of the run
    (:func:`set_owner_cookie`), so the browser's next visit is recognised.
    """
    token = st.context.cookies.get(OWNER_COOKIE)
    if not valid_id(token):
        state = page_state()
        if state.new_token is None:
            state.new_token = new_id()
        token = state.new_token
    return hashlib.sha256(str(token).encode()).hexdigest()


def set_owner_cookie() -> None:
    """Give the browser its token as a cookie, when it came without one (a small script).

    Only the token (URL-safe characters, checked) and constants go into it, never user text.
    """
    token = page_state().new_token
    if token is None or not valid_id(token) or st.context.cookies.get(OWNER_COOKIE) == token:
        return
    cookie = f"{OWNER_COOKIE}={token}; path=/; max-age=31536000; SameSite=Lax"
    st.html(f"<script>document.cookie = '{cookie}';</script>", unsafe_allow_javascript=True)


def page_memory() -> PageMemory:
    """The page memory in the data folder, shared by every session of the server."""
    return shared_page_memory()


def _size(count: int) -> str:
    return f"{count / 1024**3:.1f} GB" if count >= 1024**3 else f"{count / 1024**2:.1f} MB"


def _amount(count: int) -> str:
    """A size for a person: KB below one MB (a lowered cap still reads right)."""
    return _size(count) if count >= 1024**2 else f"{count / 1024:.1f} KB"


def memory_ui() -> None:
    """The sidebar's panel: what is kept, how much disk the vectors take, and Clear."""
    disk = shared_disk_cache()
    with st.expander(t("memory_header")):
        st.caption(t("memory_explain"))
        if disk.status == "read-only":
            st.warning(t("cache_read_only"))
        elif disk.status == "off":
            st.warning(t("cache_off"))
        if page_memory().status != "on":
            st.warning(t("memory_off"))
        if Settings.from_env().classroom:  # the class's vectors: cleared by the CLI only
            st.caption(t("classroom_cache"))
        elif st.button(t("cache_clear"), key=Keys.CACHE_CLEAR, disabled=disk.status != "on"):
            try:
                removed = disk.clear()
            except CacheError as error:
                st.error(plain(error))
            else:
                page_state().vector_cache = VectorCache(disk=disk)  # this session forgets too
                st.success(t("cache_cleared", count=removed))
        info = disk.info(per_model=False)
        st.caption(
            t("cache_info", vectors=info.vectors, size=_size(info.bytes),
              limit=_size(info.max_bytes))
        )  # fmt: skip


def text_not_kept_ui(kb_text: str, query: str) -> None:
    """Say so when the typed text is too large for the page memory (it is searched anyway)."""
    size = page_bytes(kb_text, query)
    limit = page_memory_module.MAX_PAGE_BYTES  # read at each call: a server may lower it
    if size > limit and page_memory().status == "on":
        st.warning(t("text_not_kept", size=_amount(size), limit=_amount(limit)))


def kept_files_ui(uploaded: dict[str, list[Passage]]) -> list[Passage]:
    """Keep the uploads' passages for the next visit; show and return earlier visits' files."""
    state = page_state()
    earlier = keep_files(state, page_memory(), uploaded)
    state.uploaded_files = uploaded
    left = state.files_not_kept
    if left and page_memory().status == "on":
        names = ", ".join(plain(name) for name in left)
        limit = _amount(page_memory_module.MAX_PAGE_BYTES)
        st.warning(t("files_not_kept", count=len(left), names=names, limit=limit))
    if state.kept_files:
        st.caption(t("kept_files"))
        for name, passages in state.kept_files.items():
            st.text(t("file_passages", name=name, count=len(passages)))
        st.button(t("forget_files"), key=Keys.FORGET_FILES, on_click=forget_kept_files,
                  args=(state,))  # fmt: skip
    return earlier
