"""Turn what a person typed or saved into the list of texts that get embedded.

One text per line. A line that holds only whitespace or zero-width characters (which a
person cannot see, so cannot have meant) is not a text. Texts are kept as typed apart from
the surrounding whitespace. Splitting documents into chunks is not done here.
"""

from __future__ import annotations

from pathlib import Path

from semsearch.errors import KnowledgeBaseError

# Characters that take no space on screen: a line made only of these looks blank.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Every Unicode whitespace character (all lie below U+3001) plus the zero-width ones, so one
# C-level str.strip tells whether a line shows anything: fast on 100k-line knowledge bases.
_INVISIBLE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + ZERO_WIDTH


def is_blank(line: str) -> bool:
    """Say whether a line shows nothing: empty, whitespace or zero-width characters only."""
    return not line.strip(_INVISIBLE)


def parse_lines(text: str) -> list[str]:
    """Return the non-blank lines of ``text``, each stripped of surrounding whitespace.

    Any line ending counts (``\\n``, ``\\r\\n``, ``\\r``, Unicode separators). The position of a
    text in the returned list is its index everywhere else (ranking, the CLI's JSON).
    """
    return [line.strip() for line in text.splitlines() if line.strip(_INVISIBLE)]


MAX_BYTES = 200 * 1024**2
"""Largest knowledge-base file read (200 MB, the page's upload limit): a device such as
``/dev/zero`` or a pipe that never ends is refused, not read until memory runs out."""


def read_lines(path: str | Path, *, max_bytes: int = MAX_BYTES) -> list[str]:
    """Read a UTF-8 text file and return its non-blank lines (see :func:`parse_lines`).

    At most ``max_bytes`` are read, whatever the file claims to hold (a device or a pipe
    says 0 bytes).

    Raises:
        KnowledgeBaseError: the file is missing, is a folder, is larger than ``max_bytes``,
            is not UTF-8 text, or has no non-blank line.
    """
    file = Path(path)
    if not file.exists():
        raise KnowledgeBaseError(f"Knowledge-base file not found: {str(file)!r}.")
    if file.is_dir():
        raise KnowledgeBaseError(
            f"{str(file)!r} is a folder; give a text file with one entry per line."
        )
    try:
        with file.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as error:
        raise KnowledgeBaseError(f"Cannot read {str(file)!r}: {error.strerror}.") from None
    if len(raw) > max_bytes:
        raise KnowledgeBaseError(
            f"{str(file)!r} holds more than {max_bytes / 1024**2:g} MB (or never ends, as a "
            "device or a pipe may); split it, or save the passages with `semsearch index` "
            "and search them with --name."
        )
    if b"\x00" in raw:
        raise KnowledgeBaseError(
            f"{str(file)!r} looks binary (it contains NUL bytes); give a UTF-8 text file."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise KnowledgeBaseError(
            f"{str(file)!r} is not UTF-8 text (byte {error.start} cannot be decoded); "
            "save it as UTF-8 and try again."
        ) from None
    lines = parse_lines(text)
    if not lines:
        raise KnowledgeBaseError(
            f"The knowledge base {str(file)!r} is empty: it has no non-blank line."
        )
    return lines
