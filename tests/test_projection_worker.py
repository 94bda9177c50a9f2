"""UMAP and t-SNE run in a child process: the same points, clear errors, and a closed tab ends it.

The child is the real one (spawned, running the real ``project_2d``); the hook stands for
Streamlit's stop when a tab closes.
"""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from semsearch.analysis.projection import project_2d
from semsearch.analysis.projection_worker import ProjectionWorker
from semsearch.checkpoints import stoppable
from semsearch.errors import InvalidArgumentError, ProjectionError


class Stopped(BaseException):
    """What Streamlit raises inside its own call once a closed tab asked the run to stop."""


@pytest.fixture(scope="module")
def worker():
    maps = ProjectionWorker(poll=0.05)
    yield maps
    maps.stop()


def vectors(count: int, dim: int = 8) -> np.ndarray:
    rows = np.random.default_rng(7).normal(size=(count, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_child_draws_the_points_this_process_would(worker):
    rows = vectors(40)
    np.testing.assert_allclose(worker.project(rows, "tsne"), project_2d(rows, "tsne"), atol=1e-4)
    assert worker.has_run("tsne")
    # PCA stays here: no child needed, the same call.
    np.testing.assert_array_equal(worker.project(rows, "pca"), project_2d(rows, "pca"))


def test_what_project_2d_refuses_is_refused_with_its_words(worker):
    with pytest.raises(InvalidArgumentError, match="at least 3 vectors"):
        worker.project(vectors(2), "tsne")
    assert worker.project(vectors(12), "tsne").shape == (12, 2)  # the child lives on


def test_a_closed_tab_ends_the_child_and_the_next_map_starts_another(worker):
    worker.project(vectors(12), "tsne")
    child = worker._process
    assert child is not None

    checks: list[int] = []

    def tab_closed() -> None:
        checks.append(1)
        if len(checks) == 2:  # the first passes (its turn came); the tab closes at the next
            raise Stopped

    with pytest.raises(Stopped), stoppable(tab_closed, every=0.0):
        worker.project(vectors(1500, 32), "tsne")  # seconds of work: stopped while it runs
    assert not child.is_alive()
    assert not worker.has_run("tsne")  # a new child compiles anew: the spinner says so
    assert worker.project(vectors(12), "tsne").shape == (12, 2)


def test_a_child_that_dies_gives_a_clear_error_and_is_replaced(worker):
    worker.project(vectors(12), "tsne")
    child = worker._process
    assert child is not None

    def killed() -> None:
        os.kill(child.pid, signal.SIGKILL)

    ended = r"worker process ended \(exit code -9\)"
    with pytest.raises(ProjectionError, match=ended), stoppable(killed, every=0.0):
        worker.project(vectors(1500, 32), "tsne")
    assert worker.project(vectors(12), "tsne").shape == (12, 2)


def test_a_tab_closed_while_waiting_for_its_turn_leaves_the_child_alone(worker):
    worker.project(vectors(12), "tsne")
    child = worker._process

    def tab_closed() -> None:
        raise Stopped

    with pytest.raises(Stopped), stoppable(tab_closed, every=0.0):
        worker.project(vectors(12), "tsne")
    assert worker._process is child
    assert child.is_alive()
    assert worker.has_run("tsne")  # still compiled: the next map needs no new child
