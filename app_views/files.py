"""Files into the knowledge base: upload, read, split into passages with their origin."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from semsearch.documents.chunking import MODES, ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import DocumentError, best_text_column, csv_columns, read_document
from semsearch.encoding.embedder import Embedder
from semsearch.errors import SemsearchError
from semsearch.page.i18n import t

from .context import plain

UPLOAD_TYPES = ["txt", "md", "markdown", "csv", "pdf"]


def chunk_settings() -> ChunkSettings:
    """The splitting chosen on the page (paragraphs of at most 256-token windows by default)."""
    state = st.session_state
    return ChunkSettings(
        state.get("chunk_mode") or "paragraph",
        int(state.get("chunk_window", 256)),
        int(state.get("chunk_overlap", 64)),
    )


def _settings_ui(lang: str) -> None:
    st.session_state.setdefault("chunk_mode", "paragraph")
    mode = st.segmented_control(
        t(lang, "chunk_mode"),
        list(MODES),
        key="chunk_mode",
        format_func=lambda m: t(lang, f"chunk_{m}"),
        help=t(lang, "chunk_help"),
    )
    if mode == "window":
        size, overlap = st.columns(2)
        size.number_input(t(lang, "chunk_window_size"), 16, 8192, 256, 32, key="chunk_window")
        overlap.number_input(t(lang, "chunk_overlap"), 0, 4096, 64, 16, key="chunk_overlap")


def _passages(upload: UploadedFile, column: str | None, embedder: Embedder) -> list[Passage]:
    """Read and split one upload, remembered for the same file, column, settings and model."""
    settings = chunk_settings()
    key = (upload.file_id, column, settings, embedder.model_fingerprint)
    done: dict[object, list[Passage]] = st.session_state.setdefault("file_passages", {})
    if key not in done:
        document = read_document(upload.name, upload.getvalue(), csv_column=column)
        done[key] = chunk_documents(
            [document], settings, embedder.token_spans, embedder.passage_tokens
        )
    return done[key]


def files_ui(lang: str, embedder: Embedder | None) -> list[Passage]:
    """The file uploader and splitting settings; returns the passages of every readable file.

    A file that cannot be read gets its own error; the others still go in.
    """
    st.markdown(f"**{t(lang, 'files_header')}**")
    uploads = st.file_uploader(
        t(lang, "files_upload"), type=UPLOAD_TYPES, accept_multiple_files=True, key="uploads"
    )
    _settings_ui(lang)
    if not uploads or embedder is None:
        return []
    passages: list[Passage] = []
    for upload in uploads:
        try:
            column = None
            if upload.name.lower().endswith(".csv"):
                data = upload.getvalue()
                columns = csv_columns(upload.name, data)
                key = f"csv_column_{upload.file_id}"
                st.session_state.setdefault(key, best_text_column(upload.name, data))
                st.text(upload.name)
                column = st.selectbox(t(lang, "csv_column"), columns, key=key)
            found = _passages(upload, column, embedder)
        except (DocumentError, SemsearchError) as error:
            st.error(t(lang, "file_failed", cause=plain(error)))
            continue
        st.text(t(lang, "file_passages", name=upload.name, count=len(found)))
        passages.extend(found)
    return passages
