"""Answers with citations and second-stage reranking, from causal language models.

Public names, imported on first use (importing this package loads no model library).
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.answers.generation import Citation as Citation
    from semsearch.answers.generation import Generator as Generator
    from semsearch.answers.generation import OpenAIChatGenerator as OpenAIChatGenerator
    from semsearch.answers.generation import TransformersGenerator as TransformersGenerator
    from semsearch.answers.generation import answer_stream as answer_stream
    from semsearch.answers.generation import build_messages as build_messages
    from semsearch.answers.generation import cited_numbers as cited_numbers
    from semsearch.answers.generation import generator_from_env as generator_from_env
    from semsearch.answers.reranker import DEFAULT_RERANKER as DEFAULT_RERANKER
    from semsearch.answers.reranker import Reranker as Reranker
    from semsearch.errors import GeneratorError as GeneratorError

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".generation": (
            "Citation",
            "Generator",
            "OpenAIChatGenerator",
            "TransformersGenerator",
            "answer_stream",
            "build_messages",
            "cited_numbers",
            "generator_from_env",
        ),
        ".reranker": ("DEFAULT_RERANKER", "Reranker"),
        "semsearch.errors": ("GeneratorError",),
    },
)
