import pytest

from semsearch.documents.knowledge_base import parse_lines
from semsearch.page.samples import SAMPLES, default_sample, sample
from semsearch.page.words import LANGUAGES


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
