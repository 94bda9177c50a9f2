"""Markdown, HTML and Word files into sections that follow their headings.

Each file is first read into a flat list of :class:`Block` s, in order: headings (with
their level) and content blocks (a paragraph, a whole list, a code block, a table), with
the markup stripped but kept readable: list items as ``- item`` / ``1. item``, table rows
as ``cell | cell``, code as written. Then :func:`sections` cuts the list at every heading:
the content under one heading is one section, carrying the path of headings above it
(``"Pricing › Student discounts"``). A heading with nothing under it is no section of its
own: it lives on in the paths of the sections below it.

Parsers: markdown-it-py (CommonMark + tables, what Streamlit itself uses), BeautifulSoup
with Python's own ``html.parser``, and python-docx.

Navigation is not content, so it is no passage: HTML's ``<nav>``, elements whose class,
id, role or summary says navigation, menu, breadcrumbs or table of contents (``nav``,
``toc``...), lists whose text is mostly links (a table of contents, a link bar), Markdown
lists of nothing but links, and Word's ``TOC`` paragraphs. An HTML table used for layout
rather than data (it holds paragraphs, headings or other tables, or has a single row or
column of text) is read through: each row of plain cells is one paragraph, a cell with
blocks gives its blocks, and one whose cells are mostly links is navigation.

Nesting deeper than a person writes (a list 25 levels deep, 1,000 nested ``<div>`` s) is
read as plain text below a fixed depth, and the document's notes say so: both parsers
descend by recursion, and past that depth markdown-it would drop the rest of the file and
a walk of the HTML tree would exhaust Python's stack.

What it does not do: keep links' targets, images (their alt text is kept), footnotes,
or Word's headers, footers and comments.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from semsearch.documents.encodings import decode
from semsearch.documents.sections import HEADING_SEPARATOR, Document, DocumentError, Section

_SKIPPED_HTML = ("script", "style", "noscript", "template", "nav", "svg", "head", "form")
_HTML_BLOCKS = ("p", "pre", "table", "ul", "ol", "dl", "blockquote", "figcaption", "address")
MAX_MARKDOWN_NESTING = 60
"""markdown-it's ``maxNesting`` (tokens open at once; a list level opens two): far past
anything written by hand, far under Python's recursion limit."""
MAX_HTML_DEPTH = 200
"""Elements walked into; the text of anything deeper is read as one paragraph."""


@dataclass(frozen=True)
class Block:
    """A heading (``level`` 1-6) or a content block (``level`` 0), as readable text."""

    text: str
    level: int = 0


def sections(blocks: list[Block]) -> list[Section]:
    """The content under each heading as one section with its heading path (module doc)."""
    found: list[Section] = []
    path: list[Block] = []
    content: list[str] = []

    def close() -> None:
        if content:
            heading = HEADING_SEPARATOR.join(b.text for b in path)
            found.append(Section("\n\n".join(content), f"§ {len(found) + 1}", heading,
                                 blocks=tuple(content)))  # fmt: skip

    for block in blocks:
        if not block.text.strip():
            continue
        if block.level:
            close()
            content = []
            path = [b for b in path if b.level < block.level] + [block]
        else:
            content.append(block.text)
    close()
    return found


# -- Markdown ------------------------------------------------------------------------------


def _inline(token: Any) -> str:
    """An inline token's text without markup: emphasis, links and code marks dropped."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts).strip()


def _closing(tokens: list[Any], start: int) -> int:
    """The index of the token closing the one at ``start`` (same nesting level)."""
    level = tokens[start].level
    for i in range(start + 1, len(tokens)):
        if tokens[i].level == level and tokens[i].nesting == -1:
            return i
    return len(tokens) - 1


def _markdown_list(tokens: list[Any]) -> str:
    """A whole (nested) list as ``- item`` / ``1. item`` lines, indented by depth."""
    lines: list[str] = []
    stack: list[list[Any]] = []  # [ordered, next number]
    marker = False
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            stack.append([token.type == "ordered_list_open", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            stack.pop()
        elif token.type == "list_item_open":
            marker = True
        elif token.type in ("inline", "fence", "code_block") and stack:
            text = _inline(token) if token.type == "inline" else token.content.rstrip()
            depth = "  " * (len(stack) - 1)
            if marker:
                ordered, number = stack[-1]
                prefix = f"{number}. " if ordered else "- "
                stack[-1][1] += 1
                marker = False
            else:
                prefix = "  "
            lines.extend(f"{depth}{prefix if i == 0 else '  '}{line}"
                         for i, line in enumerate(text.splitlines()))  # fmt: skip
    return "\n".join(lines)


def _markdown_table(tokens: list[Any]) -> str:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(_inline(token))
    return "\n".join(" | ".join(row) for row in rows)


def _only_links(tokens: list[Any]) -> bool:
    """Whether a list holds two or more links and no text outside them (a contents list)."""
    links = 0
    for token in (token for token in tokens if token.type == "inline"):
        inside = 0
        for child in token.children or []:
            if child.type == "link_open":
                inside, links = inside + 1, links + 1
            elif child.type == "link_close":
                inside -= 1
            elif not inside and child.content.strip():
                return False
    return links >= 2


def _flatten_too_deep(state: Any, start: int, end: int, silent: bool) -> bool:
    """A block rule tried first: near the nesting limit, the rest of this block is one paragraph.

    markdown-it skips everything after the point where nesting reaches ``maxNesting`` (to the
    end of the file). A list or quote opens at most three tokens before its content, so at
    ``maxNesting - 4`` the lines of the enclosing block are taken here as plain text instead.
    """
    if state.level < state.md.options.maxNesting - 4:
        return False
    if silent:
        return True
    line = start + 1
    while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    content = state.getLines(start, line, state.blkIndent, False).strip()
    state.line = line
    state.env.setdefault("too_deep", []).append(start + 1)
    state.push("paragraph_open", "p", 1).map = [start, line]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = content, [start, line], []
    state.push("paragraph_close", "p", -1)
    return True


def markdown_blocks(text: str, notes: list[str] | None = None) -> list[Block]:
    """The headings and content blocks of a Markdown text.

    ``notes``: where to say that nesting too deep was read as plain text (module doc).
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_MARKDOWN_NESTING}).enable("table")
    parser.block.ruler.before("table", "too_deep", _flatten_too_deep)
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    if env.get("too_deep") and notes is not None:
        lines = ", ".join(str(n) for n in env["too_deep"][:5])
        notes.append(
            f"Lists or quotes nested too deep were read as plain text from line {lines}: "
            "their markers are kept and their structure is not."
        )
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _closing(tokens, i) if token.nesting == 1 else i
        if token.type == "heading_open":
            blocks.append(Block(_inline(tokens[i + 1]), int(token.tag[1:])))
        elif token.type == "paragraph_open":
            blocks.append(Block(_inline(tokens[i + 1])))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if not _only_links(tokens[i : end + 1]):
                blocks.append(Block(_markdown_list(tokens[i : end + 1])))
        elif token.type == "table_open":
            blocks.append(Block(_markdown_table(tokens[i : end + 1])))
        elif token.type == "blockquote_open":
            inner = [_inline(t) for t in tokens[i:end] if t.type == "inline"]
            blocks.append(Block("\n".join(inner)))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block(token.content.rstrip("\n")))
        elif token.type == "html_block":
            blocks.extend(html_blocks(token.content, notes))
        i = end + 1
    return blocks


# -- HTML ----------------------------------------------------------------------------------


def _text(element: Any) -> str:
    """An element's visible text, runs of whitespace as one space."""
    return re.sub(r"\s+", " ", element.get_text(" ")).strip()


def _html_list(element: Any, depth: int = 0, deep: list[str] | None = None) -> list[str]:
    lines = []
    ordered = element.name == "ol"
    number = int(element.get("start") or 1)
    for item in element.find_all("li", recursive=False):
        nested = item.find_all(["ul", "ol"], recursive=False)
        for inner in nested:
            inner.extract()
        prefix = f"{number}. " if ordered else "- "
        lines.append("  " * depth + prefix + _text(item))
        number += 1
        for inner in nested:
            if depth + 1 >= MAX_HTML_DEPTH:  # the whole deeper list as one line
                if deep is not None:
                    deep.append(inner.name)
                lines.append("  " * (depth + 1) + _text(inner))
            else:
                lines.extend(_html_list(inner, depth + 1, deep))
    return lines


def _html_block(element: Any, deep: list[str] | None = None) -> Block:
    name = element.name
    if name == "pre":
        return Block(element.get_text().strip("\n"))
    if name == "table":
        rows = [
            " | ".join(_text(cell) for cell in row.find_all(["th", "td"]))
            for row in element.find_all("tr")
        ]
        return Block("\n".join(row for row in rows if row.strip(" |")))
    if name in ("ul", "ol"):
        return Block("\n".join(_html_list(element, 0, deep)))
    if name == "dl":
        return Block("\n".join(_text(item) for item in element.find_all(["dt", "dd"])))
    return Block(_text(element))


_NAVIGATION = frozenset(
    {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "toc", "pagination"}
)
_CELL_BLOCKS = ("p", "div", "pre", "table", "ul", "ol", "dl", "blockquote",
                "h1", "h2", "h3", "h4", "h5", "h6")  # fmt: skip
_LINK_SHARE = 0.6
"""A list is navigation (a table of contents, a link bar) when links make this share of
its text."""


def _says_navigation(element: Any) -> bool:
    """Whether an element's class, id, role or summary names it navigation or contents."""
    words = [*element.get("class", []), element.get("id") or "", element.get("role") or ""]
    if any(word.lower() in _NAVIGATION for word in words):
        return True
    summary = (element.get("summary") or "").lower()
    return "navigation" in summary or "table of contents" in summary


def _mostly_links(element: Any) -> bool:
    """At least two links, and link text is most of the element's text (module doc)."""
    links = element.find_all("a")
    if len(links) < 2:
        return False
    linked = sum(len(_text(link)) for link in links)
    return linked >= _LINK_SHARE * max(1, len(_text(element)))


def _is_layout_table(table: Any) -> bool:
    """A table used to place things on the page, not to hold data (module doc)."""
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    if table.find(_CELL_BLOCKS):
        return True
    rows = table.find_all("tr")
    widths = [sum(1 for cell in row.find_all(["td", "th"]) if _text(cell)) for row in rows]
    return sum(1 for width in widths if width) < 2 or max(widths, default=0) < 2


def _link_only(cell: Any) -> bool:
    """A cell holding a link or an image and no text besides the links'."""
    if not cell.find(["a", "img"]):
        return False
    return not any(
        str(text).strip() for text in cell.find_all(string=True) if not text.find_parent("a")
    )


def _layout_table(table: Any, depth: int = 0, deep: list[str] | None = None) -> Iterator[Block]:
    """A layout table read through, row by row.

    A row's plain cells make one paragraph, put before the first block of the cell after
    them if there is one; cells with blocks give their blocks.
    """
    cells = table.find_all(["td", "th"])
    filled = [cell for cell in cells if _text(cell) or cell.find("img")]
    if filled and 2 * sum(1 for cell in filled if _link_only(cell)) >= len(filled):
        return  # a bar of links (previous, up, home, next): navigation
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table or _says_navigation(row):
            continue
        pending = ""  # plain cells' text (a question's number), put before the next block
        for part in row.find_all(["td", "th"], recursive=False):
            if not part.find(_CELL_BLOCKS):
                pending = " ".join(text for text in (pending, _text(part)) if text)
                continue
            for block in _walk(part, depth + 1, deep):
                if pending and not block.level:
                    block, pending = Block(f"{pending} {block.text}"), ""
                yield block
        if pending:
            yield Block(pending)


def _left_out(element: Any) -> bool:
    """Scripts, styles, navigation and contents lists: no passage (module doc)."""
    name = element.name
    if name in _SKIPPED_HTML or _says_navigation(element):
        return True
    return name in ("ul", "ol", "dl") and _mostly_links(element)


def _walk(element: Any, depth: int = 0, deep: list[str] | None = None) -> Iterator[Block]:
    """Blocks in document order; loose text in containers becomes a paragraph.

    Below :data:`MAX_HTML_DEPTH` a container's whole text is one paragraph, and its tag is
    added to ``deep``.
    """
    if depth >= MAX_HTML_DEPTH:
        if deep is not None:
            deep.append(element.name)
        yield Block(_text(element))
    else:
        yield from _children(element, depth, deep)


def _children(element: Any, depth: int, deep: list[str] | None) -> Iterator[Block]:
    """:func:`_walk` of each child of ``element``, at ``depth``."""
    loose: list[str] = []
    for child in element.children:
        name = getattr(child, "name", None)
        if name is None:
            if type(child).__name__ == "NavigableString" and str(child).strip():
                loose.append(str(child))
            continue
        if _left_out(child):
            continue
        if name == "table" and _is_layout_table(child):
            if loose:
                yield Block(re.sub(r"\s+", " ", "".join(loose)).strip())
                loose = []
            yield from _layout_table(child, depth + 1, deep)
            continue
        if name in ("br",) or (name not in _HTML_BLOCKS and not _is_block(name)):
            loose.append(child.get_text(" ") if name != "br" else "\n")
            continue
        if loose:
            yield Block(re.sub(r"\s+", " ", "".join(loose)).strip())
            loose = []
        if re.fullmatch(r"h[1-6]", name):
            yield Block(_text(child), int(name[1]))
        elif name in _HTML_BLOCKS:
            yield _html_block(child, deep)
        else:
            yield from _walk(child, depth + 1, deep)
    if loose:
        yield Block(re.sub(r"\s+", " ", "".join(loose)).strip())


def _is_block(name: str) -> bool:
    return name in ("html", "body", "main", "article", "section", "div", "header", "footer",
                    "aside", "figure", "details", "summary", "center", "hr") or bool(
        re.fullmatch(r"h[1-6]", name)
    )  # fmt: skip


def html_blocks(text: str, notes: list[str] | None = None) -> list[Block]:
    """The headings and content blocks of an HTML page (scripts, styles, navigation left out).

    ``notes``: where to say that elements nested too deep were read as plain text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    root = soup.body or soup
    deep: list[str] = []
    blocks = [block for block in _walk(root, 0, deep) if block.text]
    if deep and notes is not None:
        notes.append(
            f"Elements nested more than {MAX_HTML_DEPTH} deep were read as plain text "
            f"({len(deep)} <{deep[0]}> and below): their headings, lists and tables are "
            "not told apart."
        )
    return blocks


# -- Word ----------------------------------------------------------------------------------


MAX_INFLATED = 200 * 1024 * 1024
"""Most bytes a .docx may unpack to (the upload limit): more is a decompression bomb."""


def _check_inflated_size(name: str, data: bytes) -> None:
    """Refuse a .docx whose parts would unpack past :data:`MAX_INFLATED`, before unpacking.

    The sizes come from the zip's directory. A file that lies there is caught by zipfile
    itself, which stops reading a part at its declared size.
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: python-docx says so below, with the usual message
    if inflated > MAX_INFLATED:
        raise DocumentError(
            f"{name} would unpack to {inflated // 2**20} MB (more than "
            f"{MAX_INFLATED // 2**20} MB from {len(data) // 1024} KB): it looks like a "
            "decompression bomb and was not read."
        )


def docx_blocks(name: str, data: bytes) -> list[Block]:
    """The headings, paragraphs, lists and tables of a .docx file, in order.

    Raises:
        DocumentError: not a Word .docx file (an old .doc, or broken).
    """
    import docx
    from docx.table import Table

    _check_inflated_size(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - zip, XML and package errors alike
        raise DocumentError(
            f"{name} is not a readable Word .docx file ({type(error).__name__}); an old .doc "
            "must be saved as .docx first."
        ) from None
    blocks: list[Block] = []
    listing: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in item.rows]
            blocks.append(Block("\n".join(row for row in rows if row.strip(" |"))))
            continue
        style = item.style.name if item.style is not None else ""
        text = item.text.strip()
        if style.lower().startswith("toc "):  # Word's table of contents: "TOC 1", "toc 2"
            continue
        if style.startswith("List") and text:
            listing.append(f"{_list_number(style, listing)}{text}")
            continue
        if listing:
            blocks.append(Block("\n".join(listing)))
            listing = []
        level = _heading_level(style)
        blocks.append(Block(text, level))
    if listing:
        blocks.append(Block("\n".join(listing)))
    return blocks


def _list_number(style: str, listing: list[str]) -> str:
    return f"{len(listing) + 1}. " if "Number" in style else "- "


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    found = re.fullmatch(r"Heading (\d)", style)
    return int(found.group(1)) if found else 0


# -- files ---------------------------------------------------------------------------------


def read_markup(name: str, data: bytes, kind: str) -> Document:
    """A Markdown (``"markdown"``), HTML (``"html"``) or Word (``"docx"``) file as sections.

    Raises:
        DocumentError: an unreadable encoding or Word file, or no text in it.
    """
    notes: list[str] = []
    if kind == "docx":
        blocks, encoding = docx_blocks(name, data), ""
    else:
        decoded = decode(name, data)
        parse = markdown_blocks if kind == "markdown" else html_blocks
        blocks, encoding = parse(decoded.text, notes), decoded.encoding
    return Document(name, sections(blocks), encoding, notes=tuple(notes))
