import pytest

from semsearch.documents.knowledge_base import is_blank, parse_lines, read_lines
from semsearch.errors import KnowledgeBaseError


@pytest.mark.parametrize(
    "line",
    ["", " ", "\t \t", "\u3000", "\u00a0", "\u200b", "\u200b\u200d\ufeff", " \u2060 \u200c "],
)
def test_blank_lines_include_whitespace_and_zero_width(line):
    assert is_blank(line)


@pytest.mark.parametrize("line", ["a", " 苹果 ", "\u200ba", "[a] [b]", ":smile:", "😀"])
def test_visible_text_is_not_blank(line):
    assert not is_blank(line)


def test_parse_lines_keeps_non_blank_lines_stripped_in_order():
    text = "  Apples \n\n\u200b\n\tOranges are *orange*\r\n \u3000\n苹果是一种水果\r最后"
    assert parse_lines(text) == ["Apples", "Oranges are *orange*", "苹果是一种水果", "最后"]


def test_parse_lines_keeps_inner_text_exactly():
    line = "<b>bold?</b> [link](x) :green[x] $x$ \u200b inner"
    assert parse_lines(f"\n{line}\n") == [line]


@pytest.mark.parametrize("text", ["", "\n\n", " \u200b \n\t\n"])
def test_parse_lines_of_blank_text_is_empty(text):
    assert parse_lines(text) == []


def test_read_lines_reads_utf8_and_drops_bom(tmp_path):
    path = tmp_path / "kb.txt"
    path.write_bytes("\ufeffHello\r\n\r\n世界\r\n".encode())
    assert read_lines(path) == ["Hello", "世界"]


def test_read_lines_missing_file(tmp_path):
    with pytest.raises(KnowledgeBaseError, match=r"not found: '.*nope\.txt'"):
        read_lines(tmp_path / "nope.txt")


def test_read_lines_folder(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="is a folder"):
        read_lines(tmp_path)


def test_read_lines_binary(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(KnowledgeBaseError, match="looks binary"):
        read_lines(path)


def test_read_lines_not_utf8(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café\n".encode("latin-1"))
    with pytest.raises(KnowledgeBaseError, match="not UTF-8 text \\(byte 3"):
        read_lines(path)


def test_read_lines_empty(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text(" \n\u200b\n")
    with pytest.raises(KnowledgeBaseError, match="is empty"):
        read_lines(path)
