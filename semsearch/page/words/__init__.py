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
"""

from __future__ import annotations

import string

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


def t(language: str, key: str, **values: object) -> str:
    """The words of ``key`` in ``language`` (English when unknown), with ``values`` filled in."""
    words = WORDS[key][_POSITION.get(language, 0)]
    return _FORMATTER.format(words, **values)


def word_key(key: str) -> str:
    """``key`` itself, once it is known to be a words key: for keys kept as data.

    A tab's key in a list, a choice's key in a dict: named through this, the key is checked
    when the module loads and the key test counts it as used.
    """
    if key not in WORDS:
        raise KeyError(f"No words key {key!r}: add it to a table in semsearch/page/words/.")
    return key
