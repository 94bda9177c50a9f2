"""Bytes to text, with the encoding found and named: a byte-order mark, UTF-8, or detection.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; NUL bytes without one mean
UTF-16 without a mark when they sit in every other byte, else a binary file; then strict
UTF-8; then ``charset-normalizer`` limited to the common encodings semsearch promises to
read (GB18030/GBK, Big5, Shift-JIS, EUC-JP, EUC-KR, Windows-1252 = Latin-1). The limit is
deliberate: left free on a short Latin-1 file, detection picks Central-European cp1250 or
even UTF-16 (measured with charset-normalizer 3.5), and é, è, ù come out as other letters.
A file in none of those is refused with the encoding it looks like, never read as garbage.

What it does not do: guess line structure or fix mojibake already inside a file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from semsearch.documents.sections import DocumentError

COMMON = ("utf_8", "gb18030", "big5", "cp932", "euc_jp", "euc_kr", "cp1252")
"""The encodings detection chooses from, besides the marked Unicode ones."""
NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 with BOM",
    "utf_16_le": "UTF-16 LE",
    "utf_16_be": "UTF-16 BE",
    "utf_32_le": "UTF-32 LE",
    "utf_32_be": "UTF-32 BE",
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp932": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp1252": "Latin-1 (Windows-1252)",
}
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf_32_le", "UTF-32 LE with BOM"),
    (codecs.BOM_UTF32_BE, "utf_32_be", "UTF-32 BE with BOM"),
    (codecs.BOM_UTF8, "utf_8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf_16_le", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf_16_be", "UTF-16 BE with BOM"),
)


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read in, named for people (``"GB18030"``)."""

    text: str
    encoding: str


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf_16_le``/``_be`` when NULs fill one byte of most pairs (ASCII-heavy UTF-16)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    if odd >= 0.3 * pairs and even == 0:
        return "utf_16_le"
    if even >= 0.3 * pairs and odd == 0:
        return "utf_16_be"
    return None


def _controls(text: str) -> bool:
    """Whether ``text`` holds control characters no text file has (binary read as text)."""
    return any(ord(c) < 32 and c not in "\t\n\r\f\v" for c in text[:2048])


def decode(name: str, data: bytes) -> Decoded:
    """``data`` as text and the encoding it was in (see the module doc for the order).

    Raises:
        DocumentError: binary data, bytes that break the marked encoding, or an encoding
            outside :data:`COMMON` (named, with the fix: save the file as UTF-8).
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(name, data[len(bom) :], codec, label), label)
    if b"\x00" in data[:4096]:
        wide = _utf16_without_bom(data)
        if wide is None or _controls(data.decode(wide, errors="replace")):
            raise DocumentError(f"{name} looks binary (it contains NUL bytes), not text.")
        return Decoded(_strict(name, data, wide, NAMES[wide]), NAMES[wide])
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(COMMON)).best()
    if best is not None:
        label = NAMES.get(best.encoding, best.encoding)
        return Decoded(str(best), label)
    anything = from_bytes(data).best()
    looks = f"it looks like {anything.encoding}" if anything is not None else "no encoding fits"
    raise DocumentError(
        f"{name} is not text in an encoding semsearch reads ({looks}); it reads UTF-8/16, "
        "GB18030, Big5, Shift-JIS, EUC-JP, EUC-KR and Latin-1. Save it as UTF-8."
    )


def _strict(name: str, data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name} starts as {label} but byte {error.start} cannot be decoded in it; "
            "save it again as UTF-8."
        ) from None
