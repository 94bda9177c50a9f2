"""Documents in: reading files, cutting them into passages, parsing typed lines.

Public names, imported on first use (importing this package loads no PDF or Word reader).
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.documents.chunking import ChunkSettings as ChunkSettings
    from semsearch.documents.chunking import Passage as Passage
    from semsearch.documents.chunking import chunk_documents as chunk_documents
    from semsearch.documents.chunking import chunk_text as chunk_text
    from semsearch.documents.knowledge_base import parse_lines as parse_lines
    from semsearch.documents.knowledge_base import read_lines as read_lines
    from semsearch.documents.readers import is_readable_name as is_readable_name
    from semsearch.documents.readers import read_document as read_document
    from semsearch.documents.readers import read_file as read_file
    from semsearch.documents.sections import Document as Document
    from semsearch.documents.sections import Section as Section
    from semsearch.documents.tables import read_table as read_table
    from semsearch.errors import DocumentError as DocumentError

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".chunking": ("ChunkSettings", "Passage", "chunk_documents", "chunk_text"),
        ".knowledge_base": ("parse_lines", "read_lines"),
        ".readers": ("is_readable_name", "read_document", "read_file"),
        ".sections": ("Document", "Section"),
        ".tables": ("read_table",),
        "semsearch.errors": ("DocumentError",),
    },
)
