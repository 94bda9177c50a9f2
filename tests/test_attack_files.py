"""A corpus of hostile files, built in the tests: each is refused with its own DocumentError,
and the good files beside it still go in.

Bombs (a Word file and a PDF that inflate to 200 MB from a few hundred KB), truncated PDF
and Word files, an encrypted PDF, a CSV field over the csv module's limit, a text file in no
encoding semsearch reads, and binary data named ``.txt``. The Word bomb is read in a child
process under an address-space limit, so an unbounded reader fails there instead of taking
this machine's memory.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from semsearch.documents.chunking import ChunkSettings
from semsearch.documents.readers import DocumentError, read_document
from semsearch.retrieval.indexing import index_files
from semsearch.retrieval.stores import open_store

from .fakes import fake_embedder
from .helpers import pdf_from_objects
from .sample_files import _stream, docx, manual_pdf

MB = 1 << 20
BOMB = 200 * MB
"""What each bomb inflates to."""
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def deflated(size: int, block: bytes = b" ") -> bytes:
    compressor = zlib.compressobj(9)
    chunk = block * MB
    return b"".join(compressor.compress(chunk) for _ in range(size // MB)) + compressor.flush()


def docx_bomb() -> bytes:
    """A real .docx whose document.xml inflates to 200 MB of runs."""
    good = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, good.read(item.filename))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as part:
                part.write(b"<w:document " + W + b"><w:body><w:p><w:r>")
                runs = b"<w:t>a</w:t>" * (MB // 12)
                for _ in range(BOMB // MB):
                    part.write(runs)
                part.write(b"</w:r></w:p></w:body></w:document>")
    return out.getvalue()


def pdf_bomb() -> bytes:
    """A one-page PDF whose content stream inflates to 200 MB."""
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        _stream(deflated(BOMB), "/Filter /FlateDecode "),
    ])  # fmt: skip


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(manual_pdf())).pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


HOSTILE: dict[str, Callable[[], bytes]] = {
    "bomb.pdf": pdf_bomb,
    "truncated.pdf": lambda: half(manual_pdf()),
    "truncated.docx": lambda: half(docx()),
    "encrypted.pdf": encrypted_pdf,
    "huge-field.csv": lambda: b"text,note\n" + b"x" * 200_000 + b",n\nshort,n\n",
    "wrong-encoding.txt": lambda: bytes(range(0x80, 0x100)) * 40,
    "binary.txt": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "empty.pdf": lambda: b"",
}
BUGS: dict[str, str] = {}
"""Files whose reading is a known bug, as strict xfails (none now: the bomb PDF and the huge
CSV field were fixed by the error boundary)."""


def hostile(name: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=BUGS[name])] if name in BUGS else []
    return pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", [hostile(name) for name in HOSTILE])
def test_each_hostile_file_is_refused_with_its_own_message(name):
    with pytest.raises(DocumentError) as refused:
        read_document(name, HOSTILE[name]())
    assert name in str(refused.value)


def test_the_good_files_still_go_in_beside_the_hostile_ones(tmp_path):
    safe = {name: build for name, build in HOSTILE.items() if name not in BUGS}
    for name, build in safe.items():
        (tmp_path / name).write_bytes(build())
    good = tmp_path / "good.txt"
    good.write_text("Bananas are yellow.\n", encoding="utf-8")
    store = open_store(f"sqlite:{tmp_path / 'store'}")
    paths = [*(tmp_path / name for name in safe), good]
    report = index_files(store, "kb", fake_embedder(), paths, ChunkSettings("line"))
    assert [Path(path).name for path, _ in report.failed] == list(safe)
    assert all(Path(path).name in reason for path, reason in report.failed)
    assert report.files == 1
    [rows] = store.rows("kb")
    assert [p.text for p in rows.passages] == ["Bananas are yellow."]


def test_every_hostile_file_is_skipped_and_the_rest_indexed(tmp_path):
    for name, build in HOSTILE.items():
        (tmp_path / name).write_bytes(build())
    good = tmp_path / "good.txt"
    good.write_text("Bananas are yellow.\n", encoding="utf-8")
    store = open_store(f"sqlite:{tmp_path / 'store'}")
    paths = [*(tmp_path / name for name in HOSTILE), good]
    report = index_files(store, "kb", fake_embedder(), paths, ChunkSettings("line"))
    assert [Path(path).name for path, _ in report.failed] == list(HOSTILE)
    assert report.files == 1


def test_a_word_bomb_is_refused_without_inflating_it(tmp_path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bomb())
    limit = 1536 * MB
    script = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from semsearch.documents.readers import DocumentError, read_document
        import docx, lxml.etree  # imported before the baseline is taken
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        try:
            read_document("bomb.docx", Path({str(bomb)!r}).read_bytes())
            print("read")
        except DocumentError as error:
            print("refused:", error)
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
        print("grew", grew, "MB")
    """)
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    lines = child.stdout.splitlines()
    assert child.returncode == 0, child.stderr[-2000:]
    assert lines[0].startswith("refused: bomb.docx")
    assert int(lines[1].split()[1]) < 256, lines[1]
