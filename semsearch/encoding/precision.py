"""What the precision of a forward pass means for the scores shown next to it.

The reference is sentence-transformers' own output in fp32: the scores its documentation
prints and a student's notebook reproduces. An engine in fp32 gives them to 4 decimals; bf16
and fp16 move a vector by up to about 0.02 (cosine 0.9998 to the fp32 one), which moves a
score by up to about 0.005 (bench/RESULTS.md). On CUDA, bf16 is Qwen3-Embedding's own
precision (it was trained and published in bf16). A server's precision is its own affair.

It names the case and chooses the precision (:func:`default_dtype`, here so that it is
known without importing torch); wording it is the page's (:mod:`semsearch.page.words`, keys
``precision_<note>``) or the command line's (:data:`NOTES`).
"""

from __future__ import annotations

from typing import Literal

PrecisionNote = Literal["exact", "half_gpu", "half_cpu", "server"]

NOTES: dict[PrecisionNote, str] = {
    "exact": "scores in fp32, as sentence-transformers computes them (equal to 4 decimals)",
    "half_gpu": (
        "scores in {dtype} on {device}: Qwen3-Embedding's own precision (it was trained in "
        "bf16); sentence-transformers in fp32 may differ by up to ~0.005"
    ),
    "half_cpu": (
        "scores in {dtype} (asked for): faster to encode, but they may differ from "
        "sentence-transformers' fp32 scores by up to ~0.005; leave the precision unset "
        "(or --dtype fp32) for exact scores"
    ),
    "server": "scores from the embedding server at {device}, in the server's own precision",
}
"""The command line's wording of each note; ``{dtype}`` and ``{device}`` are filled in."""


def precision_note(dtype: str, device: str) -> PrecisionNote:
    """Which of :data:`NOTES` describes scores computed in ``dtype`` on ``device``.

    ``dtype`` is an engine's (``fp32``, ``bf16``, ``fp16``, or ``server`` for a remote
    engine that cannot tell); ``device`` is ``cpu``, ``cuda``..., or a server's URL.
    """
    if dtype == "fp32":
        return "exact"
    if dtype not in ("bf16", "fp16"):
        return "server"
    return "half_gpu" if device.startswith("cuda") else "half_cpu"


def describe_precision(dtype: str, device: str) -> str:
    """One line in English saying how the scores relate to sentence-transformers' fp32."""
    return NOTES[precision_note(dtype, device)].format(dtype=dtype, device=device)


def default_dtype(device: str, saved_dtype: str | None = None) -> str:
    """The precision a model runs in unless asked otherwise: ``"bf16"`` or ``"fp32"``.

    On CUDA, bf16 for a model saved in half precision (Qwen3-Embedding was trained and is
    published in bf16, its reference precision; fp16 can overflow), fp32 for one saved in
    fp32 or that does not say (the bundled all-MiniLM-L6-v2). Everywhere else fp32, the
    precision sentence-transformers runs in on a CPU, so that the scores shown are its
    scores: bf16 on a CPU is faster but moves scores in the third decimal (bench/RESULTS.md),
    so it is never chosen for the user.
    """
    if device.startswith("cuda") and saved_dtype in ("bf16", "fp16"):
        return "bf16"
    return "fp32"
