"""Files into the knowledge base: upload, read, split into passages with their origin.

Each file gets a line naming its passages and the encoding its text was read in, and the
notes of what reading it could not take as it stood (ragged CSV rows, empty cells). A CSV
or TSV file gets a choice of the columns the model reads; the others go with each passage
as metadata.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from semsearch.checkpoints import stoppable
from semsearch.documents.chunking import MODES, ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import (
    TYPES,
    DocumentError,
    best_text_column,
    csv_columns,
    read_document,
)
from semsearch.encoding.embedder import Embedder
from semsearch.errors import SemsearchError
from semsearch.page.limits import check_file
from semsearch.page.state import DEFAULT_CHUNKS, Keys
from semsearch.page.words import language, t, word_key
from semsearch.settings import Settings

from .context import page_state, plain
from .memory import kept_files_ui

UPLOAD_TYPES = [suffix.lstrip(".") for suffix in TYPES]
TABLE_SUFFIXES = (".csv", ".tsv")


class FilePassages(list[Passage]):
    """A file's passages with how it was read: kept in the page's passage memo as they are.

    A list, so that the memo (``PageState.file_passages``) holds it unchanged; the encoding
    and notes ride along instead of needing a memo of their own.
    """

    encoding: str = ""
    notes: tuple[str, ...] = ()


def chunk_settings() -> ChunkSettings:
    """The splitting chosen on the page (paragraphs of at most 256-token windows by default)."""
    return page_state().chunk_settings()


_MODE_WORDS = {"line": word_key("chunk_line"), "paragraph": word_key("chunk_paragraph"),
               "window": word_key("chunk_window")}  # fmt: skip


def _settings_ui() -> None:
    modes = {mode: t(_MODE_WORDS[mode]) for mode in MODES}
    mode = st.segmented_control(
        t("chunk_mode"),
        list(MODES),
        key=Keys.CHUNK_MODE,
        format_func=modes.__getitem__,
        help=t("chunk_help"),
    )
    if mode == "window":
        size, overlap = st.columns(2)
        size.number_input(
            t("chunk_window_size"), 16, 8192, DEFAULT_CHUNKS.window, 32,
            key=Keys.CHUNK_WINDOW,
        )  # fmt: skip
        overlap.number_input(
            t("chunk_overlap"), 0, 4096, DEFAULT_CHUNKS.overlap, 16, key=Keys.CHUNK_OVERLAP
        )


def _passages(
    upload: UploadedFile,
    columns: tuple[str, ...],
    embedder: Embedder,
    used: list[object],
    tick: Callable[[], object],
) -> FilePassages:
    """Read and split one upload, remembered for the same file, column, settings and model.

    Its memo key goes into ``used``: the others are dropped once every file is read.
    """
    settings = chunk_settings()
    key = (upload.file_id, columns, settings, embedder.model_fingerprint)
    used.append(key)
    done = page_state().file_passages
    found = done.get(key)
    if not isinstance(found, FilePassages):
        limits = Settings.from_env().limits
        check_file(upload.name, -(-upload.size // 4), limits, at_least=True)
        document = read_document(upload.name, upload.getvalue(), csv_column=columns)
        check_file(upload.name, sum(len(s.text) for s in document.sections), limits)
        # Touching the page now and then lets a closed tab stop a long split.
        with stoppable(tick):
            found = FilePassages(
                chunk_documents([document], settings, embedder.token_spans, embedder.passage_tokens)
            )
        found.encoding, found.notes = document.encoding, document.notes
        done[key] = found
    return found


def _columns_ui(upload: UploadedFile) -> tuple[str, ...]:
    """The CSV/TSV columns the model reads (the longest texts at first)."""
    key = Keys.csv_column(upload.file_id)
    state = page_state()
    # Read once per upload, not on every rerun: detecting the encoding reads the whole file.
    columns, best = state.remembered(
        f"csv_columns_{upload.file_id}",
        upload.file_id,
        lambda: (csv_columns(upload.name, upload.getvalue()),
                 best_text_column(upload.name, upload.getvalue())),
    )  # fmt: skip
    if state.csv_column_choice(upload.file_id) is None:
        state.set_csv_column_choice(upload.file_id, [best])
    st.text(upload.name)
    chosen = st.multiselect(t("csv_columns"), columns, key=key, help=t("csv_help"))
    return tuple(chosen)


def files_ui(embedder: Embedder | None) -> list[Passage]:
    """The file uploader and splitting settings; returns the passages of every readable file.

    A file that cannot be read gets its own error; the others still go in.
    """
    st.markdown(f"**{t('files_header')}**")
    # Any file: a README or a changelog has no extension, a NEWS.gz one the uploader does
    # not know. read_document says, per file, what it cannot read.
    uploads = st.file_uploader(
        t("files_upload"), type=None, accept_multiple_files=True, key=Keys.UPLOADS
    )
    uploader_words(Keys.UPLOADS, [x for x in UPLOAD_TYPES if x != "markdown"])
    _settings_ui()
    state = page_state()
    if embedder is None:
        return []
    uploaded: dict[str, list[Passage]] = {}
    used: list[object] = []
    # One placeholder on every run, for the splits to touch: one made only on the run that
    # splits would move every later element, and Streamlit would redraw the panels below
    # (the saved bases' expander among them) closed, as new ones.
    tick = st.empty().empty
    for upload in uploads or []:
        if "\x00" in upload.name:  # a forged name: no file system makes one
            st.error(t("file_failed", cause=t("file_nul_name")))
            continue
        try:
            columns: tuple[str, ...] = ()
            if upload.name.lower().endswith(TABLE_SUFFIXES):
                columns = _columns_ui(upload)
            found = _passages(upload, columns, embedder, used, tick)
        except (DocumentError, SemsearchError) as error:
            st.error(t("file_failed", cause=plain(error)))
            continue
        if found.encoding:
            line = t("file_read", name=upload.name, count=len(found), encoding=found.encoding)
        else:
            line = t("file_passages", name=upload.name, count=len(found))
        st.text(line)
        for note in found.notes:
            st.caption(plain(f"{upload.name}: {note}"))
        name = upload.name if upload.name not in uploaded else f"{upload.name} ({upload.file_id})"
        uploaded[name] = found
    state.forget_files(keep=used)  # removed files, other splits: not kept for a session's life
    earlier = kept_files_ui(uploaded)  # Streamlit forgets files on reload: not their text
    return earlier + [passage for found in uploaded.values() for passage in found]


def uploader_words(key: str, types: list[str]) -> None:
    """Put the page's words on the uploader's button and limits line.

    Streamlit writes "Upload" and "200MB per file" in English whatever the page's
    language, with no parameter to change them; a style sheet hides its words and shows
    ours in their place. Only constants go into it (the page's strings, the size limit,
    the file types), never anything a user typed. English needs none of it.
    """
    if language() == "en":
        return
    size = int(st.get_option("server.maxUploadSize"))
    limit = t("upload_limit", size=size, types=", ".join(x.upper() for x in types))
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    swaps = {
        f"{zone} button [data-testid='stMarkdownContainer'] p": t("upload_button"),
        f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span": limit,
    }
    rules = "".join(
        f'{where} {{font-size: 0}} {where}::after {{content: "{words}"; font-size: 14px}}'
        for where, words in swaps.items()
    )
    st.html(f"<style>{rules}</style>")
