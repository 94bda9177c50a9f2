"""The code of another commit, unpacked for a benchmark's side-by-side baseline run.

``git archive`` into a temporary folder: no worktree, nothing in the repository changes.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(commit: str, into: Path, paths: tuple[str, ...] = ("semsearch",)) -> Path:
    """``paths`` (the ``semsearch`` package by default) of ``commit``, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, *paths],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into
