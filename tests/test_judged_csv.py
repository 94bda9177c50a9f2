"""One reader for the ``query,text,relevant`` CSV: the page's labels and ``semsearch eval``.

The same file read by calibration and by evaluation gives the same rows, and both say the
same thing about the same fault.
"""

from __future__ import annotations

import pytest

from semsearch.analysis.calibration import Label, labels_csv, read_labels_csv
from semsearch.analysis.evaluation import read_judgements
from semsearch.analysis.judged_csv import JudgedRow, parse_relevant, read_judged_csv
from semsearch.errors import InvalidArgumentError

LABELS = (
    "\ufeffQuery , TEXT,Relevant\n"
    "fruit?, Oranges have vitamin C. ,是\n"
    'fruit?,"Apples, pears",no\n'
    "fruit?,Bananas,相关\n"
    ",orphan text,1\n"
)


def test_rows_in_file_order_stripped_with_every_way_of_saying_relevant():
    read = read_judged_csv(LABELS.removeprefix("\ufeff"), "labels.csv")
    assert read.by == "text"
    assert read.rows == [
        JudgedRow("fruit?", "Oranges have vitamin C.", True),
        JudgedRow("fruit?", "Apples, pears", False),
        JudgedRow("fruit?", "Bananas", True),
        JudgedRow("", "orphan text", True),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), (" YES ", True), ("y", True), ("relevant", True), ("相关", True),
     ("0", False), ("False", False), ("n", False), ("not relevant", False), ("不相关", False)],
)  # fmt: skip
def test_relevant_values(value, expected):
    assert parse_relevant(value, "row 2") is expected


def test_calibration_and_evaluation_read_the_same_file_alike(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_bytes(LABELS.encode("utf-8"))
    labels = read_labels_csv(path.read_bytes())
    assert labels == [
        Label("fruit?", "Oranges have vitamin C.", True),
        Label("fruit?", "Apples, pears", False),
        Label("fruit?", "Bananas", True),
    ]
    texts = ["Bananas are yellow.", "Apples, pears and plums.", "Oranges have vitamin C."]
    assert read_judgements(path, texts).relevant == {"fruit?": frozenset({0, 2})}
    # What the page writes, both read back.
    path.write_bytes(labels_csv(labels))
    assert read_labels_csv(path.read_bytes()) == sorted(labels, key=lambda x: x.text)
    assert read_judgements(path, texts).relevant == {"fruit?": frozenset({0, 2})}


def test_judgements_may_name_passages_by_id_and_leave_relevant_out():
    read = read_judged_csv("query,passage_id\nreset?, 3\n", "ids.csv")
    assert (read.by, read.rows) == ("id", [JudgedRow("reset?", "3", True)])
    # A blank relevant cell in a judgements file means relevant; in a label file it is no label.
    assert read_judged_csv("query,text,relevant\nq,t,\n", "j.csv").rows == [
        JudgedRow("q", "t", True)
    ]
    with pytest.raises(
        InvalidArgumentError,
        match=r"^The labels file, row 2: relevant='' is not a label; use 1 or 0\.$",
    ):
        read_labels_csv(b"query,text,relevant\nq,t,\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "query,text,relevant\nq,t,maybe\n",
            "{what}, row 2: relevant='maybe' is not a label; use 1 or 0.",
        ),
        (
            "query,text,relevant\nq,a, b,1\n",
            "{what}, row 2 has 4 cells, more than the header's 3 columns (extra: '1'): put a query or text that holds a comma in double quotes (\"a, b\").",
        ),
        (
            'query,text,relevant\nq,"' + "x" * 200_000 + "\n",
            "{what} is not a readable CSV (line 1: field larger than field limit (131072)); check for a quote that is never closed.",
        ),
    ],
)
def test_both_readers_say_the_same_about_the_same_fault(tmp_path, data, message):
    with pytest.raises(InvalidArgumentError) as labels_error:
        read_labels_csv(data.encode())
    path = tmp_path / "judgements.csv"
    path.write_text(data, encoding="utf-8")
    with pytest.raises(InvalidArgumentError) as eval_error:
        read_judgements(path, ["t"])
    assert str(labels_error.value) == message.format(what="The labels file")
    assert str(eval_error.value) == message.format(what=path)


def test_missing_columns_are_named_with_what_the_file_has(tmp_path):
    with pytest.raises(InvalidArgumentError) as error:
        read_labels_csv(b"query,text\nq,t\n")
    assert str(error.value) == (
        "The labels file needs a header with the columns query,text,relevant; missing: "
        "relevant (it has: query, text)."
    )
    with pytest.raises(InvalidArgumentError) as error:
        read_judged_csv("question,answer\na,b\n", "bad.csv")
    assert str(error.value) == (
        "bad.csv needs a header with the columns query,text or query,passage_id (and "
        "optionally relevant); missing: query, text (it has: question, answer)."
    )
