"""The page's words: plurals, and times in the reader's zone (issue 10, item 6)."""

import pytest

from semsearch.page.i18n import STRINGS, t
from semsearch.page.times import local_time


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
    assert t("en", key, **values) == expected


def test_chinese_has_no_plural_forms_and_numbers_stay_numbers():
    assert t("zh", "kb_count", count=1) == "共 1 行"
    assert t("zh", "passages_count", count=2) == "2 段"
    assert not [key for key, text in STRINGS["zh"].items() if "|" in text and "{" in text]


def test_a_plural_keeps_other_formats():
    assert t("en", "search_stats", encoded=2, reused=0, seconds=1.23456).endswith("· 1.23 s")


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
