"""The public API: every package's ``__all__`` resolves, type checkers see the same names,
importing costs no heavy library, and every error class lives in ``semsearch/errors.py``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import semsearch
from semsearch import errors

PACKAGES = [
    "semsearch",
    "semsearch.analysis",
    "semsearch.answers",
    "semsearch.documents",
    "semsearch.encoding",
    "semsearch.encoding.engines",
    "semsearch.retrieval",
    "semsearch.retrieval.stores",
]
ROOT = Path(semsearch.__file__).parent


def type_checking_names(package: str) -> set[str]:
    path = Path(str(importlib.import_module(package).__file__))
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                assert isinstance(inner, ast.ImportFrom)
                names.update(alias.asname or alias.name for alias in inner.names)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package):
    module = importlib.import_module(package)
    assert module.__all__, f"{package} exports nothing"
    assert len(set(module.__all__)) == len(module.__all__)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "semsearch.retrieval.stores"])
def test_type_checkers_see_exactly_the_names_exported(package):
    exported = set(importlib.import_module(package).__all__) - {"__version__"}
    assert type_checking_names(package) == exported


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'semsearch' has no attribute 'nothing_here'"):
        _ = semsearch.nothing_here


def test_importing_the_packages_loads_no_heavy_library():
    code = (
        "import sys, semsearch, semsearch.encoding, semsearch.retrieval, semsearch.analysis, "
        "semsearch.answers, semsearch.documents, semsearch.encoding.engines, semsearch.settings\n"
        "heavy = ['torch', 'transformers', 'httpx2', 'pymilvus', 'pypdf', 'bm25s', 'sklearn']\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_error_class_is_defined_in_errors_py():
    error_names = {
        name for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.SemsearchError)
    }  # fmt: skip
    elsewhere = []
    for path in ROOT.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base).rpartition(".")[2] for base in node.bases}
                if bases & error_names:
                    elsewhere.append(f"{path.relative_to(ROOT)}:{node.name}")
    # What a user can see is a SemsearchError from errors.py. (Plain Exceptions that never
    # reach a user stay where they are used: the HTTP helper's retry signal, the serve
    # API's JSON errors.)
    assert elsewhere == []
    assert {"StoreError", "GeneratorError", "DocumentError", "NoTokenizerError",
            "DeviceOutOfMemory"} <= error_names  # fmt: skip
    from semsearch.answers.generation import GeneratorError
    from semsearch.retrieval.stores import StoreError

    assert (GeneratorError, StoreError) == (errors.GeneratorError, errors.StoreError)
