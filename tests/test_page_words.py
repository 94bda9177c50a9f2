"""The page's words: every key in both languages and used, plurals, times in the reader's zone.

The key test reads the page's code (``app.py``, ``app_views/``, ``semsearch/page/``) with
``ast``: a key counts as named where a string literal stands as the key argument of
``t(...)``, ``t_in(...)`` or ``word_key(...)`` (also in ``"a" if x else "b"`` and ``{...}[x]``). A key no code names fails it, and so does a name no table holds.
"""

import ast
import contextvars
import string
import threading
from pathlib import Path

import pytest

from semsearch.page.times import local_time
from semsearch.page.words import LANGUAGES, TABLES, WORDS, bind, language, t, t_in, word_key

ROOT = Path(__file__).resolve().parent.parent
WORDS_DIR = ROOT / "semsearch" / "page" / "words"
PAGE_CODE = sorted(
    [
        ROOT / "app.py",
        *(ROOT / "app_views").glob("*.py"),
        *(ROOT / "semsearch" / "page").rglob("*.py"),
    ]
)
KEY_ARGUMENT = {"t": 0, "t_in": 1, "word_key": 0}
"""Where each naming function takes its key."""


def fields(text):
    # A set: English plurals may name a count more than once ("shares ... it"), Chinese once.
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def named_keys():
    """(path, string literal) for every literal in the key argument of t/word_key."""
    for path in PAGE_CODE:
        if WORDS_DIR in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            called = getattr(node, "func", None)
            name = getattr(called, "id", getattr(called, "attr", None))
            where = KEY_ARGUMENT.get(name, -1)
            if isinstance(node, ast.Call) and 0 <= where < len(node.args):
                for key in literal_keys(node.args[where]):
                    yield path.relative_to(ROOT), key


def literal_keys(node):
    """The strings an argument can evaluate to: ``"a"``, ``"a" if x else "b"``, ``{...}[x]``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from literal_keys(node.body)
        yield from literal_keys(node.orelse)
    elif isinstance(node, ast.Subscript):
        yield from literal_keys(node.value)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from literal_keys(value)


def test_every_key_has_both_languages_with_the_same_fields():
    assert list(LANGUAGES) == ["en", "zh"]
    for key, words in WORDS.items():
        assert isinstance(words, tuple), key
        assert len(words) == len(LANGUAGES), key
        english, chinese = words
        assert english.strip(), key
        assert chinese.strip(), key
        assert fields(english) == fields(chinese), key


def test_every_table_is_a_module_of_its_own_and_keys_are_unique():
    modules = {path.stem for path in WORDS_DIR.glob("*.py")} - {"__init__"}
    assert set(TABLES) == modules
    assert sum(len(table) for table in TABLES.values()) == len(WORDS)


def test_every_key_the_page_names_exists_and_every_key_is_named():
    named = list(named_keys())
    unknown = sorted({(str(path), key) for path, key in named if key not in WORDS})
    assert unknown == []
    unused = sorted(WORDS.keys() - {key for _, key in named})
    assert unused == []


def test_the_key_test_sees_the_views_and_the_page_package():
    seen = {str(path) for path, _ in named_keys()}
    assert {"app.py", "app_views/layout.py", "app_views/map.py", "semsearch/page/naming.py"} <= seen
    call = ast.parse('t_in(lang, "a" if x == "no" else {"k": "b"}[y], count="no")').body[0]
    assert list(literal_keys(call.value.args[1])) == ["a", "b"]


def test_t_fills_values_and_unescapes_braces():
    assert t_in("en", "kb_count", count=3) == "3 lines"
    assert t_in("zh", "kb_count", count=3) == "共 3 行"
    assert "'Instruct: {task}\\nQuery:{query}'" in t_in("en", "instruction_help")
    assert t_in("xx", "search") == "Search"  # unknown language falls back to English


def test_the_language_is_bound_per_run_and_never_guessed():
    def run(lang, seen):
        bind(lang)
        seen.append((language(), t("search"), t("kb_count", count=2)))

    def unbound(seen):
        try:
            t("search")
        except LookupError as error:
            seen.append(str(error))

    seen = []
    # Streamlit runs each session's script in a thread of its own: each sees its own binding.
    threads = [threading.Thread(target=run, args=(lang, seen)) for lang in ("zh", "en", "xx")]
    threads.append(threading.Thread(target=unbound, args=(seen,)))
    for thread in threads:
        thread.start()
        thread.join()
    assert seen == [
        ("zh", "开始搜索", "共 2 行"),
        ("en", "Search", "2 lines"),
        ("en", "Search", "2 lines"),  # an unknown language is English
        "No language is bound for the page's words: call semsearch.page.words.bind(lang) at "
        "the start of the run, or say the language with t_in(lang, key).",
    ]


def test_the_page_threads_no_language_through_its_functions():
    """Views say t("key"); only callbacks and words used outside a run take a language."""
    takes_lang = {
        f"{path.name}:{node.name}"
        for path in [ROOT / "app.py", *sorted((ROOT / "app_views").glob("*.py"))]
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef) and "lang" in [a.arg for a in node.args.args]
    }
    assert takes_lang == {
        "app.py:_load_sample",  # callbacks run before the run binds its language
        "saved.py:_open",
        "saved.py:_delete",
        "saved.py:_restore",
        "layout.py:keep_open_tab",  # the language switch's callback: the new language
        "map.py:projecting_words",  # the tests word the spinner in a given language
    }
    app = (ROOT / "app.py").read_text("utf-8")
    assert app.count("bind(") == 1


def test_a_binding_stays_in_its_context():
    def zh_run():
        bind("zh")
        return t("search")

    assert contextvars.copy_context().run(zh_run) == "开始搜索"
    assert contextvars.copy_context().run(lambda: bind("en") or t("search")) == "Search"


def test_an_unknown_key_names_where_keys_live():
    with pytest.raises(
        KeyError, match="No words key 'nope': add it to a table in semsearch/page/words/"
    ):
        word_key("nope")
    assert word_key("search") == "search"


@pytest.mark.parametrize(
    ("key", "values", "expected"),
    [
        ("kb_count", {"count": 1}, "1 line"),
        ("kb_count", {"count": 0}, "0 lines"),
        ("kb_count", {"count": 2}, "2 lines"),
        ("passages_count", {"count": 1}, "1 passage"),
        ("cal_count", {"count": 1, "queries": 1, "positives": 1},
         "1 labelled pair over 1 query (1 relevant)."),
        ("cal_count", {"count": 8, "queries": 3, "positives": 2},
         "8 labelled pairs over 3 queries (2 relevant)."),
        ("search_stats", {"encoded": 1, "reused": 11, "seconds": 0.5},
         "1 line encoded, 11 from the cache · 0.50 s"),
        ("truncated", {"count": 1, "cap": 256},
         "1 line is longer than 256 tokens; the model read only its start:"),
        ("truncated", {"count": 2, "cap": 256},
         "2 lines are longer than 256 tokens; the model read only their start:"),
        ("eval_queries", {"count": 1}, "1 labelled query"),
        ("eval_queries", {"count": 5}, "5 labelled queries"),
        ("kw_lesson", {"count": 1},
         "1 line found by meaning shares no word with the query: keyword search would miss it."),
        ("kw_lesson", {"count": 2},
         "2 lines found by meaning share no word with the query: keyword search would miss "
         "them."),
        ("encoding", {"done": 1, "total": 1}, "Encoding 1/1 line…"),
    ],
)  # fmt: skip
def test_english_plurals_read_right(key, values, expected):
    assert t_in("en", key, **values) == expected


def test_chinese_has_no_plural_forms_and_numbers_stay_numbers():
    assert t_in("zh", "kb_count", count=1) == "共 1 行"
    assert t_in("zh", "passages_count", count=2) == "2 段"
    assert not [key for key, (_, chinese) in WORDS.items() if "|" in chinese and "{" in chinese]


def test_a_plural_keeps_other_formats():
    assert t_in("en", "search_stats", encoded=2, reused=0, seconds=1.23456).endswith("· 1.23 s")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Berlin", "2026-03-01 10:30"),
        ("Asia/Shanghai", "2026-03-01 17:30"),
        ("America/New_York", "2026-03-01 04:30"),
        ("UTC", "2026-03-01 09:30"),
    ],
)
def test_times_show_in_the_browsers_zone(zone, expected):
    assert local_time("2026-03-01T09:30:00+00:00", zone) == expected


def test_an_unknown_zone_or_text_does_not_fail_the_page():
    assert local_time("2026-03-01T09:30:00+00:00", "Not/AZone") == local_time(
        "2026-03-01T09:30:00+00:00", None
    )
    assert local_time("yesterday", "UTC") == "yesterday"
