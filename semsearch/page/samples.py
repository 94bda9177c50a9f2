"""Sample knowledge bases shipped with the package, in English and Chinese.

The fruit samples are the seeds' own list plus a few distractors (Apple the company, the
stock market) that share words but not meaning. The support samples carry the classic
keyword-search miss: "my phone won't charge" against "dust in the charging port".
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Sample:
    """A named knowledge base: one text per line."""

    key: str
    language: str
    """``en`` or ``zh``: the language of the texts."""
    titles: dict[str, str]
    """The sample's name per UI language."""
    example_query: dict[str, str]
    """A query worth trying, per UI language."""

    @property
    def text(self) -> str:
        """The knowledge base, one entry per line."""
        return resources.files(__package__).joinpath(f"samples/{self.key}.txt").read_text("utf-8")


SAMPLES = (
    Sample(
        "en_fruit",
        "en",
        {"en": "Fruit (English)", "zh": "水果(英文)"},
        {"en": "Which fruit has a lot of vitamin C?", "zh": "Which fruit has a lot of vitamin C?"},
    ),
    Sample(
        "zh_fruit",
        "zh",
        {"en": "Fruit (Chinese)", "zh": "水果(中文)"},
        {"en": "哪种水果维C含量高?", "zh": "哪种水果维C含量高?"},
    ),
    Sample(
        "en_support",
        "en",
        {"en": "Customer support (English)", "zh": "客服问答(英文)"},
        {"en": "My phone won't charge", "zh": "My phone won't charge"},
    ),
    Sample(
        "zh_support",
        "zh",
        {"en": "Customer support (Chinese)", "zh": "客服问答(中文)"},
        {"en": "手机充不进电", "zh": "手机充不进电"},
    ),
)


def sample(key: str) -> Sample:
    """The sample called ``key``; raises ``KeyError`` naming the known keys otherwise."""
    for candidate in SAMPLES:
        if candidate.key == key:
            return candidate
    raise KeyError(f"No sample {key!r}; known: {', '.join(s.key for s in SAMPLES)}")


def default_sample(model_is_english_only: bool, ui_language: str) -> Sample:
    """English fruit while an English-only model is active; else fruit in the UI language."""
    if model_is_english_only or ui_language != "zh":
        return sample("en_fruit")
    return sample("zh_fruit")
