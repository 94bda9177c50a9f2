"""settle(): freeze once per load, release a dropped model's cycles at the next one."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from semsearch.page.heap import note_load, settle


class Model:
    """Stands in for a loaded model: an object in a reference cycle, as torch modules are."""

    def __init__(self) -> None:
        self.me = self


class Box:
    """An object in no cycle."""


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process as it was


def test_settle_freezes_once_per_load() -> None:
    note_load()
    assert settle() is True
    assert gc.get_freeze_count() > 0
    assert settle() is False, "no load since: nothing to do"
    note_load()
    assert settle() is True


def test_a_dropped_model_is_released_at_the_next_settle() -> None:
    model = Model()
    alive = weakref.ref(model)
    note_load()
    settle()
    del model
    gc.collect()
    assert alive() is not None, "frozen: its cycle waits"
    note_load()
    settle()
    assert alive() is None, "thawed and collected before freezing again"


def test_frozen_objects_are_still_freed_by_reference_count() -> None:
    box = Box()
    alive = weakref.ref(box)
    note_load()
    settle()
    del box
    assert alive() is None, "no cycle: the last reference frees it, frozen or not"
