"""The benchmarks' fixed corpus: mixed-length lines in English and Chinese, same every run.

Lines of 3 to 120 words (English, from the bundled model's vocabulary) or 3 to 120
characters (Chinese), drawn with a fixed seed, so every engine on every machine encodes
exactly the same texts. Lines come in families of five that share a set of core words, and
each query is made of one family's core words: its top five are that family, clearly apart
from the rest. Comparing two engines' top-5 then tests rankings that mean something, not
the order of near-equal scores among unrelated lines.

The words come from the bundled model's vocabulary; where that model is not installed (the
lent GPU machine) a made-up vocabulary of the same size stands in (:func:`vocabulary_source`).
"""

from __future__ import annotations

import random
from functools import cache

from semsearch.encoding.model_source import bundled_folder
from semsearch.errors import ModelLoadError

FAMILY = 5


@cache
def _vocabulary() -> tuple[list[str], list[str]]:
    try:
        folder = bundled_folder()
    except ModelLoadError:  # a GPU machine with nothing installable: see vocabulary_source()
        return _synthetic_vocabulary()
    words = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    english = [w for w in words if w.isascii() and w.isalpha() and len(w) > 2]
    chinese = [w for w in words if len(w) == 1 and "\u4e00" <= w <= "\u9fff"]
    return english, chinese


def _synthetic_vocabulary() -> tuple[list[str], list[str]]:
    """Made-up words of 2-4 syllables and common CJK characters, the same on every machine.

    For random-weight twins, whose tokenizers learn whatever words they are given, only the
    lengths matter; figures from this vocabulary compare with each other, not with the
    bundled-vocabulary corpus.
    """
    rng = random.Random(0)
    syllables = [c + v for c in "bcdfghklmnprstvwz" for v in "aeiou"]
    english = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(22000)})
    chinese = [chr(code) for code in range(0x4E00, 0x4E00 + 5000)]
    return english, chinese


def vocabulary_source() -> str:
    """``bundled`` (the model's vocab.txt) or ``synthetic`` (the bundled model is absent)."""
    try:
        bundled_folder()
    except ModelLoadError:
        return "synthetic"
    return "bundled"


def _family(rng: random.Random, words: list[str], joiner: str) -> tuple[list[str], str]:
    core = rng.sample(words, 12)
    lines = []
    for _ in range(FAMILY):
        length = rng.randint(3, 120)
        picks = [
            rng.choice(core) if rng.random() < 0.5 else rng.choice(words) for _ in range(length)
        ]
        lines.append(joiner.join(picks))
    return lines, joiner.join(core[:6])


def corpus_and_queries(
    lines: int, queries: int = 200, seed: int = 0
) -> tuple[list[str], list[str]]:
    """``lines`` texts (a multiple of 5, rounded up) and up to ``queries`` family queries."""
    english, chinese = _vocabulary()
    rng = random.Random(seed)
    texts: list[str] = []
    asked: list[str] = []
    while len(texts) < lines:
        chinese_family = rng.random() < 0.25
        family, query = _family(
            rng, chinese if chinese_family else english, "" if chinese_family else " "
        )
        texts.extend(family)
        asked.append(query)
    picked = random.Random(seed + 1).sample(asked, min(queries, len(asked)))
    return texts, picked


def short_lines(lines: int, seed: int = 3) -> list[str]:
    """``lines`` distinct English lines of 3-8 words: a large knowledge base that encodes fast."""
    english, _ = _vocabulary()
    rng = random.Random(seed)
    return [
        f"{i} " + " ".join(rng.choice(english) for _ in range(rng.randint(2, 7)))
        for i in range(lines)
    ]
