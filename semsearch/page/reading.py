"""Language fit on the page: the warning beside the results and the marks on the samples.

The judgement itself is :mod:`semsearch.analysis.language_fit`'s; this module words it in
the page's language and says how to get the model that reads the text (pick it, or download
it first when it is not cached). Nothing here imports streamlit.
"""

from __future__ import annotations

from collections.abc import Callable

from semsearch.analysis.language_fit import LanguageFit, ModelReading, language_fit
from semsearch.encoding.model_source import cached_folder, download_command
from semsearch.page.samples import SAMPLES, Sample
from semsearch.page.words import t_in, word_key

_LANGUAGE_NAMES = {"en": word_key("lang_en"), "zh": word_key("lang_zh")}
_SCRIPT_NAMES = {
    "Han": word_key("script_Han"),
    "Hangul": word_key("script_Hangul"),
    "Hiragana": word_key("script_Hiragana"),
    "Katakana": word_key("script_Katakana"),
    "Cyrillic": word_key("script_Cyrillic"),
    "Arabic": word_key("script_Arabic"),
    "Greek": word_key("script_Greek"),
    "Hebrew": word_key("script_Hebrew"),
    "Devanagari": word_key("script_Devanagari"),
    "Thai": word_key("script_Thai"),
}
"""Scripts the page names in its own words; others keep their Unicode name."""


def _languages(lang: str, codes: tuple[str, ...]) -> str:
    names = [t_in(lang, _LANGUAGE_NAMES[c]) if c in _LANGUAGE_NAMES else c for c in codes]
    return t_in(lang, "list_sep").join(names)


def _what(lang: str, kb: LanguageFit, query: LanguageFit) -> str:
    lines = t_in(lang, "fit_lines", count=len(kb.unreadable), total=kb.texts)
    if query.fits:
        return lines
    return t_in(lang, "fit_query_and", lines=lines) if kb.unreadable else t_in(lang, "fit_query")


def fit_warning(
    lang: str,
    kb: LanguageFit,
    query: LanguageFit,
    escape: Callable[[str], str] = str,
    *,
    workbench: bool = True,
) -> str | None:
    """The warning shown beside the results; ``None`` when the model reads them all.

    ``kb`` is the fit of the knowledge base's passages, ``query`` that of the query alone.
    ``escape`` makes names literal where the text goes into markdown. ``workbench``: the
    page has the model picker in its sidebar (the lesson page has none: it names the
    workbench).
    """
    if kb.fits and query.fits:
        return None
    worse = kb if not kb.fits else query
    model, what = escape(worse.model), _what(lang, kb, query)
    if worse.seen is not None and worse.languages:
        share = max(kb.foreign_share, query.foreign_share)
        cause = t_in(lang, "fit_script", model=model, what=what, share=share,
                  languages=_languages(lang, worse.languages),
                  script=_script(lang, worse.seen))  # fmt: skip
    else:
        shares = [f.unknown_share for f in (kb, query) if f.unknown_share is not None]
        cause = t_in(lang, "fit_unknown", model=model, what=what, share=max(shares, default=1.0))
    fix = worse.fix or ""
    where = t_in(lang, "where_sidebar" if workbench else "where_workbench")
    how = t_in(lang, "fit_fix_pick" if cached_folder(fix) is not None else "fit_fix_download",
            model=escape(fix), command=download_command(fix), where=where)  # fmt: skip
    return cause + " " + how


def _script(lang: str, script: str) -> str:
    """The script's name in the page's language; its Unicode name where the page has none."""
    return t_in(lang, _SCRIPT_NAMES[script]) if script in _SCRIPT_NAMES else script


def unreadable_samples(reading: ModelReading) -> frozenset[str]:
    """Keys of the samples the model cannot read (most of their lines unreadable)."""
    unreadable = set()
    for sample in SAMPLES:
        lines = [line for line in sample.text.splitlines() if line.strip()]
        fit = language_fit(reading, lines)
        if 2 * len(fit.unreadable) > len(lines):
            unreadable.add(sample.key)
    return frozenset(unreadable)


def sample_label(lang: str, sample: Sample, readable: bool) -> str:
    """The sample picker's entry: its title, marked when the model in use cannot read it."""
    title = sample.titles[lang]
    return title if readable else t_in(lang, "sample_unreadable", title=title)
