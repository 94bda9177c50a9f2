import re
import string
from pathlib import Path

import pytest

from semsearch.documents.knowledge_base import parse_lines
from semsearch.page.i18n import LANGUAGES, STRINGS, t
from semsearch.page.samples import SAMPLES, default_sample, sample

APP = (Path(__file__).resolve().parent.parent / "app.py").read_text(encoding="utf-8")


def fields(text):
    # A set: English plurals may name a count more than once ("shares ... it"), Chinese once.
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_fields():
    assert set(STRINGS) == set(LANGUAGES)
    assert STRINGS["en"].keys() == STRINGS["zh"].keys()
    for key, english in STRINGS["en"].items():
        assert fields(english) == fields(STRINGS["zh"][key]), key


def test_every_key_the_page_uses_exists():
    used = set(re.findall(r't\(lang, "([a-z_]+)"', APP))
    assert used
    assert used <= STRINGS["en"].keys()


def test_t_fills_values_and_unescapes_braces():
    assert t("en", "kb_count", count=3) == "3 lines"
    assert t("zh", "kb_count", count=3) == "共 3 行"
    assert "'Instruct: {task}\\nQuery:{query}'" in t("en", "instruction_help")
    assert t("xx", "search") == "Search"  # unknown language falls back to English


@pytest.mark.parametrize("item", SAMPLES, ids=lambda s: s.key)
def test_samples_load_and_have_titles_in_both_languages(item):
    lines = parse_lines(item.text)
    assert len(lines) >= 10
    assert set(item.titles) == set(item.example_query) == set(LANGUAGES)


def test_fruit_sample_is_the_seeds_list():
    assert parse_lines(sample("zh_fruit").text)[:3] == [
        "苹果是一种很好吃的水果",
        "香蕉富含钾元素,有助于维持血压稳定",
        "橙子含有丰富的维生素C",
    ]


@pytest.mark.parametrize(
    ("english_only", "language", "key"),
    [
        (True, "en", "en_fruit"),
        (True, "zh", "en_fruit"),
        (False, "en", "en_fruit"),
        (False, "zh", "zh_fruit"),
    ],
)
def test_default_sample_fits_the_model(english_only, language, key):
    assert default_sample(english_only, language).key == key


def test_unknown_sample_names_the_known_ones():
    with pytest.raises(KeyError, match="known: en_fruit, zh_fruit"):
        sample("nope")
