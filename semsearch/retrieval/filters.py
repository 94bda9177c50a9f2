"""Metadata filters: which passages a search may rank, written ``key=value``.

A filter maps fields to the values each may take. A passage matches when, for every field
named, its value is one of the values given: values of one field are alternatives (OR),
fields all apply (AND). A field is one of the passage's own columns (``source``, ``place``,
``heading``) or any key of its metadata (a CSV row's other columns: ``price``). Values are
compared as text, exactly (``price=12`` does not match ``12.0``); a passage without the
key does not match.

The same parsing serves the command line (``--where source=manual.pdf``, repeatable), the
page (one multiselect per field, :func:`facets`) and every store (:func:`check_where`). What
it does not do: rank. Stores apply a filter before ranking (SQLite by SQL, Milvus by a
filter expression), the page by keeping only the matching passages (:func:`matching`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from semsearch.documents.chunking import Passage
from semsearch.errors import InvalidArgumentError

PASSAGE_FIELDS = ("source", "place", "heading")
"""Passage columns a filter may name; any other key names a metadata field."""
Where = Mapping[str, str | Sequence[str]]
"""A filter as callers give it: a field and one value, or several (any of them)."""
Filter = dict[str, tuple[str, ...]]
"""A checked filter: each field with its allowed values, in the order given."""

MAX_FACET_VALUES = 200
"""A field with more distinct values than this is not offered as a page control."""
MAX_FACET_FIELDS = 8
"""At most this many fields get a page control (a CSV of 10,000 columns would otherwise get
10,000 boxes and stall the browser); the others are filtered with ``--where``."""


def check_where(where: Where | None) -> Filter:
    """``where`` checked, each field with a tuple of values (a plain string is one value).

    Raises:
        InvalidArgumentError: an empty field name or no value for a field, or ``text`` (the
            passage itself is searched, not filtered), naming the fields that may be used.
    """
    checked: Filter = {}
    for key, given in (where or {}).items():
        field = str(key).strip()
        values = (given,) if isinstance(given, str) else tuple(str(v) for v in given)
        if not field or field == "text":
            raise InvalidArgumentError(
                f"Cannot filter on {field or 'an empty name'!r}: filter on "
                f"{', '.join(PASSAGE_FIELDS)} or a metadata field (a CSV column), "
                "as field=value."
            )
        if not values:
            raise InvalidArgumentError(f"The filter on {field!r} names no value; give one.")
        checked[field] = tuple(dict.fromkeys(checked.get(field, ()) + values))
    return checked


def parse_where(items: Iterable[str]) -> Filter:
    """``["source=a.pdf", "source=b.pdf", "price=12"]`` as a filter (a key repeated: OR).

    The first ``=`` splits key from value, so values may hold ``=``; blanks around the key
    are dropped, the value is kept as written.

    Raises:
        InvalidArgumentError: an item without ``=`` or with an empty key, as the example says.
    """
    pairs: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidArgumentError(
                f"--where {item!r} is not field=value; write e.g. --where source=manual.pdf "
                "or --where price=12 (repeat --where for more)."
            )
        pairs.setdefault(key.strip(), []).append(value)
    return check_where(pairs)


def field_value(passage: Passage, field: str) -> str | None:
    """The passage's value for ``field`` (a column or a metadata key); None when it has none."""
    if field in PASSAGE_FIELDS:
        return str(getattr(passage, field))
    return passage.fields.get(field)


def matches(passage: Passage, where: Filter) -> bool:
    """Whether ``passage`` satisfies every field of a checked filter."""
    return all(field_value(passage, field) in values for field, values in where.items())


def matching(passages: Sequence[Passage], where: Where | None) -> list[int]:
    """Positions of the passages that match ``where`` (all of them for no filter)."""
    checked = check_where(where)
    if not checked:
        return list(range(len(passages)))
    return [i for i, p in enumerate(passages) if matches(p, checked)]


def facets(
    passages: Iterable[Passage], limit: int = MAX_FACET_VALUES, fields: int = MAX_FACET_FIELDS
) -> dict[str, list[str]]:
    """The fields worth a filter control, each with its distinct values, sorted.

    ``source`` when the passages come from files, ``heading`` when any has one, and the
    metadata keys; a field is left out when it has more than ``limit`` distinct values (a
    list that long is no control) or one value only while every passage has it (filtering
    on it changes nothing). Of the rest, at most ``fields``: ``source`` and ``heading``
    first, then the metadata fields with the fewest values (ties in the file's order).
    Typed lines (no source) count as the value ``""``.
    """
    values: dict[str, set[str]] = {}
    total = 0
    present: dict[str, int] = {}  # passages holding each metadata key
    for passage in passages:
        total += 1
        for field in ("source", "heading"):
            values.setdefault(field, set()).add(getattr(passage, field))
        for key, value in passage.metadata:
            seen = values.setdefault(key, set())
            if len(seen) <= limit:  # past the limit the field is out: stop growing its set
                seen.add(value)
            present[key] = present.get(key, 0) + 1
    found: dict[str, list[str]] = {}
    for field, seen in values.items():
        # Every passage has a source and a heading ("" for none): typed lines alone, or no
        # headings anywhere, are one value everywhere and so left out like any other.
        everywhere = present.get(field, total) == total
        if len(seen) > limit or (len(seen) == 1 and everywhere):
            continue
        found[field] = sorted(seen)
    order = sorted(found, key=lambda f: (f not in ("source", "heading"), len(found[f])))
    return {field: found[field] for field in order[:fields]}


def describe(where: Filter) -> str:
    """``source=a.pdf|b.pdf, price=12``: a filter in one line, as ``--where`` writes it."""
    return ", ".join(f"{field}={'|'.join(values)}" for field, values in where.items())
