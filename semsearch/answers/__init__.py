"""Answers with citations and second-stage reranking, from causal language models."""
