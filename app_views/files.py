"""Files into the knowledge base: upload, read, split into passages with their origin."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from semsearch.documents.chunking import MODES, ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import DocumentError, best_text_column, csv_columns, read_document
from semsearch.encoding.embedder import Embedder
from semsearch.errors import SemsearchError
from semsearch.page.i18n import t
from semsearch.page.state import DEFAULT_CHUNKS, Keys

from .context import page_state, plain

UPLOAD_TYPES = ["txt", "md", "markdown", "csv", "pdf"]


def chunk_settings() -> ChunkSettings:
    """The splitting chosen on the page (paragraphs of at most 256-token windows by default)."""
    return page_state().chunk_settings()


def _settings_ui(lang: str) -> None:
    mode = st.segmented_control(
        t(lang, "chunk_mode"),
        list(MODES),
        key=Keys.CHUNK_MODE,
        format_func=lambda m: t(lang, f"chunk_{m}"),
        help=t(lang, "chunk_help"),
    )
    if mode == "window":
        size, overlap = st.columns(2)
        size.number_input(
            t(lang, "chunk_window_size"), 16, 8192, DEFAULT_CHUNKS.window, 32,
            key=Keys.CHUNK_WINDOW,
        )  # fmt: skip
        overlap.number_input(
            t(lang, "chunk_overlap"), 0, 4096, DEFAULT_CHUNKS.overlap, 16, key=Keys.CHUNK_OVERLAP
        )


def _passages(
    upload: UploadedFile, column: str | None, embedder: Embedder, used: list[object]
) -> list[Passage]:
    """Read and split one upload, remembered for the same file, column, settings and model.

    Its memo key goes into ``used``: the others are dropped once every file is read.
    """
    settings = chunk_settings()
    key = (upload.file_id, column, settings, embedder.model_fingerprint)
    used.append(key)
    done = page_state().file_passages
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
        t(lang, "files_upload"), type=UPLOAD_TYPES, accept_multiple_files=True, key=Keys.UPLOADS
    )
    uploader_words(lang, Keys.UPLOADS, [x for x in UPLOAD_TYPES if x != "markdown"])
    _settings_ui(lang)
    state = page_state()
    if embedder is None:
        return []
    passages: list[Passage] = []
    used: list[object] = []
    for upload in uploads or []:
        try:
            column = None
            if upload.name.lower().endswith(".csv"):
                data = upload.getvalue()
                columns = csv_columns(upload.name, data)
                key = Keys.csv_column(upload.file_id)
                state.mapping.setdefault(key, best_text_column(upload.name, data))
                st.text(upload.name)
                column = st.selectbox(t(lang, "csv_column"), columns, key=key)
            found = _passages(upload, column, embedder, used)
        except (DocumentError, SemsearchError) as error:
            st.error(t(lang, "file_failed", cause=plain(error)))
            continue
        st.text(t(lang, "file_passages", name=upload.name, count=len(found)))
        passages.extend(found)
    state.forget_files(keep=used)  # removed files, other splits: not kept for a session's life
    return passages


def uploader_words(lang: str, key: str, types: list[str]) -> None:
    """Put the page's words on the uploader's button and limits line.

    Streamlit writes "Upload" and "200MB per file" in English whatever the page's
    language, with no parameter to change them; a style sheet hides its words and shows
    ours in their place. Only constants go into it (the page's strings, the size limit,
    the file types), never anything a user typed. English needs none of it.
    """
    if lang == "en":
        return
    size = int(st.get_option("server.maxUploadSize"))
    limit = t(lang, "upload_limit", size=size, types=", ".join(x.upper() for x in types))
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    swaps = {
        f"{zone} button [data-testid='stMarkdownContainer'] p": t(lang, "upload_button"),
        f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span": limit,
    }
    rules = "".join(
        f'{where} {{font-size: 0}} {where}::after {{content: "{words}"; font-size: 14px}}'
        for where, words in swaps.items()
    )
    st.html(f"<style>{rules}</style>")
