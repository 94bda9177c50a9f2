"""Token spans estimated without a tokenizer, for engines that keep theirs on a server.

Cutting a document into windows of N tokens needs to know where tokens are. A remote
engine does not share its tokenizer, so this module estimates: every CJK character, every
other non-space symbol, and every run of up to four letters or digits counts as one token.
Subword tokenizers (BPE, WordPiece) average about four characters per token on English and
one or more tokens per CJK character, so the estimate rarely counts fewer tokens than the
model does: windows cut with it stay under the cap. It is not used for anything shown as
a token count.
"""

from __future__ import annotations

import re

_CJK = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
_PIECE = re.compile(
    _CJK  # one CJK character
    + rf"|(?:(?!{_CJK})[^\W_]){{1,4}}"  # up to four other letters or digits
    + r"|[^\s]"  # any other symbol
)


def approximate_token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the estimated tokens of ``text``, in order, whitespace left out."""
    return [match.span() for match in _PIECE.finditer(text)]
