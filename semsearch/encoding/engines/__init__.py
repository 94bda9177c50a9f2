"""Engines: what turns texts into unit vectors (a local transformers model, a remote server)."""
