"""Name the model that really answers: the line under the title, the picker's ``auto``, a fallback.

The page used to say "Qwen3-Embedding" while the bundled all-MiniLM-L6-v2 answered. These
functions turn a :class:`~semsearch.encoding.load_report.LoadReport` into the page's words, in
either language: what is in use and where it comes from, what ``auto`` resolved to and why,
and, when ``auto`` fell back, what happened and how to get the model it meant.

Names go in as given; a caller that places the result in markdown (``st.warning``) passes
``escape`` so that a name is shown literally. Nothing here loads a model or imports streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from semsearch.encoding.model_source import (
    AUTO,
    QWEN3_0_6B,
    QWEN3_4B,
    QWEN3_8B,
    auto_model,
    cached_folder,
    download_command,
)
from semsearch.page.words import t_in, word_key

if TYPE_CHECKING:
    from semsearch.encoding.embedder import Embedder
    from semsearch.encoding.load_report import LoadReport

_HOW = {"bundled": word_key("how_bundled"), "hub cache": word_key("how_cache"),
        "local folder": word_key("how_folder"),
        "downloaded": word_key("how_downloaded")}  # fmt: skip
_WHY = {"offline": word_key("auto_why_offline"), "missing": word_key("auto_why_missing"),
        "download": word_key("auto_why_download"), "memory": word_key("auto_why_memory"),
        "error": word_key("auto_why_error")}  # fmt: skip
"""Why ``auto`` fell back, by the report's reason code."""
_FIX = {"offline": word_key("fallback_fix_offline"), "missing": word_key("fallback_fix_missing"),
        "download": word_key("fallback_fix_download"), "memory": word_key("fallback_fix_memory"),
        "error": word_key("fallback_fix_error")}  # fmt: skip
"""What to do about it."""
_REASONS = tuple(_WHY)
DOWNLOAD_SIZES = {QWEN3_0_6B: "1.2 GB", QWEN3_4B: "8 GB", QWEN3_8B: "15 GB"}
"""What the picker's Qwen3 models download (their bf16 safetensors on the hub, rounded)."""


def short_name(model: str) -> str:
    """A hub id without its owner (``Qwen/Qwen3-Embedding-0.6B`` -> ``Qwen3-Embedding-0.6B``)."""
    return model.rsplit("/", 1)[-1] if model.count("/") == 1 else model


def _reason(code: str | None) -> str:
    return code if code in _REASONS else "error"


def in_use_line(lang: str, embedder: Embedder) -> str:
    """One plain line naming the model in use and where it runs (shown under the title)."""
    report = embedder.report
    if embedder.engine.kind == "remote":
        how = t_in(lang, "how_remote", url=embedder.device)
    elif report is not None and report.how in _HOW:
        how = t_in(lang, _HOW[report.how])
        if report.fallback_from is not None:
            how = t_in(lang, "how_fallback", how=how)
    else:
        how = t_in(lang, "how_given")
    return t_in(lang, "in_use", model=embedder.name, how=how)


def picker_label(lang: str, choice: str) -> str:
    """A hub model's entry in the picker: its id, and the download it needs when not cached.

    Only the models of :data:`DOWNLOAD_SIZES` are looked up (in the local cache, never on
    the hub); any other choice is returned as it is.
    """
    size = DOWNLOAD_SIZES.get(choice)
    if size is None or cached_folder(choice) is not None:
        return choice
    return t_in(lang, "model_needs_download", model=choice, size=size)


def auto_label(lang: str, report: LoadReport | None, device: str) -> str:
    """The picker's ``auto`` entry: what it resolved to and why, or what it would load.

    ``report`` is the model in use; when it was loaded as ``auto`` the label says what
    ``auto`` became (and why it fell back), else what ``auto`` would try on ``device``.
    """
    if report is None or report.requested != AUTO:
        return t_in(lang, "auto_would", model=short_name(auto_model(device)))
    if report.how == "remote":
        return t_in(lang, "auto_served", model=report.name, url=report.folder)
    if report.fallback_from is not None:
        why = t_in(lang, _WHY[_reason(report.fallback_code)],
                model=short_name(report.fallback_from))  # fmt: skip
        return t_in(lang, "auto_fell_back", model=short_name(report.name), why=why)
    where = t_in(lang, "auto_gpu" if device.startswith("cuda") else "auto_cpu")
    return t_in(lang, "auto_resolved", model=short_name(report.name), why=where)


def fallback_notice(
    lang: str,
    report: LoadReport | None,
    escape: Callable[[str], str] = str,
    *,
    workbench: bool = True,
) -> str | None:
    """The main column's warning when ``auto`` fell back; ``None`` when it did not.

    ``workbench``: the page has the model picker in its sidebar (the lesson names the
    workbench instead).
    """
    if report is None or report.fallback_from is None:
        return None
    code = _reason(report.fallback_code)
    wanted = report.fallback_from
    why = t_in(lang, _WHY[code], model=escape(short_name(wanted)))
    where = t_in(lang, "where_sidebar" if workbench else "where_workbench")
    fix = t_in(lang, _FIX[code], command=download_command(wanted),
            cause=escape(report.fallback_reason or ""), where=where)  # fmt: skip
    return t_in(lang, "fallback", model=escape(report.name), why=why, fix=fix)
