"""The CUDA suite: the GPU code path proven on a GPU (``pytest -m cuda``)."""
