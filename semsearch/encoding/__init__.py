"""Texts to vectors: the embedder, its engines, prompts, batching and the vector cache."""
