"""Name how strong a similarity score is, for colour and words on the page.

The bands follow the model card's reference scores (matching pairs about 0.6-0.76,
unrelated about 0.14): at least 0.6 is a strong match, 0.4 up to 0.6 related, below weak.
They describe a score; which results are shown is the threshold's job.
"""

from __future__ import annotations

from enum import Enum

STRONG_AT = 0.6
RELATED_AT = 0.4


class Tier(Enum):
    """A band of scores, with the markdown colour the page paints it in."""

    STRONG = "strong"
    RELATED = "related"
    WEAK = "weak"

    @property
    def markdown(self) -> str:
        """Streamlit markdown directive: dark green, light green background, or grey."""
        return {"strong": "green", "related": "green-background", "weak": "gray"}[self.value]


def tier_of(score: float) -> Tier:
    """The tier of ``score``: >= 0.6 strong, >= 0.4 related, else weak."""
    if score >= STRONG_AT:
        return Tier.STRONG
    if score >= RELATED_AT:
        return Tier.RELATED
    return Tier.WEAK
