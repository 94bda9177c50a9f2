"""Keep Python's cycle collector off loaded models and their libraries, so no rerun waits on it.

A process that has loaded a model with torch and transformers and serves a Streamlit page
holds about half a million long-lived objects (functions, types, module dicts, the model's
modules). Every full ("generation 2") collection walks all of them: a few hundred
milliseconds on two cores, landing on a random page rerun once every few dozen. Moving them
to the permanent generation (:func:`gc.freeze`) leaves those collections only what the page
made since (bench/app_rerank.py, bench/RESULTS.md).

Frozen objects are still freed when their last reference goes; only reference cycles among
them wait (a model has some). That is why :func:`settle` thaws and collects before it
freezes again after another load: a model dropped in between is released then, and on a
GPU the memory it held is handed back to the device (PyTorch keeps freed blocks cached for
itself otherwise, where another process or a later, larger model cannot use them).
"""

from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()
_loads = 0
_settled_at = 0


def note_load() -> None:
    """Record that a model was loaded, so that the next :func:`settle` freezes again."""
    global _loads
    with _lock:
        _loads += 1


def settle() -> bool:
    """Freeze every live object if a model was loaded since the last time; returns whether it did.

    Call it once a loaded model has been used (its first encoding imports more of torch).
    It thaws what the last call froze, collects (releasing any model no longer referenced,
    cycles and all), and freezes what is alive. Until the next :func:`note_load`, further
    calls return at once, whichever session makes them.
    """
    global _settled_at
    with _lock:
        if _settled_at == _loads:
            return False
        gc.unfreeze()
        gc.collect()
        release_device_memory()
        gc.freeze()
        _settled_at = _loads
        return True


def release_device_memory() -> None:
    """Give the GPU memory of freed tensors back to the device (nothing without CUDA).

    Does not import torch: a process that never loaded it has no device memory to return.
    """
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
