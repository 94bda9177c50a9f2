"""Metadata filters on their own: parsing, checking, matching, the page's facets, the one-line
description. What each store does with a filter is in test_stores.py (the shared suite)."""

import pytest

from semsearch.documents.chunking import Passage
from semsearch.errors import InvalidArgumentError
from semsearch.retrieval.filters import (
    MAX_FACET_FIELDS,
    MAX_FACET_VALUES,
    PASSAGE_FIELDS,
    check_where,
    describe,
    facets,
    field_value,
    matches,
    matching,
    parse_where,
)

MANUAL = Passage("Reset: hold the button.", "manual.pdf", "page 1", "Setup › Reset")
GUIDE = Passage("Plug it in.", "guide.md", "§ 2", "", (("lang", "en"), ("price", "12")))
TYPED = Passage("typed line", "", "line 1")
CSV_ROWS = [
    Passage(
        "a cheap router", "prices.csv", "row 1", "", (("category", "network"), ("price", "12"))
    ),
    Passage(
        "a dear router", "prices.csv", "row 2", "", (("category", "network"), ("price", "299"))
    ),
    Passage("a cable", "prices.csv", "row 3", "", (("category", "cables"), ("price", "12"))),
]


def test_a_string_is_one_value_a_sequence_several():
    assert check_where({"source": "a.pdf", "price": ["12", 13]}) == {
        "source": ("a.pdf",),
        "price": ("12", "13"),
    }


def test_no_filter_is_an_empty_one():
    assert check_where(None) == {}
    assert check_where({}) == {}


def test_field_names_are_stripped_and_merged_in_order_without_repeats():
    assert check_where({" source ": ["b", "a"], "source": ["a", "c"]}) == {
        "source": ("b", "a", "c")
    }


def test_values_are_kept_as_written():
    assert check_where({"heading": " Setup › Reset "}) == {"heading": (" Setup › Reset ",)}


@pytest.mark.parametrize(("field", "named"), [("", "'an empty name'"), ("  ", "'an empty name'"),
                                              ("text", "'text'"), (" text ", "'text'")])  # fmt: skip
def test_text_and_empty_fields_are_refused_naming_the_fields_to_use(field, named):
    with pytest.raises(InvalidArgumentError) as error:
        check_where({field: "x"})
    assert str(error.value) == (
        f"Cannot filter on {named}: filter on source, place, heading or a metadata field "
        "(a CSV column), as field=value."
    )


def test_a_field_with_no_value_is_refused():
    with pytest.raises(InvalidArgumentError) as error:
        check_where({"price": []})
    assert str(error.value) == "The filter on 'price' names no value; give one."


def test_parse_where_repeats_a_key_as_alternatives():
    assert parse_where(["source=a.pdf", " source =b.pdf", "price=12"]) == {
        "source": ("a.pdf", "b.pdf"),
        "price": ("12",),
    }


def test_parse_where_splits_at_the_first_equals_and_keeps_the_value():
    assert parse_where(["formula=a=b", "note= spaced "]) == {
        "formula": ("a=b",),
        "note": (" spaced ",),
    }
    assert parse_where(["empty="]) == {"empty": ("",)}
    assert parse_where([]) == {}


@pytest.mark.parametrize("item", ["source", "=a.pdf", " =a.pdf", ""])
def test_parse_where_refuses_what_is_not_field_value(item):
    with pytest.raises(InvalidArgumentError) as error:
        parse_where(["price=12", item])
    assert str(error.value) == (
        f"--where {item!r} is not field=value; write e.g. --where source=manual.pdf "
        "or --where price=12 (repeat --where for more)."
    )


def test_parse_where_refuses_text_like_check_where():
    with pytest.raises(InvalidArgumentError, match="Cannot filter on 'text'"):
        parse_where(["text=router"])


def test_field_value_reads_columns_then_metadata():
    assert PASSAGE_FIELDS == ("source", "place", "heading")
    assert [field_value(MANUAL, f) for f in PASSAGE_FIELDS] == [
        "manual.pdf",
        "page 1",
        "Setup › Reset",
    ]
    assert field_value(GUIDE, "price") == "12"
    assert field_value(GUIDE, "heading") == ""
    assert field_value(MANUAL, "price") is None
    assert field_value(GUIDE, "text") is None  # the text is searched, never a field


def test_matches_needs_every_field_and_any_value():
    assert matches(GUIDE, {"source": ("guide.md",), "price": ("11", "12")})
    assert not matches(GUIDE, {"source": ("guide.md",), "price": ("11",)})
    assert not matches(MANUAL, {"price": ("12",)})  # no such key: no match
    assert not matches(GUIDE, {"price": ("12.0",)})  # compared as text
    assert matches(TYPED, {"source": ("",)})
    assert matches(TYPED, {})


def test_matching_gives_positions_in_order():
    passages = [MANUAL, GUIDE, TYPED, *CSV_ROWS]
    assert matching(passages, None) == [0, 1, 2, 3, 4, 5]
    assert matching(passages, {}) == [0, 1, 2, 3, 4, 5]
    assert matching(passages, {"price": "12"}) == [1, 3, 5]
    assert matching(passages, {"price": "12", "category": ["cables", "toys"]}) == [5]
    assert matching(passages, {"source": ["", "manual.pdf"]}) == [0, 2]
    assert matching(passages, {"lang": "fr"}) == []
    assert matching([], {"lang": "fr"}) == []


def test_matching_checks_the_filter():
    with pytest.raises(InvalidArgumentError, match="Cannot filter on 'text'"):
        matching([MANUAL], {"text": "x"})


def test_facets_offer_sources_headings_and_metadata_sorted():
    assert facets([MANUAL, GUIDE, TYPED, *CSV_ROWS]) == {
        "source": ["", "guide.md", "manual.pdf", "prices.csv"],
        "heading": ["", "Setup › Reset"],
        "lang": ["en"],  # one value, but not on every passage: filtering on it keeps fewer
        "price": ["12", "299"],
        "category": ["cables", "network"],
    }


def test_facets_leave_out_a_field_with_one_value_everywhere():
    assert facets(CSV_ROWS) == {
        "price": ["12", "299"],
        "category": ["cables", "network"],
    }  # one source, no headings
    same = [Passage("a", "f.csv", "row 1", "", (("k", "v"),)), Passage("b", "f.csv", "row 2", "",
                                                                          (("k", "v"),))]  # fmt: skip
    assert facets(same) == {}


def test_facets_of_typed_lines_and_of_nothing_are_empty():
    assert facets([TYPED, Passage("another")]) == {}
    assert facets([]) == {}


def test_facets_offer_typed_lines_as_an_empty_source_beside_files():
    assert facets([TYPED, Passage("x", "a.txt", "line 1")]) == {"source": ["", "a.txt"]}


def test_facets_leave_out_a_field_over_the_limit():
    passages = [Passage(f"p{i}", "f.csv", f"row {i}", "", (("id", f"{i:03d}"), ("kind",
                str(i % 2)))) for i in range(MAX_FACET_VALUES + 1)]  # fmt: skip
    assert MAX_FACET_VALUES == 200  # the README says "fields with over 200 values are left out"
    assert facets(passages) == {"kind": ["0", "1"]}
    assert facets(passages[:MAX_FACET_VALUES])["id"] == [f"{i:03d}" for i in range(200)]
    assert facets(passages, limit=2) == {"kind": ["0", "1"]}
    assert facets(passages, limit=1) == {}


def test_facets_read_a_one_shot_iterable():
    assert facets(iter([TYPED, MANUAL])) == {
        "source": ["", "manual.pdf"],
        "heading": ["", "Setup › Reset"],
    }


def test_describe_writes_a_filter_as_where_does():
    assert (
        describe({"source": ("a.pdf", "b.pdf"), "price": ("12",)}) == "source=a.pdf|b.pdf, price=12"
    )
    assert describe({}) == ""
    assert describe(parse_where(["heading=Setup › Reset"])) == "heading=Setup › Reset"


def test_facets_put_source_and_heading_first_then_the_fields_with_fewest_values():
    passages = [
        Passage(f"p{i}", f"f{i % 3}.md", f"§ {i}", f"H{i % 2}",
                (("big", str(i % 5)), ("small", str(i % 2)), ("mid", str(i % 3)),
                 ("two", str(i % 2 + 5))))
        for i in range(30)
    ]  # fmt: skip
    found = facets(passages)
    assert list(found) == ["heading", "source", "small", "two", "mid", "big"]  # ties: file order
    assert found["big"] == ["0", "1", "2", "3", "4"]
    assert list(facets(passages, fields=3)) == ["heading", "source", "small"]
    assert facets(passages, fields=0) == {}
    assert MAX_FACET_FIELDS == 8


def test_a_field_over_the_limit_is_left_out_however_its_values_arrive():
    passages = [Passage("p", "f.csv", "", "", (("k", v),)) for v in "abcab"]
    assert facets(passages, limit=2) == {}
    assert facets(passages, limit=3) == {"k": ["a", "b", "c"]}
