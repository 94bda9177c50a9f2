"""The page's words in English and Chinese, side by side, one table per view.

Each module here holds the words of one view or area of the page (``results``, ``map``,
``saved``, ``model``…) as ``key: ("English", "中文")``: a wording is changed in both languages
in one place, and a view's words sit together. A key lives in exactly one table (checked on
import). ``tests/test_page_words.py`` checks that both languages are filled and name the same
``{fields}``, that every key the page names exists, and that every key is named somewhere in
``app.py``, ``app_views/`` or ``semsearch/page/``: a key is named by a string literal in the
arguments of :func:`t` or of :func:`word_key` (for keys kept as data, such as the tabs' names).

``{name}`` fields are filled by :func:`t`; ``{count:# line|# lines}`` is a plural (English
only: Chinese has none). The query instruction stays English in both languages:
Qwen3-Embedding was trained with English instructions. This package decides nothing about
what is shown when; it only words it.

**The language is bound once per run**: ``app.py`` calls :func:`bind` with the page's
language at the start of each run, and every view then says ``t("key", **values)`` without
passing a language through each function. The binding is a :class:`contextvars.ContextVar`,
chosen over a module global because Streamlit runs every session's script in a thread of its
own, many at once: a context variable set in one run is seen by that thread (and by what it
copies its context into) only, so two students in two languages never see each other's
words. Code that runs outside a page run says its language itself with :func:`t_in`: the
pure functions of ``semsearch/page`` (``naming``, ``reading``, ``reload``), which the tests
and scripts call with a language, and widget callbacks, which Streamlit runs before the
run's script (so before :func:`bind`), with the language passed in as the callback's argument.
:func:`t` before any :func:`bind` is an error naming the fix, not English by accident. So a
widget's ``format_func`` never calls :func:`t`: AppTest (and so a user's script) calls it
from its own thread, outside any run; the page words its options during the run and hands
over a dict's ``__getitem__``.
"""

from __future__ import annotations

import string
from contextvars import ContextVar

from semsearch.page.words import (
    answer,
    behind,
    calibrate,
    compare,
    evaluate,
    files,
    filters,
    heatmap,
    keywords,
    knowledge,
    map_view,
    memory,
    model,
    page,
    reading,
    results,
    saved,
    tokens,
    views,
)

LANGUAGES = {"en": "English", "zh": "中文"}
"""The page's languages, in the order of each entry's words."""

Words = dict[str, tuple[str, str]]
"""One table: ``key: (English, 中文)``."""

TABLES: dict[str, Words] = {
    module.__name__.rsplit(".", 1)[-1]: module.WORDS
    for module in (page, model, knowledge, results, reading, views, keywords, map_view, heatmap,
                   tokens, calibrate, compare, evaluate, answer, files, filters, saved, memory,
                   behind)
}  # fmt: skip
"""Every table, by the name of its module."""


def _merged(tables: dict[str, Words]) -> Words:
    merged: Words = {}
    for name, table in tables.items():
        for key, words in table.items():
            if key in merged:
                raise ValueError(f"The words key {key!r} is in two tables ({name} and another).")
            merged[key] = words
    return merged


WORDS: Words = _merged(TABLES)
"""Every key of every table."""

_POSITION = {language: i for i, language in enumerate(LANGUAGES)}


class _Plurals(string.Formatter):
    """``str.format`` plus one plural form: ``{count:# line|# lines}``.

    A field whose format holds ``|`` picks its left side when the value is 1 and its right
    side otherwise, with ``#`` standing for the number: "1 line", "3 lines".
    """

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec:
            return super().format_field(value, format_spec)
        one, other = format_spec.split("|", 1)
        return (one if value == 1 else other).replace("#", str(value))


_FORMATTER = _Plurals()


_BOUND: ContextVar[str] = ContextVar("semsearch_page_language")


def bind(lang: str) -> None:
    """Make ``lang`` the language of this run's words (English when unknown)."""
    _BOUND.set(lang if lang in LANGUAGES else "en")


def language() -> str:
    """The language bound for this run (:func:`bind`)."""
    try:
        return _BOUND.get()
    except LookupError:
        raise LookupError(
            "No language is bound for the page's words: call semsearch.page.words.bind(lang) "
            "at the start of the run, or say the language with t_in(lang, key)."
        ) from None


def t(key: str, **values: object) -> str:
    """The words of ``key`` in the run's language (:func:`bind`), with ``values`` filled in."""
    return t_in(language(), key, **values)


def t_in(lang: str, key: str, **values: object) -> str:
    """The words of ``key`` in ``lang`` (English when unknown), with ``values`` filled in."""
    words = WORDS[key][_POSITION.get(lang, 0)]
    return _FORMATTER.format(words, **values)


def word_key(key: str) -> str:
    """``key`` itself, once it is known to be a words key: for keys kept as data.

    A tab's key in a list, a choice's key in a dict: named through this, the key is checked
    when the module loads and the key test counts it as used.
    """
    if key not in WORDS:
        raise KeyError(f"No words key {key!r}: add it to a table in semsearch/page/words/.")
    return key
