"""Whether the model in use can read some texts, and which model to load when it cannot.

A model reads the languages it was trained on. The bundled all-MiniLM-L6-v2 declares
``language: en`` in its model card and gives Chinese text confident, meaningless scores;
Qwen3-Embedding reads more than 100 languages. Two local, cheap signals say so:

- **characters**: the share of a text's letters written in scripts that none of the model's
  declared languages uses (the Unicode script property, read with ``regex``);
- **tokens**: the share of the tokenizer's pieces that are its unknown token (``[UNK]`` for
  WordPiece). Byte-level BPE tokenizers (Qwen3's) have none, so for them this is not measured.

A text is unreadable when at least half its letters or half its tokens are. What this does
not do: tell apart languages that share a script (French on an English-only model is Latin
script, so nothing is said), or judge how well a multilingual model reads a language.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import regex

from semsearch.encoding.model_source import QWEN3_0_6B, cached_folder

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from semsearch.encoding.embedder import Embedder

UNREADABLE_SHARE = 0.5
"""A text is unreadable when this share of its letters, or of its tokens, is."""

MULTILINGUAL_FAMILIES = frozenset({"qwen2", "qwen3", "xlm-roberta"})
"""``model_type`` values of multilingual families whose cards declare no language list
(Qwen3-Embedding's card says "100+ languages" in prose only)."""

# The languages (ISO 639-1) written in each script. A declared code not listed here leaves the
# model's scripts unknown, and then characters are not judged: better silent than wrong.
_LANGUAGES_OF_SCRIPT = {
    "Latin": "en fr de es it pt nl sv da no nb nn fi is et lv lt pl cs sk sl hr bs sq ro hu tr "
    "az uz id ms vi tl sw af ca eu gl ga cy mt eo la lb sr",
    "Cyrillic": "ru uk be bg mk kk ky tg mn sr",
    "Arabic": "ar fa ur ps ug",
    "Devanagari": "hi mr ne sa",
    "Han": "zh ja ko",
    "Bopomofo": "zh",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Hangul": "ko",
    "Greek": "el",
    "Hebrew": "he yi",
    "Thai": "th",
    "Bengali": "bn",
    "Tamil": "ta",
    "Telugu": "te",
    "Gujarati": "gu",
    "Gurmukhi": "pa",
    "Georgian": "ka",
    "Armenian": "hy",
    "Ethiopic": "am",
}
_SCRIPTS_OF: dict[str, set[str]] = {}
for _script, _codes in _LANGUAGES_OF_SCRIPT.items():
    for _code in _codes.split():
        _SCRIPTS_OF.setdefault(_code, set()).add(_script)
_NAMED_SCRIPTS = sorted(_LANGUAGES_OF_SCRIPT)
_LETTER = regex.compile(r"\p{L}")

Source = Literal["model card", "model family", "not declared"]


@dataclass(frozen=True)
class ModelReading:
    """What a model can read: its declared languages, their scripts, its unknown token."""

    model: str
    languages: tuple[str, ...]
    """Declared language codes (``("en",)``); empty when the model declares none."""
    source: Source
    """Where :attr:`languages` come from."""
    scripts: frozenset[str] | None
    """Unicode scripts of those languages; ``None``: any (multilingual, or not known)."""
    tokenizer: Tokenizer | None = field(default=None, compare=False, repr=False)
    """The model's tokenizer when it has an unknown token; else ``None``."""

    @property
    def multilingual(self) -> bool:
        """Whether the model reads any script (as far as it declares)."""
        return self.scripts is None and self.source != "not declared"


@dataclass(frozen=True)
class LanguageFit:
    """Whether a model can read some texts; when it cannot, what was seen and what to load."""

    model: str
    languages: tuple[str, ...]
    """The languages the model declares (see :class:`ModelReading`)."""
    texts: int
    unreadable: tuple[int, ...]
    """Positions of the texts the model cannot read (see :data:`UNREADABLE_SHARE`)."""
    foreign_share: float
    """Share of all letters written in scripts outside the model's languages (0 when these
    are unknown)."""
    unknown_share: float | None
    """Share of the tokens of the non-ASCII texts that are the unknown token (0 when every
    text is ASCII); ``None``: not measured (the tokenizer has no unknown token)."""
    seen: str | None
    """The Unicode script most of the unreadable letters are in (``Han``, ``Hangul``...);
    ``None`` when the model reads everything or only unknown tokens gave it away."""
    fix: str | None
    """A multilingual model to load instead; ``None`` when the model reads every text."""

    @property
    def fits(self) -> bool:
        """Whether the model can read every text."""
        return not self.unreadable


def _declared(folder: Path) -> list[str]:
    from huggingface_hub.repocard import metadata_load

    card = folder / "README.md"
    try:
        meta = metadata_load(card) if card.is_file() else None
    except (OSError, ValueError):  # a malformed card declares nothing
        meta = None
    value = (meta or {}).get("language") or []
    codes = [value] if isinstance(value, str) else [str(v) for v in value]
    return [code.strip().lower().replace("_", "-").split("-")[0] for code in codes if code]


def _model_type(folder: Path) -> str:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(config.get("model_type", "")) if isinstance(config, dict) else ""


def _tokenizer_with_unknown(folder: Path) -> Tokenizer | None:
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        return None
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception:  # noqa: BLE001 - an unreadable tokenizer only means "not measured"
        return None
    unknown = getattr(tokenizer.model, "unk_token", None)
    if not unknown or tokenizer.token_to_id(unknown) is None:
        return None
    tokenizer.no_padding()  # the bundled model's file pads every text to 128 tokens
    tokenizer.no_truncation()
    return tokenizer


@functools.lru_cache(maxsize=8)
def model_reading(model: str, folder: Path | None) -> ModelReading:
    """What ``model`` (files in ``folder``, when known) reads, from its card and its files.

    Declared languages come from the ``language`` field of the model card's front matter
    (``README.md``); a multilingual family (:data:`MULTILINGUAL_FAMILIES`) that declares none
    reads any script; otherwise nothing is declared and only unknown tokens are measured.
    Without a folder (a served model not cached here), the name decides: ``qwen3`` in it means
    multilingual.
    """
    if folder is None or not folder.is_dir():
        if "qwen3" in model.lower():
            return ModelReading(model, (), "model family", None)
        return ModelReading(model, (), "not declared", None)
    tokenizer = _tokenizer_with_unknown(folder)
    codes = _declared(folder)
    if codes and "multilingual" not in codes:
        known = [code for code in codes if code in _SCRIPTS_OF]
        scripts = None
        if len(known) == len(codes):
            scripts = frozenset(s for code in codes for s in _SCRIPTS_OF[code])
        return ModelReading(model, tuple(codes), "model card", scripts, tokenizer)
    if codes or _model_type(folder) in MULTILINGUAL_FAMILIES:
        source: Source = "model card" if codes else "model family"
        return ModelReading(model, tuple(codes), source, None, tokenizer)
    return ModelReading(model, (), "not declared", None, tokenizer)


def reading_of(embedder: Embedder) -> ModelReading:
    """:func:`model_reading` of the model behind ``embedder`` (local or served)."""
    report = embedder.report
    folder: Path | None = None
    if report is not None and report.how != "remote":
        folder = Path(report.folder)
    elif Path(embedder.name).expanduser().is_dir():
        folder = Path(embedder.name).expanduser()
    elif embedder.name.count("/") == 1:
        folder = cached_folder(embedder.name)
    return model_reading(embedder.name, folder)


def _letters(text: str, scripts: frozenset[str] | None) -> tuple[int, int]:
    """(letters, letters outside ``scripts``) of ``text``."""
    if text.isascii():  # the common case, without a regex pass
        letters = sum(c.isalpha() for c in text)
        return letters, 0 if scripts is None or "Latin" in scripts else letters
    letters = len(_LETTER.findall(text))
    if scripts is None:
        return letters, 0
    inside = _inside_pattern(scripts)
    return letters, letters - len(inside.findall(text))


@functools.lru_cache(maxsize=16)
def _inside_pattern(scripts: frozenset[str]) -> regex.Pattern[str]:
    return regex.compile("[" + "".join(f"\\p{{Script={s}}}" for s in sorted(scripts)) + "]")


def _main_script(texts: Sequence[str], scripts: frozenset[str]) -> str | None:
    outside = [s for s in _NAMED_SCRIPTS if s not in scripts]
    joined = "".join(texts)
    counts = Counter({s: len(regex.findall(f"\\p{{Script={s}}}", joined)) for s in outside})
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def _unknown(tokenizer: Tokenizer, texts: Sequence[str]) -> list[tuple[int, int]]:
    """(tokens, unknown tokens) of each non-ASCII text, special tokens left out; (0, 0) else.

    Plain ASCII is left out because vocabularies with an unknown token cover it (WordPiece
    keeps every printable ASCII character): this skips the tokenizer for English bases.
    """
    unknown_id = cast(int, tokenizer.token_to_id(tokenizer.model.unk_token))  # checked on load
    wide = [i for i, text in enumerate(texts) if not text.isascii()]
    counts = [(0, 0)] * len(texts)
    encoded = tokenizer.encode_batch([texts[i] for i in wide], add_special_tokens=False)
    for i, e in zip(wide, encoded, strict=True):
        counts[i] = (len(e.ids), e.ids.count(unknown_id))
    return counts


def language_fit(
    reading: ModelReading, texts: Sequence[str], *, fix: str = QWEN3_0_6B
) -> LanguageFit:
    """Whether the model described by ``reading`` can read ``texts``.

    Args:
        reading: the model's languages and tokenizer (:func:`model_reading`, :func:`reading_of`).
        texts: the knowledge base's passages, or the query alone.
        fix: the multilingual model to name when some text is unreadable.
    """
    counts = [_letters(text, reading.scripts) for text in texts]
    tokens = _unknown(reading.tokenizer, texts) if reading.tokenizer is not None else None
    unreadable = []
    for i, (letters, foreign) in enumerate(counts):
        by_letters = letters > 0 and foreign >= UNREADABLE_SHARE * letters
        total, unknown = tokens[i] if tokens is not None else (0, 0)
        if by_letters or (unknown > 0 and unknown >= UNREADABLE_SHARE * total):
            unreadable.append(i)
    letters_all = sum(c[0] for c in counts)
    foreign_all = sum(c[1] for c in counts)
    unknown_share = None
    if tokens is not None:
        unknown_share = sum(u for _, u in tokens) / max(sum(n for n, _ in tokens), 1)
    seen = None
    if unreadable and reading.scripts is not None and foreign_all:
        seen = _main_script([texts[i] for i in unreadable], reading.scripts)
    return LanguageFit(
        model=reading.model,
        languages=reading.languages,
        texts=len(texts),
        unreadable=tuple(unreadable),
        foreign_share=foreign_all / letters_all if letters_all else 0.0,
        unknown_share=unknown_share,
        seen=seen,
        fix=fix if unreadable else None,
    )
