"""Re-export a package's public names without importing its modules until one is used.

A package's ``__init__`` lists its public names and the module each lives in; the first
``package.Name`` imports that module and keeps the value. Importing a package (or any of
its submodules, which runs the package's ``__init__`` first) therefore costs nothing
beyond the package itself: ``semsearch.settings`` does not pull in torch, httpx2 or Milvus
because the packages above it re-export engines and stores.

Why not a library (``lazy_loader``): PEP 562's module ``__getattr__`` does it in a few
lines with the standard library. Type checkers read the same names from the package's
``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for ``package`` re-exporting ``modules``' names.

    ``modules`` maps a module (absolute, or relative to ``package`` with a leading dot) to
    the names it provides.
    """
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this hook
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module hook's own name
        return sorted(set(vars(sys.modules[package])) | set(where))

    return sorted(where), __getattr__, __dir__
